import { MIC_ANALYSIS_BLOCK, MIC_ANALYSIS_PROCESSOR, type MicAnalysisBlock, type MicAnalysisCommand } from './protocol';

/*
 * AudioWorklet processor of the microphone analysis: two inputs — 0 the microphone as sent, 1 the
 * room mix as played — downmixed to mono by the node, copied in render quanta into blocks of
 * MIC_ANALYSIS_BLOCK samples and posted to the page, which analyses them (mic-analyser.ts). Both
 * inputs come from the same render quanta, so the blocks are aligned to the sample. No outputs:
 * nothing is played. Loaded from its own bundled file (see worklet-url.ts).
 */

interface AudioWorkletProcessorBase {
  readonly port: MessagePort;
}
declare const AudioWorkletProcessor: { prototype: AudioWorkletProcessorBase; new (): AudioWorkletProcessorBase };
declare function registerProcessor(name: string, processor: new (options?: AudioWorkletNodeOptions) => AudioWorkletProcessorBase): void;

class MicAnalysisProcessor extends AudioWorkletProcessor {
  private running = false;
  private mic = new Float32Array(MIC_ANALYSIS_BLOCK);
  private room = new Float32Array(MIC_ANALYSIS_BLOCK);
  private roomHeard = false;
  private fill = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<MicAnalysisCommand>) => {
      this.running = event.data.type === 'start';
      this.fill = 0;
      this.roomHeard = false;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (!this.running) return true;
    const mic = inputs[0]?.[0];
    const room = inputs[1]?.[0];
    // An input with nothing connected has no channels: silence of one quantum.
    const length = mic?.length ?? room?.length ?? 128;
    let offset = 0;
    while (offset < length) {
      const take = Math.min(length - offset, MIC_ANALYSIS_BLOCK - this.fill);
      if (mic) this.mic.set(mic.subarray(offset, offset + take), this.fill);
      else this.mic.fill(0, this.fill, this.fill + take);
      if (room) {
        this.room.set(room.subarray(offset, offset + take), this.fill);
        this.roomHeard = true;
      } else {
        this.room.fill(0, this.fill, this.fill + take);
      }
      this.fill += take;
      offset += take;
      if (this.fill === MIC_ANALYSIS_BLOCK) this.post();
    }
    return true;
  }

  private post(): void {
    const message: MicAnalysisBlock = { type: 'block', mic: this.mic, room: this.roomHeard ? this.room : null };
    this.port.postMessage(message, this.roomHeard ? [this.mic.buffer, this.room.buffer] : [this.mic.buffer]);
    this.mic = new Float32Array(MIC_ANALYSIS_BLOCK);
    if (this.roomHeard) this.room = new Float32Array(MIC_ANALYSIS_BLOCK);
    this.fill = 0;
    this.roomHeard = false;
  }
}

registerProcessor(MIC_ANALYSIS_PROCESSOR, MicAnalysisProcessor);

import { PROGRAM_CAPTURE_PROCESSOR, type CaptureCommand, type CapturedFrame } from './capture-protocol';
import { StereoFrameChunker } from './frame-chunker';

/*
 * AudioWorklet processor of the program: takes the mixed program (microphone + room) in 128-sample
 * render quanta and posts whole 20 ms stereo frames to the sending worker's port (the sink), which encodes and sends them.
 * Loaded with `audioWorklet.addModule` from its own bundled file (see worklet-url.ts); it runs in
 * AudioWorkletGlobalScope, whose globals the DOM lib does not declare, so they are declared here.
 */

interface AudioWorkletProcessorBase {
  readonly port: MessagePort;
}
declare const AudioWorkletProcessor: { prototype: AudioWorkletProcessorBase; new (): AudioWorkletProcessorBase };
declare function registerProcessor(name: string, processor: new (options?: AudioWorkletNodeOptions) => AudioWorkletProcessorBase): void;
/** Graph time of the current quantum's first sample, in seconds. */
declare const currentTime: number;
/** The context's sample rate. */
declare const sampleRate: number;

class ProgramCaptureProcessor extends AudioWorkletProcessor {
  private capturing = false;
  /** Graph time of the first sample of the frame being filled. */
  private frameStart = 0;
  /** Where frames go: the sending worker's port; none, and the frame is dropped (the program has no other route). */
  private sink: MessagePort | null = null;
  private readonly chunker = new StereoFrameChunker((samples) => {
    const message: CapturedFrame = { type: 'frame', samples, contextTime: this.frameStart };
    this.sink?.postMessage(message, [samples.buffer]);
  });

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<CaptureCommand>) => {
      const command = event.data;
      if (command.type === 'sink') {
        this.sink?.close();
        this.sink = command.port;
        return;
      }
      this.capturing = command.type === 'start';
      this.chunker.reset();
      if (command.type === 'stop') {
        this.sink?.close();
        this.sink = null;
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (!this.capturing) return true;
    const channels = inputs[0] ?? [];
    // An input with nothing connected has no channels: that is silence, and the program keeps time.
    const length = channels[0]?.length ?? 128;
    if (this.chunker.pending === 0) this.frameStart = currentTime;
    const before = this.chunker.pending;
    this.chunker.push(channels[0], channels[1], length);
    // The quantum finished a frame and started the next one part-way through it.
    if (before + length > this.chunker.frameLength) this.frameStart = currentTime + (this.chunker.frameLength - before) / sampleRate;
    return true;
  }
}

registerProcessor(PROGRAM_CAPTURE_PROCESSOR, ProgramCaptureProcessor);

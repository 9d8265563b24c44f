import type { PcmFrame } from '../../shared/pcm-frame';
import { convertChannels, FRAME_SAMPLES, type AudioFrame, type ChannelCount, type PcmSource } from './audio-frame';
import { SampleFifo } from './sample-fifo';

/** How a push source is set up. */
export interface PushSourceOptions {
  channels: ChannelCount;
  /** Shown in the UI and logs; default "bridge PCM". */
  description?: string;
}

/**
 * Audio pushed in from outside — the bridge's PCM frames from the renderer's capture graph —
 * re-cut into exact 20 ms frames whatever size the blocks arrive in (an AudioWorklet delivers 128
 * samples at a time; a batch after a stall may hold 100 ms). Paced by the pusher, not a clock:
 * every complete frame goes to the sink synchronously inside {@link push}.
 */
export class PushSource implements PcmSource {
  readonly channels: ChannelCount;
  readonly description: string;
  private readonly fifo = new SampleFifo();
  private sink: ((frame: AudioFrame) => void) | null = null;
  private index = 0;

  constructor(options: PushSourceOptions) {
    this.channels = options.channels;
    this.description = options.description ?? 'bridge PCM';
  }

  /** Starts passing frames on; frame indexes start from 0. */
  start(sink: (frame: AudioFrame) => void): void {
    this.sink = sink;
    this.index = 0;
    this.fifo.clear();
  }

  /** Stops; a partial frame still queued is dropped. */
  stop(): void {
    this.sink = null;
    this.fifo.clear();
  }

  /**
   * Takes one block of 48 kHz interleaved audio (e.g. `decodePcmFrame(bytes).frame`), converting
   * its channel count if needed. Ignored while stopped. Returns the number of frames emitted.
   */
  push(block: Pick<PcmFrame, 'samples' | 'channels'>): number {
    if (!this.sink) return 0;
    this.fifo.push(convertChannels(block.samples, block.channels, this.channels));
    const needed = FRAME_SAMPLES * this.channels;
    let emitted = 0;
    while (this.fifo.length >= needed) {
      const sink: ((frame: AudioFrame) => void) | null = this.sink; // a sink may stop the source
      if (!sink) break;
      sink({ samples: this.fifo.shift(needed), channels: this.channels, index: this.index });
      this.index += 1;
      emitted += 1;
    }
    return emitted;
  }
}

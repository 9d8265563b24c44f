import type { Clock } from '../clock';
import { createLogger } from '../log/logger';
import { FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame, type ChannelCount, type PcmSource } from './audio-frame';
import { FramePacer } from './frame-pacer';

/** How a tone is set up. */
export interface ToneSourceOptions {
  frequencyHz: number;
  channels: ChannelCount;
  /** Peak level of the sine in dBFS; default −12. */
  amplitudeDbfs?: number;
  clock: Clock;
}

/** A sine tone at 48 kHz, paced in real time by the injected clock (the same sine on every channel). */
export class ToneSource implements PcmSource {
  readonly channels: ChannelCount;
  readonly description: string;
  private readonly amplitude: number;
  private readonly phaseStep: number;
  private phase = 0;
  private readonly pacer: FramePacer;
  private sink: ((frame: AudioFrame) => void) | null = null;

  constructor(options: ToneSourceOptions) {
    const { frequencyHz, channels, amplitudeDbfs = -12, clock } = options;
    if (!Number.isFinite(frequencyHz) || frequencyHz <= 0 || frequencyHz >= SAMPLE_RATE / 2) {
      throw new RangeError(`Tone frequency must be between 0 and ${SAMPLE_RATE / 2} Hz (exclusive), not ${frequencyHz}.`);
    }
    if (!Number.isFinite(amplitudeDbfs) || amplitudeDbfs > 0) {
      throw new RangeError(`Tone level must be 0 dBFS or below, not ${amplitudeDbfs}.`);
    }
    this.channels = channels;
    this.description = `tone ${frequencyHz} Hz at ${amplitudeDbfs} dBFS`;
    this.amplitude = 10 ** (amplitudeDbfs / 20);
    this.phaseStep = (2 * Math.PI * frequencyHz) / SAMPLE_RATE;
    this.pacer = new FramePacer({ clock, onFrame: (index) => this.emit(index), log: createLogger('audio/tone') });
  }

  /** Starts the tone; the first frame is emitted at once, then one every 20 ms. */
  start(sink: (frame: AudioFrame) => void): void {
    this.sink = sink;
    this.phase = 0;
    this.pacer.start();
  }

  /** Stops the tone. */
  stop(): void {
    this.pacer.stop();
    this.sink = null;
  }

  private emit(index: number): void {
    const samples = new Float32Array(FRAME_SAMPLES * this.channels);
    for (let i = 0; i < FRAME_SAMPLES; i += 1) {
      const value = this.amplitude * Math.sin(this.phase);
      this.phase += this.phaseStep;
      if (this.phase >= 2 * Math.PI) this.phase -= 2 * Math.PI;
      for (let channel = 0; channel < this.channels; channel += 1) samples[i * this.channels + channel] = value;
    }
    this.sink?.({ samples, channels: this.channels, index });
  }
}

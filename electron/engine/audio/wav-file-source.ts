import { basename } from 'node:path';
import type { Clock } from '../clock';
import { createLogger } from '../log/logger';
import { AudioFileError } from './audio-file-error';
import { convertChannels, FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame, type ChannelCount, type PcmSource } from './audio-frame';
import { FramePacer } from './frame-pacer';
import { StreamResampler } from './resampler';
import { SampleFifo } from './sample-fifo';
import { WavReader } from './wav-reader';
import { describeError } from '../../shared/describe-error';

/** How a file source ended. */
export type WavFileEnd = { reason: 'finished' } | { reason: 'failed'; error: AudioFileError };

/** How a file source is set up. */
export interface WavFileSourceOptions {
  path: string;
  /** Channels to produce; the file's own are converted (mono is copied to both sides, stereo is averaged). */
  channels: ChannelCount;
  /** Start again at the end (true) or end once (false). */
  loop: boolean;
  clock: Clock;
  /** Called once when a non-looping file has played its last frame, or when reading fails. */
  onEnd?: (end: WavFileEnd) => void;
}

/** Input read per refill: 100 ms of the file's own audio. */
const READ_MS = 100;

/**
 * Plays a WAV file as 48 kHz frames in real time, paced by the injected clock. The file is read in
 * 100 ms blocks with small synchronous reads as frames fall due (a long file never sits in memory),
 * resampled with libsamplerate when its rate is not 48 kHz, and channel-converted. A looped file
 * runs through the resampler as one continuous signal, so the loop point has no click from filter
 * restarts; a file played once ends with exactly its own duration (the last frame padded with silence).
 */
export class WavFileSource implements PcmSource {
  readonly description: string;
  private readonly fifo = new SampleFifo();
  private readonly pacer: FramePacer;
  private readonly log = createLogger('audio/file');
  private sink: ((frame: AudioFrame) => void) | null = null;
  private inputFramesRead = 0;
  private outputFramesQueued = 0;
  private drained = false;
  private ended = false;

  private constructor(
    private readonly options: WavFileSourceOptions,
    private readonly reader: WavReader,
    private readonly resampler: StreamResampler | null,
  ) {
    const { sampleRate, channels, format } = reader.info;
    const seconds = (reader.info.frames / sampleRate).toFixed(1);
    this.description = `${basename(options.path)} (${sampleRate} Hz ${channels === 1 ? 'mono' : 'stereo'} ${format}, ${seconds} s${options.loop ? ', looped' : ''})`;
    this.pacer = new FramePacer({ clock: options.clock, onFrame: (index) => this.emit(index), log: this.log });
  }

  /** Opens and checks the file; throws {@link AudioFileError} with what to do when it cannot be used. */
  static async open(options: WavFileSourceOptions): Promise<WavFileSource> {
    const reader = WavReader.open(options.path);
    try {
      const { sampleRate, channels } = reader.info;
      const resampler =
        sampleRate === SAMPLE_RATE ? null : await StreamResampler.create(Math.min(channels, options.channels), sampleRate, SAMPLE_RATE);
      return new WavFileSource(options, reader, resampler);
    } catch (error) {
      reader.close();
      throw error;
    }
  }

  /** Channels produced. */
  get channels(): ChannelCount {
    return this.options.channels;
  }

  /** Starts playing from the beginning of the file. */
  start(sink: (frame: AudioFrame) => void): void {
    if (this.ended) throw new Error(`${this.description} has ended; open the file again to replay it`);
    this.sink = sink;
    this.pacer.start();
  }

  /** Stops playing and closes the file; the source cannot be started again. */
  stop(): void {
    this.pacer.stop();
    this.sink = null;
    this.ended = true;
    this.reader.close();
    this.resampler?.close();
  }

  private emit(index: number): void {
    const needed = FRAME_SAMPLES * this.channels;
    if (!this.fill(needed)) return;
    let samples: Float32Array;
    if (this.fifo.length >= needed) {
      samples = this.fifo.shift(needed);
    } else {
      samples = new Float32Array(needed); // the last frame of a file played once: pad with silence
      samples.set(this.fifo.shift(this.fifo.length));
    }
    this.sink?.({ samples, channels: this.channels, index });
    // Read ahead so the end is known as soon as the last frame has gone out, not one frame later.
    if (this.fill(needed) && this.drained && this.fifo.length === 0) this.finish({ reason: 'finished' });
  }

  /** Queues at least one frame unless the file has ended; false (and the source finished) when reading failed. */
  private fill(needed: number): boolean {
    try {
      while (this.fifo.length < needed && !this.drained) this.refill();
      return true;
    } catch (error) {
      const failure = error instanceof AudioFileError ? error : new AudioFileError(this.options.path, 'unreadable', describeError(error));
      this.log.error(failure.message);
      this.finish({ reason: 'failed', error: failure });
      return false;
    }
  }

  /** Reads one block, converts it and queues it; at the end of a file played once, flushes the resampler. */
  private refill(): void {
    const { sampleRate, channels: fileChannels } = this.reader.info;
    let block = this.reader.read(Math.ceil((sampleRate * READ_MS) / 1000));
    if (block.length === 0) {
      if (this.options.loop) {
        this.reader.rewind();
        block = this.reader.read(Math.ceil((sampleRate * READ_MS) / 1000));
      } else {
        this.drain();
        return;
      }
    }
    this.inputFramesRead += block.length / fileChannels;
    this.queue(block, fileChannels);
  }

  /** Converts interleaved input at the file's rate and channel count into queued 48 kHz output. */
  private queue(block: Float32Array, fileChannels: ChannelCount): void {
    const target = this.channels;
    // Resample as few channels as possible: downmix before, upmix after.
    const resampleChannels = Math.min(fileChannels, target) as ChannelCount;
    const prepared = convertChannels(block, fileChannels, resampleChannels);
    const resampled = this.resampler ? this.resampler.process(prepared) : prepared;
    const output = convertChannels(resampled, resampleChannels, target);
    this.fifo.push(output);
    this.outputFramesQueued += output.length / target;
  }

  /** End of a file played once: push the resampler's withheld tail out with zeros, then trim to the exact duration. */
  private drain(): void {
    this.drained = true;
    if (!this.resampler) return;
    const { sampleRate } = this.reader.info;
    const expected = this.resampler.outputFramesFor(this.inputFramesRead);
    const zeros = new Float32Array(Math.ceil(sampleRate / 20) * this.resampler.channels); // 50 ms, far beyond the filter's reach
    for (let round = 0; round < 4 && this.outputFramesQueued < expected; round += 1)
      this.queue(zeros, this.resampler.channels as ChannelCount);
    const surplus = this.outputFramesQueued - expected;
    if (surplus > 0) this.fifo.truncate(Math.max(0, this.fifo.length - surplus * this.channels));
  }

  private finish(end: WavFileEnd): void {
    const { onEnd } = this.options;
    this.stop();
    onEnd?.(end);
  }
}

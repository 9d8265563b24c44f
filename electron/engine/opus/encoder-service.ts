import { Worker } from 'node:worker_threads';
import { FRAME_SAMPLES, type AudioFrame, type ChannelCount } from '../audio/audio-frame';
import { createLogger, type Logger } from '../log/logger';
import { DEFAULT_PROGRAM_LOUDNESS, type ProgramChainReading, type ProgramLoudness } from '../loudness/program-chain';
import { LIMITER_DELAY_SAMPLES } from '../loudness/true-peak-limiter';
import type { EncoderReply, EncoderRequest, EncoderWorkerConfig } from './encoder-protocol';
import { locateWorker, type WorkerLocation } from './worker-location';

/** Lowest bitrate the engine accepts, in kbit/s. */
export const MIN_BITRATE_KBPS = 16;
/** Highest bitrate the engine accepts, in kbit/s. */
export const MAX_BITRATE_KBPS = 256;

/** How the program is encoded. */
export interface OpusEncoderSettings {
  channels: ChannelCount;
  /** 16–256 kbit/s. */
  bitrateKbps: number;
  /** 0–10, default 10 (best quality per bit; the engine has the CPU to spare). */
  complexity?: number;
  /** Variable bitrate (unconstrained, like opusenc); default true. */
  vbr?: boolean;
  /** The program chain before the encoder; default −16 LUFS, −1 dBTP (see loudness/program-chain.ts). */
  loudness?: ProgramLoudness;
}

/** Where the encoder runs; tests and embedders may override. */
export interface OpusEncoderServiceOptions {
  /** The worker module; found next to the engine by default (see worker-location.ts). */
  worker?: WorkerLocation;
  log?: Logger;
}

/** The encoder stopped working: its worker failed, exited, or was closed. */
export class EncoderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncoderError';
  }
}

interface Pending {
  id: number;
  resolve: (packet: Uint8Array) => void;
  reject: (error: Error) => void;
}

/** Checks settings before a worker is started; throws RangeError naming the bad field. */
export function validateEncoderSettings(settings: OpusEncoderSettings): Required<OpusEncoderSettings> {
  const { channels, bitrateKbps, complexity = 10, vbr = true, loudness = DEFAULT_PROGRAM_LOUDNESS } = settings;
  if (channels !== 1 && channels !== 2) throw new RangeError(`channels must be 1 or 2, not ${String(channels)}`);
  checkBitrate(bitrateKbps);
  if (!Number.isInteger(complexity) || complexity < 0 || complexity > 10) {
    throw new RangeError(`complexity must be a whole number from 0 to 10, not ${complexity}`);
  }
  if (loudness !== 'off' && !(Number.isFinite(loudness.targetLufs) && Number.isFinite(loudness.truePeakDbtp))) {
    throw new RangeError('the loudness target and true-peak ceiling must be numbers (or the chain "off")');
  }
  return { channels, bitrateKbps, complexity, vbr, loudness };
}

function checkBitrate(kbps: number): void {
  if (!Number.isFinite(kbps) || kbps < MIN_BITRATE_KBPS || kbps > MAX_BITRATE_KBPS) {
    throw new RangeError(`bitrate must be ${MIN_BITRATE_KBPS}–${MAX_BITRATE_KBPS} kbit/s, not ${kbps}`);
  }
}

/**
 * The program's Opus encoder (libopus via opusscript), in its own worker thread so encoding never
 * blocks the engine's event loop. Application AUDIO, in-band FEC off, 20 ms frames.
 *
 * Ordering: {@link encode} returns a promise per frame; promises resolve in the order the frames
 * were passed in (one worker, one FIFO). {@link setBitrate} takes effect from the next frame passed
 * to `encode` after it, without restarting the stream.
 */
export class OpusEncoderService {
  readonly channels: ChannelCount;
  /** Samples (48 kHz) of encoder delay: the Ogg pre-skip. From OPUS_GET_LOOKAHEAD. */
  readonly lookaheadSamples: number;
  /** The worker's thread id (differs from the engine's). */
  readonly workerThreadId: number;
  /** The program chain this encoder runs before encoding. */
  readonly loudness: ProgramLoudness;
  /** Samples (48 kHz) by which the chain delays the program: the limiter's look-ahead, 0 when off. */
  readonly chainDelaySamples: number;
  private lastLoudness: ProgramChainReading | null = null;
  private bitrate: number;
  private nextId = 0;
  private readonly pending: Pending[] = [];
  private failure: EncoderError | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly log: Logger,
    settings: Required<OpusEncoderSettings>,
    ready: Extract<EncoderReply, { type: 'ready' }>,
  ) {
    this.channels = settings.channels;
    this.bitrate = settings.bitrateKbps;
    this.lookaheadSamples = ready.lookaheadSamples;
    this.workerThreadId = ready.threadId;
    this.loudness = settings.loudness;
    this.chainDelaySamples = settings.loudness === 'off' ? 0 : LIMITER_DELAY_SAMPLES;
    worker.on('message', (reply: EncoderReply) => this.onReply(reply));
    worker.on('error', (error) => this.fail(`the encoder thread failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(`the encoder thread exited unexpectedly (code ${code})`);
    });
  }

  /** Starts the worker and its encoder; resolves once libopus is ready and has told its lookahead. */
  static async create(settings: OpusEncoderSettings, options: OpusEncoderServiceOptions = {}): Promise<OpusEncoderService> {
    const valid = validateEncoderSettings(settings);
    const log = options.log ?? createLogger('opus');
    const location = options.worker ?? locateWorker('encoder-worker');
    const config: EncoderWorkerConfig = {
      channels: valid.channels,
      bitsPerSecond: Math.round(valid.bitrateKbps * 1000),
      complexity: valid.complexity,
      vbr: valid.vbr,
      frameSamples: FRAME_SAMPLES,
      loudness: valid.loudness,
    };
    const worker = new Worker(location.url, { workerData: config, name: 'steadycast-opus-encoder' });
    const ready = await new Promise<Extract<EncoderReply, { type: 'ready' }>>((resolve, reject) => {
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: EncoderReply): void => {
        cleanup();
        if (reply.type === 'ready') resolve(reply);
        else reject(new EncoderError(`the Opus encoder did not start: ${reply.type === 'failed' ? reply.message : reply.type}`));
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(new EncoderError(`the Opus encoder thread failed to start (${location.file}): ${error.message}`));
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new EncoderError(`the Opus encoder thread exited during start-up (code ${code})`));
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    log.info(
      `encoder ready: ${valid.channels === 2 ? 'stereo' : 'mono'} ${valid.bitrateKbps} kbit/s ${valid.vbr ? 'VBR' : 'CBR'}, ` +
        `complexity ${valid.complexity}, FEC off, loudness ${valid.loudness === 'off' ? 'off' : `${valid.loudness.targetLufs} LUFS / ${valid.loudness.truePeakDbtp} dBTP`}, lookahead ${ready.lookaheadSamples} samples (worker ${location.mode}, thread ${ready.threadId})`,
    );
    return new OpusEncoderService(worker, log, valid, ready);
  }

  /** The bitrate in kbit/s that applies to the next frame. */
  get bitrateKbps(): number {
    return this.bitrate;
  }

  /** The latest loudness reading of the program as encoded (ten a second), or null before the first. */
  get latestLoudness(): ProgramChainReading | null {
    return this.lastLoudness;
  }

  /** Frames sent to the worker whose packets have not come back yet. */
  get pendingFrames(): number {
    return this.pending.length;
  }

  /** Encodes one 20 ms frame; packets resolve in call order. */
  encode(frame: AudioFrame): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new EncoderError('the encoder is closed'));
    if (frame.channels !== this.channels || frame.samples.length !== FRAME_SAMPLES * this.channels) {
      return Promise.reject(
        new RangeError(
          `the encoder takes ${this.channels}-channel frames of ${FRAME_SAMPLES} samples; got ${frame.channels} channels, ${frame.samples.length} samples`,
        ),
      );
    }
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.push({ id, resolve, reject });
      // The samples are copied (structured clone), never transferred: the caller's frame stays usable.
      this.post({ type: 'encode', id, samples: frame.samples });
    });
  }

  /** Changes the bitrate from the next frame on (16–256 kbit/s); the stream goes on. */
  setBitrate(kbps: number): void {
    checkBitrate(kbps);
    if (this.failure || this.closing || kbps === this.bitrate) return;
    this.log.info(`bitrate ${this.bitrate} → ${kbps} kbit/s`);
    this.bitrate = kbps;
    this.post({ type: 'bitrate', bitsPerSecond: Math.round(kbps * 1000) });
  }

  /** Encodes what is queued, then stops the worker. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.failure) {
      await this.worker.terminate();
      return;
    }
    const closed = new Promise<void>((resolve) => {
      const onMessage = (reply: EncoderReply): void => {
        if (reply.type === 'closed') resolve();
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', () => resolve());
    });
    this.post({ type: 'close' });
    await closed;
    await this.worker.terminate();
    // Anything still pending can no longer be answered.
    this.rejectAll(new EncoderError('the encoder was closed'));
  }

  private post(request: EncoderRequest): void {
    this.worker.postMessage(request);
  }

  private onReply(reply: EncoderReply): void {
    switch (reply.type) {
      case 'packet': {
        const next = this.pending.shift();
        if (!next || next.id !== reply.id) {
          this.fail(`encoder replies out of order (expected frame ${next?.id ?? 'none'}, got ${reply.id})`);
          return;
        }
        if (reply.loudness) this.lastLoudness = reply.loudness;
        next.resolve(reply.data);
        return;
      }
      case 'failed': {
        if (reply.id === null) {
          this.fail(`the encoder reported: ${reply.message}`);
          return;
        }
        const next = this.pending.shift();
        if (!next || next.id !== reply.id) {
          this.fail(`encoder replies out of order (expected frame ${next?.id ?? 'none'}, got a failure for ${reply.id})`);
          return;
        }
        const error = new EncoderError(`frame ${reply.id} could not be encoded: ${reply.message}`);
        this.log.error(error.message);
        next.reject(error);
        return;
      }
      case 'ready':
      case 'closed':
        return;
    }
  }

  private fail(message: string): void {
    if (this.failure) return;
    this.failure = new EncoderError(message);
    this.log.error(message);
    this.rejectAll(this.failure);
  }

  private rejectAll(error: Error): void {
    for (const waiting of this.pending.splice(0)) waiting.reject(error);
  }
}

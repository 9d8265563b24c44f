import type { BroadcastStatus, Meters, OutputState, OutputStatus } from '../../shared/broadcast';
import type { EventPayload } from '../../shared/contract';
import type { LoudnessMeters } from '../../shared/loudness';
import { convertChannels, FRAME_MS, FRAME_SAMPLES, type AudioFrame, type ChannelCount, type PcmSource } from '../audio/audio-frame';
import { LevelMeter, SilenceDetector } from '../audio/meters';
import type { Clock } from '../clock';
import {
  DEFAULT_ICECAST_THRESHOLDS,
  IcecastOutput,
  type BacklogPolicy,
  type IcecastOutputState,
  type IcecastThresholds,
} from '../icecast/icecast-output';
import { createLogger, type Logger } from '../log/logger';
import { DEFAULT_PROGRAM_LOUDNESS, type ProgramChainReading, type ProgramLoudness } from '../loudness/program-chain';
import { OpusEncoderService } from '../opus/encoder-service';
import { SafetyRecorder } from '../recording/safety-recorder';
import { redactUrl } from '../redact';
import { BitrateLadder, type BitrateLadderOptions } from '../resilience/bitrate-ladder';
import type { BroadcastChange, BroadcastControl } from './broadcast-control';
import { describeError } from '../../shared/describe-error';
import { assertNever } from '../../shared/assert-never';

/*
 * The program path: one source, metered, encoded once, fanned out to every Icecast output and to
 * the safety recording.
 *
 *   source ─► meters ─► [worker: loudness chain ─► Opus encoder] ─┬─► output 1 (own socket, own Ogg stream, own retries)
 *                                                                 ├─► output n
 *                                                                 └─► safety recording (every packet, no gaps)
 *
 * The peak/RMS meters read the source as it comes; the loudness meter reads the program as it
 * leaves the chain (levelled and limited), which is what the audience hears.
 *
 * An output only ever receives packets through pushPacket, which is O(1) and never throws, so a
 * failing or slow output cannot delay another or the recording. The bitrate ladder watches the
 * worst live output's backlog and moves the encoder's bitrate without restarting any stream.
 */

/** One Icecast output of a broadcast. */
export interface BroadcastOutputConfig {
  /** Stable id, e.g. "primary" or "0". */
  id: string;
  label: string;
  /** Mount URL with source credentials. */
  url: string;
  backlogPolicy?: BacklogPolicy;
  catchUpLimitMs?: number;
}

/** Everything a broadcast is made of; side effects are passed in. */
export interface BroadcastOptions {
  source: PcmSource;
  channels: ChannelCount;
  bitrateKbps: number;
  complexity?: number;
  /** The program chain before the encoder (default −16 LUFS, −1 dBTP; 'off' sends the program as it comes). */
  loudness?: ProgramLoudness;
  outputs: BroadcastOutputConfig[];
  recording?: { path: string; splitEveryBytes?: number; splitEveryMs?: number } | null;
  metadata: { name: string; description?: string; public?: boolean };
  clock: Clock;
  random: () => number;
  silence?: { thresholdDbfs?: number; durationMs?: number };
  /** Step the bitrate down when outputs fall behind (default true). */
  adaptiveBitrate?: boolean;
  ladder?: Partial<Omit<BitrateLadderOptions, 'configuredKbps' | 'clock' | 'onChange'>>;
  outputThresholds?: Partial<IcecastThresholds>;
  outputBackoff?: ConstructorParameters<typeof IcecastOutput>[0]['backoff'];
  /** Meters are sent every this many frames (default 5: ten times a second). */
  meterEveryFrames?: number;
  logger?: Logger;
}

/** Latency from a frame entering the pipeline to its packet being handed to the outputs. */
export interface LatencySample {
  frameIndex: number;
  ms: number;
}

const STATUS_TICK_MS = 1000;
const LATENCY_SAMPLES_KEPT = 3000;

/** A running broadcast; see the diagram above. */
export class Broadcast implements BroadcastControl {
  private readonly listeners = new Set<(change: BroadcastChange) => void>();
  private readonly log: Logger;
  private readonly meter = new LevelMeter();
  private readonly silence: SilenceDetector;
  private readonly ladder: BitrateLadder | null;
  private readonly startedAt: number;
  private readonly latencies: LatencySample[] = [];
  private readonly noticeCategory = new Map<string, string>();
  private statusTimer: unknown;
  private phase: 'live' | 'stopping' | 'ended' = 'live';
  private framesIn = 0;
  private packetsOut = 0;
  private encodeChain: Promise<void> = Promise.resolve();
  private encoderFailed = false;
  private endedResolve!: (status: BroadcastStatus) => void;
  /** Resolves with the final status once the broadcast has ended (stopped, or the source ran out). */
  readonly ended: Promise<BroadcastStatus>;

  private constructor(
    private readonly options: BroadcastOptions,
    private readonly encoder: OpusEncoderService,
    private readonly outputs: Map<string, { config: BroadcastOutputConfig; output: IcecastOutput }>,
    private readonly recorder: SafetyRecorder | null,
  ) {
    this.log = options.logger ?? createLogger('broadcast', () => options.clock.now());
    this.silence = new SilenceDetector(options.silence ?? {});
    this.startedAt = options.clock.now();
    this.ended = new Promise((resolve) => (this.endedResolve = resolve));
    this.ladder =
      options.adaptiveBitrate === false
        ? null
        : new BitrateLadder({
            ...options.ladder,
            configuredKbps: options.bitrateKbps,
            clock: options.clock,
            onChange: (change) => {
              this.encoder.setBitrate(change.to);
              for (const { output } of this.outputs.values()) output.setBitrate(change.to);
              const message =
                change.reason === 'congested'
                  ? `Bitrate stepped down from ${change.from} to ${change.to} kbit/s: an output fell ${Math.round(change.backlogMs)} ms behind.`
                  : `Bitrate back up from ${change.from} to ${change.to} kbit/s: the uplink kept up.`;
              this.notice('bitrate-changed', change.reason === 'congested' ? 'warn' : 'info', message);
              this.emitStatus();
            },
          });
  }

  /** Starts the encoder, outputs and recording, then the source; resolves once audio flows. */
  static async start(options: BroadcastOptions): Promise<Broadcast> {
    if (options.outputs.length === 0 && !options.recording) {
      throw new Error('A broadcast needs at least one Icecast output or a recording.');
    }
    const ids = new Set(options.outputs.map((output) => output.id));
    if (ids.size !== options.outputs.length) throw new Error('Output ids must be unique.');

    const encoder = await OpusEncoderService.create({
      channels: options.channels,
      bitrateKbps: options.bitrateKbps,
      complexity: options.complexity ?? 10,
      vbr: true,
      loudness: options.loudness ?? DEFAULT_PROGRAM_LOUDNESS,
    });
    // Outputs and the recorder report to the broadcast, which is built after them.
    const ref: { current?: Broadcast } = {};
    const recorder = options.recording
      ? new SafetyRecorder({
          path: options.recording.path,
          channels: options.channels,
          preSkip: encoder.lookaheadSamples,
          clock: options.clock,
          splitEveryBytes: options.recording.splitEveryBytes,
          splitEveryMs: options.recording.splitEveryMs,
          tags: { TITLE: options.metadata.name },
          random: options.random,
          onEvent: (event) => ref.current?.onRecordingEvent(event),
        })
      : null;
    const outputs = new Map<string, { config: BroadcastOutputConfig; output: IcecastOutput }>();
    for (const config of options.outputs) {
      const output = new IcecastOutput({
        id: config.id,
        url: config.url,
        metadata: {
          name: options.metadata.name,
          description: options.metadata.description,
          public: options.metadata.public ?? false,
          audioInfo: { bitrate: options.bitrateKbps, channels: options.channels, samplerate: 48_000 },
        },
        channels: options.channels,
        preSkip: encoder.lookaheadSamples,
        clock: options.clock,
        random: options.random,
        backlogPolicy: config.backlogPolicy ?? 'live',
        catchUpLimitMs: config.catchUpLimitMs,
        thresholds: { ...DEFAULT_ICECAST_THRESHOLDS, ...options.outputThresholds },
        backoff: options.outputBackoff,
        tags: { TITLE: options.metadata.name },
        onChange: (state) => ref.current?.onOutputChange(config, state),
      });
      outputs.set(config.id, { config, output });
    }

    const broadcast = new Broadcast(options, encoder, outputs, recorder);
    ref.current = broadcast;
    try {
      recorder?.start();
    } catch (error) {
      await encoder.close();
      throw error;
    }
    for (const { output } of outputs.values()) output.start();
    broadcast.scheduleStatusTick();
    options.source.start((frame) => broadcast.acceptFrame(frame));
    broadcast.log.info(
      `on air: ${options.source.description} → ${options.outputs.length} output(s)${recorder ? ` + recording ${options.recording?.path ?? ''}` : ''} at ${options.bitrateKbps} kbit/s`,
    );
    return broadcast;
  }

  /** The program's state, for the engine state and the UI. */
  status(): BroadcastStatus {
    const loudness = this.loudnessMeters();
    return {
      status: this.phase === 'live' ? 'live' : 'stopping',
      startedAt: this.startedAt,
      source: this.options.source.description,
      channels: this.options.channels,
      bitrateKbps: this.ladder?.kbps ?? this.options.bitrateKbps,
      configuredBitrateKbps: this.options.bitrateKbps,
      outputs: [...this.outputs.values()].map(({ config, output }) => toOutputStatus(config, output.state)),
      recording: this.recordingStatus(),
      ...(loudness ? { loudness } : {}),
    };
  }

  /** The program's loudness as it leaves the chain, or null before the first reading. */
  loudnessMeters(): LoudnessMeters | null {
    const reading = this.encoder.latestLoudness;
    return reading ? toLoudnessMeters(reading, this.encoder.loudness) : null;
  }

  /** The raw state of each output, for the CLI's JSON lines. */
  outputStates(): { id: string; label: string; state: IcecastOutputState }[] {
    return [...this.outputs.values()].map(({ config, output }) => ({ id: config.id, label: config.label, state: output.state }));
  }

  /** Latest frame-to-socket latencies (bounded), for benchmarks. */
  latencySamples(): readonly LatencySample[] {
    return this.latencies;
  }

  /** Frames that entered the pipeline and packets handed to outputs so far. */
  counters(): { framesIn: number; packetsOut: number; pendingFrames: number } {
    return { framesIn: this.framesIn, packetsOut: this.packetsOut, pendingFrames: this.encoder.pendingFrames };
  }

  retryOutput(outputId: string): boolean {
    return this.outputs.get(outputId)?.output.retryNow() ?? false;
  }

  subscribe(listener: (change: BroadcastChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Ends the show cleanly: the source stops, every frame already taken is encoded, recorded and
   * sent, then outputs close with an end-of-stream page and the recording gets its last page.
   */
  async stop(): Promise<BroadcastStatus> {
    if (this.phase !== 'live') return this.ended;
    this.phase = 'stopping';
    this.options.source.stop();
    this.emitStatus();
    await this.encodeChain;
    await this.encoder.close().catch((error: unknown) => this.log.error('closing the encoder failed', error));
    await Promise.all(
      [...this.outputs.values()].map(({ output }) =>
        output.stop().catch((error: unknown) => this.log.error('stopping an output failed', error)),
      ),
    );
    this.recorder?.stop();
    this.options.clock.clearTimeout(this.statusTimer);
    this.phase = 'ended';
    const final = this.status();
    this.log.info(`off air after ${Math.round((this.options.clock.now() - this.startedAt) / 1000)} s; ${this.packetsOut} packets`);
    this.publish({ kind: 'ended', status: final });
    this.endedResolve(final);
    return final;
  }

  private acceptFrame(incoming: AudioFrame): void {
    if (this.phase !== 'live') return;
    const enteredAt = performance.now();
    const frame =
      incoming.channels === this.options.channels
        ? incoming
        : {
            ...incoming,
            channels: this.options.channels,
            samples: convertChannels(incoming.samples, incoming.channels, this.options.channels),
          };
    const frameIndex = this.framesIn++;

    const reading = this.meter.update(frame);
    const transition = this.silence.update(reading.rmsDbfs, frameIndex * FRAME_MS);
    if (transition?.type === 'silence-started') {
      this.notice(
        'silence-started',
        'warn',
        `Silence on air: the program has been below the silence threshold for ${Math.round((transition.at - transition.since) / 1000)} s.`,
      );
    } else if (transition?.type === 'silence-ended') {
      this.notice('silence-ended', 'info', `Audio is back after ${Math.round(transition.silentMs / 1000)} s of silence.`);
    }
    if (frameIndex % (this.options.meterEveryFrames ?? 5) === 0) this.publish({ kind: 'meters', meters: this.meters(reading) });

    const encoded = this.encoder.encode(frame);
    // Packets leave in frame order: each send waits for the previous one.
    this.encodeChain = this.encodeChain.then(async () => {
      let packet: Uint8Array;
      try {
        packet = await encoded;
      } catch (error) {
        if (!this.encoderFailed) this.log.error('the encoder failed; the program is off air', error);
        this.encoderFailed = true;
        return;
      }
      for (const { output } of this.outputs.values()) output.pushPacket(packet, FRAME_SAMPLES);
      this.recorder?.writePacket(packet, FRAME_SAMPLES);
      this.packetsOut += 1;
      this.latencies.push({ frameIndex, ms: performance.now() - enteredAt });
      if (this.latencies.length > LATENCY_SAMPLES_KEPT) this.latencies.splice(0, this.latencies.length - LATENCY_SAMPLES_KEPT);
      if (this.ladder && frameIndex % 5 === 0) this.ladder.update(this.worstLiveBacklogMs());
    });
    if (this.encoderFailed) void this.stopAfterEncoderFailure();
  }

  private async stopAfterEncoderFailure(): Promise<void> {
    if (this.phase === 'live') await this.stop();
  }

  /**
   * How far behind the worst live output is. Congestion, not just Node's socket backlog: the kernel
   * absorbs seconds of audio before writes slow down, so the output also measures probe delay.
   */
  private worstLiveBacklogMs(): number {
    let worst = 0;
    for (const { output } of this.outputs.values()) if (output.state.kind === 'live') worst = Math.max(worst, output.congestionMs);
    return worst;
  }

  private meters(reading: { peakDbfs: number; rmsDbfs: number }): Meters {
    const loudness = this.loudnessMeters();
    return {
      peakDbfs: reading.peakDbfs,
      rmsDbfs: reading.rmsDbfs,
      clippedSamples: this.meter.clippedSamples,
      silent: this.silence.isSilent,
      ...(loudness ? { loudness } : {}),
    };
  }

  private onOutputChange(config: BroadcastOutputConfig, state: IcecastOutputState): void {
    const where = `${config.label} (${redactUrl(config.url)})`;
    // One notice per change that matters to a host (up, down, given up), not one per attempt.
    const category =
      state.kind === 'live' ? 'up' : state.kind === 'retrying' ? 'down' : state.kind === 'stopped' ? `stopped:${state.reason}` : null;
    const previous = this.noticeCategory.get(config.id);
    if (category !== null) this.noticeCategory.set(config.id, category);
    if (category === null || category === previous) {
      this.emitStatus();
      return;
    }
    switch (state.kind) {
      case 'live':
        this.notice('output-changed', 'info', `${where} is live.`);
        break;
      case 'retrying':
        this.notice('output-changed', 'warn', `${where} is retrying: ${state.lastError.message}`);
        break;
      case 'stopped':
        if (state.reason !== 'requested')
          this.notice('output-changed', 'error', `${where} stopped: ${state.lastError?.message ?? state.reason}`);
        break;
      case 'connecting':
        break;
      default:
        assertNever(state);
    }
    this.emitStatus();
  }

  private onRecordingEvent(event: { type: string; path?: string }): void {
    if (event.type === 'file-opened' && (this.recorder?.state.files.length ?? 0) > 1) {
      this.notice('recording-split', 'info', `Recording continues in ${event.path ?? 'a new file'}.`);
    }
    if (event.type === 'failed')
      this.notice('recording-split', 'error', `The safety recording failed: ${this.recorder?.state.error ?? 'unknown error'}`);
    this.emitStatus();
  }

  private recordingStatus(): BroadcastStatus['recording'] {
    if (!this.recorder) return null;
    const state = this.recorder.state;
    return {
      path: state.path ?? this.options.recording?.path ?? '',
      bytes: state.bytesWritten,
      durationMs: Math.round(state.durationSeconds * 1000),
      files: Math.max(1, state.files.length),
    };
  }

  private scheduleStatusTick(): void {
    this.statusTimer = this.options.clock.setTimeout(() => {
      if (this.phase === 'ended') return;
      this.emitStatus();
      this.scheduleStatusTick();
    }, STATUS_TICK_MS);
  }

  private emitStatus(): void {
    this.publish({ kind: 'status', status: this.status() });
  }

  private notice(kind: EventPayload<'broadcast:notice'>['kind'], level: EventPayload<'broadcast:notice'>['level'], message: string): void {
    if (level === 'info') this.log.info(message);
    else if (level === 'warn') this.log.warn(message);
    else this.log.error(message);
    this.publish({ kind: 'notice', notice: { at: this.options.clock.now(), kind, level, message } });
  }

  private publish(change: BroadcastChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.log.error(`a broadcast listener failed: ${describeError(error)}`);
      }
    }
  }
}

/** The contract's view of a loudness reading (numbers rounded to 0.1, as a meter shows them). */
export function toLoudnessMeters(reading: ProgramChainReading, loudness: ProgramLoudness): LoudnessMeters {
  // Below −120 nothing is audible or measurable: no reading rather than a number the contract bounds.
  const tenth = (value: number | null): number | null => (value === null || !(value > -120) ? null : Math.round(value * 10) / 10);
  return {
    momentaryLufs: tenth(reading.momentaryLufs),
    shortTermLufs: tenth(reading.shortTermLufs),
    integratedLufs: tenth(reading.integratedLufs),
    rangeLu: tenth(reading.rangeLu),
    truePeakDbtp: tenth(reading.truePeakDbtp),
    targetLufs: loudness === 'off' ? null : loudness.targetLufs,
    ceilingDbtp: loudness === 'off' ? null : loudness.truePeakDbtp,
    levellerGainDb: Math.round(reading.levellerGainDb * 10) / 10,
    limiterGainDb: Math.max(-120, Math.round(reading.limiterGainDb * 10) / 10),
  };
}

/** The contract's view of one output's state. */
export function toOutputState(state: IcecastOutputState): OutputState {
  switch (state.kind) {
    case 'connecting':
      return { status: 'connecting', attempt: Math.max(1, state.attempt), since: state.since };
    case 'live':
      return { status: 'live', since: state.since, bytesSent: state.bytesSent, backlogMs: state.backlogMs };
    case 'retrying':
      return {
        status: 'retrying',
        attempt: state.attempt,
        since: state.since,
        nextAttemptAt: state.nextAttemptAt,
        errorClass: state.lastError.errorClass,
        error: state.lastError.message.slice(0, 500),
      };
    case 'stopped': {
      if (state.reason !== 'rejected') return { status: 'stopped', since: state.since, reason: 'requested', message: 'Stopped.' };
      const message = (state.lastError?.message ?? 'The server refused this source.').slice(0, 500);
      return { status: 'stopped', since: state.since, reason: state.lastError?.errorClass === 'auth' ? 'auth' : 'fatal', message };
    }
    default:
      return assertNever(state);
  }
}

function toOutputStatus(config: BroadcastOutputConfig, state: IcecastOutputState): OutputStatus {
  return { id: config.id, label: config.label, url: redactUrl(config.url), state: toOutputState(state) };
}

import { MIC_REPORTS_PER_SECOND, SILENCE_DBFS, type MicReport, type MicVoice } from '../../../electron/shared/mic-report';
import { EchoBand, EchoEstimator, type EchoEstimate } from './echo';
import { Resampler } from './filters';
import { LevelMeter } from './level';
import type { VoiceActivityDetector } from './vad';
import { VOICE_SAMPLE_RATE, VoiceAnalyser, type VoiceVerdict } from './voice';

/*
 * The microphone analysis of one speaker's app: takes blocks of microphone samples and, aligned
 * with them, of the room mix this app plays (any block size, the audio context's rate), and emits
 * a MicReport for every 200 ms of microphone audio:
 *
 *   mic ──┬─ level meter (input rate: true RMS and peak)
 *         └─ resample to 16 kHz ──┬─ voice analysis (libfvad + features) ─► voice, speechProbability
 *                                  └─ 200–1500 Hz, 4 kHz ─┐
 *   room ─── resample to 16 kHz ──── 200–1500 Hz, 4 kHz ─┴─ echo estimator ─► echoScore, echoDelayMs
 *
 * Pure: no clock of its own (`now` is injected and only stamps reports), no DOM, no Node.
 */

/** Below this window level (RMS, dBFS) the window is silence, whatever else it holds. */
export const SILENCE_GATE_DBFS = -50;

/** What a {@link MicAnalyser} needs. */
export interface MicAnalyserOptions {
  /** Rate of the blocks pushed (the audio context's). */
  sampleRate: number;
  /** A libfvad detector at 16 kHz (see vad.ts); null judges on the features alone (tests of the fallback). */
  vad: VoiceActivityDetector | null;
  /** Stamps reports (ms since the epoch). */
  now(): number;
  onReport(report: MicReport): void;
  /** Report interval in ms of audio (default 1000 / MIC_REPORTS_PER_SECOND = 200). */
  reportIntervalMs?: number;
}

/** A report with what it was decided on (tests and tuning). */
export interface MicAnalysisDetail {
  verdict: VoiceVerdict;
  echo: EchoEstimate;
}

/** Analyses one microphone against the room mix. */
export class MicAnalyser {
  private readonly level = new LevelMeter();
  private readonly voice: VoiceAnalyser;
  private readonly micResampler: Resampler;
  private readonly roomResampler: Resampler;
  private readonly micBand = new EchoBand(VOICE_SAMPLE_RATE);
  private readonly roomBand = new EchoBand(VOICE_SAMPLE_RATE);
  private readonly echo = new EchoEstimator();
  private readonly windowSamples: number;
  private windowFill = 0;
  /**
   * Resampled room samples not yet paired with microphone samples. Both resamplers see blocks of
   * the same lengths at the same rate, so they emit in step and the queue empties every block.
   */
  private readonly roomQueue: number[] = [];
  private roomQueueAt = 0;
  private lastDetail: MicAnalysisDetail | null = null;

  constructor(private readonly options: MicAnalyserOptions) {
    this.voice = new VoiceAnalyser(options.vad);
    this.micResampler = new Resampler(options.sampleRate, VOICE_SAMPLE_RATE);
    this.roomResampler = new Resampler(options.sampleRate, VOICE_SAMPLE_RATE);
    this.windowSamples = Math.round((options.sampleRate * (options.reportIntervalMs ?? 1000 / MIC_REPORTS_PER_SECOND)) / 1000);
  }

  /** What the last report was decided on. */
  get detail(): MicAnalysisDetail | null {
    return this.lastDetail;
  }

  /**
   * Takes one block of microphone samples and the room mix of the same instants (same length;
   * null without a room). Emits a report each time 200 ms of microphone audio are complete.
   */
  push(mic: ArrayLike<number>, room: ArrayLike<number> | null): void {
    if (room !== null && room.length !== mic.length)
      throw new Error(`microphone and room blocks differ in length (${mic.length} and ${room.length})`);
    let offset = 0;
    while (offset < mic.length) {
      const take = Math.min(mic.length - offset, this.windowSamples - this.windowFill);
      const micPart = slice(mic, offset, take);
      const roomPart = room === null ? null : slice(room, offset, take);
      this.analyse(micPart, roomPart);
      offset += take;
      this.windowFill += take;
      if (this.windowFill === this.windowSamples) {
        this.windowFill = 0;
        this.report();
      }
    }
  }

  /** Frees the voice activity detector. */
  dispose(): void {
    this.options.vad?.dispose();
  }

  private analyse(mic: ArrayLike<number>, room: ArrayLike<number> | null): void {
    this.level.add(mic);
    // The room first: its resampled samples wait in the queue for the microphone's of the same instants.
    // Without a room, silence keeps the room's filters and history in step.
    this.roomResampler.process(room ?? new Float32Array(mic.length), (sample) => this.roomQueue.push(sample));
    this.micResampler.process(mic, (sample) => {
      this.voice.push(sample);
      const roomSample = this.roomQueueAt < this.roomQueue.length ? (this.roomQueue[this.roomQueueAt++] as number) : 0;
      const micEcho = this.micBand.process(sample);
      const roomEcho = this.roomBand.process(roomSample);
      if (micEcho !== null && roomEcho !== null) this.echo.push(micEcho, roomEcho);
    });
    if (this.roomQueueAt > 0) {
      this.roomQueue.splice(0, this.roomQueueAt);
      this.roomQueueAt = 0;
    }
  }

  private report(): void {
    const levelDbfs = this.level.levelDbfs;
    const peakDbfs = this.level.peakDbfs;
    this.level.reset();
    const verdict = this.voice.classify();
    // Digital silence is a muted (disabled) track: nothing is sent, so nothing is echoed any more.
    if (levelDbfs === SILENCE_DBFS) this.echo.reset();
    const echo = this.echo.estimate();
    this.lastDetail = { verdict, echo };
    const silent = levelDbfs < SILENCE_GATE_DBFS;
    const voice: MicVoice = silent ? 'silence' : verdict.voice;
    this.options.onReport({
      at: this.options.now(),
      levelDbfs: round(levelDbfs, 1),
      peakDbfs: round(peakDbfs, 1),
      voice,
      speechProbability: silent ? 0 : round(verdict.speechProbability, 3),
      echoScore: round(Math.min(1, Math.max(0, echo.score)), 3),
      echoDelayMs: echo.delayMs === null ? null : Math.round(echo.delayMs),
    });
  }
}

function slice(samples: ArrayLike<number>, offset: number, length: number): ArrayLike<number> {
  if (offset === 0 && length === samples.length) return samples;
  if (samples instanceof Float32Array || samples instanceof Float64Array) return samples.subarray(offset, offset + length);
  return Array.prototype.slice.call(samples, offset, offset + length) as number[];
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

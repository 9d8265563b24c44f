import { FRAME_MS, type AudioFrame } from './audio-frame';

/** Level reported for digital silence (−∞ dBFS), so readings stay plain JSON numbers. */
export const SILENCE_FLOOR_DBFS = -120;

/** Levels of one frame, over all channels. */
export interface LevelReading {
  /** Largest absolute sample, in dBFS (0 = full scale); {@link SILENCE_FLOOR_DBFS} at most quiet. */
  peakDbfs: number;
  /** Root mean square in dBFS (a full-scale sine reads −3.01); {@link SILENCE_FLOOR_DBFS} at most quiet. */
  rmsDbfs: number;
  /** Samples at or beyond full scale (|x| ≥ 1.0). */
  clipped: number;
}

/** Amplitude → dBFS, floored so silence is a finite number. */
export function toDbfs(amplitude: number): number {
  if (!(amplitude > 0)) return SILENCE_FLOOR_DBFS;
  return Math.max(SILENCE_FLOOR_DBFS, 20 * Math.log10(amplitude));
}

/** Measures peak, RMS and clipped samples of one frame. */
export function measureFrame(frame: AudioFrame): LevelReading {
  const { samples } = frame;
  let peak = 0;
  let sumSquares = 0;
  let clipped = 0;
  for (const sample of samples) {
    const magnitude = Math.abs(sample);
    if (magnitude > peak) peak = magnitude;
    if (magnitude >= 1) clipped += 1;
    sumSquares += sample * sample;
  }
  const rms = samples.length > 0 ? Math.sqrt(sumSquares / samples.length) : 0;
  return { peakDbfs: toDbfs(peak), rmsDbfs: toDbfs(rms), clipped };
}

/** Keeps the latest reading of a stream of frames and counts every clipped sample since the last reset. */
export class LevelMeter {
  private last: LevelReading | null = null;
  private clippedTotal = 0;
  private framesMeasured = 0;

  /** Measures a frame and remembers it. */
  update(frame: AudioFrame): LevelReading {
    const reading = measureFrame(frame);
    this.last = reading;
    this.clippedTotal += reading.clipped;
    this.framesMeasured += 1;
    return reading;
  }

  /** The latest frame's reading, or null before the first frame. */
  get latest(): LevelReading | null {
    return this.last;
  }

  /** Clipped samples counted since the start or the last {@link reset}. */
  get clippedSamples(): number {
    return this.clippedTotal;
  }

  /** Frames measured since the start or the last {@link reset}. */
  get frames(): number {
    return this.framesMeasured;
  }

  /** Clears the clipping count (e.g. when the operator acknowledges it). */
  reset(): void {
    this.clippedTotal = 0;
    this.framesMeasured = 0;
  }
}

/** How long and how quiet counts as dead air. */
export interface SilenceDetectorOptions {
  /** A frame whose RMS is below this is quiet; default −50 dBFS. */
  thresholdDbfs?: number;
  /** Quiet this long (ms of audio) raises `silence-started`; default 10 000. */
  durationMs?: number;
}

/** A change between sound and dead air. */
export type SilenceTransition =
  | { type: 'silence-started'; /** When the quiet began (time of its first quiet frame). */ since: number; at: number }
  | { type: 'silence-ended'; /** Quiet that was reported, from its first frame to the first loud one. */ silentMs: number; at: number };

/**
 * Detects dead air from per-frame RMS levels. Pure and clock-free: the caller passes each frame's
 * start time, so it runs on simulated time in tests and on capture time live. Any single frame at
 * or above the threshold ends the quiet; `silence-ended` is raised only after a `silence-started`.
 */
export class SilenceDetector {
  private readonly thresholdDbfs: number;
  private readonly durationMs: number;
  private quietSince: number | null = null;
  private silent = false;

  constructor(options: SilenceDetectorOptions = {}) {
    this.thresholdDbfs = options.thresholdDbfs ?? -50;
    this.durationMs = options.durationMs ?? 10_000;
    if (!(this.durationMs > 0)) throw new RangeError(`silence duration must be positive, not ${this.durationMs} ms`);
  }

  /** True while dead air is being reported. */
  get isSilent(): boolean {
    return this.silent;
  }

  /** Feeds one frame's RMS; `at` is the frame's start time in ms, `frameMs` its length. Returns a transition or null. */
  update(rmsDbfs: number, at: number, frameMs: number = FRAME_MS): SilenceTransition | null {
    if (rmsDbfs < this.thresholdDbfs) {
      this.quietSince ??= at;
      if (!this.silent && at + frameMs - this.quietSince >= this.durationMs) {
        this.silent = true;
        return { type: 'silence-started', since: this.quietSince, at: at + frameMs };
      }
      return null;
    }
    const quietSince = this.quietSince;
    this.quietSince = null;
    if (!this.silent || quietSince === null) return null;
    this.silent = false;
    return { type: 'silence-ended', silentMs: at - quietSince, at };
  }
}

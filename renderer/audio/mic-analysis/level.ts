import { SILENCE_DBFS } from '../../../electron/shared/mic-report';

/*
 * Levels of the microphone report, in dBFS on the report's scale: 0 at full scale, digital silence
 * (and anything below it) at SILENCE_DBFS (-160).
 */

/** A linear amplitude (0..1) in dBFS, clamped to [SILENCE_DBFS, 0]. */
export function amplitudeToDbfs(amplitude: number): number {
  if (!(amplitude > 0)) return SILENCE_DBFS;
  return Math.min(0, Math.max(SILENCE_DBFS, 20 * Math.log10(amplitude)));
}

/** Running RMS and peak over a window of samples. */
export class LevelMeter {
  private sumSquares = 0;
  private peak = 0;
  private count = 0;

  add(samples: ArrayLike<number>): void {
    let sum = 0;
    let peak = this.peak;
    for (let i = 0; i < samples.length; i += 1) {
      const sample = samples[i] as number;
      // A NaN or infinite sample (a broken source) counts as silence, not as a poisoned window.
      if (!Number.isFinite(sample)) continue;
      sum += sample * sample;
      const magnitude = Math.abs(sample);
      if (magnitude > peak) peak = magnitude;
    }
    this.sumSquares += sum;
    this.peak = peak;
    this.count += samples.length;
  }

  /** RMS level of the window so far, dBFS. */
  get levelDbfs(): number {
    return this.count === 0 ? SILENCE_DBFS : amplitudeToDbfs(Math.sqrt(this.sumSquares / this.count));
  }

  /** Highest sample of the window so far, dBFS. */
  get peakDbfs(): number {
    return amplitudeToDbfs(this.peak);
  }

  /** Starts a new window. */
  reset(): void {
    this.sumSquares = 0;
    this.peak = 0;
    this.count = 0;
  }
}

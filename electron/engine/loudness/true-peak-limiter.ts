import { TruePeakDetector, TRUE_PEAK_DELAY } from './true-peak';

/*
 * A look-ahead true-peak limiter. The audio is delayed by the look-ahead; the gain that reaches a
 * sample has already come down, smoothly, far enough for the highest true peak around it:
 *
 *   x ─► 4× true peak p ─► needed gain min(1, c/p) ─► min over look-ahead + 2 ─► release ─► mean over look-ahead ─┐
 *   x ─► delay (look-ahead + interpolator delay) ───────────────────────────────────────────────────────────── × ─► y
 *
 * Why it never lets a peak through: a sample s's peak is seen TRUE_PEAK_DELAY (±1) samples after s
 * enters; the min-hold keeps that needed gain (or less) for HOLD = LOOKAHEAD + 2 samples; the
 * moving mean of LOOKAHEAD samples then ends exactly inside that hold when s leaves the delay line,
 * so s (and its two neighbours, which bound the interpolated points) get at most the gain needed.
 * The mean makes the gain fall linearly over the look-ahead rather than step (no clicks); the
 * release lets it rise back exponentially.
 */

/** Look-ahead of the limiter, ms. */
export const LIMITER_LOOKAHEAD_MS = 5;
/** Look-ahead in samples at 48 kHz. */
export const LIMITER_LOOKAHEAD_SAMPLES = (LIMITER_LOOKAHEAD_MS * 48_000) / 1000;
/** Samples by which the limiter delays the program (look-ahead plus the interpolator's centre). */
export const LIMITER_DELAY_SAMPLES = LIMITER_LOOKAHEAD_SAMPLES + TRUE_PEAK_DELAY;
const HOLD_SAMPLES = LIMITER_LOOKAHEAD_SAMPLES + 2;
/** Time constant of the gain's return to unity after a peak, ms. */
export const LIMITER_RELEASE_MS = 150;

/** Limits interleaved 48 kHz audio in place to a true-peak ceiling; see the diagram above. */
export class TruePeakLimiter {
  private readonly detector: TruePeakDetector;
  private readonly ceiling: number;
  private peaks = new Float32Array(960);
  private readonly delay: Float32Array;
  private delayAt = 0;
  /** Monotonic queue of (index, needed gain) for the sliding minimum. */
  private readonly queueIndex = new Float64Array(HOLD_SAMPLES + 1);
  private readonly queueGain = new Float64Array(HOLD_SAMPLES + 1);
  private queueHead = 0;
  private queueLength = 0;
  private index = 0;
  private release = 1;
  private readonly releaseStep = 1 - Math.exp(-1000 / (LIMITER_RELEASE_MS * 48_000));
  /** The last LOOKAHEAD released gains, a ring, and their sum. */
  private readonly recent = new Float64Array(LIMITER_LOOKAHEAD_SAMPLES).fill(1);
  private recentAt = 0;
  private recentSum = LIMITER_LOOKAHEAD_SAMPLES;
  private lowestGain = 1;

  constructor(
    readonly channels: number,
    ceilingDbtp: number,
  ) {
    this.detector = new TruePeakDetector(channels);
    this.ceiling = 10 ** (ceilingDbtp / 20);
    this.delay = new Float32Array(LIMITER_DELAY_SAMPLES * channels);
  }

  /** The deepest gain reduction applied since the last call, dB (≤ 0), then starts over. */
  takeDeepestReductionDb(): number {
    const lowest = this.lowestGain;
    this.lowestGain = 1;
    return 20 * Math.log10(lowest);
  }

  /** Limits `samples` (interleaved) in place; the output lags the input by LIMITER_DELAY_SAMPLES. */
  process(samples: Float32Array): void {
    const { channels } = this;
    const frames = Math.floor(samples.length / channels);
    if (this.peaks.length < frames) this.peaks = new Float32Array(frames);
    const peaks = this.peaks;
    this.detector.process(samples, 0, frames, peaks);
    const capacity = this.queueIndex.length;
    const delaySlots = LIMITER_DELAY_SAMPLES;
    for (let n = 0; n < frames; n += 1) {
      const peak = peaks[n] ?? 0;
      const needed = peak > this.ceiling ? this.ceiling / peak : 1;
      const index = this.index++;
      // Sliding minimum over the last HOLD_SAMPLES needed gains.
      while (this.queueLength > 0 && (this.queueGain[(this.queueHead + this.queueLength - 1) % capacity] ?? 1) >= needed)
        this.queueLength -= 1;
      const tail = (this.queueHead + this.queueLength) % capacity;
      this.queueIndex[tail] = index;
      this.queueGain[tail] = needed;
      this.queueLength += 1;
      if ((this.queueIndex[this.queueHead] ?? 0) <= index - HOLD_SAMPLES) {
        this.queueHead = (this.queueHead + 1) % capacity;
        this.queueLength -= 1;
      }
      const held = this.queueGain[this.queueHead] ?? 1;
      this.release = held < this.release ? held : this.release + (held - this.release) * this.releaseStep;
      this.recentSum += this.release - (this.recent[this.recentAt] ?? 1);
      this.recent[this.recentAt] = this.release;
      this.recentAt = this.recentAt + 1 === LIMITER_LOOKAHEAD_SAMPLES ? 0 : this.recentAt + 1;
      const gain = Math.min(1, this.recentSum / LIMITER_LOOKAHEAD_SAMPLES);
      if (gain < this.lowestGain) this.lowestGain = gain;
      // Swap the incoming sample into the delay line and the delayed one out, gained.
      const slot = this.delayAt * channels;
      for (let channel = 0; channel < channels; channel += 1) {
        const incoming = samples[n * channels + channel] ?? 0;
        samples[n * channels + channel] = (this.delay[slot + channel] ?? 0) * gain;
        this.delay[slot + channel] = incoming;
      }
      this.delayAt = this.delayAt + 1 === delaySlots ? 0 : this.delayAt + 1;
    }
    // The running sum drifts by rounding over hours; recompute it once per call.
    this.recentSum = this.recent.reduce((sum, value) => sum + value, 0);
  }
}

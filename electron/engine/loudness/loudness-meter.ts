import { KWeighting } from './k-weighting';
import { TruePeakDetector } from './true-peak';

/*
 * Program loudness per ITU-R BS.1770-4 and EBU R128 / Tech 3341–3342, at 48 kHz.
 *
 *   K-weighting ─► mean square per 100 ms step ─┬─ momentary: last 4 steps (400 ms)
 *                                               ├─ short-term: last 30 steps (3 s)
 *                                               ├─ integrated: every 400 ms block (75 % overlap),
 *                                               │  gated at −70 LUFS, then at −10 LU below that mean
 *                                               └─ loudness range: short-term values every 100 ms,
 *                                                  gated at −70 LUFS and −20 LU, 95th − 10th percentile
 *   4× oversampling ─► true peak (max since the start)
 *
 * Integrated loudness and LRA are kept as histograms of 0.1 LU bins (each with its block count and
 * its exact sum of mean squares), so memory stays fixed over a show of any length and the integrated
 * value is the exact energy mean of the blocks above the gate (only the gate edge is binned).
 */

/** Frames per 100 ms step at 48 kHz. */
export const STEP_FRAMES = 4800;
/** The absolute gate of BS.1770-4, LUFS. */
export const ABSOLUTE_GATE_LUFS = -70;
const RELATIVE_GATE_LU = -10;
const LRA_RELATIVE_GATE_LU = -20;
const MOMENTARY_STEPS = 4;
const SHORT_TERM_STEPS = 30;
const BIN_LU = 0.1;
const BIN_MIN = ABSOLUTE_GATE_LUFS;
const BIN_COUNT = 1000; // −70 … +30 LUFS

/** Loudness of a mean square (K-weighted, summed over channels). */
export function powerToLufs(power: number): number {
  return power > 0 ? -0.691 + 10 * Math.log10(power) : Number.NEGATIVE_INFINITY;
}

/** Mean square that reads `lufs`. */
export function lufsToPower(lufs: number): number {
  return 10 ** ((lufs + 0.691) / 10);
}

/** Linear amplitude → dB, −∞ for zero. */
export function amplitudeToDb(amplitude: number): number {
  return amplitude > 0 ? 20 * Math.log10(amplitude) : Number.NEGATIVE_INFINITY;
}

/** A meter's readings; `null` where there is no value yet (too little audio, or all of it gated). */
export interface LoudnessReading {
  /** 400 ms window, LUFS. */
  momentaryLufs: number | null;
  /** 3 s window, LUFS. */
  shortTermLufs: number | null;
  /** Gated, since the meter started, LUFS. */
  integratedLufs: number | null;
  /** EBU Tech 3342 loudness range, LU. */
  rangeLu: number | null;
  /** Highest true peak since the start, dBTP. */
  truePeakDbtp: number | null;
}

class GateHistogram {
  private readonly counts = new Float64Array(BIN_COUNT);
  private readonly powers = new Float64Array(BIN_COUNT);
  total = 0;

  add(power: number): void {
    const lufs = powerToLufs(power);
    if (!(lufs > ABSOLUTE_GATE_LUFS)) return;
    const bin = Math.min(BIN_COUNT - 1, Math.floor((lufs - BIN_MIN) / BIN_LU));
    this.counts[bin] = (this.counts[bin] ?? 0) + 1;
    this.powers[bin] = (this.powers[bin] ?? 0) + power;
    this.total += 1;
  }

  /** Mean power of the blocks in bins whose blocks average at or above `lufs`; 0 when there are none. */
  meanPowerAbove(lufs: number): { power: number; count: number } {
    const first = Math.max(0, Math.floor((lufs - BIN_MIN) / BIN_LU));
    let count = 0;
    let power = 0;
    for (let bin = first; bin < BIN_COUNT; bin += 1) {
      const n = this.counts[bin] ?? 0;
      if (n === 0) continue;
      const p = this.powers[bin] ?? 0;
      // The bin holding the gate: only if its blocks are, on average, above it.
      if (bin === first && powerToLufs(p / n) < lufs) continue;
      count += n;
      power += p;
    }
    return { power: count > 0 ? power / count : 0, count };
  }

  /** The loudness at `fraction` (0–1) of the blocks at or above `lufs`, by bin centre. */
  percentileAbove(lufs: number, fraction: number): number | null {
    const first = Math.max(0, Math.floor((lufs - BIN_MIN) / BIN_LU));
    let count = 0;
    for (let bin = first; bin < BIN_COUNT; bin += 1) count += this.counts[bin] ?? 0;
    if (count === 0) return null;
    const rank = fraction * (count - 1);
    let seen = 0;
    for (let bin = first; bin < BIN_COUNT; bin += 1) {
      seen += this.counts[bin] ?? 0;
      if (seen > rank) return BIN_MIN + (bin + 0.5) * BIN_LU;
    }
    return null;
  }
}

/** Measures one stream of interleaved 48 kHz audio; see the diagram above. */
export class LoudnessMeter {
  private readonly weighting: KWeighting;
  private readonly peaks: TruePeakDetector;
  /** Mean squares of the last SHORT_TERM_STEPS steps, a ring. */
  private readonly steps = new Float64Array(SHORT_TERM_STEPS);
  private stepsDone = 0;
  private stepSum = 0;
  private stepFill = 0;
  private readonly integrated = new GateHistogram();
  private readonly range = new GateHistogram();
  private maxPeak = 0;
  private momentary: number | null = null;
  private shortTerm: number | null = null;

  constructor(readonly channels: number) {
    this.weighting = new KWeighting(channels);
    this.peaks = new TruePeakDetector(channels);
  }

  /** Measures interleaved samples (any length); readings move on every completed 100 ms step. */
  push(samples: Float32Array): void {
    const frames = Math.floor(samples.length / this.channels);
    const peak = this.peaks.process(samples, 0, frames);
    if (peak > this.maxPeak) this.maxPeak = peak;
    let from = 0;
    while (from < frames) {
      const take = Math.min(frames - from, STEP_FRAMES - this.stepFill);
      this.stepSum += this.weighting.sumOfSquares(samples, from, take);
      this.stepFill += take;
      from += take;
      if (this.stepFill === STEP_FRAMES) this.completeStep();
    }
  }

  private completeStep(): void {
    this.steps[this.stepsDone % SHORT_TERM_STEPS] = this.stepSum / STEP_FRAMES;
    this.stepsDone += 1;
    this.stepSum = 0;
    this.stepFill = 0;
    if (this.stepsDone >= MOMENTARY_STEPS) {
      const power = this.meanOfLast(MOMENTARY_STEPS);
      this.momentary = power;
      this.integrated.add(power);
    }
    if (this.stepsDone >= SHORT_TERM_STEPS) {
      const power = this.meanOfLast(SHORT_TERM_STEPS);
      this.shortTerm = power;
      this.range.add(power);
    }
  }

  private meanOfLast(count: number): number {
    let sum = 0;
    for (let k = 1; k <= count; k += 1) sum += this.steps[(this.stepsDone - k) % SHORT_TERM_STEPS] ?? 0;
    return sum / count;
  }

  /** The momentary mean square (K-weighted), or null before 400 ms of audio. */
  get momentaryPower(): number | null {
    return this.momentary;
  }

  /** Steps of 100 ms completed so far. */
  get completedSteps(): number {
    return this.stepsDone;
  }

  /** Gated integrated loudness since the start, LUFS, or null while every block is below −70 LUFS. */
  integratedLufs(): number | null {
    const absolute = this.integrated.meanPowerAbove(ABSOLUTE_GATE_LUFS);
    if (absolute.count === 0) return null;
    const gated = this.integrated.meanPowerAbove(powerToLufs(absolute.power) + RELATIVE_GATE_LU);
    return gated.count > 0 ? powerToLufs(gated.power) : null;
  }

  /** EBU Tech 3342 loudness range, LU, or null before any short-term value above the gates. */
  loudnessRangeLu(): number | null {
    const absolute = this.range.meanPowerAbove(ABSOLUTE_GATE_LUFS);
    if (absolute.count === 0) return null;
    const gate = powerToLufs(absolute.power) + LRA_RELATIVE_GATE_LU;
    const low = this.range.percentileAbove(gate, 0.1);
    const high = this.range.percentileAbove(gate, 0.95);
    return low === null || high === null ? null : Math.max(0, high - low);
  }

  /** Every reading at once. */
  reading(): LoudnessReading {
    const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
    return {
      momentaryLufs: this.momentary === null ? null : finite(powerToLufs(this.momentary)),
      shortTermLufs: this.shortTerm === null ? null : finite(powerToLufs(this.shortTerm)),
      integratedLufs: this.integratedLufs(),
      rangeLu: this.loudnessRangeLu(),
      truePeakDbtp: finite(amplitudeToDb(this.maxPeak)),
    };
  }
}

import { KWeighting } from './k-weighting';
import { powerToLufs, STEP_FRAMES } from './loudness-meter';

/*
 * The slow leveller: brings the program toward a loudness target the way an operator rides a fader.
 *
 * Every 100 ms it looks at the input's momentary loudness (400 ms, K-weighted; what there is of it
 * in the first 300 ms). A block counts as
 * programme only when it is above −55 LUFS and within 12 LU of the running estimate: pauses,
 * breaths and room tone do not count, so the estimate and the gain hold through them (no pumping,
 * no noise floor brought up in a pause). Only quieter audio that goes on for QUIET_TAKES_OVER_SECONDS
 * (a quiet guest after a loud one, not a pause) counts again. The estimate is the energy mean of
 * the last ESTIMATE_SECONDS of counted blocks (a sliding window, not an exponential one: an energy
 * mean remembers a loud past for far too long when it decays exponentially). The gain (target −
 * estimate, within ±MAX_GAIN_DB) moves toward its goal with a time constant of 0.25 s while the
 * estimate is young and GAIN_SECONDS after, ramped per sample.
 */

/** Blocks quieter than this never count as programme, LUFS. */
export const LEVELLER_FLOOR_LUFS = -55;
/** Blocks this far below the running estimate are a pause, LU. */
export const LEVELLER_PAUSE_LU = 12;
/** Length of the estimate's window, seconds of programme. */
export const ESTIMATE_SECONDS = 6;
/** Time constant of the gain once the estimate is settled, seconds. */
export const GAIN_SECONDS = 2;
/** The leveller's range either way, dB. */
export const MAX_GAIN_DB = 24;
/** Audio below the pause gate (but above the floor) this long is a new, quieter programme, seconds. */
export const QUIET_TAKES_OVER_SECONDS = 5;
const YOUNG_GAIN_SECONDS = 0.25;
const STEP_SECONDS = 0.1;

/** Levels interleaved 48 kHz audio in place toward `targetLufs`; see above. */
export class Leveller {
  private readonly weighting: KWeighting;
  private readonly steps = new Float64Array(4);
  private stepsDone = 0;
  private stepSum = 0;
  private stepFill = 0;
  private estimatePower = 0;
  private readonly window = new Float64Array(Math.round(ESTIMATE_SECONDS / STEP_SECONDS));
  private windowSum = 0;
  private programmeSeconds = 0;
  private quietSeconds = 0;
  private goalDb = 0;
  private gainDb = 0;
  private gain = 1;
  private makeupDb = 0;
  private counted = 0;

  constructor(
    readonly channels: number,
    readonly targetLufs: number,
  ) {
    this.weighting = new KWeighting(channels);
  }

  /** The gain applied now, dB. */
  get currentGainDb(): number {
    return this.gainDb;
  }

  /** Programme blocks (400 ms, every 100 ms) counted so far: pauses and silence are not. */
  get countedBlocks(): number {
    return this.counted;
  }

  /**
   * Loudness a later stage takes off (the limiter, on peaky speech), dB ≥ 0: added to the goal so
   * the program leaves the whole chain at the target.
   */
  setMakeupDb(db: number): void {
    this.makeupDb = db;
    this.updateGoal();
  }

  /** True once the gain is within 1 dB of its goal (not still moving toward a new level). */
  get settled(): boolean {
    return this.programmeSeconds > 0 && Math.abs(this.goalDb - this.gainDb) < 1;
  }

  /** The input's estimated programme loudness, LUFS, or null before any programme. */
  get estimateLufs(): number | null {
    return this.programmeSeconds > 0 ? powerToLufs(this.estimatePower) : null;
  }

  /** Levels `samples` in place. */
  process(samples: Float32Array): void {
    const { channels } = this;
    const frames = Math.floor(samples.length / channels);
    let from = 0;
    while (from < frames) {
      const take = Math.min(frames - from, STEP_FRAMES - this.stepFill);
      // Measure before gaining: the estimate is of the input, the gain follows it.
      this.stepSum += this.weighting.sumOfSquares(samples, from, take);
      this.stepFill += take;
      const start = this.gain;
      if (this.stepFill === STEP_FRAMES) this.completeStep();
      this.applyRamp(samples, from, take, start);
      from += take;
    }
  }

  private applyRamp(samples: Float32Array, from: number, count: number, start: number): void {
    const { channels } = this;
    // Move gainDb a step of this span's length toward the goal, ramping linearly in amplitude.
    const seconds = count / 48_000;
    const tau = this.programmeSeconds < ESTIMATE_SECONDS / 2 ? YOUNG_GAIN_SECONDS : GAIN_SECONDS;
    this.gainDb += (this.goalDb - this.gainDb) * (1 - Math.exp(-seconds / tau));
    const end = 10 ** (this.gainDb / 20);
    const slope = (end - start) / count;
    for (let n = 0; n < count; n += 1) {
      const gain = start + slope * (n + 1);
      for (let channel = 0; channel < channels; channel += 1) {
        const i = (from + n) * channels + channel;
        samples[i] = (samples[i] ?? 0) * gain;
      }
    }
    this.gain = end;
  }

  private completeStep(): void {
    this.steps[this.stepsDone % 4] = this.stepSum / STEP_FRAMES;
    this.stepsDone += 1;
    this.stepSum = 0;
    this.stepFill = 0;
    // The first 300 ms use the steps there are: a loud start comes down 300 ms sooner.
    const span = Math.min(4, this.stepsDone);
    let sum = 0;
    for (let k = 0; k < span; k += 1) sum += this.steps[k] ?? 0;
    const power = sum / span;
    const lufs = powerToLufs(power);
    if (!(lufs > LEVELLER_FLOOR_LUFS)) return;
    const estimate = this.estimateLufs;
    if (estimate !== null && lufs < estimate - LEVELLER_PAUSE_LU) {
      this.quietSeconds += STEP_SECONDS;
      if (this.quietSeconds < QUIET_TAKES_OVER_SECONDS) return;
    } else {
      this.quietSeconds = 0;
    }
    this.counted += 1;
    this.programmeSeconds += STEP_SECONDS;
    const slot = (this.counted - 1) % this.window.length;
    this.windowSum += power - (this.window[slot] ?? 0);
    this.window[slot] = power;
    if (slot === 0) this.windowSum = this.window.reduce((sum, value) => sum + value, 0); // no drift
    this.estimatePower = this.windowSum / Math.min(this.counted, this.window.length);
    this.updateGoal();
  }

  private updateGoal(): void {
    if (this.programmeSeconds === 0) return;
    const wanted = this.targetLufs - powerToLufs(this.estimatePower) + this.makeupDb;
    this.goalDb = Math.max(-MAX_GAIN_DB, Math.min(MAX_GAIN_DB, wanted));
  }
}

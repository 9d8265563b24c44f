import type { ListenerHistory } from '../../shared/listeners';

/** Twelve hours at one point a second: 43 200 points, 170 KB. */
export const DEFAULT_HISTORY_SECONDS = 12 * 60 * 60;

const NO_DATA = -1;

/**
 * The show's total at 1 s resolution in a fixed ring buffer: memory is bounded whatever the show's
 * length (the oldest seconds are dropped after `capacitySeconds`). A second without a fresh outlet
 * is a gap, never a guessed value; several readings in one second keep the highest.
 */
export class ListenerHistoryBuffer {
  private readonly values: Int32Array;
  /** Second (epoch seconds) of the newest point; NaN while empty. */
  private lastSecond = Number.NaN;
  private length = 0;
  /** Index of the newest point. */
  private head = -1;

  constructor(readonly capacitySeconds: number = DEFAULT_HISTORY_SECONDS) {
    if (!Number.isInteger(capacitySeconds) || capacitySeconds < 2) throw new RangeError('capacitySeconds must be an integer ≥ 2');
    this.values = new Int32Array(capacitySeconds).fill(NO_DATA);
  }

  /** Points held now. */
  get size(): number {
    return this.length;
  }

  /** Records the total at `at` (ms); null records a gap. Earlier seconds than the newest are ignored. */
  record(at: number, total: number | null): void {
    const second = Math.floor(at / 1000);
    const value = total === null ? NO_DATA : Math.max(0, Math.round(total));
    if (this.length === 0) {
      this.push(value);
      this.lastSecond = second;
      return;
    }
    if (second < this.lastSecond) return;
    if (second === this.lastSecond) {
      const current = this.values[this.head] ?? NO_DATA;
      this.values[this.head] = Math.max(current, value);
      return;
    }
    const gap = Math.min(second - this.lastSecond - 1, this.capacitySeconds);
    for (let i = 0; i < gap; i += 1) this.push(NO_DATA);
    this.push(value);
    this.lastSecond = second;
  }

  /**
   * The history folded into at most `maxPoints` points: each point is the highest total of
   * `stepMs / 1000` consecutive seconds (peaks survive folding), null where none was read.
   */
  fold(maxPoints: number): ListenerHistory {
    if (this.length === 0) return { startAt: 0, stepMs: 1000, values: [] };
    const stepSeconds = Math.max(1, Math.ceil(this.length / Math.max(1, maxPoints)));
    const firstSecond = this.lastSecond - this.length + 1;
    const values: (number | null)[] = [];
    let bucket = NO_DATA;
    let inBucket = 0;
    for (let i = 0; i < this.length; i += 1) {
      const value = this.at(i);
      bucket = Math.max(bucket, value);
      inBucket += 1;
      if (inBucket === stepSeconds || i === this.length - 1) {
        values.push(bucket === NO_DATA ? null : bucket);
        bucket = NO_DATA;
        inBucket = 0;
      }
    }
    return { startAt: firstSecond * 1000, stepMs: stepSeconds * 1000, values };
  }

  /** The i-th oldest point. */
  private at(index: number): number {
    const oldest = (this.head - this.length + 1 + this.capacitySeconds) % this.capacitySeconds;
    return this.values[(oldest + index) % this.capacitySeconds] ?? NO_DATA;
  }

  private push(value: number): void {
    this.head = (this.head + 1) % this.capacitySeconds;
    this.values[this.head] = value;
    this.length = Math.min(this.length + 1, this.capacitySeconds);
  }
}

import type { Clock } from '../clock';

/*
 * Exponential backoff with full jitter (the AWS "Exponential Backoff And Jitter" variant): the
 * n-th consecutive failure waits a uniformly random time in [0, min(cap, base · factor^n)).
 * Full jitter spreads reconnects of many clients over the whole window, and with a 1 s cap a
 * source is back within a second of its server returning. A connection that stayed up for
 * `resetAfterMs` counts as stable: the next failure starts again from the base delay.
 */

/** How the backoff grows; every field has a default. */
export interface BackoffOptions {
  /** Upper bound of the first window (default 250 ms). */
  readonly baseMs?: number;
  /** Growth of the window per consecutive failure (default 2). */
  readonly factor?: number;
  /** Largest window (default 1000 ms: a source is one connection, every second off air counts). */
  readonly capMs?: number;
  /** A connection up this long resets the exponent (default 60 000 ms). */
  readonly resetAfterMs?: number;
  /** Uniform random numbers in [0, 1); injected so tests can pin the jitter. */
  readonly random: () => number;
  readonly clock: Clock;
}

/** Exponential backoff with full jitter, capped, reset after a stable connection. */
export class Backoff {
  private readonly baseMs: number;
  private readonly factor: number;
  private readonly capMs: number;
  private readonly resetAfterMs: number;
  private consecutiveFailures = 0;
  private connectedAt: number | undefined;

  constructor(private readonly options: BackoffOptions) {
    this.baseMs = options.baseMs ?? 250;
    this.factor = options.factor ?? 2;
    this.capMs = options.capMs ?? 1000;
    this.resetAfterMs = options.resetAfterMs ?? 60_000;
    if (!(this.baseMs > 0) || !(this.factor >= 1) || !(this.capMs >= this.baseMs) || !(this.resetAfterMs >= 0)) {
      throw new RangeError(
        `invalid backoff: base ${this.baseMs} ms, factor ${this.factor}, cap ${this.capMs} ms, reset after ${this.resetAfterMs} ms`,
      );
    }
  }

  /** Failures since the last reset. */
  get failures(): number {
    return this.consecutiveFailures;
  }

  /** The window (upper bound of the delay) the next failure will draw from. */
  windowMs(): number {
    return Math.min(this.capMs, this.baseMs * this.factor ** this.consecutiveFailures);
  }

  /** Records that a connection came up (the stable-minute clock starts now). */
  connected(): void {
    this.connectedAt = this.options.clock.now();
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  failed(): number {
    if (this.connectedAt !== undefined && this.options.clock.now() - this.connectedAt >= this.resetAfterMs) this.consecutiveFailures = 0;
    this.connectedAt = undefined;
    const window = this.windowMs();
    this.consecutiveFailures += 1;
    const raw = this.options.random();
    const draw = Number.isFinite(raw) ? Math.min(Math.max(raw, 0), 1) : 0;
    return Math.floor(draw * window);
  }

  /** Starts over from the base window (e.g. after an explicit restart). */
  reset(): void {
    this.consecutiveFailures = 0;
    this.connectedAt = undefined;
  }
}

import type { Clock } from '../clock';

/*
 * Adaptive bitrate: when the uplink cannot keep up, the unsent backlog of an output grows; after
 * it stays above `downBacklogMs` for `downSustainMs` the encoder steps one rung down. Once the
 * backlog has stayed below `upBacklogMs` for the up-hold time (30 s by default) it steps one rung
 * up again. Pure: the caller feeds backlog samples (the worst live output's), the clock says when.
 *
 * Hysteresis, so it never flaps:
 *  - two thresholds with a dead band between them: a backlog in the band resets both timers;
 *  - a step down needs the backlog to stay high for a whole `downSustainMs` again before the next;
 *  - a step up needs a whole up-hold of low backlog since the last change in either direction;
 *  - a step up that is followed by a step down within its hold (the link could not carry the
 *    higher rung) doubles the up-hold, up to `maxUpHoldMs`; reaching the top rung resets it.
 */

/** Default ladder in kbit/s, highest first. */
export const DEFAULT_BITRATE_RUNGS_KBPS: readonly number[] = [128, 96, 64, 48, 32];

/** How the ladder reacts; timings default to production values, tests shorten them. */
export interface BitrateLadderOptions {
  /** The bitrate the user asked for: the top of the ladder (kbit/s). */
  readonly configuredKbps: number;
  /** Rungs below the configured bitrate (kbit/s); default DEFAULT_BITRATE_RUNGS_KBPS. */
  readonly rungsKbps?: readonly number[];
  readonly clock: Clock;
  /** Backlog at or above which the link counts as congested (default 500 ms). */
  readonly downBacklogMs?: number;
  /** How long congestion must last before a step down (default 3000 ms). */
  readonly downSustainMs?: number;
  /** Backlog at or below which the link counts as healthy (default 150 ms). */
  readonly upBacklogMs?: number;
  /** How long the link must stay healthy before a step up (default 30 000 ms). */
  readonly upStableMs?: number;
  /** Longest up-hold after repeated failed step-ups (default 8 × upStableMs). */
  readonly maxUpHoldMs?: number;
  /** Called on every change, after `kbps` has moved. */
  readonly onChange?: (change: BitrateChange) => void;
}

/** One bitrate change: why and from where. */
export interface BitrateChange {
  readonly from: number;
  readonly to: number;
  readonly reason: 'congested' | 'recovered';
  /** The backlog sample that triggered the change (ms of audio). */
  readonly backlogMs: number;
  readonly at: number;
}

/** Steps the encoder bitrate down a ladder under a sustained backlog and back up after stability. */
export class BitrateLadder {
  /** Rungs in kbit/s, highest (the configured bitrate) first. */
  readonly rungs: readonly number[];
  private index = 0;
  private highSince: number | undefined;
  private lowSince: number | undefined;
  private lastChangeAt: number;
  private lastUpAt: number | undefined;
  private upHoldMs: number;
  private readonly downBacklogMs: number;
  private readonly downSustainMs: number;
  private readonly upBacklogMs: number;
  private readonly upStableMs: number;
  private readonly maxUpHoldMs: number;

  constructor(private readonly options: BitrateLadderOptions) {
    const { configuredKbps, rungsKbps = DEFAULT_BITRATE_RUNGS_KBPS } = options;
    if (!(configuredKbps > 0)) throw new RangeError(`configured bitrate must be positive, not ${configuredKbps}`);
    const below = [...new Set(rungsKbps)].filter((rung) => rung > 0 && rung < configuredKbps).sort((a, b) => b - a);
    this.rungs = [configuredKbps, ...below];
    this.downBacklogMs = options.downBacklogMs ?? 500;
    this.downSustainMs = options.downSustainMs ?? 3000;
    this.upBacklogMs = options.upBacklogMs ?? 150;
    this.upStableMs = options.upStableMs ?? 30_000;
    this.maxUpHoldMs = options.maxUpHoldMs ?? 8 * this.upStableMs;
    if (!(this.upBacklogMs < this.downBacklogMs)) {
      throw new RangeError(
        `upBacklogMs (${this.upBacklogMs}) must be below downBacklogMs (${this.downBacklogMs}): the band between them is the hysteresis`,
      );
    }
    this.upHoldMs = this.upStableMs;
    this.lastChangeAt = options.clock.now();
  }

  /** The bitrate the encoder should use now (kbit/s). */
  get kbps(): number {
    return this.rungs[this.index] ?? this.options.configuredKbps;
  }

  /** The current wait for a step up (grows after failed step-ups). */
  get currentUpHoldMs(): number {
    return this.upHoldMs;
  }

  /** Feeds one backlog sample (ms of unsent audio, the worst live output); returns the change it caused, if any. */
  update(backlogMs: number): BitrateChange | undefined {
    const now = this.options.clock.now();
    if (backlogMs >= this.downBacklogMs) {
      this.lowSince = undefined;
      this.highSince ??= now;
      if (now - this.highSince < this.downSustainMs || this.index >= this.rungs.length - 1) return undefined;
      if (this.lastUpAt !== undefined && now - this.lastUpAt < this.upHoldMs) this.upHoldMs = Math.min(this.upHoldMs * 2, this.maxUpHoldMs);
      this.highSince = now;
      return this.step(1, 'congested', backlogMs, now);
    }
    this.highSince = undefined;
    if (backlogMs > this.upBacklogMs) {
      this.lowSince = undefined;
      return undefined;
    }
    this.lowSince ??= now;
    if (this.index === 0 || now - this.lowSince < this.upHoldMs || now - this.lastChangeAt < this.upHoldMs) return undefined;
    this.lowSince = now;
    this.lastUpAt = now;
    const change = this.step(-1, 'recovered', backlogMs, now);
    if (this.index === 0) this.upHoldMs = this.upStableMs;
    return change;
  }

  private step(direction: 1 | -1, reason: BitrateChange['reason'], backlogMs: number, now: number): BitrateChange {
    const from = this.kbps;
    this.index += direction;
    this.lastChangeAt = now;
    const change: BitrateChange = { from, to: this.kbps, reason, backlogMs, at: now };
    this.options.onChange?.(change);
    return change;
  }
}

/*
 * The listen page's jitter buffer rule, as a pure calculation (the worklet feeds it; unit tests
 * drive it with made-up arrivals).
 *
 * Played steadily, the buffer is lowest just before a chunk arrives, and it has then drained for
 * the whole gap since the previous arrival. So the target (audio held before playing, and kept at
 * the live edge) is
 *
 *   target = margin + the longest gap between arrivals over the last `windowMs`,
 *
 * clamped to [minMs, maxMs]. A stream of 100 ms Ogg pages settles at margin + 100 ms; a page that
 * comes 150 ms late raises it by 150 ms for the window's length. Arrivals closer together than real
 * time (a server's burst of old audio, a backlog after a stall) lower no gap, so they never raise
 * the target. A gap longer than `outageMs` is an outage, not jitter: it is not counted (the buffer
 * ran dry anyway, and holding seconds of audio for ten seconds after a blip would put every
 * listener seconds behind); instead each underrun adds `underrunBoostMs`, fading out over
 * `boostFadeMs`. Live edge: the buffer may exceed the target by `slackMs` (or half the target,
 * whichever is more) before the oldest audio is dropped back to the target, so a backlog that
 * arrives after a stall is skipped instead of being played late.
 */

/** Tuning of the rule; the defaults suit a live talk stream. */
export interface JitterRuleOptions {
  readonly minMs: number;
  readonly maxMs: number;
  readonly marginMs: number;
  readonly windowMs: number;
  readonly initialMs: number;
  readonly outageMs: number;
  readonly underrunBoostMs: number;
  readonly boostFadeMs: number;
  readonly slackMs: number;
}

export const DEFAULT_JITTER_RULE: JitterRuleOptions = {
  minMs: 100,
  maxMs: 2000,
  marginMs: 40,
  windowMs: 10_000,
  initialMs: 140,
  outageMs: 1000,
  underrunBoostMs: 120,
  boostFadeMs: 30_000,
  slackMs: 150,
};

interface Gap {
  readonly at: number;
  readonly ms: number;
}

/** Tracks arrivals and says how much audio to hold before playing, and how much is too much. */
export class JitterRule {
  private gaps: Gap[] = [];
  private lastArrival: number | null = null;
  private boostMs = 0;
  private boostAt = 0;

  constructor(private readonly options: JitterRuleOptions = DEFAULT_JITTER_RULE) {}

  /** A chunk of audio arrived at `atMs` (any monotonic clock). */
  arrival(atMs: number): void {
    if (this.lastArrival !== null) {
      const ms = atMs - this.lastArrival;
      if (ms > 0 && ms <= this.options.outageMs) this.gaps.push({ at: atMs, ms });
    }
    this.lastArrival = atMs;
    const oldest = atMs - this.options.windowMs;
    let drop = 0;
    while (drop < this.gaps.length && (this.gaps[drop]?.at ?? 0) < oldest) drop += 1;
    if (drop > 0) this.gaps = this.gaps.slice(drop);
  }

  /** A new connection: the wait for it is no gap of the network's. */
  discontinuity(): void {
    this.lastArrival = null;
  }

  /** The buffer ran dry at `atMs`. */
  underrun(atMs: number): void {
    this.boostMs = this.currentBoost(atMs) + this.options.underrunBoostMs;
    this.boostAt = atMs;
  }

  /** Audio to hold before (re)starting, and to drop back to at the live edge. */
  targetMs(atMs: number): number {
    const { minMs, maxMs, marginMs, initialMs } = this.options;
    const measured = this.gaps.length === 0 ? initialMs : marginMs + this.gaps.reduce((max, gap) => Math.max(max, gap.ms), 0);
    return Math.min(maxMs, Math.max(minMs, measured + this.currentBoost(atMs)));
  }

  /** Buffered audio beyond which the oldest is dropped back to the target. */
  ceilingMs(atMs: number): number {
    const target = this.targetMs(atMs);
    return target + Math.max(this.options.slackMs, target / 2);
  }

  private currentBoost(atMs: number): number {
    if (this.boostMs === 0) return 0;
    return Math.max(0, this.boostMs * (1 - (atMs - this.boostAt) / this.options.boostFadeMs));
  }
}

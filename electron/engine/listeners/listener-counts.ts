import type { ListenerHistory, ListenerReading } from '../../shared/listeners';
import type { Clock } from '../clock';
import type { Logger } from '../log/logger';
import { aggregate, isFresh } from './aggregate';
import type { HttpFetch } from './http';
import { DEFAULT_HISTORY_SECONDS, ListenerHistoryBuffer } from './listener-history';
import { OutletPoller, type OutletConfig, type OutletSnapshot, type PollerSettings } from './outlet-poller';

/** Options of {@link ListenerCounts}; everything with side effects is passed in. */
export interface ListenerCountsOptions extends PollerSettings {
  readonly outlets: readonly OutletConfig[];
  readonly http: HttpFetch;
  readonly clock: Clock;
  readonly logger: Logger;
  /** An outlet not read successfully for longer than this is stale (default 3000 ms). */
  readonly staleAfterMs?: number;
  /** History kept at 1 s resolution (default 12 h). */
  readonly historySeconds?: number;
}

/** Receives every reading. */
export type ReadingListener = (reading: ListenerReading) => void;

/**
 * The listener count of a set of outlets: one poller per outlet, the sum over fresh ones, the
 * peak, a unique estimate and a bounded 1 s history.
 *
 * A reading is published every `intervalMs` (ages move on even when nothing else does), and at
 * once when the total, the coverage or an outlet's state changes — including the moment an
 * outlet turns stale, which a timer set at its last success + `staleAfterMs` catches.
 */
export class ListenerCounts {
  private readonly pollers: OutletPoller[];
  private readonly history: ListenerHistoryBuffer;
  private readonly staleAfterMs: number;
  private readonly intervalMs: number;
  private readonly listeners = new Set<ReadingListener>();
  private readonly unsubscribers: (() => void)[] = [];
  private running = false;
  private tickTimer: unknown = null;
  private staleTimer: unknown = null;
  private staleTimerAt = Number.POSITIVE_INFINITY;
  private peak = 0;
  private peakAt: number | null = null;
  private last: ListenerReading | null = null;
  private lastSignature = '';

  constructor(private readonly options: ListenerCountsOptions) {
    this.staleAfterMs = options.staleAfterMs ?? 3000;
    this.intervalMs = options.intervalMs ?? 1000;
    this.history = new ListenerHistoryBuffer(options.historySeconds ?? DEFAULT_HISTORY_SECONDS);
    this.pollers = options.outlets.map(
      (outlet) => new OutletPoller(outlet, { http: options.http, clock: options.clock, logger: options.logger.child(outlet.id) }, options),
    );
  }

  /** How many outlets are watched. */
  get outletCount(): number {
    return this.pollers.length;
  }

  /** Subscribes to readings; returns the unsubscribe function. */
  subscribe(listener: ReadingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts every poller and the reading ticker. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const poller of this.pollers) {
      this.unsubscribers.push(poller.onChange(() => this.changed()));
      poller.start();
    }
    this.scheduleTick();
    const outlets = this.pollers.map((poller) => poller.target.redacted).join(', ');
    this.options.logger.info(`counting listeners on ${this.pollers.length} outlet(s) every ${this.intervalMs} ms: ${outlets}`);
  }

  /** Stops polling; the last reading and the history stay readable. */
  stop(): void {
    this.running = false;
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const poller of this.pollers) poller.stop();
    if (this.tickTimer !== null) this.options.clock.clearTimeout(this.tickTimer);
    if (this.staleTimer !== null) this.options.clock.clearTimeout(this.staleTimer);
    this.tickTimer = null;
    this.staleTimer = null;
    this.staleTimerAt = Number.POSITIVE_INFINITY;
  }

  /** The reading as of now. */
  reading(): ListenerReading {
    return this.compute();
  }

  /** The last published reading, if any. */
  lastReading(): ListenerReading | null {
    return this.last;
  }

  /** The history so far, folded into at most `maxPoints` points. */
  historyPoints(maxPoints: number): ListenerHistory {
    return this.history.fold(maxPoints);
  }

  /** Per-outlet internals (poll durations, bytes, failures) for benchmarks and diagnostics. */
  snapshots(): OutletSnapshot[] {
    return this.pollers.map((poller) => poller.snapshot());
  }

  private compute(): ListenerReading {
    const now = this.options.clock.now();
    const counted = aggregate(this.snapshots(), now, this.staleAfterMs);
    if (counted.coveredOutlets > 0 && (counted.total > this.peak || this.peakAt === null)) {
      this.peak = Math.max(this.peak, counted.total);
      this.peakAt = now;
    }
    return { at: now, ...counted, peak: this.peak, peakAt: this.peakAt };
  }

  private publish(reading: ListenerReading): void {
    this.last = reading;
    this.lastSignature = signature(reading);
    this.history.record(reading.at, reading.coveredOutlets > 0 ? reading.total : null);
    for (const listener of this.listeners) {
      try {
        listener(reading);
      } catch (error) {
        this.options.logger.error('a listener-count subscriber failed', error);
      }
    }
  }

  /** After a poll or a stale deadline: publish at once if anything a producer sees changed. */
  private changed(): void {
    if (!this.running) return;
    const reading = this.compute();
    if (signature(reading) !== this.lastSignature) this.publish(reading);
    this.armStaleTimer();
  }

  private scheduleTick(): void {
    this.tickTimer = this.options.clock.setTimeout(() => {
      this.tickTimer = null;
      if (!this.running) return;
      this.publish(this.compute());
      this.armStaleTimer();
      this.scheduleTick();
    }, this.intervalMs);
  }

  /** A timer at the earliest moment a fresh outlet would turn stale, so the change is published then, not at the next tick. */
  private armStaleTimer(): void {
    const now = this.options.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const poller of this.pollers) {
      const snapshot = poller.snapshot();
      if (snapshot.lastSuccessAt !== null && isFresh(snapshot, now, this.staleAfterMs))
        next = Math.min(next, snapshot.lastSuccessAt + this.staleAfterMs);
    }
    if (next === this.staleTimerAt) return;
    if (this.staleTimer !== null) this.options.clock.clearTimeout(this.staleTimer);
    this.staleTimer = null;
    this.staleTimerAt = next;
    if (!Number.isFinite(next)) return;
    this.staleTimer = this.options.clock.setTimeout(
      () => {
        this.staleTimer = null;
        this.staleTimerAt = Number.POSITIVE_INFINITY;
        this.changed();
      },
      Math.max(0, next - now),
    );
  }
}

/** What must be re-published at once when it changes (ages alone wait for the tick). */
function signature(reading: ListenerReading): string {
  return JSON.stringify([
    reading.total,
    reading.coveredOutlets,
    reading.uniqueEstimate,
    reading.outlets.map((outlet) => [
      outlet.listeners,
      outlet.stale,
      outlet.staleReason,
      outlet.notice,
      outlet.sourceLive,
      outlet.relaysExcluded,
    ]),
  ]);
}

import type { Clock } from '../clock';
import type { Logger } from '../log/logger';
import type { HttpFetch } from './http';
import { parseStatsEvent } from './icecast-stats';
import { describeError } from '../../shared/describe-error';

/** Options of a {@link StatsPush}. */
export interface StatsPushOptions {
  readonly origin: string;
  readonly authorization: string;
  /** Mount paths whose `listeners` events matter. */
  readonly mounts: readonly string[];
  readonly http: HttpFetch;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when a watched mount's listener count or the server's sources changed. */
  readonly onChange: () => void;
  /** Longest wait between reconnects (default 30 s). */
  readonly maxBackoffMs?: number;
}

/**
 * The fast path: Icecast's `STATS` event stream (admin credentials) pushes `EVENT /mount listeners N`
 * the moment a listener joins or leaves, so the poller can read the exact client list at once
 * instead of at its next tick. Counts still come only from polls; this only says when to poll.
 *
 *   idle → connecting → streaming → (ended) → waiting → connecting …
 *                    ↘ refused (credentials are not admin ones: polling alone, no retry)
 */
export class StatsPush {
  private state: 'idle' | 'connecting' | 'streaming' | 'waiting' | 'refused' | 'stopped' = 'idle';
  private controller: AbortController | null = null;
  private retryTimer: unknown = null;
  private failures = 0;
  private readonly watched: ReadonlySet<string>;

  constructor(private readonly options: StatsPushOptions) {
    this.watched = new Set(options.mounts);
  }

  /** Whether events are flowing now. */
  get streaming(): boolean {
    return this.state === 'streaming';
  }

  /** Whether the server refused the credentials for the stream (no admin rights). */
  get refused(): boolean {
    return this.state === 'refused';
  }

  /** Opens the stream (and keeps reopening it) until {@link stop}. */
  start(): void {
    if (this.state !== 'idle') return;
    void this.connect();
  }

  /** Closes the stream for good. */
  stop(): void {
    this.state = 'stopped';
    this.controller?.abort();
    if (this.retryTimer !== null) this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async connect(): Promise<void> {
    const { http, origin, authorization, logger } = this.options;
    this.state = 'connecting';
    const controller = new AbortController();
    this.controller = controller;
    try {
      const response = await http(`${origin}/admin/stats`, { method: 'STATS', headers: { authorization }, signal: controller.signal });
      if (this.isStopped()) return;
      if (response.status === 401 || response.status === 403) {
        this.state = 'refused';
        logger.info(
          `push updates unavailable at ${origin} (HTTP ${response.status}: the stats stream needs admin credentials); polling only`,
        );
        return;
      }
      if (response.status !== 200 || !response.body) throw new Error(`HTTP ${response.status} for the stats stream`);
      this.state = 'streaming';
      this.failures = 0;
      logger.debug(`push updates streaming from ${origin}`);
      await this.read(response.body);
      if (!this.isStopped()) logger.debug(`stats stream from ${origin} ended`);
    } catch (error) {
      if (this.isStopped()) return;
      // Once per outage: a server that stays down must not fill the log every backoff.
      if (this.failures === 0) logger.debug(`stats stream from ${origin} failed: ${describeError(error)}; retrying with backoff`);
    } finally {
      controller.abort();
    }
    if (this.isStopped()) return;
    this.failures += 1;
    this.state = 'waiting';
    const delay = Math.min(this.options.maxBackoffMs ?? 30_000, 1000 * 2 ** Math.min(this.failures - 1, 5));
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = null;
      if (!this.isStopped()) void this.connect();
    }, delay);
  }

  private async read(body: AsyncIterable<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of body) {
      if (this.isStopped()) return;
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      if (pending.length > 64 * 1024) pending = ''; // never hold an endless line
      let changed = false;
      for (const line of lines) {
        const event = parseStatsEvent(line);
        if (!event) continue;
        if ((event.key === 'listeners' && this.watched.has(event.scope)) || (event.scope === 'global' && event.key === 'sources'))
          changed = true;
        // A mount's stats being dropped (`EVENT /mount null null`) means its source left.
        if (event.key === 'null' && this.watched.has(event.scope)) changed = true;
      }
      if (changed) this.options.onChange();
    }
  }

  private isStopped(): boolean {
    return this.state === 'stopped';
  }
}

import { systemClock } from '../../../electron/engine/clock';
import { createFetchHttp } from '../../../electron/engine/listeners/http';
import { ListenerCounts } from '../../../electron/engine/listeners/listener-counts';
import type { OutletConfig, PollerSettings } from '../../../electron/engine/listeners/outlet-poller';
import { createLogger } from '../../../electron/engine/log/logger';
import type { ListenerReading } from '../../../electron/shared/listeners';
import type { IcecastServer } from '../../env/icecast';

/** Something that publishes readings: ListenerCounts, or an Engine's events. */
export type ReadingSource = (listener: (reading: ListenerReading) => void) => () => void;

/** Every reading a source published, in order, for "never negative / never more than" checks. */
export class ReadingLog {
  readonly readings: ListenerReading[] = [];
  private readonly waiters = new Set<() => void>();
  readonly detach: () => void;

  constructor(source: ReadingSource) {
    this.detach = source((reading) => {
      this.readings.push(reading);
      for (const wake of [...this.waiters]) wake();
    });
  }

  get latest(): ListenerReading | undefined {
    return this.readings.at(-1);
  }

  /**
   * Resolves with the first reading (from now on) that satisfies `predicate`; fails after `withinMs`
   * with the last reading seen. Polls the published readings, never sleeps blindly.
   */
  waitFor(
    what: string,
    predicate: (reading: ListenerReading) => boolean,
    withinMs: number,
  ): Promise<{ reading: ListenerReading; afterMs: number }> {
    const started = performance.now();
    const from = this.readings.length;
    return new Promise((resolve, reject) => {
      let index = from;
      const check = (): void => {
        for (; index < this.readings.length; index += 1) {
          const reading = this.readings[index];
          if (reading && predicate(reading)) {
            cleanup();
            resolve({ reading, afterMs: performance.now() - started });
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${what}: not within ${withinMs} ms. Last reading: ${JSON.stringify(this.latest)}`));
      }, withinMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** ListenerCounts on real HTTP and the wall clock, started. */
export function startCounts(outlets: OutletConfig[], settings: PollerSettings = {}): ListenerCounts {
  const counts = new ListenerCounts({
    outlets,
    http: createFetchHttp(),
    clock: systemClock,
    logger: createLogger('listeners-test'),
    ...settings,
  });
  counts.start();
  return counts;
}

/** A mount URL on `server`, with source credentials unless `credentials` says otherwise. */
export function mountUrl(server: IcecastServer, mount: string, credentials: string | null = `source:${server.sourcePassword}`): string {
  return `http://${credentials ? `${credentials}@` : ''}${server.host}:${server.port}${mount}`;
}

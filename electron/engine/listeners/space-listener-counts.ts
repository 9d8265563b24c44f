import type { EndpointName } from '../../shared/state';
import type { Clock } from '../clock';
import type { EngineConfig } from '../config';
import type { Logger } from '../log/logger';
import type { HttpFetch } from './http';
import { ListenerCounts, type ReadingListener } from './listener-counts';
import type { OutletConfig, PollerSettings } from './outlet-poller';

const LABELS: Record<EndpointName, string> = { primary: 'Primary', backup: 'Backup' };

/** The outlets of a space: the Icecast mount of each configured endpoint, primary first. */
export function spaceOutlets(config: EngineConfig): OutletConfig[] {
  const outlets: OutletConfig[] = [];
  for (const name of ['primary', 'backup'] as const) {
    const icecast = config.space[name]?.icecast;
    if (!icecast) continue;
    outlets.push({
      id: name,
      label: LABELS[name],
      mountUrl: icecast.mountUrl,
      ...(icecast.fallbackMounts ? { fallbackMounts: icecast.fallbackMounts } : {}),
      ...(icecast.statsUrl ? { statsUrl: icecast.statsUrl } : {}),
    });
  }
  return outlets;
}

/** What the engine passes to count its space's listeners. */
export interface SpaceListenerCountsOptions {
  readonly config: EngineConfig;
  readonly http: HttpFetch;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Receives every reading (the engine turns them into `listeners:update` events). */
  readonly onReading: ReadingListener;
  readonly settings?: PollerSettings & { staleAfterMs?: number; historySeconds?: number };
}

/**
 * The engine's listener-count component: polls the space's Icecast mounts from the moment the
 * engine exists. Null when the space has no Icecast mount (nothing to count).
 */
export function startSpaceListenerCounts(options: SpaceListenerCountsOptions): ListenerCounts | null {
  const outlets = spaceOutlets(options.config);
  if (outlets.length === 0) return null;
  const counts = new ListenerCounts({ ...options.settings, outlets, http: options.http, clock: options.clock, logger: options.logger });
  counts.subscribe(options.onReading);
  counts.start();
  return counts;
}

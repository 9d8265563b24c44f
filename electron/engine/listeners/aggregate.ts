import type { OutletReading } from '../../shared/listeners';
import type { OutletSnapshot } from './outlet-poller';

/** The space's count at one moment, before peak and time are added. */
export interface Aggregate {
  readonly total: number;
  readonly coveredOutlets: number;
  readonly totalOutlets: number;
  readonly uniqueEstimate: number | null;
  readonly uniqueCoveredOutlets: number;
  readonly outlets: OutletReading[];
}

/** Whether an outlet's last successful read is recent enough to count. */
export function isFresh(snapshot: OutletSnapshot, now: number, staleAfterMs: number): boolean {
  return snapshot.lastSuccessAt !== null && now - snapshot.lastSuccessAt < staleAfterMs;
}

/**
 * Sums the fresh outlets. Each mount (server origin + path) is counted once even when two outlets
 * name it (the same mount configured twice, or one outlet's fallback being another outlet), taking
 * the newer reading. Stale outlets are left out of the total and reported with their reason.
 * Unique listeners are distinct `address|user agent` pairs over the fresh outlets with a client list.
 */
export function aggregate(snapshots: readonly OutletSnapshot[], now: number, staleAfterMs: number): Aggregate {
  const mounts = new Map<string, { value: number; at: number }>();
  const uniqueKeys = new Set<string>();
  let coveredOutlets = 0;
  let uniqueCoveredOutlets = 0;
  const outlets: OutletReading[] = [];

  for (const snapshot of snapshots) {
    const fresh = isFresh(snapshot, now, staleAfterMs);
    const ageMs = snapshot.lastSuccessAt === null ? null : Math.max(0, now - snapshot.lastSuccessAt);
    outlets.push({
      id: snapshot.outlet.id,
      label: snapshot.outlet.label,
      url: snapshot.target.redacted,
      listeners: snapshot.listeners,
      relaysExcluded: snapshot.relaysExcluded,
      sourceLive: snapshot.sourceLive,
      method: snapshot.method,
      stale: !fresh,
      staleReason: fresh ? null : staleReason(snapshot, ageMs, staleAfterMs),
      notice: snapshot.notice,
      ageMs,
    });
    if (!fresh || snapshot.lastSuccessAt === null) continue;
    coveredOutlets += 1;
    for (const [key, value] of snapshot.mounts) {
      const known = mounts.get(key);
      if (!known || known.at < snapshot.lastSuccessAt) mounts.set(key, { value: Math.max(0, value), at: snapshot.lastSuccessAt });
    }
    if (snapshot.clientKeys) {
      uniqueCoveredOutlets += 1;
      for (const key of snapshot.clientKeys) uniqueKeys.add(key);
    }
  }

  let total = 0;
  for (const { value } of mounts.values()) total += value;
  return {
    total,
    coveredOutlets,
    totalOutlets: snapshots.length,
    uniqueEstimate: uniqueCoveredOutlets > 0 ? uniqueKeys.size : null,
    uniqueCoveredOutlets,
    outlets,
  };
}

function staleReason(snapshot: OutletSnapshot, ageMs: number | null, staleAfterMs: number): string {
  if (snapshot.lastError) return snapshot.lastError;
  if (ageMs === null) return 'not read yet';
  return `no successful read for ${(ageMs / 1000).toFixed(1)} s (limit ${(staleAfterMs / 1000).toFixed(0)} s)`;
}

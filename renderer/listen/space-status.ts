import type { ListenPageSource } from '../../electron/shared/listen-page';

/*
 * The space's state and listener count, read from each server's public status-json.xsl (Icecast
 * sends it with `Access-Control-Allow-Origin: *` in the shipped config). A mount counts as on air
 * when its source has a stream_start; its listeners are the server's exact count.
 */

/** What one server says about the space's mount. */
export type MountStatus =
  | { readonly state: 'checking' }
  | { readonly state: 'live'; readonly listeners: number | null }
  | { readonly state: 'off' }
  | { readonly state: 'unreachable' };

interface IcecastSourceEntry {
  readonly listenurl?: unknown;
  readonly stream_start?: unknown;
  readonly listeners?: unknown;
}

/** The mount's status in a status-json.xsl body (pure: unit-tested). */
export function mountStatusIn(body: unknown, streamUrl: string): MountStatus {
  const stats = (body as { icestats?: { source?: IcecastSourceEntry | IcecastSourceEntry[] } } | null)?.icestats;
  if (stats === undefined) return { state: 'unreachable' };
  const list = stats.source === undefined ? [] : Array.isArray(stats.source) ? stats.source : [stats.source];
  const path = new URL(streamUrl).pathname;
  const found = list.find((entry) => {
    if (typeof entry.listenurl !== 'string') return false;
    try {
      return new URL(entry.listenurl).pathname === path;
    } catch {
      return false;
    }
  });
  if (found?.stream_start === undefined) return { state: 'off' };
  return { state: 'live', listeners: typeof found.listeners === 'number' ? found.listeners : null };
}

/** Reads one server's status; never throws. */
export async function readMountStatus(source: ListenPageSource, timeoutMs = 3000): Promise<MountStatus> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(source.statusUrl, { cache: 'no-store', signal: controller.signal });
    if (!response.ok) return { state: 'unreachable' };
    return mountStatusIn(await response.json(), source.url);
  } catch {
    return { state: 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

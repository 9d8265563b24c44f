import type { EndpointName } from '../../shared/endpoint';
import type { EngineConfig } from '../config';

/*
 * The Icecast fallback layout of a space, one place for the shipped server configuration
 * (deploy/icecast/) and the test environment: each server relays the other server's program mount
 * to a local "-other" mount and names it as the program mount's `<fallback-mount>`, with
 * `<fallback-override>` on. So when the engine's source on one server drops while that server
 * stays up, Icecast moves the mount's listeners to the relayed program on the same connection,
 * and back to the live mount when the source returns.
 *
 *   icecast-a: /launch.opus  (source: Steadycast)  ── fallback ──►  /launch-other.opus (relay of icecast-b /launch.opus)
 *   icecast-b: /launch.opus  (source: Steadycast)  ── fallback ──►  /launch-other.opus (relay of icecast-a /launch.opus)
 *
 * A server that is down takes its listeners' connections with it; those listeners follow the
 * playlist or the listen page to the other server (listen-link.ts).
 */

/** The fallback sections of one server. */
export interface ServerFallback {
  readonly endpoint: EndpointName;
  /** The program mount the engine feeds, e.g. `/launch.opus`. */
  readonly mount: string;
  /** The local mount that relays the other server's program, e.g. `/launch-other.opus`. */
  readonly fallbackMount: string;
  /** Move listeners back from the fallback when the source returns. */
  readonly fallbackOverride: true;
  /** Where the relay pulls from. */
  readonly relay: { readonly server: string; readonly port: number; readonly mount: string; readonly localMount: string };
}

/** The fallback mount's name for a program mount: `/launch.opus` → `/launch-other.opus`. */
export function fallbackMountFor(mount: string): string {
  const dot = mount.lastIndexOf('.');
  return dot > mount.lastIndexOf('/') ? `${mount.slice(0, dot)}-other${mount.slice(dot)}` : `${mount}-other`;
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** The fallback sections of both servers of a space; empty unless it has a primary and a backup mount. */
export function fallbackLayout(space: EngineConfig['space']): ServerFallback[] {
  if (!space.primary || !space.backup) return [];
  const urls: Record<EndpointName, URL> = {
    primary: new URL(space.primary.icecast.mountUrl),
    backup: new URL(space.backup.icecast.mountUrl),
  };
  return (['primary', 'backup'] as const).map((endpoint) => {
    const own = urls[endpoint];
    const other = urls[endpoint === 'primary' ? 'backup' : 'primary'];
    const fallbackMount = fallbackMountFor(own.pathname);
    return {
      endpoint,
      mount: own.pathname,
      fallbackMount,
      fallbackOverride: true,
      relay: { server: other.hostname, port: portOf(other), mount: other.pathname, localMount: fallbackMount },
    };
  });
}

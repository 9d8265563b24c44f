import Janode from 'janode';
import type { ServerProbe } from '../../shared/state';
import type { Clock } from '../clock';
import type { EndpointConfig } from '../config';
import { describeError } from '../../shared/describe-error';

/** Checks that a configured server answers, and how fast. */
export interface ServerProber {
  probeJanus(janus: EndpointConfig['janus']): Promise<ServerProbe>;
  probeIcecast(icecast: EndpointConfig['icecast']): Promise<ServerProbe>;
}

/** Options of the real prober. */
export interface NetworkProberOptions {
  clock: Clock;
  /** Give up on a server after this long. */
  timeoutMs?: number;
}

/** Probes real servers: Janus `info` over its WebSocket transport (janode), Icecast `status-json.xsl`. */
export function createNetworkProber({ clock, timeoutMs = 5000 }: NetworkProberOptions): ServerProber {
  Janode.Logger.setLevel('none');
  const unreachable = (error: string): ServerProbe => ({ status: 'unreachable', checkedAt: clock.now(), error });

  return {
    async probeJanus(janus) {
      const started = performance.now();
      let connection: Awaited<ReturnType<typeof Janode.connect>> | undefined;
      try {
        connection = await withTimeout(
          Janode.connect({ address: { url: janus.url, apisecret: janus.apiSecret }, max_retries: 1, retry_time_secs: 1 }),
          timeoutMs,
        );
        const info = await withTimeout(connection.getInfo(), timeoutMs);
        const missing = ['janus.plugin.audiobridge'].filter((plugin) => !info.plugins[plugin]);
        if (missing.length > 0) {
          return unreachable(`Janus answers but lacks ${missing.join(', ')}: enable the AudioBridge plugin on that server.`);
        }
        return {
          status: 'reachable',
          checkedAt: clock.now(),
          roundTripMs: performance.now() - started,
          serverVersion: `${info.name} ${info.version_string}`,
        };
      } catch (error) {
        return unreachable(
          `Janus did not answer at ${new URL(janus.url).host} (${describeError(error)}). Check the WebSocket URL and that Janus is running.`,
        );
      } finally {
        await connection?.close().catch(() => undefined);
      }
    },

    async probeIcecast(icecast) {
      const mount = new URL(icecast.mountUrl);
      const statusUrl = new URL('/status-json.xsl', mount.origin);
      const started = performance.now();
      try {
        const response = await fetch(statusUrl, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) {
          return unreachable(`Icecast at ${mount.host} answered HTTP ${response.status} for status-json.xsl. Check the server URL.`);
        }
        const body = (await response.json()) as { icestats?: { server_id?: unknown } };
        const serverId = typeof body.icestats?.server_id === 'string' ? body.icestats.server_id : null;
        if (!serverId) return unreachable(`The server at ${mount.host} does not look like Icecast (no icestats in status-json.xsl).`);
        return { status: 'reachable', checkedAt: clock.now(), roundTripMs: performance.now() - started, serverVersion: serverId };
      } catch (error) {
        return unreachable(
          `Icecast did not answer at ${mount.host} (${describeError(error)}). Check the mount URL and that Icecast is running.`,
        );
      }
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

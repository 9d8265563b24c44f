import { randomBytes, randomInt } from 'node:crypto';
import { EngineConfigSchema, type EngineConfig } from '../../electron/engine/config';
import { fallbackLayout } from '../../electron/engine/failover/icecast-fallback';
import { startIcecast, type IcecastServer } from './icecast';
import { startJanus, type JanusServer } from './janus';
import { freePorts, hostAddress, insideTestNamespace, NAMESPACE_INTERFACE, NAMESPACE_PEER_ADDRESS } from './network';

/*
 * A whole space for failover tests: a primary Janus + Icecast on the namespace's first address
 * (198.18.0.1, ICE on veth0) and a backup Janus + Icecast on its second (198.18.0.2, ICE on veth1),
 * each Icecast with the fallback layout the project ships (deploy/icecast: the program mount falls
 * back to a relay of the other server's program). Outside the namespace both run on 127.0.0.1.
 * Chaos helpers kill a server by PID (SIGKILL, like a crash) and start it again in place (same
 * ports and passwords), or freeze it (SIGSTOP) and thaw it.
 */

/** One endpoint's servers. */
export interface EndpointServers {
  janus: JanusServer;
  icecast: IcecastServer;
  readonly address: string;
}

/** Both endpoints of a test space. */
export interface SpaceServers {
  readonly primary: EndpointServers;
  readonly backup: EndpointServers;
  /** The program mount on both servers, e.g. `/space-1234.opus`. */
  readonly mount: string;
  /** The space configuration (host's engine) for these servers, with a fresh room. */
  config(name?: string): EngineConfig;
  /** SIGKILLs `which` server of `endpoint` (a crash). */
  kill(endpoint: 'primary' | 'backup', which: 'janus' | 'icecast'): void;
  /** Starts a killed server again on the same ports (and for Icecast the same passwords and layout). */
  restart(endpoint: 'primary' | 'backup', which: 'janus' | 'icecast'): Promise<void>;
  /** Asks both Icecasts to reload their config (restarts relays that gave up while the other mount had no source). */
  reloadIcecasts(): void;
  stop(): Promise<void>;
}

/** Starts the four servers of a test space. */
export async function startSpaceServers(
  options: { readonly reclaimSessionTimeout?: number; readonly tokenAuth?: boolean } = {},
): Promise<SpaceServers> {
  const primaryAddress = hostAddress();
  const backupAddress = insideTestNamespace() ? NAMESPACE_PEER_ADDRESS : hostAddress();
  const mount = `/space-${randomInt(1e6)}.opus`;
  const [primaryPort, backupPort] = await freePorts(2);
  if (primaryPort === undefined || backupPort === undefined) throw new Error('no free ports for Icecast');
  const passwords = {
    sourcePassword: randomBytes(8).toString('hex'),
    adminPassword: randomBytes(8).toString('hex'),
    relayPassword: randomBytes(8).toString('hex'),
  };
  const room = randomInt(1_000_000, 2_000_000_000);
  const secret = randomBytes(12).toString('hex');
  // Janus core token_auth (opt-in): each endpoint its own token secret, as two servers would have.
  const tokenSecrets = { primary: randomBytes(16).toString('hex'), backup: randomBytes(16).toString('hex') };

  const layout = fallbackLayout(
    EngineConfigSchema.parse({
      space: {
        name: 'layout',
        primary: { janus: { url: 'ws://unused:1' }, icecast: { mountUrl: `http://${primaryAddress}:${primaryPort}${mount}` } },
        backup: { janus: { url: 'ws://unused:1' }, icecast: { mountUrl: `http://${backupAddress}:${backupPort}${mount}` } },
      },
    }).space,
  );
  const icecastOptions = (endpoint: 'primary' | 'backup') => {
    const fallback = layout.find((entry) => entry.endpoint === endpoint);
    if (fallback === undefined) throw new Error('no fallback layout');
    return {
      host: endpoint === 'primary' ? primaryAddress : backupAddress,
      port: endpoint === 'primary' ? primaryPort : backupPort,
      passwords,
      // As deploy/icecast: a new listener starts at the live edge (no burst of old audio).
      burstSize: 0,
      mounts: [{ name: fallback.mount, fallbackMount: fallback.fallbackMount, fallbackOverride: fallback.fallbackOverride }],
      relays: [fallback.relay],
    };
  };
  const janusOptions = (endpoint: 'primary' | 'backup', ports?: JanusServer['ports']) => ({
    host: endpoint === 'primary' ? primaryAddress : backupAddress,
    iceInterface: endpoint === 'primary' ? NAMESPACE_INTERFACE : 'veth1',
    ...(options.reclaimSessionTimeout !== undefined ? { reclaimSessionTimeout: options.reclaimSessionTimeout } : {}),
    ...(options.tokenAuth === true ? { tokenAuthSecret: tokenSecrets[endpoint] } : {}),
    ...(ports ? { ports } : {}),
  });

  const started = await Promise.allSettled([
    startJanus(janusOptions('primary')),
    startIcecast(icecastOptions('primary')),
    startJanus(janusOptions('backup')),
    startIcecast(icecastOptions('backup')),
  ]);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : Promise.resolve())));
    throw failed.reason;
  }
  const [pj, pi, bj, bi] = started.map((result) => (result as PromiseFulfilledResult<JanusServer | IcecastServer>).value);
  const primary: EndpointServers = { janus: pj as JanusServer, icecast: pi as IcecastServer, address: primaryAddress };
  const backup: EndpointServers = { janus: bj as JanusServer, icecast: bi as IcecastServer, address: backupAddress };
  const endpoints = { primary, backup };

  return {
    primary,
    backup,
    mount,
    config(name = 'Failover drill') {
      const endpoint = (servers: EndpointServers, name: 'primary' | 'backup') => ({
        janus: {
          url: servers.janus.wsUrl,
          room: { id: room, secret },
          ...(options.tokenAuth === true ? { tokenSecret: tokenSecrets[name] } : {}),
        },
        icecast: {
          mountUrl: `http://source:${passwords.sourcePassword}@${servers.address}:${servers.icecast.port}${mount}`,
          statsUrl: `http://admin:${passwords.adminPassword}@${servers.address}:${servers.icecast.port}/`,
          fallbackMounts: [layout[0]?.fallbackMount ?? ''],
        },
      });
      return EngineConfigSchema.parse({ space: { name, primary: endpoint(primary, 'primary'), backup: endpoint(backup, 'backup') } });
    },
    kill(endpoint, which) {
      process.kill(endpoints[endpoint][which].pid, 'SIGKILL');
    },
    async restart(endpoint, which) {
      const servers = endpoints[endpoint];
      if (which === 'janus') {
        await servers.janus.stop();
        servers.janus = await startJanus(janusOptions(endpoint, servers.janus.ports));
      } else {
        await servers.icecast.stop();
        servers.icecast = await startIcecast(icecastOptions(endpoint));
      }
    },
    reloadIcecasts() {
      for (const servers of [primary, backup]) {
        try {
          process.kill(servers.icecast.pid, 'SIGHUP');
        } catch {
          // a killed server has nothing to reload
        }
      }
    },
    async stop() {
      await Promise.all([primary.janus.stop(), primary.icecast.stop(), backup.janus.stop(), backup.icecast.stop()]);
    },
  };
}

import { startIcecast, type IcecastOptions, type IcecastServer } from './icecast';
import { startJanus, type JanusOptions, type JanusServer } from './janus';
import { hostAddress, insideTestNamespace } from './network';

/** Options for both servers. */
export interface ServersOptions {
  readonly janus?: JanusOptions;
  readonly icecast?: IcecastOptions;
}

/** One Janus and one Icecast, started together. */
export interface TestServers {
  readonly janus: JanusServer;
  readonly icecast: IcecastServer;
  /** Address the servers advertise (198.18.0.1 inside the test namespace, else 127.0.0.1). */
  readonly hostAddress: string;
  /** Whether they run inside the isolated test network namespace. */
  readonly isolated: boolean;
  /** Stops both servers. */
  stop(): Promise<void>;
}

/** The plain-JSON description of running servers that tests and tools receive (no functions, no PIDs to kill). */
export interface ServersInfo {
  readonly hostAddress: string;
  readonly isolated: boolean;
  readonly janus: Pick<JanusServer, 'wsUrl' | 'httpUrl' | 'adminWsUrl' | 'adminHttpUrl' | 'adminSecret'>;
  readonly icecast: Pick<IcecastServer, 'baseUrl' | 'host' | 'port' | 'sourcePassword' | 'adminUser' | 'adminPassword' | 'relayPassword'>;
}

/** Starts Janus and Icecast in parallel; if either fails, the other is stopped before the error is thrown. */
export async function startServers(options: ServersOptions = {}): Promise<TestServers> {
  const [janus, icecast] = await Promise.allSettled([startJanus(options.janus), startIcecast(options.icecast)]);
  if (janus.status === 'rejected' || icecast.status === 'rejected') {
    await Promise.all([
      janus.status === 'fulfilled' ? janus.value.stop() : undefined,
      icecast.status === 'fulfilled' ? icecast.value.stop() : undefined,
    ]);
    const reasons: unknown[] = [janus, icecast].flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (reasons.length === 1) throw reasons[0];
    throw new AggregateError(reasons, 'Janus and Icecast both failed to start');
  }
  return {
    janus: janus.value,
    icecast: icecast.value,
    hostAddress: hostAddress(),
    isolated: insideTestNamespace(),
    async stop() {
      await Promise.all([janus.value.stop(), icecast.value.stop()]);
    },
  };
}

/** The plain-JSON part of running servers, safe to hand to test workers or write to a file. */
export function describeServers(servers: TestServers): ServersInfo {
  const { janus, icecast } = servers;
  return {
    hostAddress: servers.hostAddress,
    isolated: servers.isolated,
    janus: {
      wsUrl: janus.wsUrl,
      httpUrl: janus.httpUrl,
      adminWsUrl: janus.adminWsUrl,
      adminHttpUrl: janus.adminHttpUrl,
      adminSecret: janus.adminSecret,
    },
    icecast: {
      baseUrl: icecast.baseUrl,
      host: icecast.host,
      port: icecast.port,
      sourcePassword: icecast.sourcePassword,
      adminUser: icecast.adminUser,
      adminPassword: icecast.adminPassword,
      relayPassword: icecast.relayPassword,
    },
  };
}

import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { icecastConfigXml, type IcecastMount, type IcecastRelay } from '../../electron/engine/servers/config-generator';
import { icecastAccount } from '../../electron/engine/servers/installed-servers';
import { bindAddress, freePort, hostAddress } from './network';
import { spawnLogged, stopProcess, waitUntilReady } from './process';

/** Options for a test Icecast instance; every field has a sensible default. */
export interface IcecastOptions {
  /** Seconds a stalled source keeps its mount (default 5). */
  readonly sourceTimeout?: number;
  /** Bytes of backlog a new listener receives (default 0: the live edge). */
  readonly burstSize?: number;
  /** Maximum concurrent clients: listeners, sources and admin requests (default 1000). */
  readonly clients?: number;
  /** Maximum concurrent sources (default 20). */
  readonly sources?: number;
  /** Icecast log level: 1 error, 2 warn, 3 info, 4 debug (default 3). */
  readonly logLevel?: number;
  /** How long to wait for `/status-json.xsl` (default 10 s). */
  readonly startTimeoutMs?: number;
  /** Port to listen on (default: a free one); pass a stopped server's port to restart it in place. */
  readonly port?: number;
  /** Fixed passwords (default: random ones); pass a stopped server's to restart it with the same credentials. */
  readonly passwords?: Partial<Pick<IcecastServer, 'sourcePassword' | 'adminPassword' | 'relayPassword'>>;
  /** `<mount>` sections: fallbacks, listener limits. */
  readonly mounts?: readonly IcecastMountOptions[];
  /** `<relay>` sections: mounts this server pulls from another Icecast (a relay tree). */
  readonly relays?: readonly IcecastRelayOptions[];
  /** Open-file limit (`ulimit -n`) for the Icecast process, for thousands of listeners (default: inherited). */
  readonly fileLimit?: number;
  /** Run inside this `ip netns` namespace (see throttled-link.ts); pair it with `host`. */
  readonly netns?: string;
  /** Address clients use (default: the test namespace's host address, or 127.0.0.1). */
  readonly host?: string;
}

/** One `<mount>` section of the generated config. */
export type IcecastMountOptions = IcecastMount;

/** One `<relay>` section: this server pulls `mount` from `server:port` and serves it as `localMount`. */
export type IcecastRelayOptions = IcecastRelay;

/** A running Icecast: where it listens, its credentials, PID and files. */
export interface IcecastServer {
  /** `http://<host>:<port>`, without a trailing slash. */
  readonly baseUrl: string;
  readonly host: string;
  readonly port: number;
  readonly sourcePassword: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly relayPassword: string;
  readonly pid: number;
  readonly configDir: string;
  /** Icecast's own error log (the process's stdout/stderr go to `stdout.log` beside it). */
  readonly logFile: string;
  /** Stops Icecast (SIGTERM, SIGKILL after a grace period) and removes its temp dir. */
  stop(): Promise<void>;
}

/** Starts a private Icecast 2.4 on a free port with random passwords. */
export async function startIcecast(options: IcecastOptions = {}): Promise<IcecastServer> {
  // Icecast 2.4.4 (Debian) now and then dies of a SIGSEGV while it starts (seen once in a full run,
  // a null pointer in libc before it answered): that is the server's bug, not the test's subject, so
  // a crash during start-up is retried twice, saying so. Any other failure is not retried.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startIcecastOnce(options);
    } catch (error) {
      const crashed = error instanceof Error && /^Icecast exited \(SIG[A-Z]+\) before it was ready/.test(error.message);
      if (!crashed || attempt === 3) throw error;
      process.stderr.write(`[test env] ${error.message.split('\n')[0]}; starting it again (attempt ${attempt + 1} of 3)\n`);
    }
  }
}

async function startIcecastOnce(options: IcecastOptions): Promise<IcecastServer> {
  const {
    sourceTimeout = 5,
    burstSize = 0,
    clients = 1000,
    sources = 20,
    logLevel = 3,
    startTimeoutMs = 10_000,
    mounts = [],
    relays = [],
  } = options;
  const configDir = mkdtempSync(join(tmpdir(), 'steadycast-icecast-'));
  const logDir = join(configDir, 'log');
  mkdirSync(logDir);
  const host = options.host ?? hostAddress();
  const port = options.port ?? (await freePort());
  const secret = (): string => randomBytes(12).toString('hex');
  const fixed = options.passwords ?? {};
  const credentials = {
    sourcePassword: fixed.sourcePassword ?? secret(),
    adminUser: 'admin',
    adminPassword: fixed.adminPassword ?? secret(),
    relayPassword: fixed.relayPassword ?? secret(),
  };

  const owner = process.getuid?.() === 0 ? icecastAccount() : undefined;
  const config = icecastConfigXml({
    hostname: host,
    port,
    bindAddress: bindAddress(),
    ...credentials,
    limits: { clients, sources, sourceTimeout, burstSize },
    mounts,
    relays,
    logLevel,
    paths: { basedir: configDir, logdir: logDir },
    location: 'steadycast test',
    ...(owner ? { changeOwner: { user: owner.user, group: owner.group } } : {}),
  });
  const configFile = join(configDir, 'icecast.xml');
  writeFileSync(configFile, config);
  // After <changeowner> Icecast opens its logs as icecast2: the whole temp dir must be theirs.
  if (owner) for (const path of [configDir, logDir, configFile]) chownSync(path, owner.uid, owner.gid);

  // `ulimit -n` applies to the exec'd Icecast only; the shell is replaced, so the PID is Icecast's.
  const [baseCommand, baseArgs]: [string, string[]] =
    options.fileLimit === undefined
      ? ['icecast2', ['-c', configFile]]
      : ['sh', ['-c', `ulimit -n ${Math.floor(options.fileLimit)} && exec icecast2 -c "$0"`, configFile]];
  // `ip netns exec` execs the command in place, so the PID is still Icecast's.
  const [command, args]: [string, string[]] =
    options.netns === undefined ? [baseCommand, baseArgs] : ['ip', ['netns', 'exec', options.netns, baseCommand, ...baseArgs]];
  const proc = await spawnLogged(command, args, join(configDir, 'stdout.log')).catch((error: unknown) => {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  });
  const baseUrl = `http://${host}:${port}`;
  const server: IcecastServer = {
    baseUrl,
    host,
    port,
    ...credentials,
    pid: proc.pid,
    configDir,
    logFile: join(logDir, 'error.log'),
    async stop() {
      await stopProcess(proc);
      rmSync(configDir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilReady({
      what: 'Icecast',
      proc,
      timeoutMs: startTimeoutMs,
      check: async () => {
        const response = await fetch(`${baseUrl}/status-json.xsl`, { signal: AbortSignal.timeout(1_000) });
        return response.ok && 'icestats' in ((await response.json()) as object);
      },
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
export interface IcecastMountOptions {
  /** e.g. `/live.opus`. */
  readonly name: string;
  /** Where listeners go when this mount's source leaves, e.g. `/fallback.opus`. */
  readonly fallbackMount?: string;
  /** Move listeners back from the fallback when the source returns (default true when a fallback is set). */
  readonly fallbackOverride?: boolean;
  readonly maxListeners?: number;
}

/** One `<relay>` section: this server pulls `mount` from `server:port` and serves it as `localMount`. */
export interface IcecastRelayOptions {
  readonly server: string;
  readonly port: number;
  readonly mount: string;
  /** Default: the same as `mount`. */
  readonly localMount?: string;
}

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

/** Debian's unprivileged account for Icecast; Icecast refuses to run as root without `<changeowner>`. */
const ICECAST_USER = 'icecast2';
const ICECAST_GROUP = 'icecast';
const SHARE_DIR = '/usr/share/icecast2';

/** Starts a private Icecast 2.4 on a free port with random passwords. */
export async function startIcecast(options: IcecastOptions = {}): Promise<IcecastServer> {
  const { sourceTimeout = 5, burstSize = 0, clients = 1000, sources = 20, logLevel = 3, startTimeoutMs = 10_000, mounts = [], relays = [] } = options;
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

  const owner = process.getuid?.() === 0 ? unprivilegedOwner() : undefined;
  const changeOwner = owner
    ? `\t\t<changeowner>\n\t\t\t<user>${ICECAST_USER}</user>\n\t\t\t<group>${ICECAST_GROUP}</group>\n\t\t</changeowner>\n`
    : '';
  const config = `<icecast>
\t<location>steadycast test</location>
\t<admin>test@steadycast.invalid</admin>
\t<hostname>${host}</hostname>
\t<limits>
\t\t<clients>${clients}</clients>
\t\t<sources>${sources}</sources>
\t\t<queue-size>524288</queue-size>
\t\t<client-timeout>30</client-timeout>
\t\t<header-timeout>15</header-timeout>
\t\t<source-timeout>${sourceTimeout}</source-timeout>
\t\t<burst-size>${burstSize}</burst-size>
\t</limits>
\t<authentication>
\t\t<source-password>${credentials.sourcePassword}</source-password>
\t\t<relay-password>${credentials.relayPassword}</relay-password>
\t\t<admin-user>${credentials.adminUser}</admin-user>
\t\t<admin-password>${credentials.adminPassword}</admin-password>
\t</authentication>
\t<listen-socket>
\t\t<port>${port}</port>
\t\t<bind-address>${bindAddress()}</bind-address>
\t</listen-socket>
${mounts.map(mountSection).join('')}${relays.map(relaySection).join('')}\t<http-headers>
\t\t<header name="Access-Control-Allow-Origin" value="*" />
\t</http-headers>
\t<fileserve>1</fileserve>
\t<paths>
\t\t<basedir>${configDir}</basedir>
\t\t<logdir>${logDir}</logdir>
\t\t<webroot>${SHARE_DIR}/web</webroot>
\t\t<adminroot>${SHARE_DIR}/admin</adminroot>
\t\t<alias source="/" destination="/status.xsl"/>
\t</paths>
\t<logging>
\t\t<accesslog>access.log</accesslog>
\t\t<errorlog>error.log</errorlog>
\t\t<loglevel>${logLevel}</loglevel>
\t\t<logsize>10000</logsize>
\t</logging>
\t<security>
\t\t<chroot>0</chroot>
${changeOwner}\t</security>
</icecast>
`;
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

function mountSection(mount: IcecastMountOptions): string {
  const lines = [`\t\t<mount-name>${mount.name}</mount-name>`];
  if (mount.maxListeners !== undefined) lines.push(`\t\t<max-listeners>${mount.maxListeners}</max-listeners>`);
  if (mount.fallbackMount !== undefined) {
    lines.push(`\t\t<fallback-mount>${mount.fallbackMount}</fallback-mount>`);
    lines.push(`\t\t<fallback-override>${mount.fallbackOverride === false ? 0 : 1}</fallback-override>`);
  }
  return `\t<mount type="normal">\n${lines.join('\n')}\n\t</mount>\n`;
}

function relaySection(relay: IcecastRelayOptions): string {
  return [
    '\t<relay>',
    `\t\t<server>${relay.server}</server>`,
    `\t\t<port>${relay.port}</port>`,
    `\t\t<mount>${relay.mount}</mount>`,
    `\t\t<local-mount>${relay.localMount ?? relay.mount}</local-mount>`,
    '\t\t<on-demand>0</on-demand>',
    '\t\t<relay-shoutcast-metadata>0</relay-shoutcast-metadata>',
    '\t</relay>',
    '',
  ].join('\n');
}

/** uid/gid of the Debian icecast2 account; a clear error when the package is not installed. */
function unprivilegedOwner(): { uid: number; gid: number } {
  const user = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === ICECAST_USER);
  const group = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === ICECAST_GROUP);
  const uid = Number(user?.[2]);
  const gid = Number(group?.[2]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || user === undefined || group === undefined) {
    throw new Error(`user ${ICECAST_USER} / group ${ICECAST_GROUP} not found: install icecast2 (apt-get install icecast2)`);
  }
  return { uid, gid };
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindAddress, freePorts, hostAddress, insideTestNamespace, NAMESPACE_INTERFACE } from './network';
import { canConnect, spawnLogged, stopProcess, waitUntilReady } from './process';

/** Options for a test Janus instance; every field has a sensible default. */
export interface JanusOptions {
  /** Janus debug level 0–7 (default 4: info). */
  readonly debugLevel?: number;
  /** Seconds without a request before Janus destroys a session (default 60). */
  readonly sessionTimeout?: number;
  /** Seconds a session survives its transport going away, waiting for `claim` (default 30; must be > 0). */
  readonly reclaimSessionTimeout?: number;
  /** How long to wait for Janus to answer `info` (default 15 s). */
  readonly startTimeoutMs?: number;
  /** Address clients use (default: the test namespace's host address, or 127.0.0.1), e.g. the backup's 198.18.0.2. */
  readonly host?: string;
  /** Interface Janus gathers ICE candidates on inside the test namespace (default veth0; the backup uses veth1). */
  readonly iceInterface?: string;
  /** Turns on Janus core `token_auth` with this `token_auth_secret`: every request then needs a signed token (or the API secret, where one is set). */
  readonly tokenSecret?: string;
  /** Fixed ports (default: free ones); pass a stopped server's to restart it in place. */
  readonly ports?: { readonly http: number; readonly ws: number; readonly adminHttp: number; readonly adminWs: number };
}

/** A running Janus: its API endpoints (on the advertised host address), admin secret, PID and files. */
export interface JanusServer {
  readonly wsUrl: string;
  readonly httpUrl: string;
  readonly adminWsUrl: string;
  readonly adminHttpUrl: string;
  readonly adminSecret: string;
  readonly pid: number;
  /** The ports it listens on (to restart it in place). */
  readonly ports: { readonly http: number; readonly ws: number; readonly adminHttp: number; readonly adminWs: number };
  readonly configDir: string;
  readonly logFile: string;
  /** Stops Janus (SIGTERM, SIGKILL after a grace period) and removes its temp dir. */
  stop(): Promise<void>;
}

/** The only plugins the test Janus loads. */
export const JANUS_PLUGINS = ['janus.plugin.audiobridge', 'janus.plugin.streaming', 'janus.plugin.textroom'] as const;

const KEPT_PLUGIN_FILES = ['libjanus_audiobridge.so', 'libjanus_streaming.so', 'libjanus_textroom.so'];
const KEPT_TRANSPORT_FILES = ['libjanus_http.so', 'libjanus_websockets.so'];

/** Starts a private Janus with AudioBridge, Streaming and TextRoom over HTTP and WebSocket, on free ports. */
export async function startJanus(options: JanusOptions = {}): Promise<JanusServer> {
  const { debugLevel = 4, sessionTimeout = 60, reclaimSessionTimeout = 30, startTimeoutMs = 15_000, iceInterface = NAMESPACE_INTERFACE } = options;
  if (reclaimSessionTimeout <= 0) throw new Error('reclaimSessionTimeout must be > 0: sessions must survive a WebSocket outage');

  const libDir = findJanusLibDir();
  const configDir = mkdtempSync(join(tmpdir(), 'steadycast-janus-'));
  const logFile = join(configDir, 'janus.log');
  const adminSecret = randomBytes(12).toString('hex');
  const [httpPort, wsPort, adminHttpPort, adminWsPort] = options.ports ? [options.ports.http, options.ports.ws, options.ports.adminHttp, options.ports.adminWs] : await freePorts(4);
  if (httpPort === undefined || wsPort === undefined || adminHttpPort === undefined || adminWsPort === undefined) {
    throw new Error('could not reserve four free ports for Janus');
  }
  const bind = bindAddress();
  const host = options.host ?? hostAddress();

  const files: Record<string, string> = {
    'janus.jcfg': janusConfig({ libDir, configDir, debugLevel, sessionTimeout, reclaimSessionTimeout, adminSecret, iceInterface, tokenSecret: options.tokenSecret }),
    'janus.transport.http.jcfg': `general: {
\tjson = "compact"
\tbase_path = "/janus"
\thttp = true
\tport = ${httpPort}
\tip = "${bind}"
\thttps = false
}
admin: {
\tadmin_base_path = "/admin"
\tadmin_http = true
\tadmin_port = ${adminHttpPort}
\tadmin_ip = "${bind}"
\tadmin_https = false
}
cors: {
}
`,
    'janus.transport.websockets.jcfg': `general: {
\tjson = "compact"
\tws = true
\tws_port = ${wsPort}
\tws_ip = "${bind}"
\twss = false
\tws_logging = "err,warn"
}
admin: {
\tadmin_ws = true
\tadmin_ws_port = ${adminWsPort}
\tadmin_ws_ip = "${bind}"
\tadmin_wss = false
}
cors: {
}
`,
    // No static rooms or mountpoints: each test creates its own, and the packaged samples bind fixed ports.
    'janus.plugin.audiobridge.jcfg': 'general: {\n}\n',
    'janus.plugin.streaming.jcfg': 'general: {\n}\n',
    'janus.plugin.textroom.jcfg': 'general: {\n\tjson = "compact"\n}\n',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(configDir, name), text);

  const proc = await spawnLogged('janus', ['-F', configDir, '-C', join(configDir, 'janus.jcfg')], logFile).catch((error: unknown) => {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  });
  const httpUrl = `http://${host}:${httpPort}/janus`;
  const server: JanusServer = {
    wsUrl: `ws://${host}:${wsPort}`,
    httpUrl,
    adminWsUrl: `ws://${host}:${adminWsPort}`,
    adminHttpUrl: `http://${host}:${adminHttpPort}/admin`,
    adminSecret,
    pid: proc.pid,
    ports: { http: httpPort, ws: wsPort, adminHttp: adminHttpPort, adminWs: adminWsPort },
    configDir,
    logFile,
    async stop() {
      await stopProcess(proc);
      rmSync(configDir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilReady({
      what: 'Janus',
      proc,
      timeoutMs: startTimeoutMs,
      check: async () =>
        (await janusAnswersInfo(httpUrl)) &&
        (await canConnect(host, wsPort)) &&
        (await canConnect(host, adminWsPort)) &&
        (await canConnect(host, adminHttpPort)),
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Whether Janus at `httpUrl` (the `/janus` base path) answers `{"janus":"info"}` with `server_info`. */
export async function janusAnswersInfo(httpUrl: string): Promise<boolean> {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ janus: 'info', transaction: randomBytes(6).toString('hex') }),
    signal: AbortSignal.timeout(1_000),
  });
  if (!response.ok) return false;
  const body: unknown = await response.json();
  return typeof body === 'object' && body !== null && 'janus' in body && body.janus === 'server_info';
}

function janusConfig(config: {
  libDir: string;
  configDir: string;
  debugLevel: number;
  sessionTimeout: number;
  reclaimSessionTimeout: number;
  adminSecret: string;
  iceInterface: string;
  tokenSecret: string | undefined;
}): string {
  const { libDir, configDir, debugLevel, sessionTimeout, reclaimSessionTimeout, adminSecret, iceInterface, tokenSecret } = config;
  const tokenAuth = tokenSecret === undefined ? '' : `\ttoken_auth = true\n\ttoken_auth_secret = "${tokenSecret}"\n`;
  const disabledPlugins = otherLibraries(join(libDir, 'plugins'), KEPT_PLUGIN_FILES);
  const disabledTransports = otherLibraries(join(libDir, 'transports'), KEPT_TRANSPORT_FILES);
  const disabledLoggers = otherLibraries(join(libDir, 'loggers'), []);
  // Janus never gathers candidates on loopback; inside the namespace only the veth is a candidate.
  const iceEnforce = insideTestNamespace() ? `\tice_enforce_list = "${iceInterface}"\n` : '';
  return `general: {
\tconfigs_folder = "${configDir}"
\tplugins_folder = "${join(libDir, 'plugins')}"
\ttransports_folder = "${join(libDir, 'transports')}"
\tevents_folder = "${join(libDir, 'events')}"
\tloggers_folder = "${join(libDir, 'loggers')}"
\tdebug_level = ${debugLevel}
\tdebug_timestamps = true
\tdebug_colors = false
\tserver_name = "steadycast-test"
\tsession_timeout = ${sessionTimeout}
\treclaim_session_timeout = ${reclaimSessionTimeout}
\tadmin_secret = "${adminSecret}"
${tokenAuth}}
certificates: {
}
media: {
}
nat: {
\tnice_debug = false
${iceEnforce}}
plugins: {
\tdisable = "${disabledPlugins.join(',')}"
}
transports: {
\tdisable = "${disabledTransports.join(',')}"
}
loggers: {
\tdisable = "${disabledLoggers.join(',')}"
}
events: {
\tbroadcast = false
}
`;
}

/** The `lib*.so` files in `folder` other than `kept` (Janus loads every `.so` not in its `disable` list). */
function otherLibraries(folder: string, kept: readonly string[]): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => name.endsWith('.so') && !kept.includes(name));
}

/** Where the Debian package puts Janus's plugins: /usr/lib/<multiarch>/janus. */
function findJanusLibDir(): string {
  const candidates = [
    ...readdirSync('/usr/lib').map((entry) => join('/usr/lib', entry, 'janus')),
    '/usr/lib/janus',
    '/usr/local/lib/janus',
    '/opt/janus/lib/janus',
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'plugins', 'libjanus_audiobridge.so')));
  if (found === undefined) throw new Error(`Janus plugins not found (looked in ${candidates.join(', ')}); install janus: apt-get install janus`);
  return found;
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { janusConfigFiles } from '../../electron/engine/servers/config-generator';
import { findJanusLibDir, INSTALL_SERVERS_LINE, janusDisabledLibraries } from '../../electron/engine/servers/installed-servers';
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
  /** With it, Janus core checks signed tokens itself (`token_auth`; see the generator). */
  readonly tokenAuthSecret?: string;
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

/** Starts a private Janus with AudioBridge, Streaming and TextRoom over HTTP and WebSocket, on free ports. */
export async function startJanus(options: JanusOptions = {}): Promise<JanusServer> {
  const {
    debugLevel = 4,
    sessionTimeout = 60,
    reclaimSessionTimeout = 30,
    startTimeoutMs = 15_000,
    iceInterface = NAMESPACE_INTERFACE,
  } = options;
  if (reclaimSessionTimeout <= 0) throw new Error('reclaimSessionTimeout must be > 0: sessions must survive a WebSocket outage');

  const libDir = requireJanusLibDir();
  const configDir = mkdtempSync(join(tmpdir(), 'steadycast-janus-'));
  const logFile = join(configDir, 'janus.log');
  const adminSecret = randomBytes(12).toString('hex');
  const [httpPort, wsPort, adminHttpPort, adminWsPort] = options.ports
    ? [options.ports.http, options.ports.ws, options.ports.adminHttp, options.ports.adminWs]
    : await freePorts(4);
  if (httpPort === undefined || wsPort === undefined || adminHttpPort === undefined || adminWsPort === undefined) {
    throw new Error('could not reserve four free ports for Janus');
  }
  const bind = bindAddress();
  const host = options.host ?? hostAddress();

  // Janus never gathers candidates on loopback; inside the namespace only the veth is a candidate.
  const files = janusConfigFiles({
    bindAddress: bind,
    ports: { http: httpPort, ws: wsPort, adminHttp: adminHttpPort, adminWs: adminWsPort },
    adminSecret,
    debugLevel,
    sessionTimeout,
    reclaimSessionTimeout,
    serverName: 'steadycast-test',
    ...(insideTestNamespace() ? { iceEnforceList: iceInterface } : {}),
    ...(options.tokenAuthSecret !== undefined ? { tokenAuthSecret: options.tokenAuthSecret } : {}),
    paths: { configDir, libDir },
    disabled: janusDisabledLibraries(libDir),
  });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(configDir, name), text);

  const proc = await spawnLogged('janus', ['-F', configDir, '-C', join(configDir, 'janus.jcfg')], logFile).catch((error: unknown) => {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  });
  const httpUrl = `http://${host}:${httpPort}/janus`;
  const server: JanusServer = {
    wsUrl: `ws://${host}:${wsPort}`,
    httpUrl,
    // The generated config binds the admin API to this machine only.
    adminWsUrl: `ws://127.0.0.1:${adminWsPort}`,
    adminHttpUrl: `http://127.0.0.1:${adminHttpPort}/admin`,
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
        (await canConnect('127.0.0.1', adminWsPort)) &&
        (await canConnect('127.0.0.1', adminHttpPort)),
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

/** Where the Debian package puts Janus's plugins; a clear error when it is not installed. */
function requireJanusLibDir(): string {
  const found = findJanusLibDir();
  if (found === undefined) throw new Error(`Janus plugins not found; install janus: ${INSTALL_SERVERS_LINE}`);
  return found;
}

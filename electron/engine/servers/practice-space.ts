import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PracticeState } from '../../shared/practice';
import type { Clock } from '../clock';
import type { EngineConfig } from '../config';
import { listenSources } from '../failover/listen-link';
import type { Logger } from '../log/logger';
import { endpointConfigFiles, newSpaceConfig, type EndpointServerOptions } from './config-generator';
import { findInstalledServers, icecastAccount, janusDisabledLibraries } from './installed-servers';
import { newRoomId, newSecret } from './secrets';
import { writeEndpointFiles } from './server-files';
import { describeError } from '../../shared/describe-error';

/*
 * The practice space: a complete space on this computer. Both endpoints' Janus and Icecast are
 * started from the installed packages with configuration the generator writes into
 * `<data folder>/practice/` (fresh secrets at every start), on free ports of this machine, and
 * stopped with the engine. "Simulate a failure" kills the primary's two servers by PID, as a crash
 * would, so the failover can be watched.
 *
 * Janus never gathers ICE candidates on loopback (ARCHITECTURE.md): its APIs listen on the
 * endpoint's address, and its media uses this machine's other interfaces, or the one named in
 * `iceInterface` (a veth test network).
 */

/** Where one practice endpoint's servers answer. */
export interface PracticeEndpointNetwork {
  /** Address the servers listen on and clients use (default 127.0.0.1). */
  readonly address: string;
  /** The only interface Janus gathers ICE candidates on (default: every non-loopback one). */
  readonly iceInterface?: string;
}

/** What the practice space is built from. */
export interface PracticeSpaceOptions {
  /** Its folder (generated configs, space.json, logs), e.g. `<user data>/practice`. */
  readonly dir: string;
  readonly network?: { readonly primary: PracticeEndpointNetwork; readonly backup: PracticeEndpointNetwork };
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long each server may take to answer (default 20 s). */
  readonly startTimeoutMs?: number;
}

/** What the engine needs of a practice space. */
export interface PracticeHost {
  state(): PracticeState;
  /** Called on every state change. */
  onChange(listener: (state: PracticeState) => void): void;
  /** Starts the four servers (or returns the running space's config). */
  start(): Promise<EngineConfig>;
  /** Kills the primary Janus and Icecast by PID. */
  simulateFailure(): Promise<void>;
  /** Stops every server it started. */
  stop(): Promise<void>;
}

/** A server process the practice space started. */
interface ServerProcess {
  readonly what: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<void>;
}

const LOOPBACK: PracticeEndpointNetwork = { address: '127.0.0.1' };

/** Starts and stops the practice space's servers. */
export class PracticeSpace implements PracticeHost {
  private current: PracticeState;
  private readonly listeners = new Set<(state: PracticeState) => void>();
  private processes: { primary: ServerProcess[]; backup: ServerProcess[] } = { primary: [], backup: [] };
  private config: EngineConfig | null = null;
  private starting: Promise<EngineConfig> | null = null;
  private tempDirs: string[] = [];
  private readonly killOnExit = (): void => {
    for (const proc of [...this.processes.primary, ...this.processes.backup]) proc.child.kill('SIGKILL');
  };

  constructor(private readonly options: PracticeSpaceOptions) {
    const installed = findInstalledServers();
    this.current = installed.kind === 'missing' ? { status: 'unavailable', reason: installed.message } : { status: 'off' };
  }

  state(): PracticeState {
    return structuredClone(this.current);
  }

  onChange(listener: (state: PracticeState) => void): void {
    this.listeners.add(listener);
  }

  async start(): Promise<EngineConfig> {
    if (this.config !== null && this.current.status === 'running') return this.config;
    this.starting ??= this.startServers().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async simulateFailure(): Promise<void> {
    if (this.current.status !== 'running') throw new Error('the practice space is not running: start it first');
    const primary = this.processes.primary;
    this.options.logger.warn(
      `simulating a failure of the primary endpoint: killing ${primary.map((proc) => `${proc.what} (PID ${proc.child.pid ?? '?'})`).join(' and ')}`,
    );
    for (const proc of primary) proc.child.kill('SIGKILL');
    await Promise.all(primary.map((proc) => proc.exited));
    this.set({ ...this.current, primaryStopped: true });
  }

  async stop(): Promise<void> {
    const all = [...this.processes.primary, ...this.processes.backup];
    this.processes = { primary: [], backup: [] };
    await Promise.all(all.map(stopProcess));
    process.off('exit', this.killOnExit);
    for (const dir of this.tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    this.config = null;
    if (this.current.status !== 'unavailable') this.set({ status: 'off' });
  }

  private async startServers(): Promise<EngineConfig> {
    const installed = findInstalledServers();
    if (installed.kind === 'missing') {
      this.set({ status: 'unavailable', reason: installed.message });
      throw new Error(installed.message);
    }
    await this.stop();
    this.set({ status: 'starting', since: this.options.clock.now() });
    const log = this.options.logger;
    try {
      const network = this.options.network ?? { primary: LOOPBACK, backup: LOOPBACK };
      const ports = await freePorts(10);
      const port = (index: number): number => ports[index] ?? 0;
      const endpointPorts = {
        primary: { janus: { ws: port(0), http: port(1), adminWs: port(2), adminHttp: port(3) }, icecast: port(4) },
        backup: { janus: { ws: port(5), http: port(6), adminWs: port(7), adminHttp: port(8) }, icecast: port(9) },
      };
      const config = newSpaceConfig({
        name: 'Practice space',
        mount: '/live.opus',
        roomId: newRoomId(),
        roomSecret: newSecret(),
        roomAdminKey: newSecret(),
        primary: {
          host: network.primary.address,
          janusWsPort: endpointPorts.primary.janus.ws,
          icecastPort: endpointPorts.primary.icecast,
          sourcePassword: newSecret(),
          adminPassword: newSecret(),
        },
        backup: {
          host: network.backup.address,
          janusWsPort: endpointPorts.backup.janus.ws,
          icecastPort: endpointPorts.backup.icecast,
          sourcePassword: newSecret(),
          adminPassword: newSecret(),
        },
      });
      mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
      chmodSync(this.options.dir, 0o700);
      writeFileSync(join(this.options.dir, 'space.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      // Icecast refuses to run as root without <changeowner>, then writes its logs as icecast2: they go to a folder that account can reach.
      const owner = process.getuid?.() === 0 ? icecastAccount() : undefined;
      process.on('exit', this.killOnExit);

      const started = await Promise.allSettled(
        (['primary', 'backup'] as const).map(async (endpoint) => {
          const dir = join(this.options.dir, endpoint);
          const icecastHome = owner ? this.ownedTempDir(owner) : join(dir, 'icecast');
          mkdirSync(join(icecastHome, 'log'), { recursive: true });
          if (owner) chownSync(join(icecastHome, 'log'), owner.uid, owner.gid);
          const serverOptions: EndpointServerOptions = {
            janus: {
              bindAddress: network[endpoint].address,
              ports: endpointPorts[endpoint].janus,
              serverName: `steadycast-practice-${endpoint}`,
              ...(network[endpoint].iceInterface !== undefined ? { iceEnforceList: network[endpoint].iceInterface } : {}),
              paths: { configDir: join(dir, 'janus'), libDir: installed.janusLibDir },
              disabled: janusDisabledLibraries(installed.janusLibDir),
            },
            icecast: {
              bindAddress: network[endpoint].address,
              paths: { basedir: icecastHome, logdir: join(icecastHome, 'log') },
              ...(owner ? { changeOwner: { user: owner.user, group: owner.group } } : {}),
            },
            secrets: {
              janusAdminSecret: newSecret(),
              icecastRelayPassword: newSecret(),
              icecastAdminPassword: newSecret(),
              icecastSourcePassword: newSecret(),
            },
          };
          const written = writeEndpointFiles(dir, endpointConfigFiles(config.space, endpoint, serverOptions));
          const address = network[endpoint].address;
          const janus = await spawnServer(
            `${endpoint} Janus`,
            installed.janus,
            ['-F', written.janusDir, '-C', written.janusConfig],
            join(dir, 'janus.log'),
          );
          this.processes[endpoint].push(janus);
          const icecast = await spawnServer(
            `${endpoint} Icecast`,
            installed.icecast,
            ['-c', written.icecastConfig],
            join(dir, 'icecast.log'),
          );
          this.processes[endpoint].push(icecast);
          const timeoutMs = this.options.startTimeoutMs ?? 20_000;
          await Promise.all([
            waitUntilReady(janus, timeoutMs, () => janusAnswers(`http://${address}:${endpointPorts[endpoint].janus.http}/janus`)),
            waitUntilReady(icecast, timeoutMs, () =>
              icecastAnswers(`http://${address}:${endpointPorts[endpoint].icecast}/status-json.xsl`),
            ),
          ]);
        }),
      );
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      this.config = config;
      this.set({
        status: 'running',
        since: this.options.clock.now(),
        folder: this.options.dir,
        listenUrls: listenSources(config.space).map((source) => source.url),
        primaryStopped: false,
      });
      log.info(`practice space running: configuration and logs in ${this.options.dir}`);
      return config;
    } catch (error) {
      await this.stop();
      const reason = `The practice space could not start: ${describeError(error)}`;
      log.error(reason);
      this.set({ status: 'failed', at: this.options.clock.now(), reason: reason.slice(0, 2000) });
      throw new Error(reason, { cause: error });
    }
  }

  private ownedTempDir(owner: { uid: number; gid: number }): string {
    const dir = mkdtempSync(join(tmpdir(), 'steadycast-practice-icecast-'));
    chownSync(dir, owner.uid, owner.gid);
    this.tempDirs.push(dir);
    return dir;
  }

  private set(state: PracticeState): void {
    this.current = state;
    for (const listener of this.listeners) listener(this.state());
  }
}

async function spawnServer(what: string, command: string, args: readonly string[], logFile: string): Promise<ServerProcess> {
  const fd = openSync(logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`${what} (${command}) did not start: ${error.message}`)));
  });
  return { what, child, logFile, exited };
}

async function stopProcess(proc: ServerProcess, graceMs = 3_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
  if ((await Promise.race([proc.exited, timer])) === 'late') {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

async function waitUntilReady(proc: ServerProcess, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void proc.exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`${proc.what} stopped at once; the end of its log (${proc.logFile}):\n${tail(proc.logFile)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(
        `${proc.what} did not answer within ${Math.round(timeoutMs / 1000)} s; the end of its log (${proc.logFile}):\n${tail(proc.logFile)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function janusAnswers(httpUrl: string): Promise<boolean> {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ janus: 'info', transaction: randomBytes(6).toString('hex') }),
    signal: AbortSignal.timeout(1_000),
  });
  return response.ok && ((await response.json()) as { janus?: unknown }).janus === 'server_info';
}

async function icecastAnswers(statusUrl: string): Promise<boolean> {
  const response = await fetch(statusUrl, { signal: AbortSignal.timeout(1_000) });
  return response.ok && 'icestats' in ((await response.json()) as object);
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(cannot read it: ${describeError(error)})`;
  }
}

/** `count` distinct TCP ports free on this machine right now (all held open together, so none repeats). */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '0.0.0.0', () => resolve((server.address() as AddressInfo).port));
          }),
      ),
    );
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))),
    );
  }
}

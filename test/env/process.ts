import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A server process started by a launcher, with its log file. */
export interface LoggedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Spawns `command` with stdout and stderr appended to `logFile`; throws if it cannot start. */
export async function spawnLogged(command: string, args: readonly string[], logFile: string): Promise<LoggedProcess> {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const { pid } = child;
  if (pid === undefined) throw new Error(`${command} started without a PID`);
  return { child, pid, logFile, exited };
}

/** Stops a process by PID: SIGTERM, then SIGKILL when it has not exited after `graceMs`. */
export async function stopProcess(proc: LoggedProcess, graceMs = 3_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  const timedOut = Symbol('timed out');
  const result = await Promise.race([proc.exited, delay(graceMs).then(() => timedOut)]);
  if (result === timedOut) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

/** Polls `check` until it returns true; fails after `timeoutMs`, or at once if `proc` exits first. */
export async function waitUntilReady(options: {
  readonly what: string;
  readonly check: () => Promise<boolean>;
  readonly proc: LoggedProcess;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}): Promise<void> {
  const { what, check, proc, timeoutMs, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | undefined;
  void proc.exited.then((code) => {
    exitedWith = code;
  });
  for (;;) {
    if (exitedWith !== undefined) {
      throw new Error(`${what} exited (${String(exitedWith)}) before it was ready. Log tail (${proc.logFile}):\n${tailFile(proc.logFile)}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${what} was not ready after ${timeoutMs} ms. Log tail (${proc.logFile}):\n${tailFile(proc.logFile)}`);
    }
    await delay(intervalMs);
  }
}

/** Whether a TCP connection to `host:port` succeeds. */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The last `lines` lines of a text file, or a note when it cannot be read. */
export function tailFile(path: string, lines = 40): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(cannot read ${path}: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether the module at `moduleUrl` (its `import.meta.url`) is the script Node was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

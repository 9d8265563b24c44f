import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import type { TestServers } from '../../env/servers';
import { testIceHostAddresses } from '../../env/network';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'out', 'cli', 'steadycast.js');

/** The real headless engine (`steadycast headless`) started for a test. */
export interface HeadlessEngine {
  /** Control-room link with the access token, as the command printed it. */
  readonly openUrl: string;
  readonly pid: number;
  /** Where shows started from the UI keep their safety recording (removed by {@link HeadlessEngine.stop}). */
  readonly recordingsDir: string;
  /** Everything the engine wrote to stderr (its log). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A host's space on the test servers: one endpoint, a fresh AudioBridge room with its own secret,
 * and `mount` (a path such as `/show-1.opus`) on the test Icecast.
 */
export function hostSpaceConfig(servers: TestServers, name: string, mount: string): { space: object } {
  const { janus, icecast } = servers;
  return {
    space: {
      name,
      primary: {
        janus: { url: janus.wsUrl, room: { id: randomInt(1_000_000, 2 ** 31), secret: randomBytes(12).toString('hex') } },
        icecast: { mountUrl: `http://source:${icecast.sourcePassword}@${icecast.host}:${icecast.port}${mount}` },
      },
    },
  };
}

/** How to start an engine besides its config. */
export interface HeadlessEngineOptions {
  /** The user's home folder (the data folder is under it): a new user's empty one. */
  readonly home?: string;
  /** More command-line options. */
  readonly args?: readonly string[];
}

/** Starts the built headless engine with `config` (null: none, as a new user does) and waits for the link it prints. */
export async function startHeadlessEngine(config: unknown, options: HeadlessEngineOptions = {}): Promise<HeadlessEngine> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" before the e2e tests.`);
  const dir = await mkdtemp(join(tmpdir(), 'steadycast-e2e-'));
  const configPath = join(dir, 'space.json');
  const recordingsDir = join(dir, 'recordings');
  if (config !== null) await writeFile(configPath, JSON.stringify(config, null, 2));

  // Recordings in the temp dir, not the default ./recordings of the repository.
  const configArgs = config === null ? [] : ['--config', configPath];
  const env = { ...process.env };
  if (options.home !== undefined) {
    env.HOME = options.home;
    delete env.XDG_DATA_HOME;
  }
  const child = spawn(
    process.execPath,
    [
      cli,
      'headless',
      '--port',
      '0',
      ...configArgs,
      '--recordings',
      recordingsDir,
      ...testIceHostAddresses().flatMap((address) => ['--ice-host', address]),
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`headless engine printed no link within 15 s.\nstdout:\n${stdout}\nstderr:\n${stderr}`)),
      15_000,
    );
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /Control room: (\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headless engine exited with ${code}.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });

  return {
    openUrl,
    pid: child.pid ?? -1,
    recordingsDir,
    log: () => stderr,
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

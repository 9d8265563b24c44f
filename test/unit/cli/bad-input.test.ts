import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastUsageError, ICECAST_PASSWORD_ENV, parseBroadcastArgs } from '../../../electron/cli/broadcast-command';
import { OUTLET_PASSWORD_ENV, runListenersCommand } from '../../../electron/cli/listeners-command';
import { readSecretFile, SecretSourceError } from '../../../electron/cli/secrets';
import { AudioFileError } from '../../../electron/engine/audio/audio-file-error';
import { WavReader } from '../../../electron/engine/audio/wav-reader';
import { readConfigText } from '../../../electron/engine/config-text';
import { parseEngineConfig } from '../../../electron/engine/config';
import { decodePcmFrame, encodePcmFrame, PCM_FRAME_LENGTH } from '../../../electron/shared/pcm-frame';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeIcecastHttp, flush, listClientsXml, players } from '../../fakes/listeners-fake-http';

/*
 * Every bad input of issue 19 against the command line: one clear line, exit 2, no stack trace, no
 * hang, never the password. The `steadycast` runs are the built command (npm run build), as users
 * run it (each start of Node takes seconds on a loaded machine: generous timeouts, no timing
 * assertions); the rest checks the parsers in process.
 */

const root = join(import.meta.dirname, '..', '..', '..');
const cli = join(root, 'out', 'cli', 'steadycast.js');
const SECRET = 'Hunter2-very-secret';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steadycast-bad-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built command; kills it (and fails) if it is still running after `budgetMs`. */
function steadycast(args: string[], options: { env?: NodeJS.ProcessEnv; budgetMs?: number; signalAfterMs?: number } = {}): Promise<Run> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first.`);
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: dir,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const signal = options.signalAfterMs === undefined ? null : setTimeout(() => child.kill('SIGTERM'), options.signalAfterMs);
  const budget = setTimeout(() => child.kill('SIGKILL'), options.budgetMs ?? 30_000);
  return new Promise((resolve) =>
    child.once('close', (code, killedBy) => {
      clearTimeout(budget);
      if (signal) clearTimeout(signal);
      resolve({ code, signal: killedBy, stdout, stderr });
    }),
  );
}

/** The refusal every bad input must get: exit 2, one line on stderr, no stack trace, no secret. */
function expectOneLineRefusal(run: Run, pattern: RegExp): void {
  expect(run.signal, run.stderr).toBeNull();
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:|unexpected failure/);
  expect(run.stderr + run.stdout).not.toContain(SECRET);
  expect(run.stderr + run.stdout).not.toContain(SECRET.slice(0, 6));
}

function writeConfig(name: string, config: unknown, prefix = ''): string {
  const path = join(dir, name);
  writeFileSync(path, prefix + JSON.stringify(config));
  return path;
}

describe('steadycast broadcast refuses bad --icecast URLs without echoing them', { timeout: 90_000 }, () => {
  it('a malformed %-escape in the password', async () => {
    const run = await steadycast(['broadcast', '--source', 'tone:440', '--icecast', `http://source:${SECRET}%zz@127.0.0.1:9/live.opus`]);
    expectOneLineRefusal(run, /--icecast #1 has a malformed %-escape/);
  });

  it('a URL without http:// (source:pw@host/mount)', async () => {
    const run = await steadycast(['broadcast', '--source', 'tone:440', '--icecast', `source:${SECRET}@icecast.example.org/live.opus`]);
    expectOneLineRefusal(run, /--icecast #1 does not start with http:\/\//);
  });

  it('a URL given without --icecast (parseArgs quotes the argument)', async () => {
    const run = await steadycast(['broadcast', '--source', 'tone:440', `http://source:${SECRET}@127.0.0.1:9/live.opus`]);
    expectOneLineRefusal(run, /Unexpected argument 'http:\/\/\[redacted\]@127\.0\.0\.1:9\/live\.opus'/);
  });

  it('a # or @ that would make it connect to another host', async () => {
    for (const url of [
      `http://source:${SECRET}@localhost/rd#1@198.18.0.9:9/live`,
      `http://source:${SECRET}@localhost/x@198.18.0.9:9/live`,
      `http://source:${SECRET}@x@198.18.0.9:9/live`,
    ]) {
      const run = await steadycast(['broadcast', '--source', 'tone:440', '--icecast', url]);
      expectOneLineRefusal(run, /--icecast #1 (must not contain #|has an @ outside)/);
    }
  });
});

describe('steadycast broadcast --source', { timeout: 90_000 }, () => {
  it('refuses a FIFO at once instead of blocking on it', async () => {
    const fifo = join(dir, 'program.wav');
    execFileSync('mkfifo', [fifo]);
    // SIGTERM after 5 s would still stop it; the refusal comes long before.
    const run = await steadycast(['broadcast', '--source', fifo, '--record', join(dir, 'never.opus')], {
      signalAfterMs: 5000,
      budgetMs: 20_000,
    });
    expectOneLineRefusal(run, /is not a regular file \(a FIFO, device or folder\)/);
  });

  it('SIGTERM stops a running broadcast cleanly', async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first.`);
    const child = spawn(process.execPath, [cli, 'broadcast', '--source', 'tone:440', '--record', join(dir, 'sigterm.opus')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let signalled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // Once: a second SIGTERM during the shutdown ends the process at once, by design. A show with
      // no outputs never prints "On air" (nothing reaches an audience), so the signal follows its start.
      if (!signalled && stdout.includes('Starting:')) {
        signalled = true;
        setTimeout(() => child.kill('SIGTERM'), 1000);
      }
    });
    const budget = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('close', (exitCode, killedBy) => resolve([exitCode, killedBy])),
    );
    clearTimeout(budget);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(stdout).toMatch(/Off air \(signal\)/);
  });

  it('the WAV reader itself opens a FIFO without waiting for a writer, and refuses it', () => {
    const fifo = join(dir, 'reader.wav');
    execFileSync('mkfifo', [fifo]);
    expect(() => WavReader.open(fifo)).toThrow(/not a regular file/);
  });

  it('refuses a WAV of millions of empty chunks after a bounded walk', async () => {
    const path = join(dir, 'chunks.wav');
    const chunks = 2_000_000;
    const bytes = Buffer.alloc(12 + chunks * 8);
    bytes.write('RIFF', 0, 'latin1');
    bytes.writeUInt32LE(bytes.length - 8, 4);
    bytes.write('WAVE', 8, 'latin1');
    for (let index = 0; index < chunks; index += 1) bytes.write('JUNK', 12 + index * 8, 'latin1'); // size 0
    writeFileSync(path, bytes);
    expect(() => WavReader.open(path)).toThrow(AudioFileError);
    expect(() => WavReader.open(path)).toThrow(/more than 1024 chunks/);
    const run = await steadycast(['broadcast', '--source', path, '--record', join(dir, 'chunks.opus')]);
    expectOneLineRefusal(run, /chunks\.wav.*more than 1024 chunks/);
  });
});

describe('config files', { timeout: 90_000 }, () => {
  it('refuses a malformed %-escape by field, without the password, exit 2', async () => {
    const config = writeConfig('escape.json', {
      space: {
        name: 'x',
        primary: { janus: { url: 'ws://127.0.0.1:9' }, icecast: { mountUrl: `http://source:${SECRET}%zz@127.0.0.1:9/live.opus` } },
      },
    });
    const run = await steadycast(['headless', '--config', config, '--port', '0'], { signalAfterMs: 15_000 });
    expectOneLineRefusal(run, /space\.primary\.icecast\.mountUrl: has a malformed %-escape/);
  });

  it('refuses a huge config before reading it', async () => {
    const path = join(dir, 'huge.json');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 300 * 1024 * 1024); // sparse: no disk used
    closeSync(fd);
    const read = await readConfigText(path);
    expect(read).toMatchObject({ ok: false, reason: 'too-large' });
    const run = await steadycast(['headless', '--config', path, '--port', '0'], { signalAfterMs: 15_000 });
    expectOneLineRefusal(run, /huge\.json is 300 MB, more than a config can be \(limit 1 MB\)/);
  });

  it('refuses a FIFO as config instead of blocking on it', async () => {
    const fifo = join(dir, 'config.json');
    execFileSync('mkfifo', [fifo]);
    const run = await steadycast(['listen-link', '--config', fifo, '--out', dir], { signalAfterMs: 10_000 });
    expectOneLineRefusal(run, /config\.json is not a regular file/);
  });

  it('accepts a config that starts with a UTF-8 byte order mark', async () => {
    const config = writeConfig(
      'bom.json',
      { space: { name: 'BOM', primary: { janus: { url: 'ws://127.0.0.1:9' }, icecast: { mountUrl: 'http://127.0.0.1:9/live.opus' } } } },
      '\uFEFF',
    );
    expect(readFileSync(config).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const out = join(dir, 'bom-link');
    const run = await steadycast(['listen-link', '--config', config, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(out, 'listen.m3u'), 'utf8')).toContain('http://127.0.0.1:9/live.opus');
  });

  it('warns once when a config holding passwords can be read by other users, never printing them', async () => {
    const config = writeConfig('secret.json', {
      space: {
        name: 'S',
        primary: { janus: { url: 'ws://127.0.0.1:9' }, icecast: { mountUrl: `http://source:${SECRET}@127.0.0.1:9/live.opus` } },
      },
    });
    chmodSync(config, 0o644);
    const open = await steadycast(['listen-link', '--config', config, '--out', join(dir, 'secret-link')]);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stderr.match(/holds passwords or room secrets and other users can read it \(mode 644\); run: chmod 600/g)).toHaveLength(1);
    expect(open.stderr + open.stdout).not.toContain(SECRET);
    chmodSync(config, 0o600);
    const closed = await steadycast(['listen-link', '--config', config, '--out', join(dir, 'secret-link')]);
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.stderr).toBe('');
  });

  it('names the field of each ambiguous URL', () => {
    const bad = (mountUrl: string): string => {
      try {
        parseEngineConfig({ space: { name: 'x', primary: { janus: { url: 'ws://h:1' }, icecast: { mountUrl } } } }, 'space.json');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(bad('http://source:p%zz@h/live')).toMatch(/mountUrl: has a malformed %-escape/);
    expect(bad('http://source:p@localhost/rd#1@h:9/live')).toMatch(/mountUrl: must not contain #/);
    expect(bad('http://source:p@localhost/rd@h:9/live')).toMatch(/mountUrl: has an @ outside/);
    expect(bad('source:pw@h/live')).toMatch(/mountUrl: must start with http/);
    expect(bad('source:pw@h/live')).not.toContain('pw@');
    expect(bad('http://source:p%40ss%23@h:9/live')).toBe('accepted');
  });
});

describe('passwords never on argv', { timeout: 90_000 }, () => {
  const passwordFile = (name: string, content: string, mode: number): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  };

  it('takes the source password from a 0600 file, escaped into the URL', () => {
    const file = passwordFile('icecast.pw', 'p@ss#%/word\n', 0o600);
    const args = parseBroadcastArgs(
      ['--source', 'tone:440', '--icecast', 'http://198.18.0.1:8000/live.opus', '--icecast-password-file', file],
      {},
    );
    expect(args.warnings).toEqual([]);
    const url = new URL(args.outputs[0]!.url);
    expect(url.username).toBe('source');
    expect(decodeURIComponent(url.password)).toBe('p@ss#%/word');
    expect(url.host).toBe('198.18.0.1:8000');
  });

  it('pairs one file per URL, or one for all', () => {
    const primary = passwordFile('primary.pw', 'first', 0o600);
    const backup = passwordFile('backup.pw', 'second', 0o400);
    const urls = ['--icecast', 'http://198.18.0.1:8000/a.opus', '--icecast', 'http://198.18.0.2:8000/b.opus'];
    const paired = parseBroadcastArgs(
      ['--source', 'tone:440', ...urls, '--icecast-password-file', primary, '--icecast-password-file', backup],
      {},
    );
    expect(paired.outputs.map((output) => new URL(output.url).password)).toEqual(['first', 'second']);
    const shared = parseBroadcastArgs(['--source', 'tone:440', ...urls, '--icecast-password-file', primary], {});
    expect(shared.outputs.map((output) => new URL(output.url).password)).toEqual(['first', 'first']);
    const three = ['--icecast', 'http://198.18.0.3:8000/c.opus'];
    expect(() =>
      parseBroadcastArgs(
        ['--source', 'tone:440', ...urls, ...three, '--icecast-password-file', primary, '--icecast-password-file', backup],
        {},
      ),
    ).toThrow(/2 --icecast-password-file options for 3 --icecast URLs/);
  });

  it('refuses a password file other users can read, naming the fix and not the password', () => {
    const file = passwordFile('open.pw', SECRET, 0o644);
    let message = '';
    try {
      parseBroadcastArgs(['--source', 'tone:440', '--icecast', 'http://198.18.0.1:8000/live.opus', '--icecast-password-file', file], {});
    } catch (error) {
      expect(error).toBeInstanceOf(BroadcastUsageError);
      message = (error as Error).message;
    }
    expect(message).toBe(`--icecast-password-file ${file} can be read by other users (mode 644); run: chmod 600 ${file}`);
    expect(() => readSecretFile(join(dir, 'missing.pw'), '--x')).toThrow(SecretSourceError);
    expect(() => readSecretFile(passwordFile('empty.pw', '\n', 0o600), '--x')).toThrow(/is empty/);
    expect(() => readSecretFile(passwordFile('two.pw', 'a\nb\n', 0o600), '--x')).toThrow(/more than one line/);
  });

  it('takes the password from the environment when no file is given', () => {
    const args = parseBroadcastArgs(['--source', 'tone:440', '--icecast', 'http://198.18.0.1:8000/live.opus'], {
      [ICECAST_PASSWORD_ENV]: SECRET,
    });
    expect(decodeURIComponent(new URL(args.outputs[0]!.url).password)).toBe(SECRET);
    expect(args.warnings).toEqual([]);
  });

  it('says where to put a missing password', () => {
    expect(() => parseBroadcastArgs(['--source', 'tone:440', '--icecast', 'http://198.18.0.1:8000/live.opus'], {})).toThrow(
      /has no password: put it in a file \(--icecast-password-file FILE, mode 0600\) or in STEADYCAST_ICECAST_PASSWORD/,
    );
  });

  it('still takes a password on argv, with one warning that does not print it', () => {
    const args = parseBroadcastArgs(
      [
        '--source',
        'tone:440',
        '--icecast',
        `http://source:${SECRET}@198.18.0.1:8000/a.opus`,
        '--icecast',
        `http://source:${SECRET}@198.18.0.2:8000/b.opus`,
      ],
      {},
    );
    expect(args.warnings).toHaveLength(1);
    expect(args.warnings[0]).toMatch(/visible to every user of this machine/);
    expect(args.warnings[0]).not.toContain(SECRET);
    expect(new URL(args.outputs[1]!.url).password).toBe(SECRET);
  });

  it('warns once on stderr when the built command is given one', async () => {
    const run = await steadycast(
      ['broadcast', '--source', 'tone:440', '--icecast', `http://source:${SECRET}@127.0.0.1:9/live.opus`, '--duration', '0.2', '--json'],
      {
        budgetMs: 30_000,
      },
    );
    expect(run.stderr.match(/visible to every user/g)).toHaveLength(1);
    expect(run.stderr + run.stdout).not.toContain(SECRET);
  });

  it('listeners: an outlet password from the environment or a file reaches the server, never argv', async () => {
    const http = new FakeIcecastHttp().on('/admin/listclients?mount=/live.opus', {
      status: 200,
      body: listClientsXml('/live.opus', players(2)),
    });
    const clock = new FakeClock();
    let err = '';
    const controller = new AbortController();
    const done = runListenersCommand(['--outlet', 'http://198.18.0.1:8000/live.opus', '--duration', '1', '--json'], {
      stdout: () => undefined,
      stderr: (text) => (err += text),
      isTty: false,
      http: http.fetch,
      clock,
      stop: controller.signal,
      env: { [OUTLET_PASSWORD_ENV]: SECRET },
    });
    for (let elapsed = 0; elapsed <= 1500; elapsed += 100) {
      await flush();
      clock.advance(100);
    }
    expect(await done).toBe(0);
    const sent = http.requestsTo('/admin/listclients?mount=/live.opus')[0]?.authorization;
    expect(sent).toBe(`Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`);
    expect(err).not.toContain('visible to every user');
  });
});

describe('PCM frames', { timeout: 90_000 }, () => {
  it('refuse a capture time that is not a time', () => {
    const frame = (captureTime: number): ArrayBuffer =>
      encodePcmFrame({ channels: 2, sampleRate: 48_000, sequence: 1, captureTime, samples: new Float32Array(PCM_FRAME_LENGTH * 2) });
    for (const captureTime of [-1e308, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300]) {
      const decoded = decodePcmFrame(frame(captureTime));
      expect(decoded.ok, String(captureTime)).toBe(false);
      if (!decoded.ok) expect(decoded.error).toMatch(/capture time .* is not a time/);
    }
    expect(decodePcmFrame(frame(0)).ok).toBe(true);
    expect(decodePcmFrame(frame(Date.now())).ok).toBe(true);
  });
});

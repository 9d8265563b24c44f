import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ebur128 } from '../env/ebur128';
import { startIcecast, type IcecastServer } from '../env/icecast';

/*
 * The target, measured where the audience is: speech sources at −32, −23 and −12 LUFS,
 * each broadcast by the built `steadycast broadcast` command (chain on: −16 LUFS, −1 dBTP) through a
 * real Icecast; a listener's capture of each mount (24 s of audio from when it joins, Icecast's
 * burst included), measured by ffmpeg's ebur128, reads −16 ± 1 LU
 * integrated and a true peak of at most −1.0 dBTP. With `--loudness off` the −23 source stays −23.
 */

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'out', 'cli', 'steadycast.js');
const SPEECH =
  'Good evening and welcome to the show. Tonight we talk about live audio, and about loudness. ' +
  'One guest is always too quiet, another shouts, and a laptop microphone clips. ' +
  'Broadcasters measure loudness rather than peaks, and deliver a steady programme that the audience can trust. ' +
  'Stay with us after the break, when our second guest joins from the other side of the world.';

let dir: string;
let server: IcecastServer;
const sources = new Map<number, string>();

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: npm test builds it before this stage; run "npm run build".`);
  dir = await mkdtemp(join(tmpdir(), 'steadycast-loudness-broadcast-'));
  const raw = join(dir, 'speech-raw.wav');
  await run('espeak-ng', ['-v', 'en', '-s', '155', '-w', raw, SPEECH]);
  const base = join(dir, 'speech-48k.wav');
  // Stereo sources, so each file reads its level as the stereo program will carry it.
  await run('sox', [raw, '-r', '48000', '-c', '2', '-e', 'floating-point', '-b', '32', base]);
  const measured = (await ebur128(base)).integratedLufs;
  for (const level of [-32, -23, -12]) {
    // Float samples, so the −12 LUFS source may peak above full scale without clipping in the file.
    const path = join(dir, `speech${level}.wav`);
    await run('sox', [base, '-e', 'floating-point', '-b', '32', path, 'gain', String(level - measured)]);
    sources.set(level, path);
  }
  // A full-scale 997 Hz sine pushed 6 dB into clipping, 16-bit: flat tops and intersample overs.
  const clipped = join(dir, 'clipped.wav');
  await run('sox', ['-n', '-r', '48000', '-c', '2', '-b', '16', clipped, 'synth', '30', 'sine', '997', 'gain', '6']);
  sources.set(0, clipped);
  server = await startIcecast();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Broadcasts `source` with the built command; once its output is live, listens until the capture
 * holds `seconds` of audio (by the Ogg granule positions, not the wall clock: on a loaded machine
 * the audio may arrive late), then ends the show with SIGTERM, as Ctrl+C would.
 */
async function broadcastAndCapture(
  source: string,
  mount: string,
  loudness: string[],
  seconds: number,
): Promise<{ code: number | null; capture: string; stopped: Record<string, unknown> | undefined; meters: Record<string, unknown>[] }> {
  const url = `http://source:${server.sourcePassword}@${server.host}:${server.port}${mount}`;
  const child = spawn(
    process.execPath,
    [cli, 'broadcast', '--source', source, '--loop', '--icecast', url, '--channels', '2', '--bitrate', '128', '--json', ...loudness],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const live = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (/"event":"output"[^\n]*"state":"live"/.test(stdout)) resolve();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    void exited.then(() => reject(new Error(`the broadcast ended before going live:\n${stderr}`)));
  });
  try {
    await live;
    const capture = join(dir, `capture${mount.replace(/\W/g, '-')}.opus`);
    const bytes = await captureWhenListed(mount, seconds).catch((error: unknown) => {
      const outputLines = stdout.split('\n').filter((line) => line.includes('"event":"output"'));
      throw new Error(`${String(error)}; the output went:\n${outputLines.join('\n')}\n${stderr.slice(-2000)}`);
    });
    await writeFile(capture, bytes);
    child.kill('SIGTERM');
    const code = await exited;
    const events = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return {
      code,
      capture,
      stopped: events.find((event) => event.event === 'stopped'),
      meters: events.filter((event) => event.event === 'meters'),
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** Icecast may answer 404 for a moment after it accepted a source (before its first pages): try again briefly. */
async function captureWhenListed(mount: string, seconds: number): Promise<Buffer> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await captureAudio(mount, seconds);
    } catch (error) {
      if (attempt >= 20 || !String(error).includes('HTTP 404')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The granule position (48 kHz samples) of the last whole Ogg page header in `bytes`, or null. */
function lastGranule(bytes: Buffer): number | null {
  const at = bytes.lastIndexOf('OggS');
  if (at < 0 || bytes.length < at + 14) return null;
  return Number(bytes.readBigInt64LE(at + 6));
}

/** Listens like a player until the stream it got spans `seconds` of audio (at most 120 s of waiting). */
function captureAudio(mount: string, seconds: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  let first: number | null = null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`the listener of ${mount} got ${received} bytes in 120 s, not ${seconds} s of audio`));
    }, 120_000);
    const req = request(
      { host: server.host, port: server.port, path: mount, headers: { 'User-Agent': 'steadycast-test-listener' } },
      (response) => {
        if (response.statusCode !== 200) {
          clearTimeout(timer);
          response.resume();
          reject(new Error(`listener got HTTP ${response.statusCode} for ${mount}`));
          return;
        }
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          const granule = lastGranule(chunk);
          if (granule === null || granule <= 0) return;
          first ??= granule;
          if (granule - first >= seconds * 48_000) {
            clearTimeout(timer);
            req.destroy();
            resolve(Buffer.concat(chunks));
          }
        });
        response.on('end', () => {
          clearTimeout(timer);
          reject(new Error(`the stream of ${mount} ended after ${received} bytes, before ${seconds} s of audio`));
        });
      },
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

describe('program loudness at the listener (steadycast broadcast → Icecast → ffmpeg ebur128)', () => {
  it('speech at −32, −23 and −12 LUFS all reach the audience at −16 ± 1 LUFS with true peak ≤ −1 dBTP', async () => {
    const levels = [-32, -23, -12] as const;
    // One after another: three real-time broadcasts at once load a small machine for nothing.
    const results = [];
    for (const level of levels)
      results.push(
        await broadcastAndCapture(sources.get(level) ?? '', `/speech${-level}.opus`, ['--loudness', '-16', '--true-peak', '-1'], 24),
      );
    for (const [index, result] of results.entries()) {
      const heard = await ebur128(result.capture);
      const context = `source ${levels[index]} LUFS: ${JSON.stringify(heard)}`;
      expect(result.code, context).toBe(0);
      expect(heard.integratedLufs, context).toBeGreaterThanOrEqual(-17);
      expect(heard.integratedLufs, context).toBeLessThanOrEqual(-15);
      expect(heard.truePeakDbtp, context).toBeLessThanOrEqual(-1.0);
      // The command reports the same program loudness in its meters and in its summary at the end.
      expect(result.meters.at(-1), context).toMatchObject({ loudness: { targetLufs: -16, ceilingDbtp: -1 } });
      const summary = (result.stopped?.loudness ?? {}) as { integratedLufs?: number; truePeakDbtp?: number };
      expect(Math.abs((summary.integratedLufs ?? 0) - heard.integratedLufs), context).toBeLessThanOrEqual(1);
      expect(summary.truePeakDbtp, context).toBeLessThanOrEqual(-1);
    }
  }, 420_000);

  it('a clipping source (a sine driven 6 dB into full scale) reaches the audience under the ceiling, levelled', async () => {
    const result = await broadcastAndCapture(sources.get(0) ?? '', '/clipped.opus', [], 16);
    const heard = await ebur128(result.capture);
    expect(result.code).toBe(0);
    expect(heard.truePeakDbtp, JSON.stringify(heard)).toBeLessThanOrEqual(-1.0);
    // Levelled too, once the leveller has taken the first second's 18 dB down (that second, at the
    // start of a short capture, weighs on the integrated value; the last 3 s are the steady level).
    expect(Math.abs(heard.shortTermLufs + 16), JSON.stringify(heard)).toBeLessThanOrEqual(1);
  }, 180_000);

  it('--loudness off sends the program as it comes: the −23 LUFS source stays at −23', async () => {
    const result = await broadcastAndCapture(sources.get(-23) ?? '', '/speech-off.opus', ['--loudness', 'off'], 16);
    const heard = await ebur128(result.capture);
    expect(result.code).toBe(0);
    expect(Math.abs(heard.integratedLufs + 23), JSON.stringify(heard)).toBeLessThanOrEqual(1);
    expect(result.meters.at(-1)).toMatchObject({ loudness: { targetLufs: null, ceilingDbtp: null, levellerGainDb: 0 } });
  }, 180_000);
});

import { execFile, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastStatus, OutputState } from '../../electron/shared/broadcast';
import type { PcmSource } from '../../electron/engine/audio/audio-frame';
import { ToneSource } from '../../electron/engine/audio/tone-source';
import { WavFileSource } from '../../electron/engine/audio/wav-file-source';
import { WavReader } from '../../electron/engine/audio/wav-reader';
import { Broadcast } from '../../electron/engine/broadcast/broadcast';
import { systemClock } from '../../electron/engine/clock';
import { ensureFixtures } from '../env/fixtures';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { listenToMount } from '../env/listen';
import { freePort, hostAddress } from '../env/network';
import { channelOf, dominantFrequency, rms } from '../support/audio-analysis';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'out', 'cli', 'steadycast.js');
const random = (): number => randomInt(0, 2 ** 32) / 2 ** 32;

let dir: string;
let speechWav: string;
const running: Broadcast[] = [];
const servers: IcecastServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-broadcast-'));
  ({ speechWav } = await ensureFixtures());
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((broadcast) => broadcast.stop()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function icecast(options: Parameters<typeof startIcecast>[0] = {}): Promise<IcecastServer> {
  const server = await startIcecast(options);
  servers.push(server);
  return server;
}

/** A mount URL with the user only: the password then comes from the environment or a file. */
const userOnlyUrl = (server: IcecastServer, mount: string): string => `http://source@${server.host}:${server.port}${mount}`;
const mountUrl = (server: IcecastServer, mount: string, password = server.sourcePassword): string =>
  `http://source:${password}@${server.host}:${server.port}${mount}`;

async function onAir(
  source: PcmSource,
  outputs: { id: string; url: string }[],
  extra: { record?: string; channels?: 1 | 2; bitrateKbps?: number } = {},
): Promise<Broadcast> {
  const broadcast = await Broadcast.start({
    source,
    channels: extra.channels ?? source.channels,
    bitrateKbps: extra.bitrateKbps ?? 96,
    outputs: outputs.map((output) => ({ ...output, label: output.id })),
    recording: extra.record ? { path: extra.record } : null,
    metadata: { name: 'Integration show' },
    clock: systemClock,
    random,
  });
  running.push(broadcast);
  return broadcast;
}

/** Resolves once an output's state satisfies `test` (checked on every status change). */
function outputReaches(
  broadcast: Broadcast,
  id: string,
  test: (state: OutputState) => boolean,
  timeoutMs = 20_000,
): Promise<BroadcastStatus> {
  const check = (status: BroadcastStatus): boolean => {
    const output = status.outputs.find((candidate) => candidate.id === id);
    return output !== undefined && test(output.state);
  };
  return new Promise((resolve, reject) => {
    if (check(broadcast.status())) {
      resolve(broadcast.status());
      return;
    }
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`output ${id} did not reach the expected state; last: ${JSON.stringify(broadcast.status().outputs)}`));
    }, timeoutMs);
    const unsubscribe = broadcast.subscribe((change) => {
      if (change.kind === 'status' && check(change.status)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(change.status);
      }
    });
  });
}

/** RMS envelope in 20 ms windows. */
function envelope(signal: Float64Array): number[] {
  const out: number[] = [];
  for (let start = 0; start + 960 <= signal.length; start += 960) out.push(rms(signal.subarray(start, start + 960)));
  return out;
}

/** Best Pearson correlation of `part` against every alignment inside `whole`. */
function bestAlignedCorrelation(whole: number[], part: number[]): number {
  let best = -1;
  for (let lag = 0; lag + part.length <= whole.length; lag += 1) {
    const slice = whole.slice(lag, lag + part.length);
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    const [ma, mb] = [mean(slice), mean(part)];
    let numerator = 0;
    let da = 0;
    let db = 0;
    for (let index = 0; index < part.length; index += 1) {
      const a = (slice[index] ?? 0) - ma;
      const b = (part[index] ?? 0) - mb;
      numerator += a * b;
      da += a * a;
      db += b * b;
    }
    best = Math.max(best, numerator / Math.sqrt(da * db || 1));
  }
  return best;
}

describe('the program on a real Icecast', () => {
  it('a 440 Hz tone in is a 440 Hz tone out for a listener', async () => {
    const server = await icecast();
    const broadcast = await onAir(new ToneSource({ frequencyHz: 440, channels: 2, clock: systemClock }), [
      { id: 'primary', url: mountUrl(server, '/tone.opus') },
    ]);
    await outputReaches(broadcast, 'primary', (state) => state.status === 'live');
    const heard = await listenToMount(server, '/tone.opus', 2500, dir);
    const left = channelOf(heard.samples, heard.channels, 0);
    expect(left.length).toBeGreaterThan(48_000);
    expect(Math.abs(dominantFrequency(left, 48_000) - 440)).toBeLessThan(3);
    // A −12 dBFS sine has an RMS of about 0.177: the listener hears it at its level, not silence.
    expect(rms(left)).toBeGreaterThan(0.1);
  });

  it('speech in is speech out: the listener hears the source words in order', async () => {
    const server = await icecast();
    const source = await WavFileSource.open({ path: speechWav, channels: 1, loop: true, clock: systemClock });
    const broadcast = await onAir(source, [{ id: 'primary', url: mountUrl(server, '/speech.opus') }], { bitrateKbps: 64 });
    await outputReaches(broadcast, 'primary', (state) => state.status === 'live');
    const heard = await listenToMount(server, '/speech.opus', 3000, dir);

    const reader = WavReader.open(speechWav);
    const original = channelOf(reader.read(reader.info.frames), reader.info.channels, 0);
    reader.close();
    // The source loops, so search two copies of it for where the listener came in.
    const twice = [...envelope(original), ...envelope(original)];
    const decoded = envelope(channelOf(heard.samples, heard.channels, 0));
    expect(decoded.length).toBeGreaterThan(100);
    expect(bestAlignedCorrelation(twice, decoded)).toBeGreaterThan(0.8);
  });

  it('survives Icecast being killed and restarted, and the recording has no gap', async () => {
    const server = await icecast({ sourceTimeout: 3 });
    const record = join(dir, 'killed.opus');
    const url = mountUrl(server, '/show.opus');
    const broadcast = await onAir(new ToneSource({ frequencyHz: 440, channels: 2, clock: systemClock }), [{ id: 'primary', url }], {
      record,
    });
    await outputReaches(broadcast, 'primary', (state) => state.status === 'live');

    process.kill(server.pid, 'SIGKILL');
    await outputReaches(broadcast, 'primary', (state) => state.status === 'retrying');
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
    await icecast({ port: server.port, passwords: { sourcePassword: server.sourcePassword } });
    const back = await outputReaches(broadcast, 'primary', (state) => state.status === 'live');
    expect(back.outputs[0]?.state.status).toBe('live');
    // Keep the show on air a little after the recovery, as a real one would be.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const stoppedAt = Date.now();
    const final = await broadcast.stop();
    const wallMs = stoppedAt - final.startedAt;
    expect(final.recording?.durationMs).toBeGreaterThan(1000);
    expect(Math.abs((final.recording?.durationMs ?? 0) - wallMs)).toBeLessThanOrEqual(21);

    const info = await run('opusinfo', [record]);
    expect(info.stdout + info.stderr).not.toMatch(/WARNING|ERROR/i);
    const wav = join(dir, 'killed.wav');
    await run('opusdec', ['--quiet', record, wav]);
    const reader = WavReader.open(wav);
    const decodedMs = (reader.info.frames / 48_000) * 1000;
    reader.close();
    expect(Math.abs(decodedMs - (final.recording?.durationMs ?? 0))).toBeLessThanOrEqual(21);
  });

  it('keeps the backup live and unaffected when the primary is dead from the start', async () => {
    const backup = await icecast();
    const broadcast = await onAir(new ToneSource({ frequencyHz: 440, channels: 1, clock: systemClock }), [
      { id: 'primary', url: `http://source:pw@127.0.0.1:9/dead.opus` },
      { id: 'backup', url: mountUrl(backup, '/backup.opus') },
    ]);
    const status = await outputReaches(broadcast, 'backup', (state) => state.status === 'live');
    expect(status.outputs.find((output) => output.id === 'primary')?.state.status).not.toBe('live');
    const heard = await listenToMount(backup, '/backup.opus', 1500, dir);
    expect(Math.abs(dominantFrequency(channelOf(heard.samples, heard.channels, 0), 48_000) - 440)).toBeLessThan(3);
    await outputReaches(broadcast, 'primary', (state) => state.status === 'retrying');
  });
});

describe('steadycast broadcast (the built command)', () => {
  /** Runs the built command; `password` goes in the environment, as a person is told to pass it (never on argv). */
  const runCli = (
    args: string[],
    timeoutMs = 20_000,
    password?: string,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const env = password === undefined ? process.env : { ...process.env, STEADYCAST_ICECAST_PASSWORD: password };
      const child = spawn(process.execPath, [cli, 'broadcast', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: npm test builds it before this stage; run "npm run build".`);
  });

  it('is executable straight after the build, as `bin` (npx steadycast) runs it', () => {
    expect(statSync(cli).mode & 0o111).toBe(0o111);
  });

  it('goes live, reports JSON events, stops cleanly after --duration and never prints the password', async () => {
    const server = await icecast();
    const record = join(dir, 'cli.opus');
    const result = await runCli([
      '--source',
      'tone:440',
      '--icecast',
      mountUrl(server, '/cli.opus'),
      '--record',
      record,
      '--duration',
      '2',
      '--json',
      '--channels',
      '1',
    ]);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; output?: number; state?: string });
    expect(events[0]?.event).toBeDefined();
    expect(events.map((event) => event.event)).toEqual(
      expect.arrayContaining(['started', 'output', 'on-air', 'meters', 'recording', 'stopped']),
    );
    expect(events).toContainEqual(expect.objectContaining({ event: 'output', output: 0, state: 'live' }));
    // "on-air" comes once, after the output's first "live", never before.
    const names = events.map((event) => (event.event === 'output' ? `output:${event.state}` : event.event));
    expect(names.filter((name) => name === 'on-air')).toHaveLength(1);
    expect(names.indexOf('on-air')).toBeGreaterThan(names.indexOf('output:live'));
    expect(events.at(-1)).toMatchObject({ event: 'stopped', reason: 'duration', everLive: true });
    // It also reports the listener count of its own mount, read from the server.
    const readings = events.filter((event) => event.event === 'listeners') as unknown as {
      total: number;
      outlets: { listeners: number | null; stale: boolean; ageMs: number | null }[];
    }[];
    expect(readings.length).toBeGreaterThanOrEqual(1);
    expect(readings.at(-1)).toMatchObject({ total: 0, outlets: [{ listeners: 0, stale: false, ageMs: expect.any(Number) }] });
    expect(result.stdout + result.stderr).not.toContain(server.sourcePassword);
  });

  it('splits the safety recording when asked, every file playable on its own', async () => {
    const record = join(dir, 'split.opus');
    const result = await runCli([
      '--source',
      'tone:440',
      '--record',
      record,
      '--split-minutes',
      '0.04',
      '--duration',
      '5.5',
      '--json',
      '--channels',
      '1',
    ]);
    expect(result.code).toBe(0);
    const files = readdirSync(dir)
      .filter((name) => /^split-\d{3}\.opus$/.test(name))
      .sort();
    expect(files).toEqual(['split-001.opus', 'split-002.opus', 'split-003.opus']);
    for (const file of files) {
      const info = await run('opusinfo', [join(dir, file)]);
      expect(info.stdout + info.stderr).not.toMatch(/WARNING|ERROR/i);
    }
  });

  it('stops a wrong password with a clear message after a bounded number of attempts', async () => {
    const server = await icecast();
    const result = await runCli(['--source', 'tone:440', '--icecast', mountUrl(server, '/auth.opus', 'not-the-password'), '--json']);
    expect(result.code).toBe(3);
    const outputs = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; state?: string; errorClass?: string; error?: string; attempt?: number })
      .filter((event) => event.event === 'output');
    const connecting = outputs.filter((event) => event.state === 'connecting');
    expect(connecting.length).toBeGreaterThanOrEqual(1);
    expect(connecting.length).toBeLessThanOrEqual(3);
    expect(outputs.at(-1)).toMatchObject({ state: 'stopped', errorClass: 'auth' });
    expect(outputs.at(-1)?.error).toMatch(/password|credentials/i);
    expect(result.stdout).not.toContain('"on-air"');
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/"everLive":false/);
    expect(result.stderr).toMatch(/no output ever went live/);
    expect(result.stdout + result.stderr).not.toContain('not-the-password');
  });

  it('tells a person about a wrong password once, never says "on air", and exits 3', async () => {
    const server = await icecast();
    const result = await runCli(['--source', 'tone:440', '--icecast', userOnlyUrl(server, '/auth-text.opus')], 20_000, 'not-the-password');
    expect(result.code).toBe(3);
    const all = result.stdout + result.stderr;
    expect(all).not.toMatch(/on air:/i);
    expect(all.match(/refused the source credentials/g)).toHaveLength(1);
    expect(result.stdout).toMatch(/^Starting: /);
    expect(result.stdout).toMatch(/gave up/);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^steadycast broadcast: no output ever went live/)]);
    expect(all).not.toContain('not-the-password');
  });

  it('tells a person about a dead port once over many retries, and exits 3 when the show ends without going live', async () => {
    const deadPort = await freePort();
    const result = await runCli(
      ['--source', 'tone:440', '--icecast', `http://source@${hostAddress()}:${deadPort}/dead.opus`, '--duration', '4'],
      20_000,
      'pw-dead',
    );
    expect(result.code).toBe(3);
    const all = result.stdout + result.stderr;
    expect(all).not.toMatch(/on air:/i);
    expect(all.match(/connection refused/g)).toHaveLength(1);
    expect(result.stdout).toMatch(/without going on air/);
    expect(result.stderr).toMatch(/^steadycast broadcast: no output ever went live/);
    expect(all).not.toContain('pw-dead');
  });

  it('says "On air" only after the output is live, and exits 0 after a show that reached it', async () => {
    const server = await icecast();
    const result = await runCli(
      ['--source', 'tone:440', '--icecast', userOnlyUrl(server, '/text.opus'), '--duration', '2', '--channels', '1'],
      20_000,
      server.sourcePassword,
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Starting: /);
    expect(lines.filter((line) => /^On air: /.test(line))).toEqual([
      expect.stringMatching(/^On air: Primary \(http:\/\/[^@]+\/text\.opus\) is live\.$/),
    ]);
    // The show's summary: off air, then its loudness as the audience heard it.
    expect(lines.at(-2)).toMatch(/^Off air \(duration\) after/);
    expect(lines.at(-1)).toMatch(/^Loudness: -?\d+\.\d LUFS integrated, true peak -?\d+\.\d dBTP/);
    expect(result.stderr).toBe('');
  });

  it.each([
    [['--icecast', 'http://source:pw@127.0.0.1:9/x.opus'], /--source is required/],
    [['--source', 'tone:440', '--icecast', 'ftp://x/y'], /must start with http/],
    [['--source', 'tone:440', '--icecast', 'http://source:pw@127.0.0.1:9/'], /names no mount/],
    [['--source', 'missing.wav', '--icecast', 'http://source:pw@127.0.0.1:9/x.opus'], /no such file/],
    [['--source', 'tone:440', '--bitrate', '999', '--record', '/tmp/x-never.opus'], /--bitrate must be/],
    [['--source', 'tone:440', '--icecast', 'http://source:pw@127.0.0.1:9/x.opus', '--split-mb', '5'], /give --record FILE too/],
  ])('refuses %j with one clear line and exit code 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('pw@');
  });
});

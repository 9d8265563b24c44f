import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/engine/clock';
import { IcecastOutput, type IcecastOutputOptions, type IcecastOutputState } from '../../electron/engine/icecast/icecast-output';
import { addLogSink, type LogRecord } from '../../electron/engine/log/logger';
import { BitrateLadder, type BitrateChange } from '../../electron/engine/resilience/bitrate-ladder';
import { ensureFixtures } from '../env/fixtures';
import { startIcecast, type IcecastOptions, type IcecastServer } from '../env/icecast';
import { freePort } from '../env/network';
import { encodeOpusPackets, pacePackets, type EncodedOpus, type PacketPacer } from '../env/opus-packets';
import { delay } from '../env/process';
import { startTcpProxy } from '../env/tcp-proxy';
import { createThrottledLink, type ThrottledLink } from '../env/throttled-link';

/*
 * IcecastOutput against real Icecast 2.4 servers in the test namespace, fed with real Opus packets
 * (the 440 Hz fixture encoded once by opusenc) at real time. Every server and proxy here is started
 * by this file and stopped by PID; every wait is bounded.
 */

const run = promisify(execFile);
const LADDER_RUNGS = [128, 96, 64, 48, 32] as const;

let tone: Map<number, EncodedOpus>;
let workDir: string;
const cleanups: (() => Promise<void> | void)[] = [];
let logs: LogRecord[] = [];
const removeSink = addLogSink((record) => logs.push(record));

beforeAll(async () => {
  const { toneWav } = await ensureFixtures();
  tone = new Map(await Promise.all(LADDER_RUNGS.map(async (kbps) => [kbps, await encodeOpusPackets(toneWav, kbps)] as const)));
  workDir = mkdtempSync(join(tmpdir(), 'steadycast-output-it-'));
});

afterEach(async () => {
  // Last registered first: outputs stop before the servers under them.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  logs = [];
});

afterAll(() => {
  removeSink();
  rmSync(workDir, { recursive: true, force: true });
});

function encoded(kbps = 128): EncodedOpus {
  const result = tone.get(kbps);
  if (result === undefined) throw new Error(`no encoding at ${kbps} kbit/s`);
  return result;
}

async function icecast(options: IcecastOptions = {}): Promise<IcecastServer> {
  const server = await startIcecast(options);
  cleanups.push(() => server.stop());
  return server;
}

function mountUrl(
  server: Pick<IcecastServer, 'host' | 'port' | 'sourcePassword'>,
  mount: string,
  password = server.sourcePassword,
): string {
  return `http://source:${password}@${server.host}:${server.port}${mount}`;
}

/** An output with its transitions recorded; stopped after the test. */
function output(url: string, overrides: Partial<IcecastOutputOptions> = {}): { output: IcecastOutput; states: IcecastOutputState[] } {
  const states: IcecastOutputState[] = [];
  const { channels, preSkip } = encoded();
  const created = new IcecastOutput({
    id: overrides.id ?? 'primary',
    url,
    metadata: { name: 'Steadycast integration', description: '440 Hz', audioInfo: { bitrate: 128, channels, samplerate: 48_000 } },
    channels,
    preSkip,
    clock: systemClock,
    random: Math.random,
    onChange: (state) => states.push(state),
    ...overrides,
  });
  cleanups.push(() => created.stop());
  created.start();
  return { output: created, states };
}

/** Feeds the tone (looped) at real time to every output given. */
function feed(outputs: readonly IcecastOutput[], kbps: () => number = () => 128): PacketPacer {
  const pacer = pacePackets((index) => {
    const { packets } = encoded(kbps());
    const packet = packets[index % packets.length];
    if (packet) for (const target of outputs) target.pushPacket(packet.data, packet.samples);
  });
  cleanups.push(() => pacer.stop());
  return pacer;
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs: number, seen?: () => string): Promise<number> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen ? ` (${seen()})` : ''}`);
    await delay(10);
  }
  return Date.now() - started;
}

/** A listener: GETs the mount and keeps what it receives for `ms`. */
async function listen(server: IcecastServer, mount: string, ms: number): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const chunks: Uint8Array[] = [];
  try {
    const response = await fetch(`${server.baseUrl}${mount}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}

/** Decodes Ogg Opus bytes with opusdec and returns mono 48 kHz samples. */
async function decode(bytes: Uint8Array, name: string): Promise<Float32Array> {
  const opus = join(workDir, `${name}.opus`);
  const wav = join(workDir, `${name}.wav`);
  writeFileSync(opus, bytes);
  await run('opusdec', ['--quiet', '--rate', '48000', '--force-wav', opus, wav]);
  const file = readFileSync(wav);
  const dataAt = file.indexOf('data');
  const channels = file.readUInt16LE(22);
  const pcm = new Int16Array(
    file.buffer.slice(file.byteOffset + dataAt + 8, file.byteOffset + file.byteLength - ((file.byteLength - dataAt - 8) % 2)),
  );
  const samples = new Float32Array(Math.floor(pcm.length / channels));
  for (let index = 0; index < samples.length; index += 1) samples[index] = (pcm[index * channels] ?? 0) / 32768;
  return samples;
}

/** Power of `frequency` in `samples` (Goertzel). */
function goertzel(samples: Float32Array, frequency: number, rate = 48_000): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
}

/** The strongest frequency between 100 and 2000 Hz, on a 5 Hz grid. */
function peakFrequency(samples: Float32Array): number {
  let best = 0;
  let bestPower = -1;
  for (let frequency = 100; frequency <= 2000; frequency += 5) {
    const power = goertzel(samples, frequency);
    if (power > bestPower) {
      bestPower = power;
      best = frequency;
    }
  }
  return best;
}

function note(line: string): void {
  process.stderr.write(`[icecast-output] ${line}\n`);
}

describe('IcecastOutput against real Icecast 2.4', () => {
  it('a listener on the mount receives a stream that decodes to the 440 Hz tone', async () => {
    const server = await icecast();
    const { output: out, states } = output(mountUrl(server, '/tone.opus'));
    await waitFor(() => out.state.kind === 'live', 'live', 5000);
    feed([out]);
    const received = await listen(server, '/tone.opus', 2500);
    const samples = await decode(received, 'tone');
    expect(samples.length).toBeGreaterThan(48_000); // more than a second reached the listener
    expect(Math.abs(peakFrequency(samples.subarray(4800)) - 440)).toBeLessThanOrEqual(5);
    expect(states.map((state) => state.kind)).toEqual(['connecting', 'live']);

    // stop() ends the stream cleanly: Icecast frees the mount at once, a new source is accepted first time.
    await out.stop();
    const next = output(mountUrl(server, '/tone.opus'), { id: 'next' });
    await waitFor(() => next.output.state.kind !== 'connecting', 'the next source answered', 5000);
    expect(next.states.map((state) => state.kind)).toEqual(['connecting', 'live']);
  });

  it('Icecast killed mid-show (SIGKILL) and restarted on the same port: retrying, then live on its own', async () => {
    const first = await startIcecast();
    let current = first;
    cleanups.push(() => current.stop());
    const { output: out, states } = output(mountUrl(first, '/show.opus'));
    await waitFor(() => out.state.kind === 'live', 'live', 5000);
    feed([out]);
    await delay(500);
    process.kill(first.pid, 'SIGKILL');
    await waitFor(() => out.state.kind === 'retrying', 'retrying after the kill', 3000);
    await first.stop(); // already dead: only removes its files
    current = await startIcecast({ port: first.port, passwords: first });
    const recovered = await waitFor(() => out.state.kind === 'live', 'live after the restart', 5000);
    note(`live again ${recovered} ms after startIcecast() returned (Icecast ready)`);
    const kinds = states.map((state) => state.kind);
    expect(kinds.slice(0, 3)).toEqual(['connecting', 'live', 'retrying']);
    expect(kinds.at(-1)).toBe('live');
    const received = await listen(current, '/show.opus', 1200);
    expect(received.byteLength).toBeGreaterThan(8000);
  });

  it('a frozen Icecast (SIGSTOP) is detected while live and the output reconnects after SIGCONT', async () => {
    const server = await icecast({ sourceTimeout: 3 });
    const { output: out, states } = output(mountUrl(server, '/frozen.opus'));
    await waitFor(() => out.state.kind === 'live', 'live', 5000);
    feed([out]);
    await delay(1500);
    process.kill(server.pid, 'SIGSTOP');
    let continued = false;
    cleanups.push(() => {
      if (!continued) process.kill(server.pid, 'SIGCONT');
    });
    const detected = await waitFor(() => out.state.kind === 'retrying', 'detection of the frozen server', 8000);
    const failure = states.find((state) => state.kind === 'retrying');
    expect(failure).toMatchObject({ lastError: { errorClass: 'stalled', message: expect.stringMatching(/stopped answering/) } });
    note(`SIGSTOP detected after ${detected} ms (state: ${JSON.stringify(failure?.kind === 'retrying' ? failure.lastError.message : '')})`);
    process.kill(server.pid, 'SIGCONT');
    continued = true;
    const back = await waitFor(() => out.state.kind === 'live', 'live after SIGCONT', 3000 + 5000);
    note(`live again ${back} ms after SIGCONT; transitions: ${states.map((state) => state.kind).join(' → ')}`);
  });

  it('wrong password: stopped with a message that says what to fix, after a bounded number of attempts', async () => {
    const server = await icecast();
    const proxy = await startTcpProxy(server.host, server.port);
    cleanups.push(() => proxy.close());
    const wrong = 'definitely-not-the-password';
    const { output: out, states } = output(mountUrl({ ...server, host: proxy.host, port: proxy.port }, '/auth.opus', wrong));
    feed([out]);
    await waitFor(() => out.state.kind === 'stopped', 'stopped', 5000);
    const stopped = out.state;
    expect(stopped).toMatchObject({ kind: 'stopped', reason: 'rejected', lastError: { errorClass: 'auth', status: 401 } });
    expect(stopped.kind === 'stopped' ? stopped.lastError?.message : '').toMatch(/check the user and password/);
    await delay(2500); // nothing more happens: no retry storm
    expect(proxy.requests.filter((line) => line.startsWith('PUT '))).toEqual(['PUT /auth.opus HTTP/1.1', 'PUT /auth.opus HTTP/1.1']);
    const everything = JSON.stringify({ states, logs });
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(Buffer.from(`source:${wrong}`).toString('base64'));
  });

  it('primary dead from the start, backup up: the backup is live and its listener hears the tone undisturbed', async () => {
    const backupServer = await icecast();
    const deadPort = await freePort();
    const primary = output(`http://source:pw@${backupServer.host}:${deadPort}/show.opus`, { id: 'primary' });
    const backup = output(mountUrl(backupServer, '/backup.opus'), { id: 'backup' });
    await waitFor(() => backup.output.state.kind === 'live', 'backup live', 5000);
    feed([primary.output, backup.output]);
    const received = await listen(backupServer, '/backup.opus', 3000);
    const samples = await decode(received, 'backup');
    expect(samples.length).toBeGreaterThan(2 * 48_000); // ≥ 2 of 3 s reached the listener
    expect(Math.abs(peakFrequency(samples.subarray(4800)) - 440)).toBeLessThanOrEqual(5);
    expect(backup.states.map((state) => state.kind)).toEqual(['connecting', 'live']);
    const primaryKinds = primary.states.map((state) => state.kind);
    expect(primaryKinds.filter((kind) => kind === 'retrying').length).toBeGreaterThanOrEqual(2);
    expect(primaryKinds).not.toContain('live');
    expect(primary.states.find((state) => state.kind === 'retrying')).toMatchObject({ lastError: { errorClass: 'network' } });
  });

  it('a network partition leaves the old source holding the mount: "Mountpoint in use" is retried until source-timeout frees it', async () => {
    const server = await icecast({ sourceTimeout: 6 });
    const proxy = await startTcpProxy(server.host, server.port);
    cleanups.push(() => proxy.close());
    const { output: out, states } = output(mountUrl({ ...server, host: proxy.host, port: proxy.port }, '/partition.opus'));
    await waitFor(() => out.state.kind === 'live', 'live', 5000);
    feed([out]);
    await delay(1000);
    proxy.blackHole();
    const detected = await waitFor(() => out.state.kind === 'retrying', 'detection of the partition', 8000);
    proxy.heal();
    const back = await waitFor(() => out.state.kind === 'live', 'live after the mount was freed', 12_000);
    const classes = states.flatMap((state) => (state.kind === 'retrying' ? [state.lastError.errorClass] : []));
    note(`partition detected after ${detected} ms, live again ${back} ms later; failures: ${classes.join(', ')}`);
    expect(classes[0]).toBe('stalled');
    expect(classes).toContain('mount-in-use');
  });

  describe('over a throttled link (tc tbf on a veth into a second namespace)', () => {
    let link: ThrottledLink;
    beforeAll(async () => {
      link = await createThrottledLink();
    });
    afterAll(async () => {
      await link.remove();
    });

    it('the backlog grows at 48 kbit/s, the ladder steps the bitrate down, and back up once the throttle is gone', async () => {
      const server = await icecast({ netns: link.namespace, host: link.remoteAddress });
      const changes: BitrateChange[] = [];
      const ladder = new BitrateLadder({
        configuredKbps: 128,
        clock: systemClock,
        downBacklogMs: 400,
        downSustainMs: 1000,
        upBacklogMs: 100,
        upStableMs: 5000,
        onChange: (change) => changes.push(change),
      });
      const { output: out, states } = output(mountUrl(server, '/throttled.opus'), { thresholds: { maxBacklogMs: 30_000 } });
      await waitFor(() => out.state.kind === 'live', 'live', 5000);
      let worstBacklogMs = 0;
      let worstCongestionMs = 0;
      const pacer = feed([out], () => ladder.kbps);
      const sampler = setInterval(() => {
        const congestionMs = out.congestionMs;
        worstCongestionMs = Math.max(worstCongestionMs, congestionMs);
        worstBacklogMs = Math.max(worstBacklogMs, out.backlogMs);
        const change = ladder.update(congestionMs);
        if (change) out.setBitrate(change.to);
      }, 100);
      cleanups.push(() => clearInterval(sampler));

      const before = link.txBytes();
      await delay(1000);
      expect(link.txBytes() - before).toBeGreaterThan(12_000); // ≥ 96 kbit/s really crossed the veth

      await link.throttle(48);
      const throttledAt = link.txBytes();
      const stepDown = await waitFor(
        () => ladder.kbps <= 48,
        'the ladder stepping down to ≤ 48 kbit/s',
        20_000,
        () =>
          `steps ${changes.map((change) => `${change.from}→${change.to}`).join(', ') || 'none'}, worst backlog ${Math.round(worstBacklogMs)} ms, worst congestion ${Math.round(worstCongestionMs)} ms, ${link.txBytes() - throttledAt} bytes over the link`,
      );
      note(
        `throttled: ${changes.map((change) => `${change.from}→${change.to}`).join(', ')} within ${stepDown} ms, worst backlog ${Math.round(worstBacklogMs)} ms (kernel send queue included), worst congestion ${Math.round(worstCongestionMs)} ms`,
      );
      expect(worstBacklogMs).toBeGreaterThan(400); // the audio waiting in the kernel is seen, not only the probe's delay
      expect(changes[0]).toMatchObject({ from: 128, to: 96, reason: 'congested' });
      expect(changes.map((change) => change.reason)).not.toContain('recovered'); // no flapping while the link is throttled
      const stepsWhileThrottled = changes.length;

      await link.unthrottle();
      const stepUp = await waitFor(
        () => changes.slice(stepsWhileThrottled).some((change) => change.reason === 'recovered'),
        'a step back up',
        15_000,
      );
      note(`unthrottled: stepped up after ${stepUp} ms to ${ladder.kbps} kbit/s; packets fed ${pacer.count()}`);
      expect(states.filter((state) => state.kind !== 'live' && state.kind !== 'connecting')).toEqual([]); // never dropped the connection
    });
  });
});

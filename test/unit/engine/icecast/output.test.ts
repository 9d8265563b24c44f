import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IcecastConfigError } from '../../../../electron/engine/icecast/icecast-errors';
import { IcecastOutput, type IcecastOutputOptions, type IcecastOutputState } from '../../../../electron/engine/icecast/icecast-output';
import { addLogSink, type LogRecord } from '../../../../electron/engine/log/logger';
import { OGG_FLAG_FIRST, OGG_FLAG_LAST, readOggPages, type OggPage } from '../../../../electron/engine/ogg/ogg-page';
import { FakeClock } from '../../../fakes/fake-clock';

/*
 * IcecastOutput against a scripted TCP server on loopback. Time-driven behaviour (answer timeout,
 * backoff, stall and probe deadlines) runs on a FakeClock; sockets are real, so the tests wait for
 * state transitions and bytes, never for durations.
 */

const PASSWORD = 'hunter2-s3cret';
const ACCEPT = 'HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\n\r\n';
const REFUSE_401 =
  'HTTP/1.0 401 Authentication Required\r\nServer: Icecast 2.4.4\r\nConnection: Close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
  'WWW-Authenticate: Basic realm="Icecast2 Server"\r\n\r\nYou need to authenticate\r\n';
const REFUSE_IN_USE =
  'HTTP/1.0 403 Forbidden\r\nServer: Icecast 2.4.4\r\nConnection: Close\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMountpoint in use';

/** One connection to the scripted server. */
interface ScriptedConnection {
  readonly socket: Socket;
  /** The request head (up to the blank line), once complete. */
  head?: string;
  /** Bytes after the head. */
  body: Buffer;
  ended: boolean;
}

/** A TCP server that records every request and answers as the test says. */
class ScriptedServer {
  readonly puts: ScriptedConnection[] = [];
  readonly probes: ScriptedConnection[] = [];
  /** How to answer a PUT; default: accept like Icecast 2.4.4. */
  onPut: (connection: ScriptedConnection) => void = (connection) => connection.socket.write(ACCEPT);
  /** Whether to answer status probes. */
  answerProbes = true;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  /** Refuses new connections; open ones stay up. */
  stopListening(): void {
    this.server.close();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const connection: ScriptedConnection = { socket, body: Buffer.alloc(0), ended: false };
    let pending = Buffer.alloc(0);
    socket.on('end', () => {
      connection.ended = true;
      socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      if (connection.head !== undefined) {
        connection.body = Buffer.concat([connection.body, chunk]);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      connection.head = pending.subarray(0, end).toString('utf8');
      connection.body = pending.subarray(end + 4);
      if (connection.head.startsWith('GET ')) {
        this.probes.push(connection);
        if (this.answerProbes) socket.end('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"icestats":{}}');
        return;
      }
      this.puts.push(connection);
      this.onPut(connection);
    });
  }
}

/** Polls until `predicate` holds (real time, bounded); the test fails with `what` otherwise. */
async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A distinct fake Opus packet: its first two bytes carry the index. */
function packet(index: number, length = 40): Uint8Array {
  const bytes = new Uint8Array(length).fill(0x55);
  bytes[0] = index >> 8;
  bytes[1] = index & 0xff;
  return bytes;
}

function audioPackets(pages: readonly OggPage[]): number[] {
  return pages.slice(2).flatMap((page) => page.packets.map((bytes) => ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0)));
}

describe('IcecastOutput', () => {
  let server: ScriptedServer;
  let port: number;
  let clock: FakeClock;
  let output: IcecastOutput | undefined;
  let states: IcecastOutputState[];
  let logs: LogRecord[];
  let removeSink: () => void;

  const make = (overrides: Partial<IcecastOutputOptions> = {}): IcecastOutput => {
    let seed = 0.123;
    output = new IcecastOutput({
      id: 'primary',
      url: `http://source:${PASSWORD}@127.0.0.1:${port}/live.opus`,
      metadata: {
        name: 'Launch night',
        description: 'Steadycast test',
        public: false,
        audioInfo: { bitrate: 128, channels: 2, samplerate: 48_000 },
      },
      channels: 2,
      preSkip: 312,
      clock,
      random: () => {
        seed = (seed * 9301 + 0.49297) % 1; // deterministic, different every call
        return seed;
      },
      onChange: (state) => states.push(state),
      ...overrides,
    });
    return output;
  };
  const kinds = (): string[] => states.map((state) => state.kind);

  beforeEach(async () => {
    server = new ScriptedServer();
    port = await server.listen();
    clock = new FakeClock();
    states = [];
    logs = [];
    removeSink = addLogSink((record) => logs.push(record));
  });

  afterEach(async () => {
    await output?.stop();
    output = undefined;
    removeSink();
    await server.close();
  });

  it('sends exactly the Icecast source request and goes live only on the 200, not on 100 Continue', async () => {
    server.onPut = () => undefined; // answer by hand below
    const out = make();
    out.start();
    expect(out.state).toMatchObject({ kind: 'connecting', attempt: 1 });
    await waitFor(() => server.puts.length === 1, 'the PUT');
    const request = server.puts[0];
    if (!request?.head) throw new Error('no request head');
    const [requestLine, ...headerLines] = request.head.split('\r\n');
    expect(requestLine).toBe('PUT /live.opus HTTP/1.1');
    expect(headerLines).toEqual([
      `Host: 127.0.0.1:${port}`,
      `Authorization: Basic ${Buffer.from(`source:${PASSWORD}`).toString('base64')}`,
      expect.stringMatching(/^User-Agent: Steadycast\/\S+$/),
      'Content-Type: audio/ogg',
      'Expect: 100-continue',
      'Ice-Name: Launch night',
      'Ice-Description: Steadycast test',
      'Ice-Public: 0',
      'Ice-Audio-Info: ice-samplerate=48000;ice-bitrate=128;ice-channels=2',
    ]);
    expect(request.head).not.toMatch(/content-length|transfer-encoding|chunked/i);

    request.socket.write('HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n');
    out.pushPacket(packet(1), 960);
    // A probe round trip on another socket: by the time it is answered, the 100 has long arrived.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(out.state.kind).toBe('connecting');
    expect(request.body.byteLength).toBe(0); // no audio before the server accepted

    request.socket.write('HTTP/1.0 200 OK\r\n\r\n');
    await waitFor(() => out.state.kind === 'live', 'live');
    for (let index = 0; index < 10; index += 1) out.pushPacket(packet(index), 960);
    await waitFor(() => readOggPages(request.body).pages.length >= 4, 'header and audio pages');
    const { pages } = readOggPages(request.body);
    expect(new TextDecoder().decode(pages[0]?.packets[0]?.subarray(0, 8))).toBe('OpusHead');
    expect(pages[0]?.flags).toBe(OGG_FLAG_FIRST);
    expect(new TextDecoder().decode(pages[1]?.packets[0]?.subarray(0, 8))).toBe('OpusTags');
    expect(audioPackets(pages)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // packet 1 pushed before live was dropped
    expect(kinds()).toEqual(['connecting', 'live']);
  });

  it('stops after a bounded number of 401s with a message that says what to fix, and no credentials anywhere', async () => {
    server.onPut = (connection) => connection.socket.end(REFUSE_401);
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'retrying', 'retrying after the first 401');
    const retrying = out.state;
    if (retrying.kind !== 'retrying') throw new Error('not retrying');
    expect(retrying.lastError).toMatchObject({ errorClass: 'auth', status: 401 });
    clock.advance(retrying.nextAttemptAt - clock.now());
    await waitFor(() => out.state.kind === 'stopped', 'stopped after the second 401');
    const stopped = out.state;
    expect(stopped).toMatchObject({ kind: 'stopped', reason: 'rejected', lastError: { errorClass: 'auth', status: 401 } });
    if (stopped.kind !== 'stopped') throw new Error('not stopped');
    expect(stopped.lastError?.message).toMatch(/password/);
    expect(stopped.lastError?.message).toMatch(/source-password/);

    clock.advance(60_000); // no retry storm: nothing more happens, however long we wait
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.puts).toHaveLength(2);
    expect(kinds()).toEqual(['connecting', 'retrying', 'connecting', 'stopped']);

    const everything = JSON.stringify({ states, logs, state: out.state, url: out.url });
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(Buffer.from(`source:${PASSWORD}`).toString('base64'));
    expect(out.url).toBe(`http://127.0.0.1:${port}/live.opus`);

    // retryNow on a rejected output tries again, with a fresh bound.
    expect(out.retryNow()).toBe(true);
    await waitFor(() => server.puts.length === 3, 'the retried PUT');
  });

  it('retries a 403 "Mountpoint in use" and goes live once the mount is free', async () => {
    server.onPut = (connection) => connection.socket.end(REFUSE_IN_USE);
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'retrying', 'retrying');
    const state = out.state;
    if (state.kind !== 'retrying') throw new Error('not retrying');
    expect(state.lastError).toMatchObject({ errorClass: 'mount-in-use', status: 403 });
    expect(state.lastError.message).toMatch(/in use.*source-timeout/);
    expect(state.nextAttemptAt).toBeGreaterThanOrEqual(clock.now());
    expect(state.nextAttemptAt).toBeLessThanOrEqual(clock.now() + 1000); // default cap 1 s

    clock.advance(1000);
    await waitFor(() => server.puts.length === 2 && out.state.kind === 'retrying', 'second refusal');
    server.onPut = (connection) => connection.socket.write(ACCEPT);
    clock.advance(1000);
    await waitFor(() => out.state.kind === 'live', 'live');
    expect(kinds()).toEqual(['connecting', 'retrying', 'connecting', 'retrying', 'connecting', 'live']);
  });

  it('reconnects after a reset with a new Ogg stream: fresh OpusHead first, a new serial', async () => {
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'live', 'first live');
    for (let index = 0; index < 10; index += 1) out.pushPacket(packet(index), 960);
    const first = server.puts[0];
    await waitFor(() => readOggPages(first?.body ?? Buffer.alloc(0)).pages.length >= 4, 'first stream pages');
    first?.socket.resetAndDestroy();
    await waitFor(() => out.state.kind === 'retrying', 'retrying after the reset');
    const retrying = out.state;
    if (retrying.kind !== 'retrying') throw new Error('not retrying');
    expect(retrying.lastError.errorClass).toBe('network');
    expect(out.retryNow()).toBe(true);
    await waitFor(() => out.state.kind === 'live', 'live again');
    for (let index = 100; index < 110; index += 1) out.pushPacket(packet(index), 960);
    const second = server.puts[1];
    await waitFor(() => readOggPages(second?.body ?? Buffer.alloc(0)).pages.length >= 4, 'second stream pages');

    const firstPages = readOggPages(first?.body ?? Buffer.alloc(0)).pages;
    const secondPages = readOggPages(second?.body ?? Buffer.alloc(0)).pages;
    expect(new TextDecoder().decode(secondPages[0]?.packets[0]?.subarray(0, 8))).toBe('OpusHead');
    expect(secondPages[0]?.flags).toBe(OGG_FLAG_FIRST);
    expect(secondPages[0]?.sequence).toBe(0);
    expect(secondPages[0]?.serial).not.toBe(firstPages[0]?.serial);
    expect(new Set(secondPages.map((page) => page.serial)).size).toBe(1);
    expect(audioPackets(secondPages)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(kinds()).toEqual(['connecting', 'live', 'retrying', 'connecting', 'live']);
  });

  it('live policy resumes at the live edge: audio produced while retrying is dropped', async () => {
    const out = make({ backlogPolicy: 'live' });
    server.onPut = (connection) => connection.socket.end(REFUSE_IN_USE);
    out.start();
    await waitFor(() => out.state.kind === 'retrying', 'retrying');
    for (let index = 0; index < 20; index += 1) out.pushPacket(packet(index), 960);
    expect(out.state).toMatchObject({ kind: 'retrying', backlogMs: 0 });
    server.onPut = (connection) => connection.socket.write(ACCEPT);
    out.retryNow();
    await waitFor(() => out.state.kind === 'live', 'live');
    for (let index = 20; index < 25; index += 1) out.pushPacket(packet(index), 960);
    const body = (): Buffer => server.puts[1]?.body ?? Buffer.alloc(0);
    await waitFor(() => readOggPages(body()).pages.length >= 3, 'audio page');
    expect(audioPackets(readOggPages(body()).pages)).toEqual([20, 21, 22, 23, 24]);
  });

  it('catch-up policy sends the buffered audio first (bounded by its limit), then live audio', async () => {
    const out = make({ backlogPolicy: 'catch-up', catchUpLimitMs: 200 }); // 10 packets of 20 ms
    server.onPut = (connection) => connection.socket.end(REFUSE_IN_USE);
    out.start();
    await waitFor(() => out.state.kind === 'retrying', 'retrying');
    for (let index = 0; index < 30; index += 1) out.pushPacket(packet(index), 960);
    expect(out.state).toMatchObject({ kind: 'retrying', backlogMs: 200, backlogBytes: 400 });
    server.onPut = (connection) => connection.socket.write(ACCEPT);
    out.retryNow();
    await waitFor(() => out.state.kind === 'live', 'live');
    for (let index = 30; index < 35; index += 1) out.pushPacket(packet(index), 960);
    const body = (): Buffer => server.puts[1]?.body ?? Buffer.alloc(0);
    await waitFor(() => audioPackets(readOggPages(body()).pages).length >= 15, 'catch-up and live pages');
    expect(audioPackets(readOggPages(body()).pages)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34]);
  });

  it('detects a server that accepts and then stops reading: backlog grows, no progress → stalled → reconnect', async () => {
    const out = make({ thresholds: { maxBacklogMs: 3_600_000 } });
    // Unanswered probes do not count while our own data waits (a saturated uplink delays them too).
    server.answerProbes = false;
    server.onPut = (connection) => {
      connection.socket.write(ACCEPT);
      connection.socket.pause(); // stops reading: kernel buffers fill, then writes queue in Node
    };
    out.start();
    await waitFor(() => out.state.kind === 'live', 'live');
    const big = new Uint8Array(60_000).fill(7);
    const backlogBytes = (): number => (out.state.kind === 'live' ? out.state.backlogBytes : 0);
    // Until both kernels are full: the backlog (Node's buffer + our kernel's send queue) stops draining.
    for (let round = 0; round < 100; round += 1) {
      for (let index = 0; index < 20; index += 1) out.pushPacket(big, 960);
      const before = backlogBytes();
      await new Promise((resolve) => setTimeout(resolve, 60)); // let libuv flush what the kernel takes
      if (before > 0 && backlogBytes() >= before) break;
    }
    const live = out.state;
    if (live.kind !== 'live') throw new Error('not live');
    expect(live.backlogBytes).toBeGreaterThan(0);
    expect(live.backlogMs).toBeGreaterThan(0);
    clock.advance(9000);
    expect(out.state.kind).toBe('live'); // not yet: 10 s without progress; and silent probes do not count while our data waits
    clock.advance(1250);
    const stalled = out.state;
    if (stalled.kind !== 'retrying') throw new Error(`expected retrying, got ${stalled.kind}`);
    expect(stalled.lastError).toMatchObject({ errorClass: 'stalled' });
    expect(stalled.lastError.message).toMatch(/took no data/);
    clock.advance(1000);
    server.onPut = (connection) => connection.socket.write(ACCEPT);
    await waitFor(() => out.state.kind === 'live', 'live again');
  });

  it('detects a frozen server: two status probes in a row accepted by the kernel but never answered', async () => {
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'live', 'live');
    clock.advance(1000); // first probe, answered
    await waitFor(() => server.probes[0]?.ended === true, 'an answered probe');
    server.answerProbes = false; // the process froze; its kernel still accepts connections and takes our data
    clock.advance(1000); // second probe
    await waitFor(() => server.probes.length === 2, 'the second probe');
    clock.advance(1500); // … times out: one silent probe is not enough
    await waitFor(() => server.probes[1]?.ended === true, 'the second probe given up');
    expect(out.state.kind).toBe('live');
    clock.advance(250); // third probe
    await waitFor(() => server.probes.length === 3, 'the third probe');
    clock.advance(1500);
    await waitFor(() => out.state.kind === 'retrying', 'retrying');
    const state = out.state;
    if (state.kind !== 'retrying') throw new Error(`expected retrying, got ${state.kind}`);
    expect(state.lastError).toMatchObject({ errorClass: 'stalled' });
    expect(state.lastError.message).toMatch(/stopped answering: 2 status requests in a row/);
  });

  it('reports the uplink queueing delay from slow probe answers, for the bitrate ladder', async () => {
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'live', 'live');
    clock.advance(1000); // first probe, answered at once: the baseline round trip
    await waitFor(() => server.probes[0]?.ended === true, 'an answered probe');
    server.answerProbes = false;
    clock.advance(1000); // second probe, held by the "queue"
    await waitFor(() => server.probes.length === 2, 'the second probe');
    clock.advance(800);
    server.probes[1]?.socket.end('HTTP/1.0 200 OK\r\n\r\n{}');
    await waitFor(() => server.probes[1]?.ended === true, 'the late answer');
    await waitFor(() => out.congestionMs > 0, 'a congestion figure');
    expect(out.state).toMatchObject({ kind: 'live', queueDelayMs: 800 });
    expect(out.congestionMs).toBe(800);
  });

  it('does not count probes that cannot even connect (a saturated or broken path) as a frozen server', async () => {
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'live', 'live');
    server.stopListening(); // new connections are refused; the source connection stays up
    for (let probe = 0; probe < 5; probe += 1) {
      clock.advance(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(out.state.kind).toBe('live');
    expect(server.probes).toHaveLength(0);
  });

  it('times out a server that accepts the TCP connection but never answers the PUT', async () => {
    server.onPut = () => undefined;
    const out = make();
    out.start();
    await waitFor(() => server.puts.length === 1, 'the PUT');
    clock.advance(4999);
    expect(out.state.kind).toBe('connecting');
    clock.advance(1);
    expect(out.state).toMatchObject({ kind: 'retrying', lastError: { errorClass: 'timeout' } });
  });

  it('retries when nothing listens, and says so', async () => {
    await server.close();
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'retrying', 'retrying');
    expect(out.state).toMatchObject({
      kind: 'retrying',
      lastError: { errorClass: 'network', message: expect.stringMatching(/connection refused/) },
    });
    server = new ScriptedServer(); // afterEach closes it
    await server.listen();
  });

  it('stop() ends the stream with an EOS page and closes cleanly; pushPacket after stop does nothing', async () => {
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'live', 'live');
    out.pushPacket(packet(1), 960);
    await out.stop();
    const request = server.puts[0];
    await waitFor(() => request?.ended === true, 'the server seeing the close');
    const { pages, complete } = readOggPages(request?.body ?? Buffer.alloc(0));
    expect(complete).toBe(true);
    expect(pages.at(-1)?.flags).toBe(OGG_FLAG_LAST);
    expect(audioPackets(pages)).toEqual([1]);
    expect(out.state).toMatchObject({ kind: 'stopped', reason: 'requested' });
    expect(states.at(-1)).toMatchObject({ kind: 'stopped', bytesSent: expect.any(Number) });
    expect(states.at(-1)?.bytesSent).toBeGreaterThan(0);
    expect(() => out.pushPacket(packet(2), 960)).not.toThrow();
    expect(out.retryNow()).toBe(false);
  });

  it('pushPacket never throws, even for a packet the Ogg writer cannot take', async () => {
    const out = make();
    out.start();
    await waitFor(() => out.state.kind === 'live', 'live');
    expect(() => out.pushPacket(new Uint8Array(300_000), 960)).not.toThrow(); // > 255 lacing values
    expect(() => out.pushPacket(packet(1), Number.NaN)).not.toThrow();
    expect(() => out.pushPacket(new Uint8Array(0), 960)).not.toThrow();
    expect(logs.filter((record) => record.level === 'error' && /dropped an invalid packet/.test(record.message))).toHaveLength(1);
    out.pushPacket(packet(7), 960);
    await out.stop();
    await waitFor(() => server.puts[0]?.ended === true, 'the close');
    expect(audioPackets(readOggPages(server.puts[0]?.body ?? Buffer.alloc(0)).pages)).toEqual([7]);
  });

  it('rejects a mount URL it cannot use, without echoing the password', () => {
    const attempt = (url: string): unknown => {
      try {
        make({ url });
        return undefined;
      } catch (error) {
        return error;
      }
    };
    for (const url of [`ftp://source:${PASSWORD}@h:8000/m`, `http://source:${PASSWORD}@h:8000/`, 'http://h:8000/live.opus', 'not a url']) {
      const error = attempt(url);
      expect(error).toBeInstanceOf(IcecastConfigError);
      expect((error as Error).message).not.toContain(PASSWORD);
    }
  });
});

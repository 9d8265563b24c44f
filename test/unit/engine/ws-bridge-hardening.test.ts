import { request } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Engine } from '../../../electron/engine/engine';
import { EngineConfigSchema } from '../../../electron/engine/config';
import { addLogSink, type LogRecord } from '../../../electron/engine/log/logger';
import { BRIDGE_PATH, ServerMessageSchema, type ServerMessage } from '../../../electron/shared/wire';
import {
  allowedHostHeaders,
  sendDecision,
  SEND_QUEUE_DROP_BYTES,
  SEND_QUEUE_LIMIT_BYTES,
  startBridgeServer,
  type BridgeServer,
} from '../../../electron/cli/ws-bridge';
import { LogThrottle } from '../../../electron/cli/log-throttle';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

/*
 * The headless bridge against a hostile local peer, over real loopback sockets: pages on other
 * names (DNS rebinding), idle and binary-first sockets, floods of unauthenticated connections and
 * wrong tokens, and a client that stops reading. test/e2e/dns-rebinding.spec.ts does the rebinding
 * in real Chromium.
 */

const TOKEN = 'hardening-token';

/** A socket that records what it receives and how it ends. */
interface Peer {
  socket: WebSocket;
  messages: ServerMessage[];
  closed: Promise<{ code: number }>;
}

function open(url: string, headers: Record<string, string> = {}): Promise<Peer> {
  const socket = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  socket.on('message', (data) => messages.push(ServerMessageSchema.parse(JSON.parse((data as Buffer).toString('utf8')))));
  const closed = new Promise<{ code: number }>((resolve) => socket.on('close', (code) => resolve({ code })));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages, closed }));
    socket.once('error', reject);
  });
}

async function until(condition: () => boolean, what: string, budgetMs = 20_000): Promise<void> {
  const deadline = Date.now() + budgetMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A plain HTTP GET with any Host header (fetch does not let a caller set Host). */
function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('WebSocket bridge against a hostile local peer', () => {
  let engine: Engine;
  let server: BridgeServer;
  let wsUrl: string;
  let uiDir: string;
  let logs: LogRecord[];
  let removeSink: () => void;
  const peers: Peer[] = [];

  const start = async (options: { authTimeoutMs?: number; maxUnauthenticated?: number } = {}): Promise<void> => {
    server = await startBridgeServer({ engine, port: 0, token: TOKEN, staticDir: uiDir, now: () => 0, ...options });
    wsUrl = `ws://127.0.0.1:${server.port}${BRIDGE_PATH}`;
  };
  const connect = async (headers?: Record<string, string>): Promise<Peer> => {
    const peer = await open(wsUrl, headers);
    peers.push(peer);
    return peer;
  };
  const authed = async (): Promise<Peer> => {
    const peer = await connect();
    peer.socket.send(JSON.stringify({ type: 'auth', token: TOKEN }));
    await until(() => peer.messages.some((message) => message.type === 'auth-result'), 'auth-result');
    expect(peer.messages.find((message) => message.type === 'auth-result')).toEqual({ type: 'auth-result', ok: true });
    return peer;
  };

  beforeEach(async () => {
    uiDir = await mkdtemp(join(tmpdir(), 'steadycast-ui-'));
    await writeFile(join(uiDir, 'index.html'), '<!doctype html><title>control room</title>');
    engine = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({ space: { name: 'Hardening' } }),
      clock: new FakeClock(),
      prober: new FakeProber(),
    });
    logs = [];
    removeSink = addLogSink((record) => logs.push(record));
  });

  afterEach(async () => {
    removeSink();
    for (const peer of peers.splice(0)) peer.socket.terminate();
    await server.close();
    await rm(uiDir, { recursive: true, force: true });
  });

  describe('Host names', () => {
    it('answers pages only under its own names, with the port', async () => {
      await start();
      const { port } = server;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        const page = await get(port, '/', host);
        expect(page.status, host).toBe(200);
        expect(page.body).toContain('control room');
      }
      for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.evil.example:${port}`]) {
        const page = await get(port, '/', host);
        expect(page.status, host).toBe(421);
        expect(page.body).not.toContain('control room');
      }
    });

    it('refuses WebSocket upgrades for another name, even with a matching Origin', async () => {
      await start();
      const evil = `evil.example:${server.port}`;
      await expect(open(wsUrl, { Host: evil, Origin: `http://${evil}` })).rejects.toThrow(/403/);
      await expect(open(wsUrl, { Host: evil })).rejects.toThrow(/403/);
      const local = await connect({ Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` });
      expect(local.socket.readyState).toBe(WebSocket.OPEN);
    });

    it('adds the address it was bound to, and every interface address when bound to all', () => {
      expect(allowedHostHeaders('127.0.0.1', 7766)).toEqual(new Set(['127.0.0.1:7766', 'localhost:7766', '[::1]:7766']));
      expect(allowedHostHeaders('198.18.0.1', 7766)).toContain('198.18.0.1:7766');
      expect(allowedHostHeaders('::1', 80)).toEqual(
        new Set(['127.0.0.1:80', '127.0.0.1', 'localhost:80', 'localhost', '[::1]:80', '[::1]']),
      );
      expect(allowedHostHeaders('Studio.Example.org', 7766)).toContain('studio.example.org:7766');
      const all = allowedHostHeaders('0.0.0.0', 7766);
      expect(all).toContain('127.0.0.1:7766');
      expect(all).toContain('0.0.0.0:7766'); // the link printed at start
      expect(allowedHostHeaders('::', 7766)).toContain('[::]:7766');
      expect([...all].some((host) => host.startsWith('evil'))).toBe(false);
    });
  });

  describe('unauthenticated sockets', () => {
    it('closes a socket that does not authenticate in time', async () => {
      await start({ authTimeoutMs: 300 });
      const idle = await connect();
      expect((await idle.closed).code).toBe(1008);
      expect(server.stats().unauthenticated).toBe(0);
    });

    it('keeps an authenticated socket past the auth timeout', async () => {
      await start({ authTimeoutMs: 300 });
      const ui = await authed();
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(ui.socket.readyState).toBe(WebSocket.OPEN);
      expect(server.stats().ui).toBe(1);
    });

    it('closes a socket that sends binary before authenticating', async () => {
      await start();
      const stranger = await connect();
      stranger.socket.send(Buffer.alloc(1024));
      expect((await stranger.closed).code).toBe(1008);
      expect(engine.getState().audio.framesReceived).toBe(0);
    });

    it('holds a flood of idle sockets to the cap, lets a real client in, and closes the flood in time', async () => {
      await start({ authTimeoutMs: 1500, maxUnauthenticated: 32 });
      let peak = 0;
      const flood: Peer[] = [];
      for (let index = 0; index < 200; index += 1) {
        flood.push(await connect());
        peak = Math.max(peak, server.stats().unauthenticated);
      }
      expect(peak).toBeLessThanOrEqual(32);
      // The oldest waiting sockets were closed to make room (1013: try again later).
      await until(
        () => flood.filter((peer) => peer.socket.readyState === WebSocket.CLOSED).length >= 200 - 32,
        'the evicted sockets to close',
      );
      expect((await flood[0]!.closed).code).toBe(1013);

      const ui = await authed();
      expect(server.stats().ui).toBe(1);
      // Bounded in time: every flood socket is gone after the auth timeout; the real client stays.
      await until(
        () => server.stats().unauthenticated === 0 && flood.every((peer) => peer.socket.readyState === WebSocket.CLOSED),
        'the flood to be closed',
      );
      expect(ui.socket.readyState).toBe(WebSocket.OPEN);
    });

    it('logs a flood of wrong tokens once, with the count of what it held back', async () => {
      await start();
      for (let connection = 0; connection < 20; connection += 1) {
        const peer = await connect();
        for (let attempt = 0; attempt < 5; attempt += 1) peer.socket.send(JSON.stringify({ type: 'auth', token: `wrong-${attempt}` }));
        await peer.closed;
      }
      const lines = logs.filter((record) => record.scope === 'bridge' && record.message.includes('wrong access token'));
      // The throttle's clock is frozen: one line for the whole flood of 100.
      expect(lines).toHaveLength(1);
      expect(logs.filter((record) => record.scope === 'bridge').length).toBeLessThanOrEqual(3);
    });
  });

  describe('send queue', () => {
    it('disconnects a client that stops reading, never queueing past the limit, while a reading client gets everything', async () => {
      await start();
      const reader = await authed();
      const paused = await authed();
      paused.socket.pause();
      const line = 'x'.repeat(1900);
      let published = 0;
      // Up to 400 MB of log lines, 100 KB per turn of the event loop: a reader keeps up, a paused one cannot.
      while (server.stats().slowDisconnects === 0) {
        if (published > 200_000) throw new Error('the paused client was never disconnected');
        for (let batch = 0; batch < 50; batch += 1) {
          engine.publishLog({ at: published, level: 'info', scope: 'test', message: `${published} ${line}` });
          published += 1;
        }
        await nextTurn();
      }
      expect(server.stats().ui).toBe(1);
      expect(server.stats().peakQueuedBytes).toBeLessThan(SEND_QUEUE_LIMIT_BYTES + 4096);
      expect(reader.socket.readyState).toBe(WebSocket.OPEN);
      await until(
        () => reader.messages.filter((message) => message.type === 'event' && message.channel === 'log:entry').length >= published,
        'the reader to get every line',
      );
      expect(engine.getState().bridge.clients).toBe(1);
    });

    it('drops replaceable events for a client that is behind, then disconnects it past the limit', () => {
      expect(sendDecision(0, true)).toBe('send');
      expect(sendDecision(SEND_QUEUE_DROP_BYTES - 1, true)).toBe('send');
      expect(sendDecision(SEND_QUEUE_DROP_BYTES, true)).toBe('drop');
      expect(sendDecision(SEND_QUEUE_DROP_BYTES, false)).toBe('send');
      expect(sendDecision(SEND_QUEUE_LIMIT_BYTES, false)).toBe('disconnect');
      expect(sendDecision(SEND_QUEUE_LIMIT_BYTES, true)).toBe('disconnect');
    });
  });
});

describe('LogThrottle', () => {
  it('lets one line through per interval and counts the rest', () => {
    let now = 0;
    const throttle = new LogThrottle(10_000, () => now);
    expect(throttle.take()).toEqual({ log: true, suppressed: 0 });
    for (let index = 0; index < 99; index += 1) expect(throttle.take()).toEqual({ log: false });
    now = 10_000;
    expect(throttle.take()).toEqual({ log: true, suppressed: 99 });
    expect(throttle.take()).toEqual({ log: false });
  });
});

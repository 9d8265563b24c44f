import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../../electron/shared/bridge';
import type { EventPayload } from '../../../../electron/shared/contract';
import type { ClientMessage, ServerMessage } from '../../../../electron/shared/wire';
import { takeAccessToken, type TokenEnvironment } from '../../../../renderer/bridge/access-token';
import type { ConnectionStatus } from '../../../../renderer/bridge/connection-status';
import type { BridgeSocket, BridgeSocketHandlers } from '../../../../renderer/bridge/browser-socket';
import { bridgeUrlFor, createWebSocketBridge, type WebSocketBridge } from '../../../../renderer/bridge/websocket-bridge';
import { sampleEngineState } from '../../../fakes/fake-bridge';

/** A socket the test drives: it opens, receives and drops only when told. */
class FakeSocket implements BridgeSocket {
  readonly sent: (string | ArrayBuffer)[] = [];
  isOpen = false;
  bufferedAmount = 0;
  closedWith: { code?: number; reason?: string } | null = null;

  constructor(
    readonly url: string,
    private readonly handlers: BridgeSocketHandlers,
  ) {}

  send(data: string | ArrayBuffer): void {
    if (!this.isOpen) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.isOpen = false;
  }

  /** The JSON messages sent so far. */
  get messages(): ClientMessage[] {
    return this.sent.filter((data): data is string => typeof data === 'string').map((text) => JSON.parse(text) as ClientMessage);
  }

  open(): void {
    this.isOpen = true;
    this.handlers.open();
  }

  receive(message: ServerMessage | string): void {
    this.handlers.message(typeof message === 'string' ? message : JSON.stringify(message));
  }

  drop(code = 1006, reason = ''): void {
    this.isOpen = false;
    this.handlers.close(code, reason);
  }

  /** Opens and accepts the token. */
  accept(): void {
    this.open();
    this.receive({ type: 'auth-result', ok: true });
  }
}

/** Timers on simulated time. */
class FakeTimers {
  now = 0;
  private timers: { at: number; callback: () => void }[] = [];

  setTimer = (callback: () => void, ms: number): (() => void) => {
    const timer = { at: this.now + ms, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((candidate) => candidate !== timer);
    };
  };

  advance(ms: number): void {
    this.now += ms;
    const due = this.timers.filter((timer) => timer.at <= this.now);
    this.timers = this.timers.filter((timer) => timer.at > this.now);
    for (const timer of due) timer.callback();
  }

  get pending(): number[] {
    return this.timers.map((timer) => timer.at - this.now);
  }
}

function setup(token: string | null = 'secret-token'): {
  bridge: WebSocketBridge;
  sockets: FakeSocket[];
  timers: FakeTimers;
  statuses: ConnectionStatus[];
  socket: () => FakeSocket;
} {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const bridge = createWebSocketBridge({
    url: 'ws://127.0.0.1:7766/bridge',
    token,
    createSocket: (url, handlers) => {
      const socket = new FakeSocket(url, handlers);
      sockets.push(socket);
      return socket;
    },
    now: () => timers.now,
    // Jitter at its maximum, so delays equal the cap.
    random: () => 0.999999,
    setTimer: timers.setTimer,
    backoff: { initialMs: 500, maxMs: 4000 },
  });
  const statuses: ConnectionStatus[] = [];
  bridge.subscribe((status) => statuses.push(status));
  const socket = (): FakeSocket => {
    const last = sockets.at(-1);
    if (!last) throw new Error('no socket was opened');
    return last;
  };
  return { bridge, sockets, timers, statuses, socket };
}

const pong = (nonce: string): EventPayload<'engine:pong'> => ({ nonce, engineTime: 5 });

describe('WebSocket bridge binding', () => {
  it('derives the bridge URL from the page, wss for https', () => {
    expect(bridgeUrlFor({ protocol: 'http:', host: '127.0.0.1:7766' })).toBe('ws://127.0.0.1:7766/bridge');
    expect(bridgeUrlFor({ protocol: 'https:', host: 'studio.example.org' })).toBe('wss://studio.example.org/bridge');
  });

  it('authenticates first, then reports connected', () => {
    const { bridge, socket, statuses } = setup();
    expect(bridge.current()).toEqual({ status: 'connecting', attempt: 1 });
    expect(socket().url).toBe('ws://127.0.0.1:7766/bridge');
    socket().open();
    expect(socket().messages).toEqual([{ type: 'auth', token: 'secret-token' }]);
    socket().receive({ type: 'auth-result', ok: true });
    expect(bridge.current()).toEqual({ status: 'connected' });
    expect(statuses.at(-1)).toEqual({ status: 'connected' });
  });

  it('holds commands until authenticated and matches results by id, in any order', async () => {
    const { bridge, socket } = setup();
    const state = bridge.invoke('engine:get-state', {});
    const ping = bridge.invoke('engine:ping', { nonce: 'n1' });
    socket().open();
    expect(socket().messages.map((message) => message.type)).toEqual(['auth']);
    socket().receive({ type: 'auth-result', ok: true });
    const commands = socket().messages.filter((message) => message.type === 'command');
    expect(commands.map((command) => command.channel)).toEqual(['engine:get-state', 'engine:ping']);
    const [stateCommand, pingCommand] = commands;
    expect(pingCommand?.payload).toEqual({ nonce: 'n1' });

    socket().receive({ type: 'result', id: pingCommand?.id ?? '', reply: { ok: true, result: { nonce: 'n1', engineTime: 7 } } });
    socket().receive({ type: 'result', id: stateCommand?.id ?? '', reply: { ok: true, result: sampleEngineState() } });
    await expect(ping).resolves.toEqual({ nonce: 'n1', engineTime: 7 });
    await expect(state).resolves.toMatchObject({ space: { name: 'Launch night' } });
  });

  it('rejects with the engine error code and message', async () => {
    const { bridge, socket } = setup();
    socket().accept();
    const call = bridge.invoke('servers:check', {});
    const { id } = socket().messages.at(-1) as Extract<ClientMessage, { type: 'command' }>;
    socket().receive({ type: 'result', id, reply: { ok: false, error: { code: 'engine-error', message: 'servers:check failed: boom.' } } });
    await expect(call).rejects.toEqual(new BridgeError('engine-error', 'servers:check failed: boom.'));
    await expect(call).rejects.toBeInstanceOf(BridgeError);

    const refused = bridge.invoke('engine:ping', { nonce: 'n2' });
    const second = socket().messages.at(-1) as Extract<ClientMessage, { type: 'command' }>;
    socket().receive({ type: 'error', error: { code: 'invalid-payload', message: 'bad nonce' }, inReplyTo: second.id });
    await expect(refused).rejects.toMatchObject({ code: 'invalid-payload', message: 'bad nonce' });
  });

  it('rejects a result that does not fit the contract', async () => {
    const { bridge, socket } = setup();
    socket().accept();
    const call = bridge.invoke('engine:ping', { nonce: 'n1' });
    const { id } = socket().messages.at(-1) as Extract<ClientMessage, { type: 'command' }>;
    socket().receive({ type: 'result', id, reply: { ok: true, result: { nonce: 42 } } });
    await expect(call).rejects.toMatchObject({ code: 'malformed-message' });
  });

  it('delivers only events that fit the contract', () => {
    const { bridge, socket } = setup();
    const pongs: EventPayload<'engine:pong'>[] = [];
    const unsubscribe = bridge.on('engine:pong', (payload) => pongs.push(payload));
    socket().accept();
    socket().receive({ type: 'event', channel: 'engine:pong', payload: pong('a') });
    socket().receive({ type: 'event', channel: 'engine:pong', payload: { nonce: 1 } });
    socket().receive({ type: 'event', channel: 'engine:explode', payload: {} });
    socket().receive('not json');
    socket().receive('{"type":"event"}');
    expect(pongs).toEqual([pong('a')]);
    unsubscribe();
    socket().receive({ type: 'event', channel: 'engine:pong', payload: pong('b') });
    expect(pongs).toHaveLength(1);
  });

  it('rejects pending calls when the socket drops, then reconnects with capped backoff and re-authenticates', async () => {
    const { bridge, socket, sockets, timers } = setup();
    socket().accept();
    const call = bridge.invoke('engine:get-state', {});
    socket().drop(1006);
    await expect(call).rejects.toMatchObject({ code: 'disconnected' });
    expect(bridge.current()).toEqual({ status: 'disconnected', reason: 'Lost the connection to the engine.', retryAt: 500 });
    await expect(bridge.invoke('engine:ping', { nonce: 'x' })).rejects.toMatchObject({ code: 'disconnected' });

    // Attempts fail while the engine is away: 500, 1000, 2000, 4000, 4000 ms (capped).
    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const [delay] = timers.pending;
      delays.push(delay ?? -1);
      timers.advance(delay ?? 0);
      expect(bridge.current()).toMatchObject({ status: 'connecting', attempt: attempt + 2 });
      socket().drop(1006);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(bridge.current()).toMatchObject({ status: 'disconnected', reason: expect.stringMatching(/Cannot reach the engine/) as unknown });

    timers.advance(4000);
    socket().open();
    expect(socket().messages).toEqual([{ type: 'auth', token: 'secret-token' }]);
    socket().receive({ type: 'auth-result', ok: true });
    expect(bridge.current()).toEqual({ status: 'connected' });
    expect(sockets).toHaveLength(7);

    // Success resets the backoff.
    socket().drop(1001, 'engine stopping');
    expect(bridge.current()).toMatchObject({ status: 'disconnected', reason: 'The engine closed the connection (engine stopping).' });
    expect(timers.pending).toEqual([500]);
  });

  it('ignores a socket it has replaced', () => {
    const { bridge, socket, sockets, timers } = setup();
    const first = socket();
    first.accept();
    first.drop();
    timers.advance(500);
    expect(sockets).toHaveLength(2);
    first.receive({ type: 'auth-result', ok: true });
    expect(bridge.current()).toMatchObject({ status: 'connecting' });
  });

  it('reconnects at once on request', () => {
    const { bridge, socket, sockets, timers } = setup();
    socket().drop();
    expect(timers.pending).toHaveLength(1);
    bridge.reconnect();
    expect(sockets).toHaveLength(2);
    expect(timers.pending).toHaveLength(0);
    bridge.reconnect(); // already connecting: no second socket
    expect(sockets).toHaveLength(2);
  });

  it('stops at a refused token: unauthorized, pending calls rejected, no retry', async () => {
    const { bridge, socket, timers } = setup();
    const call = bridge.invoke('engine:get-state', {});
    socket().open();
    socket().receive({
      type: 'auth-result',
      ok: false,
      error: { code: 'unauthorized', message: 'Wrong access token. Open the link the steadycast command printed at start.' },
    });
    await expect(call).rejects.toMatchObject({ code: 'unauthorized' });
    expect(bridge.current()).toEqual({
      status: 'unauthorized',
      reason: 'Wrong access token. Open the link the steadycast command printed at start.',
    });
    expect(socket().closedWith).toEqual({ code: 1000, reason: 'access token refused' });
    socket().drop(1000);
    expect(bridge.current().status).toBe('unauthorized');
    expect(timers.pending).toEqual([]);
    await expect(bridge.invoke('engine:ping', { nonce: 'x' })).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('does not connect without a token and says how to get one', () => {
    const { bridge, sockets } = setup(null);
    expect(sockets).toHaveLength(0);
    expect(bridge.current()).toMatchObject({ status: 'unauthorized', reason: expect.stringMatching(/#token=/) as unknown });
  });

  it('sends PCM as binary only once authenticated, and drops it when the socket is backed up', () => {
    const { bridge, socket } = setup();
    const frame = new ArrayBuffer(24);
    bridge.sendPcm(frame);
    socket().accept();
    bridge.sendPcm(frame);
    socket().bufferedAmount = 2 * 1024 * 1024;
    bridge.sendPcm(frame);
    expect(socket().sent.filter((data) => data instanceof ArrayBuffer)).toEqual([frame]);
    expect(bridge.pcmFramesDropped).toBe(2);
  });

  it('closes for good', async () => {
    const { bridge, socket, timers } = setup();
    socket().accept();
    const call = bridge.invoke('engine:get-state', {});
    bridge.close();
    await expect(call).rejects.toMatchObject({ code: 'disconnected' });
    expect(socket().closedWith).toEqual({ code: 1000, reason: 'closed by the UI' });
    socket().drop(1000);
    expect(timers.pending).toEqual([]);
    expect(bridge.current()).toMatchObject({ status: 'disconnected', retryAt: null });
  });

  it('opens the program stream with its own address and token, and not without a token or after closing', () => {
    const opened: { url: string; token: string }[] = [];
    const stream = { port: null as unknown as MessagePort, setClock: () => undefined, close: () => undefined };
    const make = (token: string | null): WebSocketBridge =>
      createWebSocketBridge({
        url: 'ws://127.0.0.1:7766/bridge',
        token,
        createSocket: (url, handlers) => new FakeSocket(url, handlers),
        setTimer: new FakeTimers().setTimer,
        startPcmStream: (options) => {
          opened.push({ url: options.url, token: options.token });
          return stream;
        },
      });
    const bridge = make('secret-token');
    expect(bridge.openPcmStream()).toBe(stream);
    expect(opened).toEqual([{ url: 'ws://127.0.0.1:7766/bridge', token: 'secret-token' }]);
    expect(make(null).openPcmStream()).toBeNull();
    bridge.close();
    expect(bridge.openPcmStream()).toBeNull();
    expect(opened).toHaveLength(1);
  });
});

describe('access token from the URL fragment', () => {
  function environment(
    hash: string,
    stored: string | null = null,
  ): TokenEnvironment & { replaced: string[]; storage: Map<string, string> & TokenEnvironment['storage'] } {
    const replaced: string[] = [];
    const map = new Map<string, string>();
    if (stored) map.set('steadycast.bridge-token', stored);
    const storage = Object.assign(map, {
      getItem: (key: string) => map.get(key) ?? null,
      setItem: (key: string, value: string) => void map.set(key, value),
    });
    return {
      location: { hash, pathname: '/', search: '?view=room' },
      history: {
        state: null,
        replaceState: (_data: unknown, _unused: string, url?: string | URL | null) => void replaced.push(String(url)),
      },
      storage,
      replaced,
    };
  }

  it('takes the token and removes it from the address bar, keeping the rest', () => {
    const env = environment('#token=abc123&panel=log');
    expect(takeAccessToken(env)).toBe('abc123');
    expect(env.replaced).toEqual(['/?view=room#panel=log']);
    expect(env.storage.getItem('steadycast.bridge-token')).toBe('abc123');
  });

  it('leaves no empty fragment behind', () => {
    const env = environment('#token=abc123');
    takeAccessToken(env);
    expect(env.replaced).toEqual(['/?view=room']);
  });

  it('falls back to the token of this tab after a reload', () => {
    const env = environment('', 'from-before');
    expect(takeAccessToken(env)).toBe('from-before');
    expect(env.replaced).toEqual([]);
  });

  it('has no token when none was given', () => {
    expect(takeAccessToken(environment(''))).toBeNull();
  });
});

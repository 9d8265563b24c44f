import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildSteadycastApi, forwardProgramPorts, type PortWindowLike, type WindowMessageLike } from '../../../electron/preload/api';
import {
  apiFromReplies,
  BridgeError,
  IPC_PCM_CHANNEL,
  IPC_PROGRAM_PORT_CHANNEL,
  PROGRAM_PORT_MESSAGE,
  type SteadycastApi,
  type SteadycastIpcApi,
} from '../../../electron/shared/bridge';
import type { CommandChannel, EventChannel } from '../../../electron/shared/contract';
import { electronModule, FakeIpcRenderer } from '../../fakes/electron';

// Electron is the one module we fake (house rules); the preload's index.ts imports it itself.
vi.mock('electron', async () => (await import('../../fakes/electron')).electronModule);

/** The preload's `window`, as far as `message` events go: a test dispatches what the page (or a frame) would post. */
class FakePortWindow implements PortWindowLike {
  private readonly listeners: ((event: WindowMessageLike) => void)[] = [];

  addEventListener(_type: 'message', listener: (event: WindowMessageLike) => void): void {
    this.listeners.push(listener);
  }

  dispatch(event: WindowMessageLike): void {
    for (const listener of this.listeners) listener(event);
  }
}

// index.ts listens on the window it runs in; in Node there is none, so it gets this one.
const preloadWindow = new FakePortWindow();
vi.stubGlobal('window', preloadWindow);

const openPorts: MessagePort[] = [];
afterEach(() => {
  for (const port of openPorts.splice(0)) port.close();
});

/** A real MessageChannel's two ends (closed after the test). */
function ports(): [MessagePort, MessagePort] {
  const channel = new MessageChannel();
  openPorts.push(channel.port1, channel.port2);
  return [channel.port1, channel.port2];
}

function api(): { api: SteadycastApi; ipc: FakeIpcRenderer } {
  const ipc = new FakeIpcRenderer();
  // What the renderer does with window.steadycast (renderer/bridge/select-bridge.ts).
  return { api: apiFromReplies(buildSteadycastApi(ipc)), ipc };
}

/** Calls `invoke` the way a compromised or buggy page could: with any channel and payload. */
function invokeUnchecked(target: SteadycastApi, channel: unknown, payload: unknown): Promise<unknown> {
  return target.invoke(channel as CommandChannel, payload as never);
}

async function rejection(promise: Promise<unknown>): Promise<BridgeError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof BridgeError)) throw new Error(`expected a BridgeError, got ${String(error)}`);
  return error;
}

describe('preload index', () => {
  it('exposes exactly one object, window.steadycast, with exactly invoke, on and sendPcm', async () => {
    await import('../../../electron/preload/index');
    expect([...electronModule.contextBridge.exposed.keys()]).toEqual(['steadycast']);
    const exposed = electronModule.contextBridge.exposed.get('steadycast');
    expect(typeof exposed).toBe('object');
    expect(Object.keys(exposed as object).sort()).toEqual(['invoke', 'on', 'sendPcm']);
    for (const value of Object.values(exposed as object)) expect(typeof value).toBe('function');
  });

  it('builds the exposed object on the real ipcRenderer', async () => {
    await import('../../../electron/preload/index');
    const exposed = electronModule.contextBridge.exposed.get('steadycast') as SteadycastIpcApi;
    electronModule.ipcRenderer.reply = () => ({ ok: true, result: { nonce: 'x', engineTime: 1 } });
    await expect(exposed.invoke('engine:ping', { nonce: 'x' })).resolves.toEqual({ ok: true, result: { nonce: 'x', engineTime: 1 } });
    expect(electronModule.ipcRenderer.invoked).toEqual([{ channel: 'engine:ping', args: [{ nonce: 'x' }] }]);
  });

  it('resolves failures as plain replies, because contextBridge would strip the code from a rejected error', async () => {
    await import('../../../electron/preload/index');
    const exposed = electronModule.contextBridge.exposed.get('steadycast') as SteadycastIpcApi;
    electronModule.ipcRenderer.reply = () => ({ ok: false, error: { code: 'invalid-payload', message: 'nonce: expected string' } });
    await expect(exposed.invoke('engine:ping', { nonce: 1 })).resolves.toEqual({
      ok: false,
      error: { code: 'invalid-payload', message: 'nonce: expected string' },
    });
    await expect(exposed.invoke('engine:nope' as CommandChannel, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
  });
});

describe('invoke', () => {
  it('sends the command with its payload as the one argument and resolves with the result', async () => {
    const { api: bridge, ipc } = api();
    ipc.reply = () => ({ ok: true, result: { started: 2 } });
    await expect(bridge.invoke('servers:check', { endpoint: 'primary' })).resolves.toEqual({ started: 2 });
    expect(ipc.invoked).toEqual([{ channel: 'servers:check', args: [{ endpoint: 'primary' }] }]);
  });

  it.each(['engine:shutdown', 'audio:pcm', 'engine:state', '__proto__', 'toString', 42, null])(
    'rejects the unknown channel %s without sending anything',
    async (channel) => {
      const { api: bridge, ipc } = api();
      const error = await rejection(invokeUnchecked(bridge, channel, {}));
      expect(error.code).toBe('unknown-channel');
      expect(ipc.invoked).toEqual([]);
    },
  );

  it('turns an ok:false reply into a BridgeError with its code and message', async () => {
    const { api: bridge, ipc } = api();
    ipc.reply = () => ({ ok: false, error: { code: 'invalid-payload', message: 'Invalid payload for engine:ping: nonce is empty' } });
    const error = await rejection(bridge.invoke('engine:ping', { nonce: '' }));
    expect(error.code).toBe('invalid-payload');
    expect(error.message).toBe('Invalid payload for engine:ping: nonce is empty');
    expect(error.name).toBe('BridgeError');
  });

  it('reports a main process that does not answer as disconnected', async () => {
    const { api: bridge } = api();
    const error = await rejection(bridge.invoke('engine:get-state', {}));
    expect(error.code).toBe('disconnected');
    expect(error.message).toContain('No handler registered');
  });

  it.each([undefined, null, 'ok', { ok: true }, { ok: false }, { ok: false, error: { code: 7 } }])(
    'reports the malformed reply %j',
    async (reply) => {
      const { api: bridge, ipc } = api();
      ipc.reply = () => reply;
      expect((await rejection(bridge.invoke('engine:get-state', {}))).code).toBe('malformed-message');
    },
  );
});

describe('on', () => {
  it('gives the listener the payload only, never the IPC event', () => {
    const { api: bridge, ipc } = api();
    const listener = vi.fn();
    bridge.on('engine:pong', listener);
    ipc.emit('engine:pong', { nonce: 'n', engineTime: 5 }, 'extra argument');
    expect(listener.mock.calls).toEqual([[{ nonce: 'n', engineTime: 5 }]]);
  });

  it('returns an unsubscribe that removes the listener once', () => {
    const { api: bridge, ipc } = api();
    const listener = vi.fn();
    const unsubscribe = bridge.on('engine:state', listener);
    const other = bridge.on('engine:state', vi.fn());
    expect(ipc.listenerCount('engine:state')).toBe(2);
    unsubscribe();
    unsubscribe();
    expect(ipc.listenerCount('engine:state')).toBe(1);
    ipc.emit('engine:state', {});
    expect(listener).not.toHaveBeenCalled();
    other();
    expect(ipc.listenerCount('engine:state')).toBe(0);
  });

  it.each(['audio:pcm', 'engine:ping', 'ELECTRON_BROWSER_WINDOW_ALERT', ''])('refuses to listen on %s', (channel) => {
    const { api: bridge, ipc } = api();
    expect(() => bridge.on(channel as EventChannel, vi.fn())).toThrow(BridgeError);
    expect(ipc.listenerCount(channel)).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    const { api: bridge, ipc } = api();
    expect(() => bridge.on('engine:state', 'alert(1)' as unknown as () => void)).toThrow(/not a function/);
    expect(ipc.listenerCount('engine:state')).toBe(0);
  });
});

describe('sendPcm', () => {
  it('sends an ArrayBuffer on the PCM channel', () => {
    const { api: bridge, ipc } = api();
    const frame = new ArrayBuffer(32);
    bridge.sendPcm(frame);
    expect(ipc.sentMessages).toEqual([{ channel: IPC_PCM_CHANNEL, args: [frame] }]);
  });

  it('refuses anything else without sending', () => {
    const { api: bridge, ipc } = api();
    for (const junk of [new Uint8Array(32), 'SCPF', null, { byteLength: 32 }]) {
      expect(() => bridge.sendPcm(junk as ArrayBuffer)).toThrow(BridgeError);
    }
    expect(ipc.sentMessages).toEqual([]);
  });
});

describe('program port', () => {
  it('forwards a tagged port posted by its own window to main, and nothing else', () => {
    const target = new FakePortWindow();
    const ipc = new FakeIpcRenderer();
    forwardProgramPorts(target, ipc);
    const [port] = ports();
    target.dispatch({ source: target, data: PROGRAM_PORT_MESSAGE, ports: [port] });
    expect(ipc.postedMessages).toEqual([{ channel: IPC_PROGRAM_PORT_CHANNEL, message: null, transfer: [port] }]);
    expect(ipc.sentMessages).toEqual([]);
  });

  it.each([
    [
      'from another window or a frame in the page',
      (target: FakePortWindow, port: MessagePort) => ({ source: {}, data: PROGRAM_PORT_MESSAGE, ports: [port] }),
    ],
    ['without a source', (_target: FakePortWindow, port: MessagePort) => ({ source: null, data: PROGRAM_PORT_MESSAGE, ports: [port] })],
    ['without the tag', (target: FakePortWindow, port: MessagePort) => ({ source: target, data: 'hello', ports: [port] })],
    [
      'with the tag in an object',
      (target: FakePortWindow, port: MessagePort) => ({ source: target, data: { type: PROGRAM_PORT_MESSAGE }, ports: [port] }),
    ],
    ['without a port', (target: FakePortWindow) => ({ source: target, data: PROGRAM_PORT_MESSAGE, ports: [] })],
    [
      'with two ports',
      (target: FakePortWindow, port: MessagePort, other: MessagePort) => ({
        source: target,
        data: PROGRAM_PORT_MESSAGE,
        ports: [port, other],
      }),
    ],
  ])('ignores a message %s', (_name, message: (target: FakePortWindow, port: MessagePort, other: MessagePort) => WindowMessageLike) => {
    const target = new FakePortWindow();
    const ipc = new FakeIpcRenderer();
    forwardProgramPorts(target, ipc);
    const [port, other] = ports();
    target.dispatch(message(target, port, other));
    expect(ipc.postedMessages).toEqual([]);
  });

  it('is wired on the preload window by index.ts', async () => {
    await import('../../../electron/preload/index');
    const [port] = ports();
    preloadWindow.dispatch({ source: preloadWindow, data: PROGRAM_PORT_MESSAGE, ports: [port] });
    expect(electronModule.ipcRenderer.postedMessages).toEqual([{ channel: IPC_PROGRAM_PORT_CHANNEL, message: null, transfer: [port] }]);
  });
});

describe('the API object', () => {
  it('is frozen, so the page cannot swap its methods', () => {
    const bridge = buildSteadycastApi(new FakeIpcRenderer());
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'sendPcm']);
  });
});

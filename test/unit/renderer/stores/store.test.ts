import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../../electron/shared/bridge';
import type { EventPayload } from '../../../../electron/shared/contract';
import type { EngineState } from '../../../../electron/shared/state';
import type { ConnectionSource, ConnectionStatus } from '../../../../renderer/bridge/connection-status';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { PING_TIMEOUT_MS } from '../../../../renderer/stores/engine-slice';
import { LOG_LIMIT } from '../../../../renderer/stores/log-slice';
import { selectCanSend, selectEndpointNames, selectIsChecking, selectIsStale, selectServer } from '../../../../renderer/stores/selectors';
import type { StoreDeps } from '../../../../renderer/stores/store-types';
import { FakeBridge, sampleEngineState, type FakeBindingOptions } from '../../../fakes/fake-bridge';
import { settle } from '../../../support/renderer-test-support';

/** Store dependencies on simulated time with predictable nonces. */
class FakeDeps implements Omit<StoreDeps, 'bridge'> {
  private current = 1000;
  private timers: { at: number; callback: () => void }[] = [];
  private nonces = 0;

  now = (): number => this.current;
  randomNonce = (): string => `nonce-${++this.nonces}`;
  setTimer = (callback: () => void, ms: number): (() => void) => {
    const timer = { at: this.current + ms, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((candidate) => candidate !== timer);
    };
  };

  advance(ms: number): void {
    this.current += ms;
    const due = this.timers.filter((timer) => timer.at <= this.current);
    this.timers = this.timers.filter((timer) => timer.at > this.current);
    for (const timer of due) timer.callback();
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}

/** A connection whose status a test sets. */
class FakeConnection implements ConnectionSource {
  reconnects = 0;
  private readonly listeners = new Set<(status: ConnectionStatus) => void>();
  constructor(private status: ConnectionStatus) {}
  current = (): ConnectionStatus => this.status;
  subscribe = (listener: (status: ConnectionStatus) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  reconnect = (): void => {
    this.reconnects++;
  };
  get listenerCount(): number {
    return this.listeners.size;
  }
  set(status: ConnectionStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A fake bridge and simulated time; `start` creates the store on them (the store follows the bridge from then on). */
function setup(state: EngineState = sampleEngineState()): {
  bridge: FakeBridge;
  deps: FakeDeps;
  start: (options?: FakeBindingOptions) => AppStore;
} {
  const deps = new FakeDeps();
  const bridge = new FakeBridge(state);
  return { bridge, deps, start: (options) => createAppStore({ ...deps, bridge: bridge.binding(options) }) };
}

const logEntry = (message: string, level: EventPayload<'log:entry'>['level'] = 'info'): EventPayload<'log:entry'> => ({
  at: 1_700_000_000_000,
  level,
  scope: 'engine',
  message,
});

describe('renderer store: attaching a bridge', () => {
  it('starts empty and cannot send before its bridge connects', () => {
    const { bridge, start } = setup();
    const store = start({ kind: 'websocket', connection: new FakeConnection({ status: 'connecting', attempt: 1 }) });
    const state = store.getState();
    expect(state.engine).toBeNull();
    expect(state.bridgeKind).toBe('websocket');
    expect(bridge.calls).toEqual([]);
    expect(selectCanSend(state)).toBe(false);
    expect(selectEndpointNames(state)).toEqual([]);
  });

  it('fetches the whole engine state when attached', async () => {
    const { bridge, start } = setup();
    const store = start({ kind: 'websocket' });
    expect(bridge.callsOf('engine:get-state')).toEqual([{ channel: 'engine:get-state', payload: {} }]);
    await settle();
    const state = store.getState();
    expect(state.engine?.space.name).toBe('Launch night');
    expect(state.bridgeKind).toBe('websocket');
    expect(state.connection).toEqual({ status: 'connected' });
    expect(selectEndpointNames(state)).toEqual(['primary', 'backup']);
    expect(selectServer('backup', 'icecast')(state)).toEqual({ url: 'http://198.18.0.2:8000/live.opus', probe: { status: 'unknown' } });
    expect(state.stateError).toBeNull();
  });

  it('reports a failed state fetch in plain words', async () => {
    const { bridge, start } = setup();
    bridge.handle('engine:get-state', () => {
      throw new BridgeError('engine-error', 'engine:get-state failed: boom. See the log for details.');
    });
    const store = start();
    await settle();
    expect(store.getState().stateError).toBe('Could not load the engine state: engine:get-state failed: boom. See the log for details.');
  });

  it('keeps a newer engine:state event over a slower get-state answer', async () => {
    const { bridge, start } = setup();
    const answer = deferred<EngineState>();
    bridge.handle('engine:get-state', () => answer.promise);
    const store = start();
    bridge.emit('engine:state', sampleEngineState({ version: 'from-event' }));
    answer.resolve(sampleEngineState({ version: 'from-answer' }));
    await settle();
    expect(store.getState().engine?.version).toBe('from-event');
  });

  it('follows the connection status and reloads the state after every reconnect', async () => {
    const { bridge, start } = setup();
    const connection = new FakeConnection({ status: 'connecting', attempt: 1 });
    const store = start({ kind: 'websocket', connection });
    expect(bridge.callsOf('engine:get-state')).toHaveLength(0);
    expect(store.getState().connection).toEqual({ status: 'connecting', attempt: 1 });

    connection.set({ status: 'connected' });
    await settle();
    expect(bridge.callsOf('engine:get-state')).toHaveLength(1);
    expect(selectCanSend(store.getState())).toBe(true);

    connection.set({ status: 'disconnected', reason: 'Lost the connection to the engine.', retryAt: 5000 });
    expect(selectIsStale(store.getState())).toBe(true);
    expect(selectCanSend(store.getState())).toBe(false);
    store.getState().reconnectNow();
    expect(connection.reconnects).toBe(1);

    connection.set({ status: 'connected' });
    await settle();
    expect(bridge.callsOf('engine:get-state')).toHaveLength(2);
    expect(selectIsStale(store.getState())).toBe(false);
  });

  it('detaches every listener, the connection’s too, and a second detach changes nothing', () => {
    const { bridge, start } = setup();
    const connection = new FakeConnection({ status: 'connected' });
    const store = start({ connection });
    expect(bridge.listenerCount('engine:state')).toBe(1);
    expect(connection.listenerCount).toBe(1);
    store.getState().detachBridge();
    expect(bridge.listenerCount('engine:state')).toBe(0);
    expect(bridge.listenerCount('log:entry')).toBe(0);
    expect(bridge.listenerCount('engine:pong')).toBe(0);
    expect(connection.listenerCount).toBe(0);
    store.getState().detachBridge();
    expect(bridge.listenerCount('engine:state')).toBe(0);
  });
});

describe('renderer store: events', () => {
  it('replaces the engine state on engine:state', async () => {
    const { bridge, start } = setup();
    const store = start();
    await settle();
    const next = sampleEngineState({ bridge: { kind: 'websocket', clients: 3 } });
    next.space.name = 'Relaunch';
    bridge.emit('engine:state', next);
    expect(store.getState().engine?.space.name).toBe('Relaunch');
    expect(store.getState().engine?.bridge.clients).toBe(3);
  });

  it('records the last probe per endpoint and server kind', async () => {
    const { bridge, start } = setup();
    const store = start();
    await settle();
    bridge.emit('servers:probed', {
      endpoint: 'backup',
      kind: 'janus',
      probe: { status: 'reachable', checkedAt: 2, roundTripMs: 12.5, serverVersion: 'Janus 1.1.2' },
    });
    bridge.emit('servers:probed', {
      endpoint: 'primary',
      kind: 'icecast',
      probe: { status: 'unreachable', checkedAt: 3, error: 'Icecast did not answer at 198.18.0.1:8000.' },
    });
    const state = store.getState();
    expect(selectServer('backup', 'janus')(state)?.probe).toEqual({
      status: 'reachable',
      checkedAt: 2,
      roundTripMs: 12.5,
      serverVersion: 'Janus 1.1.2',
    });
    expect(selectServer('primary', 'icecast')(state)?.probe.status).toBe('unreachable');
    expect(selectServer('primary', 'janus')(state)?.probe).toEqual({ status: 'unknown' });
  });

  it('keeps only the latest log lines, oldest dropped first', () => {
    const { bridge, start } = setup();
    const store = start();
    const total = LOG_LIMIT + 50;
    for (let index = 1; index <= total; index++) bridge.emit('log:entry', logEntry(`line ${index}`, index % 2 ? 'info' : 'warn'));
    const { log } = store.getState();
    expect(log).toHaveLength(LOG_LIMIT);
    expect(log[0]?.message).toBe('line 51');
    expect(log.at(-1)?.message).toBe(`line ${total}`);
    expect(log.at(-1)?.level).toBe('warn');
    expect(new Set(log.map((line) => line.id)).size).toBe(LOG_LIMIT);
  });

  it('loads the recent engine log on attach and merges it with live lines without repeats', async () => {
    const { bridge, start } = setup();
    const early = { ...logEntry('engine started'), at: 1_000 };
    const live = { ...logEntry('primary janus reachable'), at: 2_000 };
    const gate = deferred<{ entries: EventPayload<'log:entry'>[] }>();
    bridge.handle('log:get-recent', () => gate.promise);
    const store = start();
    // A live line arrives before the history answer, and the history contains it too.
    bridge.emit('log:entry', live);
    gate.resolve({ entries: [early, live] });
    await settle();
    expect(store.getState().log.map((line) => line.message)).toEqual(['engine started', 'primary janus reachable']);
  });

  it('still shows the state when the log history cannot be loaded', async () => {
    const { bridge, start } = setup();
    bridge.handle('log:get-recent', () => Promise.reject(new Error('older engine')));
    const store = start();
    await settle();
    expect(store.getState().engine?.space.name).toBe('Launch night');
    expect(store.getState().stateError).toBeNull();
    expect(store.getState().log).toEqual([]);
  });

  it('stops updating after detach', async () => {
    const { bridge, start } = setup();
    const store = start();
    await settle();
    store.getState().detachBridge();
    bridge.emit('log:entry', logEntry('after detach'));
    expect(store.getState().log).toEqual([]);
  });
});

describe('renderer store: checking servers', () => {
  it('sends servers:check for all endpoints or one', async () => {
    const { bridge, start } = setup();
    const store = start();
    await settle();
    await store.getState().checkServers();
    await store.getState().checkServers('backup');
    expect(bridge.callsOf('servers:check')).toEqual([
      { channel: 'servers:check', payload: {} },
      { channel: 'servers:check', payload: { endpoint: 'backup' } },
    ]);
    expect(store.getState().checkRequest).toEqual({ status: 'idle' });
  });

  it('is checking while the command is in flight or any probe runs, and does not send twice', async () => {
    const { bridge, start } = setup();
    const answer = deferred<{ started: number }>();
    bridge.handle('servers:check', () => answer.promise);
    const store = start();
    await settle();

    const first = store.getState().checkServers();
    expect(selectIsChecking(store.getState())).toBe(true);
    await store.getState().checkServers();
    expect(bridge.callsOf('servers:check')).toHaveLength(1);

    // The engine marks probes as checking before it answers.
    bridge.emit('servers:probed', { endpoint: 'primary', kind: 'janus', probe: { status: 'checking', startedAt: 1 } });
    answer.resolve({ started: 4 });
    await first;
    expect(store.getState().checkRequest).toEqual({ status: 'idle' });
    expect(selectIsChecking(store.getState())).toBe(true);
    await store.getState().checkServers();
    expect(bridge.callsOf('servers:check')).toHaveLength(1);

    bridge.emit('servers:probed', {
      endpoint: 'primary',
      kind: 'janus',
      probe: { status: 'reachable', checkedAt: 2, roundTripMs: 4, serverVersion: 'Janus 1.1.2' },
    });
    expect(selectIsChecking(store.getState())).toBe(false);
  });

  it('says why a check could not be started', async () => {
    const { bridge, start } = setup();
    bridge.handle('servers:check', () => {
      throw new BridgeError('disconnected', 'Not connected to the engine.');
    });
    const store = start();
    await store.getState().checkServers();
    expect(store.getState().checkRequest).toEqual({ status: 'failed', error: 'Could not start the check: Not connected to the engine.' });
  });

  it('fails plainly while the bridge is disconnected', async () => {
    const { bridge, start } = setup();
    bridge.disconnect('Lost the connection to the engine.');
    const store = start();
    await store.getState().checkServers();
    expect(bridge.callsOf('servers:check')).toEqual([]);
    expect(store.getState().checkRequest).toEqual({
      status: 'failed',
      error: 'Could not start the check: Not connected to the engine: Lost the connection to the engine. Reconnecting automatically.',
    });
  });
});

describe('renderer store: ping', () => {
  it('measures the round trip until the pong with its own nonce, ignoring other pongs', async () => {
    const { bridge, deps, start } = setup();
    const store = start();
    await settle();

    const done = store.getState().pingEngine();
    expect(bridge.callsOf('engine:ping')).toEqual([{ channel: 'engine:ping', payload: { nonce: 'nonce-1' } }]);
    expect(store.getState().ping).toEqual({ status: 'waiting', nonce: 'nonce-1', sentAt: 1000 });
    await done;

    deps.advance(7);
    bridge.emit('engine:pong', { nonce: 'someone-else', engineTime: 1 });
    expect(store.getState().ping.status).toBe('waiting');

    deps.advance(5);
    bridge.emit('engine:pong', { nonce: 'nonce-1', engineTime: 42 });
    expect(store.getState().ping).toEqual({ status: 'answered', nonce: 'nonce-1', roundTripMs: 12, engineTime: 42 });
    expect(store.getState().lastRoundTripMs).toBe(12);
    expect(deps.pendingTimers).toBe(0);

    // A late duplicate of the same pong changes nothing.
    deps.advance(100);
    bridge.emit('engine:pong', { nonce: 'nonce-1', engineTime: 43 });
    expect(store.getState().lastRoundTripMs).toBe(12);
  });

  it('accepts a pong that arrives before the command result', async () => {
    const { bridge, deps, start } = setup();
    bridge.handle('engine:ping', ({ nonce }) => {
      deps.advance(3);
      bridge.emit('engine:pong', { nonce, engineTime: 9 });
      return { nonce, engineTime: 9 };
    });
    const store = start();
    await store.getState().pingEngine();
    expect(store.getState().ping).toMatchObject({ status: 'answered', roundTripMs: 3 });
  });

  it('ignores the pong of an older ping once a new one is sent', async () => {
    const { bridge, deps, start } = setup();
    const store = start();
    await store.getState().pingEngine();
    await store.getState().pingEngine();
    bridge.emit('engine:pong', { nonce: 'nonce-1', engineTime: 1 });
    expect(store.getState().ping).toMatchObject({ status: 'waiting', nonce: 'nonce-2' });
    deps.advance(2);
    bridge.emit('engine:pong', { nonce: 'nonce-2', engineTime: 1 });
    expect(store.getState().ping).toMatchObject({ status: 'answered', nonce: 'nonce-2', roundTripMs: 2 });
  });

  it('fails when no pong arrives in time', async () => {
    const { bridge, deps, start } = setup();
    const store = start();
    await store.getState().pingEngine();
    deps.advance(PING_TIMEOUT_MS - 1);
    expect(store.getState().ping.status).toBe('waiting');
    deps.advance(1);
    expect(store.getState().ping).toEqual({
      status: 'failed',
      error: 'No pong from the engine within 5 s. Check the connection and the engine log.',
    });
    bridge.emit('engine:pong', { nonce: 'nonce-1', engineTime: 1 });
    expect(store.getState().ping.status).toBe('failed');
    expect(store.getState().lastRoundTripMs).toBeNull();
  });

  it('fails with the bridge error when the command is refused', async () => {
    const { bridge, deps, start } = setup();
    bridge.handle('engine:ping', () => {
      throw new BridgeError('disconnected', 'Lost the connection to the engine.');
    });
    const store = start();
    await store.getState().pingEngine();
    expect(store.getState().ping).toEqual({ status: 'failed', error: 'Lost the connection to the engine.' });
    expect(deps.pendingTimers).toBe(0);
  });
});

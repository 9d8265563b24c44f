import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { BroadcastStatus, Meters, OutputStatus } from '../../../../electron/shared/broadcast';
import { BridgeError } from '../../../../electron/shared/bridge';
import type { EventPayload } from '../../../../electron/shared/contract';
import { idleConversationState, type ConversationState } from '../../../../electron/shared/conversation';
import { describeLamp } from '../../../../renderer/components/on-air-lamp';
import { OffAirState } from '../../../../renderer/features/program/off-air-state';
import { RecordingRow } from '../../../../renderer/features/program/recording-row';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import {
  describeCountdown,
  secondsUntil,
  selectCanRetry,
  selectIsOnAir,
  selectMeter,
  selectOnAirLamp,
  selectShowIsOnAir,
  selectShowOnAir,
  selectOutputIds,
  selectOutputTally,
  selectProgramSummary,
  selectRetryRequest,
} from '../../../../renderer/stores/broadcast-selectors';
import { CLIP_HOLD_MS, NOTICE_LIMIT, PEAK_HOLD_MS } from '../../../../renderer/stores/broadcast-slice';
import type { AppState, StoreDeps } from '../../../../renderer/stores/store-types';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { buttonTag, deferred, render, settle } from '../../../support/renderer-test-support';

const T0 = 1_700_000_000_000;

/** Simulated monotonic time; timers are never needed by this slice. */
class FakeDeps implements Omit<StoreDeps, 'bridge'> {
  current = 0;
  now = (): number => this.current;
  randomNonce = (): string => 'nonce';
  setTimer = (): (() => void) => () => undefined;
}

const liveOutput: OutputStatus = {
  id: 'primary',
  label: 'Primary',
  url: 'http://198.18.0.1:8000/live.opus',
  state: { status: 'live', since: T0 + 1_000, bytesSent: 1_234_567, backlogMs: 40 },
};
const retryingOutput: OutputStatus = {
  id: 'backup',
  label: 'Backup',
  url: 'http://198.18.0.2:8000/live.opus',
  state: {
    status: 'retrying',
    attempt: 3,
    since: T0 + 5_000,
    nextAttemptAt: T0 + 8_000,
    errorClass: 'network',
    error: 'Connection refused by 198.18.0.2:8000.',
  },
};

function sampleBroadcast(overrides: Partial<BroadcastStatus> = {}): BroadcastStatus {
  return {
    status: 'live',
    startedAt: T0,
    source: 'tone:440',
    channels: 2,
    bitrateKbps: 96,
    configuredBitrateKbps: 128,
    outputs: [liveOutput, retryingOutput],
    recording: { path: '/tmp/show.opus', bytes: 5_000_000, durationMs: 310_000, files: 1 },
    ...overrides,
  };
}

const meters = (overrides: Partial<Meters> = {}): Meters => ({
  peakDbfs: -12,
  rmsDbfs: -20,
  clippedSamples: 0,
  silent: false,
  ...overrides,
});

const notice = (message: string, level: EventPayload<'broadcast:notice'>['level'] = 'info'): EventPayload<'broadcast:notice'> => ({
  at: T0,
  kind: 'output-changed',
  level,
  message,
});

async function setup(
  broadcast: BroadcastStatus | null = sampleBroadcast(),
): Promise<{ store: AppStore; bridge: FakeBridge; deps: FakeDeps }> {
  const deps = new FakeDeps();
  const bridge = new FakeBridge(sampleEngineState({ broadcast }));
  const store = createAppStore({ ...deps, bridge: bridge.binding({ kind: 'websocket' }) });
  await settle();
  return { store, bridge, deps };
}

/** Sends a whole engine state whose program is `broadcast`, as the engine does on every change. */
function emitBroadcast(bridge: FakeBridge, broadcast: BroadcastStatus | null): void {
  bridge.emit('engine:state', sampleEngineState({ broadcast }));
}

describe('broadcast slice: meters', () => {
  it('takes broadcast:meters events and shows them only while on air', async () => {
    const { store, bridge } = await setup();
    expect(selectMeter(store.getState())).toBeNull();
    bridge.emit('broadcast:meters', meters({ peakDbfs: -6.5, rmsDbfs: -18.25, silent: true }));
    expect(selectMeter(store.getState())).toMatchObject({ peakDbfs: -6.5, rmsDbfs: -18.25, clippedSamples: 0, silent: true });

    emitBroadcast(bridge, null);
    expect(selectMeter(store.getState())).toBeNull();
  });

  it('holds the highest peak for a while, then follows the level down', async () => {
    const { store, bridge, deps } = await setup();
    bridge.emit('broadcast:meters', meters({ peakDbfs: -3 }));
    deps.current += 500;
    bridge.emit('broadcast:meters', meters({ peakDbfs: -20 }));
    expect(store.getState().meter?.peakHoldDbfs).toBe(-3);
    deps.current += PEAK_HOLD_MS;
    bridge.emit('broadcast:meters', meters({ peakDbfs: -25 }));
    expect(store.getState().meter?.peakHoldDbfs).toBe(-25);
  });

  it('lights the clip indicator when the count grows and lets it go out after the hold', async () => {
    const { store, bridge, deps } = await setup();
    bridge.emit('broadcast:meters', meters({ clippedSamples: 0 }));
    expect(store.getState().meter?.clipping).toBe(false);
    deps.current += 100;
    bridge.emit('broadcast:meters', meters({ clippedSamples: 12 }));
    expect(store.getState().meter).toMatchObject({ clipping: true, clippedSamples: 12 });
    deps.current += CLIP_HOLD_MS - 100;
    bridge.emit('broadcast:meters', meters({ clippedSamples: 12 }));
    expect(store.getState().meter?.clipping).toBe(true);
    deps.current += 200;
    bridge.emit('broadcast:meters', meters({ clippedSamples: 12 }));
    expect(store.getState().meter).toMatchObject({ clipping: false, clippedSamples: 12 });
  });

  it('does not touch the engine state or other slices when meters arrive', async () => {
    const { store, bridge } = await setup();
    const before = store.getState();
    bridge.emit('broadcast:meters', meters());
    const after = store.getState();
    expect(after.engine).toBe(before.engine);
    expect(after.notices).toBe(before.notices);
    expect(after.retries).toBe(before.retries);
  });
});

describe('broadcast slice: notices', () => {
  it('keeps the latest notices, oldest dropped first, each with its own id', async () => {
    const { store, bridge } = await setup();
    const total = NOTICE_LIMIT + 7;
    for (let index = 1; index <= total; index++) bridge.emit('broadcast:notice', notice(`notice ${index}`, index % 3 ? 'info' : 'warn'));
    const { notices } = store.getState();
    expect(notices).toHaveLength(NOTICE_LIMIT);
    expect(notices[0]?.message).toBe('notice 8');
    expect(notices.at(-1)?.message).toBe(`notice ${total}`);
    expect(notices.at(-1)?.level).toBe('warn');
    expect(new Set(notices.map((line) => line.id)).size).toBe(NOTICE_LIMIT);
  });

  it('stops listening after detach', async () => {
    const { store, bridge } = await setup();
    store.getState().detachBridge();
    bridge.emit('broadcast:notice', notice('late'));
    bridge.emit('broadcast:meters', meters());
    expect(store.getState().notices).toEqual([]);
    expect(store.getState().meter).toBeNull();
    expect(bridge.listenerCount('broadcast:meters')).toBe(0);
  });
});

describe('broadcast slice: retry now', () => {
  it('sends broadcast:retry-output for the output and clears the request when the engine retried', async () => {
    const { store, bridge } = await setup();
    await store.getState().retryOutput('backup');
    expect(bridge.callsOf('broadcast:retry-output')).toEqual([{ channel: 'broadcast:retry-output', payload: { outputId: 'backup' } }]);
    expect(selectRetryRequest('backup')(store.getState())).toBeNull();
  });

  it('tracks the request as pending per output, disables that button only, and does not send twice', async () => {
    const { store, bridge } = await setup(
      sampleBroadcast({ outputs: [retryingOutput, { ...retryingOutput, id: 'third', label: 'Third' }] }),
    );
    const answer = deferred<{ retried: boolean }>();
    bridge.handle('broadcast:retry-output', () => answer.promise);

    expect(selectCanRetry('backup')(store.getState())).toBe(true);
    const first = store.getState().retryOutput('backup');
    expect(selectRetryRequest('backup')(store.getState())).toEqual({ status: 'sending' });
    expect(selectCanRetry('backup')(store.getState())).toBe(false);
    expect(selectCanRetry('third')(store.getState())).toBe(true);

    await store.getState().retryOutput('backup');
    expect(bridge.callsOf('broadcast:retry-output')).toHaveLength(1);

    answer.resolve({ retried: true });
    await first;
    expect(selectRetryRequest('backup')(store.getState())).toBeNull();
    expect(selectCanRetry('backup')(store.getState())).toBe(true);
  });

  it('surfaces a failed command in plain words and lets the host try again', async () => {
    const { store, bridge } = await setup();
    bridge.handle('broadcast:retry-output', () => {
      throw new BridgeError('engine-error', 'broadcast:retry-output failed: boom.');
    });
    await store.getState().retryOutput('backup');
    expect(selectRetryRequest('backup')(store.getState())).toEqual({
      status: 'failed',
      error: 'Could not retry: broadcast:retry-output failed: boom.',
    });
    expect(selectCanRetry('backup')(store.getState())).toBe(true);

    bridge.handle('broadcast:retry-output', () => ({ retried: true }));
    await store.getState().retryOutput('backup');
    expect(selectRetryRequest('backup')(store.getState())).toBeNull();
  });

  it('says so when the engine had nothing to retry', async () => {
    const { store, bridge } = await setup();
    bridge.handle('broadcast:retry-output', () => ({ retried: false }));
    await store.getState().retryOutput('backup');
    expect(selectRetryRequest('backup')(store.getState())).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('nothing to retry'),
    });
  });

  it('fails without sending while the bridge is disconnected', async () => {
    const bridge = new FakeBridge().disconnect();
    const store = createAppStore({ ...new FakeDeps(), bridge: bridge.binding() });
    await store.getState().retryOutput('backup');
    expect(bridge.callsOf('broadcast:retry-output')).toEqual([]);
    expect(selectRetryRequest('backup')(store.getState())).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('Not connected'),
    });
  });

  it('drops a failed request once that output is live again', async () => {
    const { store, bridge } = await setup();
    bridge.handle('broadcast:retry-output', () => Promise.reject(new BridgeError('disconnected', 'No answer within 5 s.')));
    await store.getState().retryOutput('backup');
    expect(selectRetryRequest('backup')(store.getState())?.status).toBe('failed');

    // Still retrying: the message stays.
    const nextWait: OutputStatus['state'] = {
      status: 'retrying',
      attempt: 4,
      since: T0 + 9_000,
      nextAttemptAt: T0 + 10_000,
      errorClass: 'network',
      error: 'Connection refused.',
    };
    emitBroadcast(bridge, sampleBroadcast({ outputs: [liveOutput, { ...retryingOutput, state: nextWait }] }));
    expect(selectRetryRequest('backup')(store.getState())?.status).toBe('failed');

    emitBroadcast(
      bridge,
      sampleBroadcast({
        outputs: [liveOutput, { ...retryingOutput, state: { status: 'live', since: T0 + 9_000, bytesSent: 0, backlogMs: 0 } }],
      }),
    );
    expect(selectRetryRequest('backup')(store.getState())).toBeNull();
  });

  it('cannot retry an output that is not retrying, or while the bridge is down', async () => {
    const { store } = await setup();
    expect(selectCanRetry('primary')(store.getState())).toBe(false);
    expect(selectCanRetry('missing')(store.getState())).toBe(false);
    store.setState({ connection: { status: 'disconnected', reason: 'Lost the connection.', retryAt: 0 } });
    expect(selectCanRetry('backup')(store.getState())).toBe(false);
  });
});

describe('broadcast selectors', () => {
  it('light a co-host’s window while the host’s app says its show is on air, and not while it is unknown', async () => {
    const { store } = await setup(null);
    // The window mirrors the engine's conversation, so the show goes into both.
    const withShow = (show: ConversationState['show']): AppState => {
      const conversation = { ...idleConversationState(), show };
      const { engine } = store.getState();
      return { ...store.getState(), engine: engine === null ? null : { ...engine, conversation }, conversation };
    };
    expect(selectShowOnAir(withShow({ status: 'on-air', since: T0, by: 'Ana Host' }))).toEqual({ since: T0, by: 'Ana Host' });
    expect(selectShowIsOnAir(withShow({ status: 'on-air', since: T0, by: 'Ana Host' }))).toBe(true);
    for (const show of [{ status: 'unknown' }, { status: 'off-air', by: 'Ana Host' }] as const) {
      expect(selectShowOnAir(withShow(show))).toBeNull();
      expect(selectShowIsOnAir(withShow(show))).toBe(false);
    }
    expect(describeLamp({ kind: 'host', by: 'Ana Host' }, null)).toBe("On air: Ana Host's show");
    expect(selectOnAirLamp(withShow({ status: 'on-air', since: T0, by: 'Ana Host' }))).toEqual({ kind: 'host', by: 'Ana Host' });
    const cohostWindow = createAppStore({
      now: () => 0,
      randomNonce: () => 'n',
      setTimer: () => () => undefined,
      bridge: new FakeBridge().binding(),
    });
    cohostWindow.setState(withShow({ status: 'on-air', since: T0, by: 'Ana Host' }));
    expect(selectShowOnAir(cohostWindow.getState())).toEqual({ since: T0, by: 'Ana Host' });
    expect(render(cohostWindow, createElement(OffAirState))).toContain('Ana Host’s show is on air');
    cohostWindow.setState(withShow({ status: 'unknown' }));
    expect(render(cohostWindow, createElement(OffAirState))).toContain('Nothing is going out to the audience.');
    expect(describeLamp({ kind: 'on-air', live: 1, total: 1 }, new Date(2026, 0, 1, 20, 5, 0).getTime())).toBe(
      'On air: the output is live, since 20:05:00',
    );
    expect(describeLamp({ kind: 'unreached', total: 1 }, new Date(2026, 0, 1, 20, 5, 0).getTime())).toBe(
      'Not reaching listeners: 0 of 1 output live, since 20:05:00',
    );
    expect(describeLamp({ kind: 'off' }, null)).toBe('Off air');
  });

  it('are on air only when the engine reports a program', async () => {
    const { store, bridge } = await setup(null);
    expect(selectIsOnAir(store.getState())).toBe(false);
    expect(selectShowOnAir(store.getState())).toBeNull();
    expect(selectProgramSummary(store.getState())).toBeNull();
    expect(selectOutputIds(store.getState())).toEqual([]);

    emitBroadcast(bridge, sampleBroadcast());
    const state = store.getState();
    expect(selectIsOnAir(state)).toBe(true);
    expect(selectShowOnAir(state)).toEqual({ since: T0, by: null });
    expect(selectProgramSummary(state)).toEqual({
      status: 'live',
      startedAt: T0,
      source: 'tone:440',
      channels: 2,
      bitrateKbps: 96,
      configuredBitrateKbps: 128,
    });
    expect(selectOutputIds(state)).toEqual(['primary', 'backup']);
    expect(selectOutputTally(state)).toEqual({ live: 1, total: 2 });
  });

  it('count down to the next attempt as a pure function of nextAttemptAt and now', () => {
    const at = T0 + 8_000;
    expect(secondsUntil(at, T0 + 5_000)).toBe(3);
    expect(secondsUntil(at, T0 + 5_001)).toBe(3);
    expect(secondsUntil(at, T0 + 6_999)).toBe(2);
    expect(secondsUntil(at, T0 + 7_000)).toBe(1);
    expect(secondsUntil(at, T0 + 7_999)).toBe(1);
    expect(secondsUntil(at, at)).toBe(0);
    expect(secondsUntil(at, at + 2_500)).toBe(0);
    expect(describeCountdown(at, T0 + 5_000)).toBe('in 3 s');
    expect(describeCountdown(at, at + 10)).toBe('now');
  });
});

describe('the safety recording row', () => {
  it('offers "Show in folder" only in the desktop app, asks the engine, and says why it could not', async () => {
    const { store, bridge } = await setup();
    expect(buttonTag(render(store, createElement(RecordingRow)), 'recording-reveal')).toBeNull();

    bridge.emit('engine:state', { ...sampleEngineState({ broadcast: sampleBroadcast() }), mode: 'desktop' });
    expect(buttonTag(render(store, createElement(RecordingRow)), 'recording-reveal')).not.toBeNull();
    bridge.handle('recording:reveal', () => ({ path: '/tmp/show.opus' }));
    await store.getState().revealRecording();
    expect(bridge.callsOf('recording:reveal')).toHaveLength(1);
    expect(store.getState().recordingReveal).toEqual({ status: 'done', value: undefined });

    bridge.handle('recording:reveal', () => {
      throw new BridgeError('engine-error', 'No show has been recorded since the engine started.');
    });
    await store.getState().revealRecording();
    expect(render(store, createElement(RecordingRow))).toContain(
      'Could not show the recording: No show has been recorded since the engine started.',
    );
  });
});

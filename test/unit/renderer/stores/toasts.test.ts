import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { idleConversationState, type ConversationState, type Participant } from '../../../../electron/shared/conversation';
import type { EngineState } from '../../../../electron/shared/state';
import type { FailoverState } from '../../../../electron/shared/failover';
import { ToastStack } from '../../../../renderer/features/toasts/toast-stack';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import type { AppState } from '../../../../renderer/stores/store-types';
import { mergeToasts, TOAST_LIMIT, TOAST_MS, toastsFor, type Toast } from '../../../../renderer/stores/toasts-slice';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { render, settle } from '../../../support/renderer-test-support';

/** Timers the test fires by hand, with the delay each was set for. */
class ManualTimers {
  readonly pending: { ms: number; run: () => void }[] = [];
  setTimer = (run: () => void, ms: number): (() => void) => {
    const timer = { ms, run };
    this.pending.push(timer);
    return () => this.pending.splice(this.pending.indexOf(timer), 1);
  };
  fireAll(): void {
    for (const timer of this.pending.splice(0)) timer.run();
  }
}

function self(patch: Partial<Participant> = {}): Participant {
  return {
    id: '1',
    display: 'Ana',
    role: 'host',
    self: true,
    muted: false,
    mutedBy: null,
    talking: false,
    connected: true,
    inviteId: null,
    lock: null,
    flags: [],
    speakRequested: false,
    ...patch,
  };
}

function joined(
  participant: Participant,
  link: ConversationState['link'] = { status: 'joined', endpoint: 'primary', since: 1, selfId: '1', role: 'host' },
): ConversationState {
  return { ...idleConversationState(), link, participants: [participant] };
}

function failover(phase: FailoverState['phase']): FailoverState {
  return {
    phase,
    onAir: phase.phase === 'onBackup' ? 'backup' : 'primary',
    hasBackup: true,
    health: [],
    settings: { thresholdMs: 3000, goneThresholdMs: 1500, autoReturn: false, minBackupMs: 60_000, returnHealthyMs: 30_000 },
    canSwitch: true,
    history: [],
  };
}

const LIVE: NonNullable<EngineState['broadcast']> = {
  status: 'live',
  startedAt: 5,
  source: 'page',
  channels: 2,
  bitrateKbps: 128,
  configuredBitrateKbps: 128,
  outputs: [
    { id: 'primary', label: 'Primary', url: 'http://icecast/live.opus', state: { status: 'live', since: 5, bytesSent: 1, backlogMs: 0 } },
  ],
  recording: null,
};
/** The same show with its only output retrying: running, reaching nobody. */
const UNREACHED: NonNullable<EngineState['broadcast']> = {
  ...LIVE,
  outputs: [
    {
      id: 'primary',
      label: 'Primary',
      url: 'http://icecast/live.opus',
      state: { status: 'retrying', attempt: 2, since: 6, nextAttemptAt: 7, errorClass: 'refused', error: 'refused' },
    },
  ],
};

async function setup(): Promise<{
  store: AppStore;
  bridge: FakeBridge;
  timers: ManualTimers;
  push: (overrides: Partial<EngineState>) => void;
}> {
  const timers = new ManualTimers();
  const bridge = new FakeBridge(sampleEngineState({ conversation: joined(self()), failover: failover({ phase: 'onPrimary', since: 1 }) }));
  const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: timers.setTimer, bridge: bridge.binding() });
  await settle();
  const push = (overrides: Partial<EngineState>): void =>
    bridge.emit(
      'engine:state',
      sampleEngineState({ conversation: joined(self()), failover: failover({ phase: 'onPrimary', since: 1 }), ...overrides }),
    );
  return { store, bridge, timers, push };
}

describe('toasts from state changes', () => {
  it('a producer’s mute lock, the move to the backup and going on air each raise one toast (two show at once)', async () => {
    const { store, push } = await setup();
    expect(store.getState().toasts).toEqual([]);

    const locked = joined(self({ muted: true, mutedBy: 'moderator', lock: { by: 'Pia (producer)', reason: 'Background noise', at: 2 } }));
    push({ conversation: locked });
    expect(store.getState().toasts.map((toast) => [toast.kind, toast.tone, toast.title, toast.detail])).toEqual([
      ['lock', 'warn', 'Muted by Pia (producer)', 'Background noise'],
    ]);

    const onBackup = failover({
      phase: 'onBackup',
      since: 3,
      trigger: 'automatic',
      reason: 'The primary Janus stopped answering.',
      returnAt: null,
    });
    push({ conversation: locked, failover: onBackup });
    expect(store.getState().toasts.at(-1)).toMatchObject({
      kind: 'failover',
      title: 'Moved to the backup space',
      detail: 'The primary Janus stopped answering.',
    });

    push({ conversation: locked, failover: onBackup, broadcast: LIVE });
    expect(store.getState().toasts.map((toast) => toast.title)).toEqual(['Moved to the backup space', 'You are on air']);
    // The same state again is no transition: nothing new.
    push({ conversation: locked, failover: onBackup, broadcast: LIVE });
    expect(store.getState().toasts).toHaveLength(2);
  });

  it('says "on air" only once an output is live, and says so when the show stops reaching listeners', async () => {
    const { store, push } = await setup();
    push({ broadcast: UNREACHED });
    expect(store.getState().toasts.map((toast) => toast.title)).toEqual(['Not reaching listeners']);
    push({ broadcast: LIVE });
    expect(store.getState().toasts.map((toast) => toast.title)).toEqual(['You are on air']);
    push({ broadcast: UNREACHED });
    expect(store.getState().toasts.map((toast) => [toast.title, toast.tone])).toEqual([['Not reaching listeners', 'warn']]);
  });

  it('a toast goes by itself after its time, or at once when dismissed; a newer one of its kind replaces it', async () => {
    const { store, timers, push } = await setup();
    push({ broadcast: LIVE });
    expect(timers.pending.map((timer) => timer.ms)).toContain(TOAST_MS.bad);
    push({ broadcast: null });
    // "The show has ended" replaced "You are on air".
    expect(store.getState().toasts.map((toast) => toast.title)).toEqual(['The show has ended']);
    const [ended] = store.getState().toasts;
    store.getState().dismissToast(ended?.id ?? -1);
    expect(store.getState().toasts).toEqual([]);

    push({ broadcast: LIVE });
    expect(store.getState().toasts).toHaveLength(1);
    timers.fireAll();
    expect(store.getState().toasts).toEqual([]);
  });

  it('never shows more than the limit, and one failover story is one toast', async () => {
    const { store, push } = await setup();
    push({
      broadcast: LIVE,
      failover: failover({ phase: 'onBackup', since: 3, trigger: 'automatic', reason: 'r', returnAt: null }),
      conversation: joined(self({ lock: { by: 'P', reason: '', at: 1 } }), {
        status: 'reconnecting',
        endpoint: 'primary',
        since: 2,
        attempt: 1,
        nextAttemptAt: 3,
        reason: 'x',
      }),
    });
    push({
      broadcast: null,
      failover: failover({ phase: 'returning', since: 4, attempt: 1, trigger: 'manual', reason: 'r' }),
      conversation: joined(self()),
    });
    push({ broadcast: LIVE, failover: failover({ phase: 'onPrimary', since: 5 }) });
    expect(store.getState().toasts.length).toBeLessThanOrEqual(TOAST_LIMIT);
    expect(store.getState().toasts.map((toast) => toast.title)).toEqual(['Back on the primary space', 'You are on air']);
  });

  it('one story is one toast: the newest leads, good news of another kind becomes a line of the bad; other stories stay', () => {
    const toast = (id: number, kind: string, tone: Toast['tone'], title: string, detail: string | null = null): Toast => ({
      id,
      kind,
      tone,
      title,
      detail,
    });
    const shown = [toast(1, 'lock', 'warn', 'Muted by Pia'), toast(2, 'conversation', 'warn', 'Conversation link lost')];
    const moved = mergeToasts(shown, [toast(3, 'failover', 'warn', 'Moved to the backup space', 'The primary Janus stopped answering.')]);
    expect(moved.map((entry) => [entry.id, entry.title])).toEqual([
      [1, 'Muted by Pia'],
      [3, 'Moved to the backup space'],
    ]);
    const reconnected = mergeToasts(moved, [toast(4, 'conversation', 'ok', 'Conversation reconnected')]);
    expect(reconnected.at(-1)).toEqual(
      toast(3, 'failover', 'warn', 'Moved to the backup space', 'The primary Janus stopped answering. Conversation reconnected.'),
    );
    // The same kind replaces: back on the primary is the news now.
    expect(mergeToasts(reconnected, [toast(5, 'failover', 'ok', 'Back on the primary space')]).map((entry) => entry.title)).toEqual([
      'Muted by Pia',
      'Back on the primary space',
    ]);
    expect(mergeToasts(reconnected, [toast(6, 'show', 'bad', 'You are on air')]).map((entry) => entry.id)).toEqual([3, 6]);
  });

  it('says "reconnected" only after a connection that was lost, not on the first connect', async () => {
    const { store } = await setup();
    const state = store.getState();
    const at = (status: AppState['connection']): AppState => ({ ...state, connection: status });
    const connecting = at({ status: 'connecting', attempt: 1 });
    const connected = at({ status: 'connected' });
    const lost = at({ status: 'disconnected', reason: 'gone', retryAt: 10 });
    expect(toastsFor(connecting, connected, false)).toEqual([]);
    expect(toastsFor(connected, lost, true).map((toast) => toast.title)).toEqual(['Lost the connection to the engine']);
    expect(toastsFor(lost, connected, true).map((toast) => toast.title)).toEqual(['Reconnected to the engine']);
  });

  it('renders each toast in a polite live region with a labelled dismiss button', async () => {
    const { store, push } = await setup();
    push({ broadcast: LIVE });
    const html = render(store, createElement(ToastStack));
    expect(html).toContain('role="status"');
    expect(html).toContain('aria-label="Dismiss: You are on air"');
    expect(html).toContain('data-testid="toast-show"');
  });
});

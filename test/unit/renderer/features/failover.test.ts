import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../../electron/shared/bridge';
import type { EndpointHealth, FailoverState } from '../../../../electron/shared/failover';
import { FailoverBanner } from '../../../../renderer/features/failover/failover-banner';
import { clockTime, conversationLabel, describePhase } from '../../../../renderer/features/failover/failover-view';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { canAskMove } from '../../../../renderer/stores/failover-slice';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { buttonTag, render, settle } from '../../../support/renderer-test-support';

function health(endpoint: 'primary' | 'backup', status: EndpointHealth['status'], reason: string | null = null): EndpointHealth {
  const part = { status, reason };
  return { endpoint, status, reason, conversation: status, parts: { janus: part, media: part, icecast: part, stats: part } };
}

function failover(patch: Partial<FailoverState> = {}): FailoverState {
  return {
    phase: { phase: 'onPrimary', since: 1 },
    onAir: 'primary',
    hasBackup: true,
    health: [health('primary', 'healthy'), health('backup', 'healthy')],
    settings: { thresholdMs: 3000, goneThresholdMs: 1500, autoReturn: false, minBackupMs: 60_000, returnHealthyMs: 30_000 },
    canSwitch: true,
    history: [{ at: 1, from: 'idle', to: 'onPrimary', message: 'In the primary room.' }],
    ...patch,
  };
}

async function setup(state: FailoverState): Promise<{ store: AppStore; bridge: FakeBridge }> {
  const bridge = new FakeBridge(sampleEngineState({ failover: state }));
  const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
  await settle();
  return { store, bridge };
}

describe('failover banner', () => {
  it('shows where the conversation is (never "on air": that is the lamp), both endpoints, the by-hand move for a host, and the history', async () => {
    const { store } = await setup(failover());
    const html = render(store, createElement(FailoverBanner));
    expect(html).toMatch(/Conversation<\/span><strong[^>]*>Primary space</);
    expect(html).toContain('Primary · healthy · conversation here');
    expect(html).not.toMatch(/on air/i);
    expect(html).toContain('Backup · healthy');
    expect(buttonTag(html, 'failover-switch')).not.toBeNull();
    expect(buttonTag(html, 'failover-return')).toBeNull();
    expect(html).toContain('What happened (1)');
  });

  it('tells the time of a move on the 24-hour clock, like the rest of the window', () => {
    expect(clockTime(new Date(2026, 11, 3, 20, 22, 14).getTime())).toBe('20:22:14');
    expect(clockTime(new Date(2026, 11, 3, 8, 2, 9).getTime())).toBe('08:02:09');
  });

  it('a co-host sees the state but no buttons', async () => {
    const { store } = await setup(failover({ canSwitch: false }));
    const html = render(store, createElement(FailoverBanner));
    expect(buttonTag(html, 'failover-switch')).toBeNull();
    expect(html).not.toContain('Return automatically');
  });

  it('counts down before an automatic move, with the reason', () => {
    const state = failover({
      phase: { phase: 'degraded', since: 0, downSince: 0, moveAt: 3000, reason: 'The Janus session is lost.' },
      health: [health('primary', 'down', 'The Janus session is lost.'), health('backup', 'healthy')],
    });
    expect(describePhase(state, 2)).toEqual({
      tone: 'bad',
      text: 'The primary is down: moving everyone to the backup in 2 s unless it comes back. The Janus session is lost.',
    });
    expect(describePhase({ ...state, phase: { ...state.phase, downSince: null, moveAt: null } as FailoverState['phase'] }, null).tone).toBe(
      'warn',
    );
    expect(
      conversationLabel(
        failover({ phase: { phase: 'failingOver', since: 0, attempt: 1, trigger: 'automatic', reason: 'x', lastError: null } }),
      ),
    ).toBe('Moving to backup');
  });

  it('never calls a backup that is down "standing by"', () => {
    expect(describePhase(failover(), null)).toEqual({ tone: 'ok', text: 'On the primary space. The backup is standing by.' });
    expect(describePhase(failover({ health: [health('primary', 'healthy'), health('backup', 'down', 'refused')] }), null)).toEqual({
      tone: 'warn',
      text: 'On the primary space. The backup is down: a move to it would not help until it is back.',
    });
  });

  it('offers the return only on the backup, and nothing while a move is under way', () => {
    expect(
      canAskMove(
        failover({ onAir: 'backup', phase: { phase: 'onBackup', since: 0, trigger: 'automatic', reason: 'x', returnAt: null } }),
        'primary',
      ),
    ).toBe(true);
    expect(
      canAskMove(
        failover({ onAir: 'backup', phase: { phase: 'returning', since: 0, attempt: 1, trigger: 'manual', reason: 'x' } }),
        'primary',
      ),
    ).toBe(false);
    expect(canAskMove(failover({ hasBackup: false, canSwitch: false }), 'backup')).toBe(false);
  });
});

describe('failover slice', () => {
  it('asks first, then sends failover:switch', async () => {
    const { store, bridge } = await setup(failover());
    bridge.handle('failover:switch', () =>
      failover({ phase: { phase: 'failingOver', since: 2, attempt: 1, trigger: 'manual', reason: 'by hand', lastError: null } }),
    );
    store.getState().askFailover('backup');
    expect(store.getState().failoverRequest).toEqual({ status: 'confirming', to: 'backup' });
    expect(bridge.callsOf('failover:switch')).toEqual([]);
    store.getState().cancelFailover();
    expect(store.getState().failoverRequest).toEqual({ status: 'idle' });
    store.getState().askFailover('backup');
    await store.getState().confirmFailover();
    expect(bridge.callsOf('failover:switch').map((call) => call.payload)).toEqual([{ to: 'backup' }]);
    expect(store.getState().failoverRequest).toEqual({ status: 'idle' });
  });

  it('shows the engine’s refusal as written', async () => {
    const { store, bridge } = await setup(failover());
    bridge.handle('failover:switch', () => {
      throw new BridgeError('engine-error', 'Only the host or a producer can move the show between the primary and the backup.');
    });
    store.getState().askFailover('backup');
    await store.getState().confirmFailover();
    expect(store.getState().failoverRequest).toEqual({
      status: 'failed',
      error: 'Could not switch to the backup: Only the host or a producer can move the show between the primary and the backup.',
    });
  });

  it('turns the automatic return on through the engine', async () => {
    const { store, bridge } = await setup(failover());
    bridge.handle('failover:set-auto-return', ({ enabled }) => failover({ settings: { ...failover().settings, autoReturn: enabled } }));
    await store.getState().setAutoReturn(true);
    expect(bridge.callsOf('failover:set-auto-return').map((call) => call.payload)).toEqual([{ enabled: true }]);
  });
});

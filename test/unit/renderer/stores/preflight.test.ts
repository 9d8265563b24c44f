import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { NetworkPreflight, PreflightServerLine } from '../../../../electron/shared/preflight';
import { PreflightDialog } from '../../../../renderer/features/preflight/preflight-dialog';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { isPreflightBlocked, preflightLines, selectPreflightInput } from '../../../../renderer/stores/preflight-slice';
import { FakeBridge } from '../../../fakes/fake-bridge';
import { deferred, render, settle } from '../../../support/renderer-test-support';

const line = (endpoint: 'primary' | 'backup', kind: 'janus' | 'icecast', verdict: PreflightServerLine['verdict']): PreflightServerLine => ({
  endpoint,
  kind,
  url: `${kind}://${endpoint}`,
  verdict,
  answered: verdict === 'fail' ? 0 : 3,
  probes: 3,
  roundTripMs: verdict === 'fail' ? null : 12.4,
  serverVersion: verdict === 'fail' ? null : 'x',
  detail: verdict === 'fail' ? `${endpoint} ${kind} did not answer. Check it.` : 'fine',
});

const network = (backupVerdict: PreflightServerLine['verdict']): NetworkPreflight => ({
  checkedAt: 1,
  lines: [
    line('primary', 'janus', 'pass'),
    line('primary', 'icecast', 'pass'),
    line('backup', 'janus', backupVerdict),
    line('backup', 'icecast', 'pass'),
  ],
});

async function setup(
  result: NetworkPreflight,
  playTone: () => Promise<void> = () => Promise.resolve(),
): Promise<{ store: AppStore; bridge: FakeBridge }> {
  const bridge = new FakeBridge();
  bridge.handle('preflight:network', () => result);
  bridge.handle('preflight:uplink', () => ({
    checkedAt: 1,
    verdict: 'pass',
    kbitPerSecond: 20_000,
    atLeast: false,
    neededKbit: 320,
    bitrateKbps: 128,
    outputs: 2,
    server: '198.18.0.1:8000',
    detail: 'fine',
  }));
  bridge.handle('broadcast:start', () => {
    throw new Error('not in this test');
  });
  const store = createAppStore({
    now: () => 0,
    randomNonce: () => 'nonce',
    setTimer: () => () => undefined,
    playTone,
    bridge: bridge.binding(),
  });
  await settle();
  return { store, bridge };
}

const verdicts = (store: AppStore): Record<string, string> =>
  Object.fromEntries(preflightLines(selectPreflightInput(store.getState())).map((entry) => [entry.id, entry.verdict]));

describe('preflight', () => {
  it('opens with every server checking, then shows the engine’s verdicts with their round trips', async () => {
    const { store, bridge } = await setup(network('pass'));
    store.getState().openPreflight();
    expect(verdicts(store)).toMatchObject({ 'primary-janus': 'checking', 'backup-icecast': 'checking' });
    await settle();
    expect(bridge.callsOf('preflight:network')).toHaveLength(1);
    expect(verdicts(store)).toEqual({
      microphone: 'warn',
      headphones: 'warn',
      rehearsal: 'warn',
      'primary-janus': 'pass',
      'primary-icecast': 'pass',
      'backup-janus': 'pass',
      'backup-icecast': 'pass',
      uplink: 'pass',
    });
    expect(preflightLines(selectPreflightInput(store.getState())).find((entry) => entry.id === 'primary-janus')?.figure).toBe('12 ms');
    expect(isPreflightBlocked(store.getState())).toBe(false);
  });

  it('a failed line blocks going live until the host overrides it explicitly', async () => {
    const { store, bridge } = await setup(network('fail'));
    store.getState().openPreflight();
    await settle();
    expect(isPreflightBlocked(store.getState())).toBe(true);
    await store.getState().goLiveFromPreflight();
    expect(bridge.callsOf('broadcast:start')).toHaveLength(0);
    expect(store.getState().preflight.open).toBe(true);
    let html = render(store, createElement(PreflightDialog));
    expect(html).toContain('Go live anyway, despite 1 failed check');
    expect(/<button[^>]*data-testid="preflight-go-live"[^>]*>/.exec(html)?.[0]).toContain('disabled');

    store.getState().setPreflightOverride(true);
    html = render(store, createElement(PreflightDialog));
    expect(/<button[^>]*data-testid="preflight-go-live"[^>]*>/.exec(html)?.[0]).not.toContain('disabled');
    await store.getState().goLiveFromPreflight();
    expect(bridge.callsOf('broadcast:start')).toHaveLength(1);
    expect(store.getState().preflight.open).toBe(false);
  });

  it('the headphones line: a tone, then the host’s answer; not heard is a fail', async () => {
    const tone = deferred<undefined>();
    const { store } = await setup(network('pass'), () => tone.promise);
    store.getState().openPreflight();
    const playing = store.getState().playHeadphonesTone();
    expect(verdicts(store).headphones).toBe('checking');
    tone.resolve(undefined);
    await playing;
    expect(verdicts(store).headphones).toBe('warn');
    store.getState().answerHeadphones(false);
    expect(verdicts(store).headphones).toBe('fail');
    expect(isPreflightBlocked(store.getState())).toBe(true);
    store.getState().answerHeadphones(true);
    expect(verdicts(store).headphones).toBe('pass');
  });

  it('the microphone line passes once a voice-level peak was seen, and fails with the microphone’s problem', async () => {
    const { store } = await setup(network('pass'));
    store.getState().openPreflight();
    store.setState({ microphone: { ...store.getState().microphone, activeLabel: 'Fake mic', levelDb: -70 } });
    expect(verdicts(store).microphone).toBe('warn');
    store.setState({ microphone: { ...store.getState().microphone, levelDb: -30 } });
    store.setState({ microphone: { ...store.getState().microphone, levelDb: -65 } });
    expect(store.getState().preflight.micPeakDb).toBe(-30);
    expect(verdicts(store).microphone).toBe('pass');
    store.setState({ microphone: { ...store.getState().microphone, problem: 'No microphone was found: plug one in.' } });
    expect(verdicts(store).microphone).toBe('fail');
  });

  it('reads stable parts of the state, so a window subscribed with useShallow does not redraw forever', async () => {
    const { store } = await setup(network('pass'));
    const first = selectPreflightInput(store.getState());
    const second = selectPreflightInput(store.getState());
    for (const key of Object.keys(first) as (keyof typeof first)[]) expect(second[key], key).toBe(first[key]);
  });

  it('says what went wrong when the engine cannot check', async () => {
    const { store, bridge } = await setup(network('pass'));
    bridge.handle('preflight:network', () => {
      throw new Error('This space has no servers to check: add them in the space settings.');
    });
    store.getState().openPreflight();
    await settle();
    const lines = preflightLines(selectPreflightInput(store.getState()));
    expect(lines.find((entry) => entry.id === 'network')).toMatchObject({ verdict: 'fail' });
    expect(lines.find((entry) => entry.id === 'network')?.detail).toMatch(/Could not check the servers: .*space settings/);
  });
});

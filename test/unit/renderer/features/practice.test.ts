import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../../electron/shared/bridge';
import type { PracticeState } from '../../../../electron/shared/practice';
import { PracticeBar } from '../../../../renderer/features/practice/practice-bar';
import { PracticeOffer } from '../../../../renderer/features/practice/practice-offer';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { buttonTag, render, settle } from '../../../support/renderer-test-support';

const running: PracticeState = {
  status: 'running',
  since: 1,
  folder: '/home/ana/.local/share/steadycast/practice',
  listenUrls: ['http://127.0.0.1:41000/live.opus', 'http://127.0.0.1:42000/live.opus'],
  primaryStopped: false,
};

async function setup(practice: PracticeState | undefined): Promise<{ store: AppStore; bridge: FakeBridge }> {
  const bridge = new FakeBridge(sampleEngineState(practice ? { practice } : {}));
  const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
  await settle();
  return { store, bridge };
}

describe('the practice space in the control room', () => {
  it('offers "Start the practice space" and sends practice:start', async () => {
    const { store, bridge } = await setup({ status: 'off' });
    bridge.handle('practice:start', () => running);
    expect(buttonTag(render(store, createElement(PracticeOffer)), 'practice-start')).not.toMatch(/disabled/);
    await store.getState().startPractice();
    expect(bridge.calls.map((call) => call.channel)).toContain('practice:start');
    expect(store.getState().practiceStart.status).toBe('done');
  });

  it('says what to install where the servers are missing, and offers nothing where the engine has no practice space', async () => {
    const reason =
      'The practice space needs janus on this computer: install it with "sudo apt-get install janus icecast2" (Debian, Ubuntu) and try again.';
    const missing = await setup({ status: 'unavailable', reason });
    const html = render(missing.store, createElement(PracticeOffer));
    expect(html).toContain('sudo apt-get install janus icecast2');
    expect(buttonTag(html, 'practice-start')).toBeNull();
    const none = await setup(undefined);
    expect(render(none.store, createElement(PracticeOffer))).toBe('');
  });

  it('shows the engine’s refusal in full', async () => {
    const { store, bridge } = await setup({ status: 'off' });
    bridge.handle('practice:start', () => {
      throw new BridgeError('engine-error', 'The practice space could not start: primary Janus did not answer within 20 s');
    });
    await store.getState().startPractice();
    expect(render(store, createElement(PracticeOffer))).toContain('primary Janus did not answer within 20 s');
  });

  it('while it runs: both listen links and "Simulate a failure"; after it, what to watch', async () => {
    const { store, bridge } = await setup(running);
    bridge.handle('practice:simulate-failure', () => ({ ...running, primaryStopped: true }));
    const html = render(store, createElement(PracticeBar));
    expect(html).toContain('href="http://127.0.0.1:41000/live.opus"');
    expect(html).toContain('href="http://127.0.0.1:42000/live.opus"');
    expect(buttonTag(html, 'practice-simulate-failure')).not.toBeNull();
    await store.getState().simulateFailure();
    expect(bridge.calls.map((call) => call.channel)).toContain('practice:simulate-failure');

    const stopped = await setup({ ...running, primaryStopped: true });
    const after = render(stopped.store, createElement(PracticeBar));
    expect(buttonTag(after, 'practice-simulate-failure')).toBeNull();
    expect(after).toContain('The primary Janus and Icecast are stopped');
  });
});

import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { Engine } from '../../../../electron/engine/engine';
import type { PracticeState } from '../../../../electron/shared/practice';
import { SettingsScreen } from '../../../../renderer/features/settings/settings-screen';
import { createAppStore } from '../../../../renderer/stores/app-store';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { FakeClock } from '../../../fakes/fake-clock';
import { FakeProber } from '../../../fakes/fake-prober';
import { render, settle } from '../../../support/renderer-test-support';

/** The settings view a real engine gives for one saved space. */
async function savedView() {
  const engine = new Engine({
    version: 'test',
    mode: 'headless',
    bridgeKind: 'websocket',
    config: EngineConfigSchema.parse({
      space: {
        name: 'Launch night',
        primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: 'http://source:pw-12345678@198.18.0.1:8000/live.opus' } },
      },
    }),
    clock: new FakeClock(),
    prober: new FakeProber(),
  });
  return engine.execute({ channel: 'settings:get', payload: {} });
}

async function settingsScreen(practice: PracticeState): Promise<string> {
  const bridge = new FakeBridge(sampleEngineState({ practice }));
  const view = await savedView();
  bridge.handle('settings:get', () => view);
  const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
  await settle();
  await store.getState().openSettings();
  return render(store, createElement(SettingsScreen));
}

describe('the settings screen while the practice space runs', () => {
  it('marks the saved space in use only while no practice space runs, and says which space runs', async () => {
    const off = await settingsScreen({ status: 'off' });
    expect(off).toContain('Launch night');
    expect(off).toContain('In use');
    expect(off).not.toContain('The practice space is in use');

    const running = await settingsScreen({
      status: 'running',
      since: 1,
      folder: '/tmp/practice',
      listenUrls: ['http://127.0.0.1:41000/live.opus'],
      primaryStopped: false,
    });
    expect(running).toContain('Launch night');
    expect(running).not.toContain('In use');
    expect(running).toContain('The practice space is in use');
  });
});

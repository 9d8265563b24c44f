import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { BroadcastStatus, Meters } from '../../../../electron/shared/broadcast';
import type { LoudnessMeters } from '../../../../electron/shared/loudness';
import { LoudnessMeter } from '../../../../renderer/features/program/loudness-meter';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import type { StoreDeps } from '../../../../renderer/stores/store-types';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { render, settle } from '../../../support/renderer-test-support';

const T0 = 1_700_000_000_000;

const deps = (bridge: FakeBridge): StoreDeps => ({
  now: () => 0,
  randomNonce: () => 'nonce',
  setTimer: () => () => undefined,
  bridge: bridge.binding(),
});

const onAir: BroadcastStatus = {
  status: 'live',
  startedAt: T0,
  source: 'microphone and room',
  channels: 2,
  bitrateKbps: 128,
  configuredBitrateKbps: 128,
  outputs: [],
  recording: null,
};

const loudness = (overrides: Partial<LoudnessMeters> = {}): LoudnessMeters => ({
  momentaryLufs: -14.2,
  shortTermLufs: -15.6,
  integratedLufs: -16.1,
  rangeLu: 4.3,
  truePeakDbtp: -1.4,
  targetLufs: -16,
  ceilingDbtp: -1,
  levellerGainDb: 6.5,
  limiterGainDb: -0.8,
  ...overrides,
});

const meters = (extra: Partial<Meters> = {}): Meters => ({ peakDbfs: -6, rmsDbfs: -18, clippedSamples: 0, silent: false, ...extra });

async function storeWith(...events: Meters[]): Promise<{ store: AppStore; html: () => string }> {
  const bridge = new FakeBridge(sampleEngineState({ broadcast: onAir }));
  const store = createAppStore(deps(bridge));
  await settle();
  for (const event of events) bridge.emit('broadcast:meters', event);
  return { store, html: () => render(store, createElement(LoudnessMeter)) };
}

describe('control room loudness meter', () => {
  it('draws momentary and short-term on a LUFS scale with the target marked, and the show’s figures', async () => {
    const { html } = await storeWith(meters({ loudness: loudness() }));
    const markup = html();
    expect(markup).toContain('data-testid="loudness-meter"');
    expect(markup).toMatch(/data-testid="loudness-momentary"[^>]*data-lufs="-14.2"/);
    expect(markup).toMatch(/aria-valuetext="−15.6 LUFS"/);
    expect(markup).toContain('data-testid="loudness-target-mark"');
    // −16 on a −40…−4 scale: two thirds of the way.
    expect(markup).toContain('left:calc(66.67% - 1px)');
    expect(markup).toMatch(/data-testid="loudness-integrated">−16.1 LUFS/);
    expect(markup).toMatch(/data-testid="loudness-range">4.3 LU/);
    expect(markup).toMatch(/data-testid="loudness-true-peak">−1.4 dBTP/);
    expect(markup).toContain('Target −16.0 LUFS · ceiling −1.0 dBTP · leveller +6.5 dB');
  });

  it('says when the chain is off (no target mark), and shows dashes before there is a reading', async () => {
    const { html } = await storeWith(
      meters({ loudness: loudness({ targetLufs: null, ceilingDbtp: null, levellerGainDb: 0, momentaryLufs: null, integratedLufs: null }) }),
    );
    const markup = html();
    expect(markup).toContain('Chain off');
    expect(markup).not.toContain('loudness-target-mark');
    expect(markup).toMatch(/data-testid="loudness-integrated">— LUFS/);
    expect(markup).toMatch(/aria-valuetext="No reading"/);
  });

  it('renders nothing from an engine that sends no loudness', async () => {
    const { html } = await storeWith(meters());
    expect(html()).toBe('');
  });
});

import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { NetworkPreflight, UplinkPreflight } from '../../../../electron/shared/preflight';
import { PreflightDialog } from '../../../../renderer/features/preflight/preflight-dialog';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { isPreflightBlocked, preflightLines, selectPreflightInput, type PreflightLine } from '../../../../renderer/stores/preflight-slice';
import { FakeBridge } from '../../../fakes/fake-bridge';
import { deferred, render, settle } from '../../../support/renderer-test-support';

/* The preflight's uplink line: the engine's `preflight:uplink` after the network check, in the window. */

const network: NetworkPreflight = { checkedAt: 1, lines: [] };

const uplink = (overrides: Partial<UplinkPreflight> = {}): UplinkPreflight => ({
  checkedAt: 2,
  verdict: 'pass',
  kbitPerSecond: 2440,
  atLeast: false,
  neededKbit: 320,
  bitrateKbps: 128,
  outputs: 2,
  server: '198.18.0.1:8000',
  detail: 'Your upload carries the program (2 × 128 kbit/s) and the conversation with room to spare.',
  ...overrides,
});

async function setup(): Promise<{ store: AppStore; bridge: FakeBridge }> {
  const bridge = new FakeBridge();
  bridge.handle('preflight:network', () => network);
  bridge.handle('preflight:uplink', () => uplink());
  const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
  await settle();
  return { store, bridge };
}

const recheckButton = (store: AppStore): string | undefined =>
  /<button[^>]*aria-label="Check the servers again"[^>]*>/.exec(render(store, createElement(PreflightDialog)))?.[0];

const uplinkLine = (store: AppStore): PreflightLine | undefined =>
  preflightLines(selectPreflightInput(store.getState())).find((line) => line.id === 'uplink');

describe('preflight uplink line', () => {
  it('measures only after the network check answered, then shows the engine’s verdict, figure and detail', async () => {
    const { store, bridge } = await setup();
    const servers = deferred<NetworkPreflight>();
    bridge.handle('preflight:network', () => servers.promise);
    store.getState().openPreflight();
    await settle();
    expect(uplinkLine(store)).toMatchObject({ label: 'Uplink', verdict: 'checking', figure: null });
    expect(bridge.callsOf('preflight:uplink')).toHaveLength(0); // the probes' round trips must not share a saturated upload

    servers.resolve(network);
    await settle();
    expect(bridge.callsOf('preflight:uplink')).toEqual([{ channel: 'preflight:uplink', payload: {} }]);
    expect(uplinkLine(store)).toEqual({
      id: 'uplink',
      label: 'Uplink',
      verdict: 'pass',
      figure: '2.4 Mbit/s',
      detail: 'Your upload carries the program (2 × 128 kbit/s) and the conversation with room to spare.',
    });
    const html = render(store, createElement(PreflightDialog));
    expect(html).toContain('data-testid="preflight-uplink"');
    expect(html).toContain('2.4 Mbit/s');
  });

  it('a lower bound reads “≥”, and a line the engine could not measure has no figure', async () => {
    const { store, bridge } = await setup();
    bridge.handle('preflight:uplink', () => uplink({ kbitPerSecond: 50_900, atLeast: true }));
    store.getState().openPreflight();
    await settle();
    expect(uplinkLine(store)?.figure).toBe('≥ 50 Mbit/s');

    bridge.handle('preflight:uplink', () =>
      uplink({
        verdict: 'fail',
        kbitPerSecond: null,
        detail: 'The upload could not be measured: the Icecast server refused the source password (HTTP 401).',
      }),
    );
    await store.getState().checkUplink();
    expect(uplinkLine(store)).toMatchObject({ verdict: 'fail', figure: null, detail: expect.stringMatching(/source password/) });
  });

  it('a slow upload fails the line, which blocks going live until the host overrides it', async () => {
    const { store, bridge } = await setup();
    bridge.handle('preflight:uplink', () =>
      uplink({
        verdict: 'fail',
        kbitPerSecond: 250,
        detail: 'Too slow for 128 kbit/s to two servers: lower the bitrate in Settings › Audio or use a wired connection.',
      }),
    );
    store.getState().openPreflight();
    await settle();
    expect(uplinkLine(store)).toMatchObject({ verdict: 'fail', figure: '250 kbit/s' });
    expect(isPreflightBlocked(store.getState())).toBe(true);
    store.getState().setPreflightOverride(true);
    expect(isPreflightBlocked(store.getState())).toBe(false);
  });

  it('says what went wrong when the engine refuses, as a warning', async () => {
    const { store, bridge } = await setup();
    bridge.handle('preflight:uplink', () => {
      throw new Error('The upload is not measured while a show is on air.');
    });
    store.getState().openPreflight();
    await settle();
    expect(uplinkLine(store)).toMatchObject({
      verdict: 'warn',
      detail: 'Could not measure the upload: The upload is not measured while a show is on air.',
    });
  });

  it('“Check servers again” runs the network check and the uplink again, and is disabled while either runs', async () => {
    const { store, bridge } = await setup();
    store.getState().openPreflight();
    await settle();
    expect(bridge.callsOf('preflight:network')).toHaveLength(1);
    expect(bridge.callsOf('preflight:uplink')).toHaveLength(1);

    const measuring = deferred<UplinkPreflight>();
    bridge.handle('preflight:uplink', () => measuring.promise);
    const again = store.getState().checkServersAgain();
    expect(uplinkLine(store)?.verdict).toBe('checking');
    await settle();
    expect(store.getState().preflight.uplink.status).toBe('checking');
    expect(recheckButton(store)).toContain('disabled');
    measuring.resolve(uplink({ verdict: 'warn', kbitPerSecond: 400 }));
    await again;
    expect(bridge.callsOf('preflight:network')).toHaveLength(2);
    expect(bridge.callsOf('preflight:uplink')).toHaveLength(2);
    expect(uplinkLine(store)).toMatchObject({ verdict: 'warn', figure: '400 kbit/s' });
    expect(recheckButton(store)).not.toContain('disabled');
  });

  it('a result that arrives after the preflight closed is dropped', async () => {
    const { store, bridge } = await setup();
    const measuring = deferred<UplinkPreflight>();
    bridge.handle('preflight:uplink', () => measuring.promise);
    store.getState().openPreflight();
    await settle();
    store.getState().closePreflight();
    measuring.resolve(uplink());
    await settle();
    expect(store.getState().preflight.uplink).toEqual({ status: 'idle' });
  });
});

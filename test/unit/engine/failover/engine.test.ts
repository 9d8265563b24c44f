import { describe, expect, it } from 'vitest';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { dispatchUntrusted } from '../../../../electron/engine/dispatch';
import { Engine } from '../../../../electron/engine/engine';
import { EngineStateSchema } from '../../../../electron/shared/state';
import { FakeClock } from '../../../fakes/fake-clock';
import { FakeProber } from '../../../fakes/fake-prober';

const endpoint = (host: string) => ({
  janus: { url: `ws://${host}:8188`, room: { id: 42, secret: 'room-secret-1' } },
  icecast: { mountUrl: `http://source:s3cret@${host}:8000/live.opus` },
});

function makeEngine(
  space: Record<string, unknown> = { name: 'Launch night', primary: endpoint('198.18.0.1'), backup: endpoint('198.18.0.2') },
): Engine {
  return new Engine({
    version: '1',
    mode: 'headless',
    bridgeKind: 'websocket',
    config: EngineConfigSchema.parse({ space }),
    clock: new FakeClock(),
    prober: new FakeProber(),
  });
}

describe('the engine’s failover part', () => {
  it('is in the state from the start: idle, both endpoints, the default rule', () => {
    const state = makeEngine().getState();
    expect(EngineStateSchema.parse(state).failover).toMatchObject({
      phase: { phase: 'idle' },
      onAir: null,
      hasBackup: true,
      settings: { thresholdMs: 3000, autoReturn: false },
      canSwitch: false,
    });
    expect(state.failover?.health.map((health) => [health.endpoint, health.status])).toEqual([
      ['primary', 'unknown'],
      ['backup', 'unknown'],
    ]);
  });

  it('refuses a move before joining, through the bridge door, with what to do', async () => {
    const reply = await dispatchUntrusted(makeEngine(), 'failover:switch', { to: 'backup' });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'engine-error', message: expect.stringMatching(/Join the conversation first/) as string },
    });
    const bad = await dispatchUntrusted(makeEngine(), 'failover:switch', { to: 'elsewhere' });
    expect(bad.ok).toBe(false);
  });

  it('ignores an announced move while not in a room', () => {
    const engine = makeEngine();
    expect(
      engine.applyFailoverMove({ id: 'x', to: 'backup', trigger: 'manual', reason: 'drill', at: 0, by: { role: 'host', name: 'Hana' } }),
    ).toBe(false);
  });

  it('gives the listen link from the configuration, without credentials', async () => {
    const link = await makeEngine().execute({ channel: 'failover:listen-link', payload: {} });
    expect(link.m3u.split('\n').filter((line) => line.startsWith('http'))).toEqual([
      'http://198.18.0.1:8000/live.opus',
      'http://198.18.0.2:8000/live.opus',
    ]);
    expect(JSON.stringify(link)).not.toContain('s3cret');
    await expect(makeEngine({ name: 'Empty' }).execute({ channel: 'failover:listen-link', payload: {} })).rejects.toThrow(
      /No Icecast mount/,
    );
  });

  it('a space without a backup room says there is nothing to move to', () => {
    expect(makeEngine({ name: 'Solo', primary: endpoint('198.18.0.1') }).getState().failover).toMatchObject({
      hasBackup: false,
      health: [{ endpoint: 'primary' }],
    });
  });
});

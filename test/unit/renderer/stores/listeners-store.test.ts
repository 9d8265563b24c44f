import { describe, expect, it } from 'vitest';
import { Engine } from '../../../../electron/engine/engine';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { createLogger } from '../../../../electron/engine/log/logger';
import { parseEvent, type EngineEvent } from '../../../../electron/shared/contract';
import type { ListenerReading } from '../../../../electron/shared/listeners';
import { sparklinePaths } from '../../../../renderer/features/listeners/listener-sparkline';
import { createAppStore } from '../../../../renderer/stores/app-store';
import {
  appendToSeries,
  foldSeries,
  MAX_SPARKLINE_POINTS,
  seriesFromHistory,
  type ListenerSeries,
} from '../../../../renderer/stores/listeners-slice';
import { FakeBridge } from '../../../fakes/fake-bridge';
import { FakeClock } from '../../../fakes/fake-clock';
import { FakeProber } from '../../../fakes/fake-prober';
import { FakeIcecastHttp, flush, listClientsXml, players } from '../../../fakes/listeners-fake-http';

function reading(at: number, total: number, covered = 1): ListenerReading {
  return {
    at,
    total,
    coveredOutlets: covered,
    totalOutlets: 1,
    peak: total,
    peakAt: at,
    uniqueEstimate: null,
    uniqueCoveredOutlets: 0,
    outlets: [],
  };
}

const testDeps = { now: () => 0, randomNonce: () => 'n', setTimer: () => () => undefined };

describe('listener sparkline series', () => {
  it('stays bounded for a three-hour show at one update a second, covering the whole show', () => {
    let series: ListenerSeries = { startAt: 0, stepMs: 1000, values: [] };
    const start = 1_700_000_000_000;
    for (let second = 0; second < 3 * 3600; second += 1) series = appendToSeries(series, start + second * 1000, second % 600);
    expect(series.values.length).toBeLessThanOrEqual(MAX_SPARKLINE_POINTS);
    expect(series.values.length).toBeGreaterThan(MAX_SPARKLINE_POINTS / 2);
    expect(series.values.length * series.stepMs).toBeGreaterThanOrEqual(3 * 3600 * 1000);
    expect(Math.max(...series.values.map((value) => value ?? 0))).toBe(599); // folding keeps peaks
  });

  it('returns the same series object when a reading changes nothing drawn (no re-render, no new path)', () => {
    const series = appendToSeries({ startAt: 0, stepMs: 4000, values: [] }, 0, 10);
    expect(appendToSeries(series, 1000, 7)).toBe(series);
    expect(appendToSeries(series, 2000, 12)).not.toBe(series);
  });

  it('keeps gaps where nothing was fresh and folds pairs to the higher value', () => {
    let series: ListenerSeries = { startAt: 0, stepMs: 1000, values: [] };
    series = appendToSeries(series, 0, 3);
    series = appendToSeries(series, 3000, 5);
    expect(series.values).toEqual([3, null, null, 5]);
    expect(foldSeries({ startAt: 0, stepMs: 1000, values: [1, 4, null, null, 2] }, 3)).toEqual({
      startAt: 0,
      stepMs: 2000,
      values: [4, null, 2],
    });
    expect(
      seriesFromHistory({ startAt: 0, stepMs: 1000, values: Array.from({ length: 2000 }, (_, i) => i) }).values.length,
    ).toBeLessThanOrEqual(MAX_SPARKLINE_POINTS);
  });

  it('draws bounded paths with a break at every gap', () => {
    const paths = sparklinePaths([1, 2, null, 4, 5]);
    expect(paths.max).toBe(5);
    expect(paths.line.match(/M/g)).toHaveLength(2);
    expect(paths.area.match(/Z/g)).toHaveLength(2);
    expect(sparklinePaths([])).toEqual({ line: '', area: '', max: 0 });
    const many = sparklinePaths(Array.from({ length: MAX_SPARKLINE_POINTS }, (_, i) => i));
    expect(many.line.split('L')).toHaveLength(MAX_SPARKLINE_POINTS);
  });
});

describe('listeners slice', () => {
  it('takes listeners:update events from the bridge and loads the history on attach', async () => {
    const bridge = new FakeBridge();
    bridge.handle('listeners:get', () => reading(5_000, 40));
    bridge.handle('listeners:get-history', () => ({ startAt: 0, stepMs: 1000, values: [10, 20, 30, 40, 40] }));
    const store = createAppStore({ ...testDeps, bridge: bridge.binding() });
    await flush();
    expect(store.getState().listenerReading?.total).toBe(40);
    expect(store.getState().listenerSeries.values).toEqual([10, 20, 30, 40, 40]);
    bridge.emit('listeners:update', reading(6_000, 42));
    expect(store.getState().listenerReading?.total).toBe(42);
    expect(store.getState().listenerSeries.values.at(-1)).toBe(42);
    // A reading without a fresh outlet is a gap, never a guessed 0.
    bridge.emit('listeners:update', reading(8_000, 0, 0));
    expect(store.getState().listenerSeries.values.slice(-3)).toEqual([42, null, null]);
    expect(bridge.callsOf('listeners:get-history')).toEqual([
      { channel: 'listeners:get-history', payload: { maxPoints: MAX_SPARKLINE_POINTS } },
    ]);
  });
});

describe('engine listener counts', () => {
  it('polls the configured mounts, emits listeners:update events that pass the contract, and answers the commands', async () => {
    const http = new FakeIcecastHttp().on('/admin/listclients?mount=/live.opus', {
      status: 200,
      body: listClientsXml('/live.opus', players(3)),
    });
    const clock = new FakeClock();
    const config = EngineConfigSchema.parse({
      space: {
        name: 'Launch',
        primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: 'http://source:s3cret@198.18.0.1:8000/live.opus' } },
      },
    });
    const engine = new Engine({
      version: 't',
      mode: 'headless',
      bridgeKind: 'websocket',
      config,
      clock,
      prober: new FakeProber(),
      listenerHttp: http.fetch,
      logger: createLogger('t'),
    });
    const events: EngineEvent[] = [];
    engine.subscribe((event) => events.push(event));
    for (let i = 0; i < 30; i += 1) {
      clock.advance(100);
      await flush();
    }
    engine.stopListenerCounts();
    const updates = events.filter((event) => event.channel === 'listeners:update');
    expect(updates.length).toBeGreaterThanOrEqual(3);
    for (const update of updates) expect(parseEvent(update.channel, JSON.parse(JSON.stringify(update.payload)))).not.toBeNull();
    const latest = await engine.execute({ channel: 'listeners:get', payload: {} });
    expect(latest).toMatchObject({ total: 3, coveredOutlets: 1, totalOutlets: 1 });
    expect(JSON.stringify(latest)).not.toContain('s3cret');
    const history = await engine.execute({ channel: 'listeners:get-history', payload: { maxPoints: 10 } });
    expect(history.values.filter((value) => value === 3).length).toBeGreaterThanOrEqual(2);
  });

  it('does not poll without an HTTP function or without an Icecast mount', async () => {
    const engine = new Engine({
      version: 't',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({}),
      clock: new FakeClock(),
      prober: new FakeProber(),
    });
    expect(await engine.execute({ channel: 'listeners:get', payload: {} })).toBeNull();
    expect(await engine.execute({ channel: 'listeners:get-history', payload: { maxPoints: 10 } })).toEqual({
      startAt: 0,
      stepMs: 1000,
      values: [],
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema } from '../../electron/engine/config';
import { Engine } from '../../electron/engine/engine';
import { createFetchHttp } from '../../electron/engine/listeners/http';
import type { ListenerReading } from '../../electron/shared/listeners';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { ListenerLoad } from '../env/listener-load';
import { startOggSource, type OggSource } from '../env/ogg-source';
import { FakeProber } from '../fakes/fake-prober';
import { mountUrl, ReadingLog } from '../support/integration/listeners-support';

const N = 150;

let icecast: IcecastServer;
let source: OggSource;
let engine: Engine;
let log: ReadingLog;
const load: ListenerLoad[] = [];

beforeAll(async () => {
  icecast = await startIcecast({ clients: 600 });
  source = await startOggSource({ mountUrl: mountUrl(icecast, '/live.opus', null), password: icecast.sourcePassword });
  // The real engine, as `steadycast headless` builds it, counting its space's primary mount.
  engine = new Engine({
    version: 'test',
    mode: 'headless',
    bridgeKind: 'websocket',
    config: EngineConfigSchema.parse({
      space: { name: 'Load', primary: { janus: { url: 'ws://127.0.0.1:1' }, icecast: { mountUrl: mountUrl(icecast, '/live.opus') } } },
    }),
    clock: systemClock,
    prober: new FakeProber(),
    listenerHttp: createFetchHttp(),
  });
  log = new ReadingLog((listener) =>
    engine.subscribe((event) => {
      if (event.channel === 'listeners:update') listener(event.payload);
    }),
  );
});

afterAll(async () => {
  log?.detach();
  engine?.stopListenerCounts();
  for (const pool of load) pool.closeAll();
  await source?.stop();
  await icecast?.stop();
});

describe('listener counts under real load', () => {
  it(`counts ${N} real listeners exactly within 2 s, then follows joins and leaves within 2 s each`, async () => {
    const players = new ListenerLoad({ host: icecast.host, port: icecast.port, mount: '/live.opus' });
    load.push(players);
    await log.waitFor('first reading', (reading) => reading.coveredOutlets === 1, 5_000);

    await players.add(N);
    const counted = await log.waitFor(`total ${N}`, (reading) => reading.total === N, 2_000);
    expect(counted.reading).toMatchObject({ total: N, coveredOutlets: 1, totalOutlets: 1, uniqueEstimate: N });

    // 25 more that all share one address and one player: 25 connections, one unique listener.
    const same = new ListenerLoad({ host: icecast.host, port: icecast.port, mount: '/live.opus', userAgent: () => 'SamePlayer/1.0' });
    load.push(same);
    await same.add(25);
    const joined = await log.waitFor('joins', (reading) => reading.total === N + 25, 2_000);
    expect(joined.reading.uniqueEstimate).toBe(N + 1);
    expect(joined.reading.peak).toBe(N + 25);

    players.remove(60);
    const left = await log.waitFor('leaves', (reading) => reading.total === N + 25 - 60, 2_000);
    expect(left.reading.peak).toBe(N + 25);
    expect(players.dropped + same.dropped).toBe(0);

    // Nothing was ever counted that was not there.
    const over = log.readings.filter((reading: ListenerReading) => reading.total > N + 25);
    expect(over).toEqual([]);
    const history = await engine.execute({ channel: 'listeners:get-history', payload: { maxPoints: 500 } });
    expect(Math.max(...history.values.map((value) => value ?? 0))).toBe(N + 25);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListenerCounts } from '../../electron/engine/listeners/listener-counts';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { ListenerLoad } from '../env/listener-load';
import { startOggSource, type OggSource } from '../env/ogg-source';
import { mountUrl, ReadingLog, startCounts } from '../support/integration/listeners-support';

const N = 20;

let icecast: IcecastServer;
let fallback: OggSource;
let live: OggSource | undefined;
let pool: ListenerLoad;
const counters: ListenerCounts[] = [];

beforeAll(async () => {
  icecast = await startIcecast({ mounts: [{ name: '/live.opus', fallbackMount: '/fallback.opus', fallbackOverride: true }] });
  fallback = await startOggSource({ mountUrl: mountUrl(icecast, '/fallback.opus', null), password: icecast.sourcePassword });
  live = await startOggSource({ mountUrl: mountUrl(icecast, '/live.opus', null), password: icecast.sourcePassword });
  pool = new ListenerLoad({ host: icecast.host, port: icecast.port, mount: '/live.opus' });
  await pool.add(N);
});

afterAll(async () => {
  for (const counter of counters) counter.stop();
  pool?.closeAll();
  await live?.stop();
  await fallback?.stop();
  await icecast?.stop();
});

describe('a source with a fallback mount', () => {
  it('keeps the count right through disconnect and reconnect: no negative, no stale stub counted', async () => {
    const outlet = { fallbackMounts: ['/fallback.opus'] };
    // Both ways of reading: client lists (credentials) and public status-json, where the stub shows.
    const withLists = startCounts([{ id: 'live', label: 'Live', mountUrl: mountUrl(icecast, '/live.opus'), ...outlet }]);
    const publicOnly = startCounts([{ id: 'live', label: 'Live', mountUrl: mountUrl(icecast, '/live.opus', null), ...outlet }]);
    counters.push(withLists, publicOnly);
    const logs = [new ReadingLog((l) => withLists.subscribe(l)), new ReadingLog((l) => publicOnly.subscribe(l))];
    for (const log of logs) await log.waitFor('all listeners', (reading) => reading.total === N, 3_000);

    await live?.stop();
    live = undefined;
    for (const log of logs) {
      const { reading } = await log.waitFor(
        'moved to the fallback',
        (candidate) => candidate.outlets[0]?.sourceLive === false && candidate.total === N,
        2_000,
      );
      expect(reading.outlets[0]).toMatchObject({ listeners: N, stale: false });
    }
    // The stub Icecast keeps for /live.opus is in the public statistics meanwhile; it is not counted.
    const stats = (await (await fetch(`${icecast.baseUrl}/status-json.xsl`)).json()) as {
      icestats: { source: { listenurl: string; stream_start?: string }[] };
    };
    expect(stats.icestats.source.some((entry) => entry.listenurl.endsWith('/live.opus') && entry.stream_start === undefined)).toBe(true);

    live = await startOggSource({ mountUrl: mountUrl(icecast, '/live.opus', null), password: icecast.sourcePassword });
    for (const log of logs) {
      await log.waitFor('back on the live mount', (candidate) => candidate.outlets[0]?.sourceLive === true && candidate.total === N, 3_000);
    }
    expect(pool.dropped).toBe(0);
    for (const log of logs) {
      const totals = log.readings.map((reading) => reading.total);
      expect(Math.min(...totals)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...totals)).toBeLessThanOrEqual(N); // a stub or the fallback counted twice would show here
      log.detach();
    }
  });
});

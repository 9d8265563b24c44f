import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListenerCounts } from '../../electron/engine/listeners/listener-counts';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { ListenerLoad } from '../env/listener-load';
import { startOggSource, type OggSource } from '../env/ogg-source';
import { mountUrl, ReadingLog, startCounts } from '../support/integration/listeners-support';

const SPREAD = { master: 30, relayA: 20, relayB: 12 } as const;
const REAL = SPREAD.master + SPREAD.relayA + SPREAD.relayB;

let master: IcecastServer;
let relays: IcecastServer[] = [];
let source: OggSource;
const pools: ListenerLoad[] = [];
const counters: ListenerCounts[] = [];

beforeAll(async () => {
  master = await startIcecast();
  source = await startOggSource({ mountUrl: mountUrl(master, '/live.opus', null), password: master.sourcePassword });
  // Two relay servers pulling the master's mount with Icecast's own <relay>: each is a client of the master.
  relays = await Promise.all([0, 1].map(() => startIcecast({ relays: [{ server: master.host, port: master.port, mount: '/live.opus' }] })));
});

afterAll(async () => {
  for (const counter of counters) counter.stop();
  for (const pool of pools) pool.closeAll();
  await source?.stop();
  await Promise.all([...relays.map((relay) => relay.stop()), master?.stop()]);
});

describe('master + two relays', () => {
  it('the space total equals the real number of listeners: the relays pulling the master are not counted', async () => {
    const [relayA, relayB] = relays;
    if (!relayA || !relayB) throw new Error('relays did not start');
    const counts = startCounts([
      { id: 'master', label: 'Master', mountUrl: mountUrl(master, '/live.opus') },
      { id: 'relay-a', label: 'Relay A', mountUrl: mountUrl(relayA, '/live.opus') },
      { id: 'relay-b', label: 'Relay B', mountUrl: mountUrl(relayB, '/live.opus') },
    ]);
    counters.push(counts);
    const log = new ReadingLog((listener) => counts.subscribe(listener));
    // The relays connect to the master on their own schedule: wait until both carry the stream.
    await log.waitFor('relays live', (reading) => reading.outlets.every((outlet) => outlet.sourceLive === true), 20_000);

    // Distinct players per server: the unique estimate (address + user agent) then equals the real count.
    const connect = async (server: IcecastServer, count: number): Promise<void> => {
      const pool = new ListenerLoad({
        host: server.host,
        port: server.port,
        mount: '/live.opus',
        userAgent: (index) => `Player-${server.port}/${index}`,
      });
      pools.push(pool);
      await pool.add(count);
    };
    await Promise.all([connect(master, SPREAD.master), connect(relayA, SPREAD.relayA), connect(relayB, SPREAD.relayB)]);

    const { reading } = await log.waitFor(`total ${REAL}`, (candidate) => candidate.total === REAL, 2_000);
    expect(reading).toMatchObject({ coveredOutlets: 3, totalOutlets: 3, uniqueEstimate: REAL });
    const [masterOutlet, relayAOutlet, relayBOutlet] = reading.outlets;
    // Icecast itself counts the relays as listeners of the master; we do not.
    expect(masterOutlet).toMatchObject({ listeners: SPREAD.master, relaysExcluded: 2, method: 'client-list' });
    expect(relayAOutlet).toMatchObject({ listeners: SPREAD.relayA, relaysExcluded: 0 });
    expect(relayBOutlet).toMatchObject({ listeners: SPREAD.relayB, relaysExcluded: 0 });
    const publicStats = (await (await fetch(`${master.baseUrl}/status-json.xsl`)).json()) as {
      icestats: { source: { listeners: number } };
    };
    expect(publicStats.icestats.source.listeners).toBe(SPREAD.master + 2);
    log.detach();
  });

  it('with wrong credentials the master falls back to public statistics and says that relays are counted', async () => {
    const counts = startCounts([{ id: 'master', label: 'Master', mountUrl: mountUrl(master, '/live.opus', 'source:wrong-password') }]);
    counters.push(counts);
    const log = new ReadingLog((listener) => counts.subscribe(listener));
    const { reading } = await log.waitFor('public reading', (candidate) => candidate.coveredOutlets === 1, 3_000);
    expect(reading.outlets[0]).toMatchObject({ listeners: SPREAD.master + 2, relaysExcluded: null, method: 'public-status', stale: false });
    expect(reading.outlets[0]?.notice).toMatch(/Credentials refused \(HTTP 401\).*relays pulling this mount are not excluded/);
    expect(reading.uniqueEstimate).toBeNull();
    log.detach();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListenerCounts } from '../../electron/engine/listeners/listener-counts';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { ListenerLoad } from '../env/listener-load';
import { startOggSource, type OggSource } from '../env/ogg-source';
import { mountUrl, ReadingLog, startCounts } from '../support/integration/listeners-support';

let primary: IcecastServer;
let backup: IcecastServer | undefined;
const sources: OggSource[] = [];
const pools: ListenerLoad[] = [];
let counts: ListenerCounts | undefined;

async function serve(server: IcecastServer, listeners: number): Promise<ListenerLoad> {
  sources.push(await startOggSource({ mountUrl: mountUrl(server, '/live.opus', null), password: server.sourcePassword }));
  const pool = new ListenerLoad({ host: server.host, port: server.port, mount: '/live.opus' });
  pools.push(pool);
  await pool.add(listeners);
  return pool;
}

beforeAll(async () => {
  [primary, backup] = await Promise.all([startIcecast(), startIcecast()]);
});

afterAll(async () => {
  counts?.stop();
  for (const pool of pools) pool.closeAll();
  for (const source of sources) await source.stop();
  await Promise.all([primary?.stop(), backup?.stop()]);
});

describe("an outlet's server stops and comes back", () => {
  it('goes stale within 3 s with the reason, the total says what it covers and the other outlet keeps updating; fresh again after a restart', async () => {
    if (!backup) throw new Error('backup did not start');
    const primaryPool = await serve(primary, 12);
    await serve(backup, 8);
    const backupAt = {
      port: backup.port,
      passwords: { sourcePassword: backup.sourcePassword, adminPassword: backup.adminPassword, relayPassword: backup.relayPassword },
    };
    counts = startCounts([
      { id: 'primary', label: 'Primary', mountUrl: mountUrl(primary, '/live.opus') },
      { id: 'backup', label: 'Backup', mountUrl: mountUrl(backup, '/live.opus') },
    ]);
    const log = new ReadingLog((listener) => counts?.subscribe(listener) ?? (() => undefined));
    await log.waitFor('both counted', (reading) => reading.total === 20 && reading.coveredOutlets === 2, 3_000);

    const stoppedAt = performance.now();
    const stopping = backup.stop();
    const stale = await log.waitFor('backup stale', (reading) => reading.outlets[1]?.stale === true, 4_000);
    const staleAfterMs = performance.now() - stoppedAt;
    await stopping;
    expect(staleAfterMs).toBeLessThanOrEqual(3_300);
    expect(stale.reading).toMatchObject({ total: 12, coveredOutlets: 1, totalOutlets: 2 });
    expect(stale.reading.outlets[1]?.staleReason).toMatch(/^(server down|connection lost|timeout): /);
    expect(stale.reading.outlets[1]?.listeners).toBe(8); // the last number read, shown but not counted

    // The primary keeps updating during the outage.
    await primaryPool.add(3);
    await log.waitFor('primary still counted', (reading) => reading.total === 15 && reading.outlets[1]?.stale === true, 2_000);

    backup = await startIcecast(backupAt);
    await serve(backup, 8);
    const back = await log.waitFor('backup fresh again', (reading) => reading.coveredOutlets === 2 && reading.total === 23, 5_000);
    expect(back.reading.outlets[1]).toMatchObject({ stale: false, staleReason: null, listeners: 8 });
    expect(back.reading.outlets[1]?.ageMs).toBeLessThan(1_500);
    log.detach();
  });
});

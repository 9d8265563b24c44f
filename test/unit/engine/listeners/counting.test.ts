import { describe, expect, it } from 'vitest';
import { aggregate } from '../../../../electron/engine/listeners/aggregate';
import { ListenerCounts, type ListenerCountsOptions } from '../../../../electron/engine/listeners/listener-counts';
import { ListenerHistoryBuffer } from '../../../../electron/engine/listeners/listener-history';
import { OutletPoller, type OutletConfig, type OutletSnapshot } from '../../../../electron/engine/listeners/outlet-poller';
import { createLogger } from '../../../../electron/engine/log/logger';
import type { ListenerReading } from '../../../../electron/shared/listeners';
import { ListenerReadingSchema } from '../../../../electron/shared/listeners';
import { FakeClock } from '../../../fakes/fake-clock';
import {
  connectionRefused,
  FakeIcecastHttp,
  FakeStream,
  flush,
  listClientsXml,
  liveEntry,
  players,
  statusJson,
} from '../../../fakes/listeners-fake-http';

const logger = createLogger('test');
const MOUNT_URL = 'http://source:s3cret@198.18.0.1:8000/live.opus';
const LIST_LIVE = '/admin/listclients?mount=/live.opus';

function counts(
  http: FakeIcecastHttp,
  clock: FakeClock,
  outlets: OutletConfig[],
  extra: Partial<ListenerCountsOptions> = {},
): { counts: ListenerCounts; readings: ListenerReading[] } {
  const instance = new ListenerCounts({ outlets, http: http.fetch, clock, logger, push: false, ...extra });
  const readings: ListenerReading[] = [];
  instance.subscribe((reading) => readings.push(reading));
  return { counts: instance, readings };
}

/** Advances simulated time step by step, letting fake answers and poll bookkeeping run in between. */
async function advance(clock: FakeClock, ms: number, stepMs = 100): Promise<void> {
  let done = 0;
  do {
    const step = Math.min(stepMs, ms - done);
    clock.advance(step);
    done += step;
    await flush();
  } while (done < ms);
}

describe('outlet poller', () => {
  it('excludes relays (Icecast user agents) from a mount with a client list', async () => {
    const http = new FakeIcecastHttp().on(LIST_LIVE, {
      status: 200,
      body: listClientsXml('/live.opus', [...players(3), { ip: '198.18.0.3', userAgent: 'Icecast 2.4.4' }]),
    });
    const clock = new FakeClock();
    const poller = new OutletPoller(
      { id: 'p', label: 'Primary', mountUrl: MOUNT_URL },
      { http: http.fetch, clock, logger },
      { push: false },
    );
    poller.start();
    await advance(clock, 0);
    poller.stop();
    expect(poller.snapshot()).toMatchObject({ listeners: 3, relaysExcluded: 1, sourceLive: true, method: 'client-list', lastError: null });
    expect(http.requests[0]?.authorization).toBe(`Basic ${Buffer.from('source:s3cret').toString('base64')}`);
  });

  it('never runs two polls at once: a hung server gets one request per timeout, then a timeout reason', async () => {
    const http = new FakeIcecastHttp().on(LIST_LIVE, { hang: true });
    const clock = new FakeClock();
    const poller = new OutletPoller(
      { id: 'p', label: 'Primary', mountUrl: MOUNT_URL },
      { http: http.fetch, clock, logger },
      { push: false, intervalMs: 200, timeoutMs: 1000 },
    );
    poller.start();
    await advance(clock, 5000, 50);
    poller.stop();
    expect(http.maxInFlight).toBe(1);
    // 5 s at a 1 s timeout: five abandoned polls, each one aborted before the next started.
    expect(http.requests.length).toBeGreaterThanOrEqual(4);
    expect(http.requests.length).toBeLessThanOrEqual(6);
    expect(http.requests.slice(0, -1).every((request) => request.signal.aborted)).toBe(true);
    expect(poller.snapshot().lastError).toMatch(/^timeout: 198\.18\.0\.1:8000 gave no answer within 1000 ms/);
  });

  it('uses public statistics with the reason when the credentials are refused, and tries them again later', async () => {
    const http = new FakeIcecastHttp()
      .on(LIST_LIVE, { status: 401, body: 'You need to authenticate' })
      .on('/status-json.xsl', { status: 200, body: statusJson([liveEntry('/live.opus', 5)]) });
    const clock = new FakeClock();
    const poller = new OutletPoller(
      { id: 'p', label: 'Primary', mountUrl: MOUNT_URL },
      { http: http.fetch, clock, logger },
      { push: false, credentialRetryMs: 10_000 },
    );
    poller.start();
    await advance(clock, 0);
    expect(poller.snapshot()).toMatchObject({ listeners: 5, method: 'public-status', relaysExcluded: null, lastError: null });
    expect(poller.snapshot().notice).toMatch(/Credentials refused \(HTTP 401\).*relays.*not excluded/);
    await advance(clock, 5000);
    expect(http.requestsTo(LIST_LIVE)).toHaveLength(1); // not hammered every poll
    http.on(LIST_LIVE, { status: 200, body: listClientsXml('/live.opus', players(4)) });
    await advance(clock, 6000);
    poller.stop();
    expect(poller.snapshot()).toMatchObject({ listeners: 4, method: 'client-list', notice: null });
  });

  it('counts a mount without a source as 0 plus its fallback, where Icecast moved the listeners', async () => {
    const http = new FakeIcecastHttp()
      .on(LIST_LIVE, { status: 400, body: '<html><b>400 - Source does not exist</b></html>' })
      .on('/admin/listclients?mount=/fallback.opus', { status: 200, body: listClientsXml('/fallback.opus', players(6)) });
    const clock = new FakeClock();
    const poller = new OutletPoller(
      { id: 'p', label: 'Primary', mountUrl: MOUNT_URL, fallbackMounts: ['/fallback.opus'] },
      { http: http.fetch, clock, logger },
      { push: false },
    );
    poller.start();
    await advance(clock, 0);
    expect(poller.snapshot()).toMatchObject({ listeners: 6, sourceLive: false });
    // Source back: the fallback is not read (its own listeners are someone else's).
    http.on(LIST_LIVE, { status: 200, body: listClientsXml('/live.opus', players(6)) });
    await advance(clock, 1000);
    poller.stop();
    expect(poller.snapshot()).toMatchObject({ listeners: 6, sourceLive: true });
    expect(http.requestsTo('/admin/listclients?mount=/fallback.opus')).toHaveLength(1);
  });

  it('never counts a stub in public statistics, and follows the fallback there too', async () => {
    const http = new FakeIcecastHttp().on('/status-json.xsl', {
      status: 200,
      body: statusJson([liveEntry('/fallback.opus', 4), { listeners: 9, listenurl: 'http://198.18.0.1:8000/live.opus', dummy: null }]),
    });
    const clock = new FakeClock();
    const poller = new OutletPoller(
      { id: 'p', label: 'Primary', mountUrl: 'http://198.18.0.1:8000/live.opus', fallbackMounts: ['/fallback.opus'] },
      { http: http.fetch, clock, logger },
      { push: false },
    );
    poller.start();
    await advance(clock, 0);
    poller.stop();
    expect(poller.snapshot()).toMatchObject({ listeners: 4, sourceLive: false, method: 'public-status' });
    expect(poller.snapshot().notice).toMatch(/No credentials/);
  });

  it('between client lists, reads cheap /admin/stats counts minus the relays last seen', async () => {
    const http = new FakeIcecastHttp()
      .on(LIST_LIVE, { status: 200, body: listClientsXml('/live.opus', [...players(2), { ip: '198.18.0.9', userAgent: 'Icecast 2.4.4' }]) })
      .on('/admin/stats', {
        status: 200,
        body: '<icestats><source mount="/live.opus"><listeners>8</listeners><stream_start>x</stream_start></source></icestats>',
      });
    const clock = new FakeClock();
    const poller = new OutletPoller(
      { id: 'p', label: 'Primary', mountUrl: MOUNT_URL },
      { http: http.fetch, clock, logger },
      { push: false, clientListEveryMs: 5000 },
    );
    poller.start();
    await advance(clock, 1000);
    poller.stop();
    expect(poller.snapshot()).toMatchObject({ listeners: 7, relaysExcluded: 1, method: 'admin-stats' });
    expect(poller.snapshot().clientKeys).toHaveLength(2);
  });

  it('polls at once when the STATS stream says a watched mount changed (the fast path)', async () => {
    const stream = new FakeStream();
    let listeners = 1;
    const http = new FakeIcecastHttp()
      .on(LIST_LIVE, () => ({ status: 200, body: listClientsXml('/live.opus', players(listeners)) }))
      .on('STATS', { stream });
    const clock = new FakeClock();
    const poller = new OutletPoller(
      { id: 'p', label: 'Primary', mountUrl: 'http://admin:pw@198.18.0.1:8000/live.opus' },
      { http: http.fetch, clock, logger },
      { intervalMs: 60_000 },
    );
    poller.start();
    await advance(clock, 0);
    expect(poller.snapshot().listeners).toBe(1);
    listeners = 2;
    stream.push('EVENT global clients 5\nEVENT /other.opus listeners 9\n');
    await advance(clock, 500);
    expect(poller.snapshot().listeners).toBe(1); // unrelated events do not poll
    stream.push('EVENT /live.opus listeners 2\n');
    await advance(clock, 200);
    poller.stop();
    expect(poller.snapshot().listeners).toBe(2);
    expect(http.requestsTo('STATS')[0]?.signal.aborted).toBe(true); // closed on stop
  });
});

describe('listener counts', () => {
  it('marks an outlet stale with its reason once 3 s pass without a read, says what the total covers, then fresh again', async () => {
    const up = { status: 200, body: listClientsXml('/live.opus', players(5)) };
    const backupList = '/admin/listclients?mount=/backup.opus';
    const http = new FakeIcecastHttp()
      .on(LIST_LIVE, up)
      .on(backupList, { status: 200, body: listClientsXml('/backup.opus', players(2, '198.18.0.3')) });
    const clock = new FakeClock();
    const { counts: listenerCounts, readings } = counts(http, clock, [
      { id: 'primary', label: 'Primary', mountUrl: MOUNT_URL },
      { id: 'backup', label: 'Backup', mountUrl: 'http://source:s3cret@198.18.0.1:8000/backup.opus' },
    ]);
    listenerCounts.start();
    await advance(clock, 1000);
    expect(listenerCounts.reading()).toMatchObject({ total: 7, coveredOutlets: 2, totalOutlets: 2, peak: 7 });

    http.on(LIST_LIVE, { error: connectionRefused() });
    const downAt = clock.now();
    await advance(clock, 2500);
    expect(listenerCounts.reading().outlets[0]?.stale).toBe(false); // still inside the window
    await advance(clock, 1000);
    const stale = listenerCounts.reading();
    expect(stale).toMatchObject({ total: 2, coveredOutlets: 1, totalOutlets: 2, peak: 7 });
    expect(stale.outlets[0]).toMatchObject({
      id: 'primary',
      stale: true,
      listeners: 5,
      staleReason: 'server down: 198.18.0.1:8000 refused the connection',
    });
    expect(stale.outlets[1]).toMatchObject({ id: 'backup', stale: false, listeners: 2 });
    // The stale transition was published when it happened, not a whole interval later.
    const firstStale = readings.find((reading) => reading.outlets[0]?.stale === true);
    expect(firstStale).toBeDefined();
    expect((firstStale?.at ?? 0) - downAt).toBeLessThanOrEqual(3000);

    http.on(LIST_LIVE, up);
    await advance(clock, 1000);
    listenerCounts.stop();
    expect(listenerCounts.reading()).toMatchObject({ total: 7, coveredOutlets: 2 });
    for (const reading of readings) expect(ListenerReadingSchema.safeParse(reading).success).toBe(true);
  });

  it('publishes a reading every interval and at once when the total changes; history records each second', async () => {
    let n = 1;
    const http = new FakeIcecastHttp().on(LIST_LIVE, () => ({ status: 200, body: listClientsXml('/live.opus', players(n)) }));
    const clock = new FakeClock();
    const { counts: listenerCounts, readings } = counts(http, clock, [{ id: 'p', label: 'P', mountUrl: MOUNT_URL }]);
    listenerCounts.start();
    await advance(clock, 3000);
    n = 4;
    await advance(clock, 3000);
    listenerCounts.stop();
    expect(readings.map((reading) => reading.total)).toContain(4);
    expect(readings.length).toBeGreaterThanOrEqual(6);
    const history = listenerCounts.historyPoints(100);
    expect(history.stepMs).toBe(1000);
    expect(history.values.length).toBeGreaterThanOrEqual(6);
    expect(history.values.at(-1)).toBe(4);
  });

  it('stops every timer on stop()', async () => {
    const http = new FakeIcecastHttp().on(LIST_LIVE, { status: 200, body: listClientsXml('/live.opus', players(1)) });
    const clock = new FakeClock();
    const { counts: listenerCounts } = counts(http, clock, [{ id: 'p', label: 'P', mountUrl: MOUNT_URL }]);
    listenerCounts.start();
    await advance(clock, 2000);
    listenerCounts.stop();
    const before = http.requests.length;
    await advance(clock, 10_000, 1000);
    expect(http.requests.length).toBe(before);
  });
});

describe('aggregation', () => {
  const snapshot = (overrides: Partial<OutletSnapshot> & { id: string; mounts: Map<string, number> }): OutletSnapshot => ({
    outlet: { id: overrides.id, label: overrides.id, mountUrl: `http://h:8000/${overrides.id}` },
    target: { origin: 'http://h:8000', mount: `/${overrides.id}`, authorization: null, redacted: `http://h:8000/${overrides.id}` },
    lastSuccessAt: 1000,
    listeners: [...overrides.mounts.values()].reduce((a, b) => a + b, 0),
    relaysExcluded: 0,
    sourceLive: true,
    method: 'client-list',
    clientKeys: null,
    lastError: null,
    notice: null,
    polls: 1,
    failures: 0,
    lastPollMs: 1,
    lastPollBytes: 1,
    ...overrides,
  });

  it('counts one mount once when two outlets name it, taking the newer reading', () => {
    const result = aggregate(
      [
        snapshot({ id: 'a', mounts: new Map([['http://h:8000/live', 10]]), lastSuccessAt: 900 }),
        snapshot({ id: 'b', mounts: new Map([['http://h:8000/live', 12]]), lastSuccessAt: 1000 }),
        snapshot({ id: 'c', mounts: new Map([['http://k:8000/live', 5]]) }),
      ],
      1500,
      3000,
    );
    expect(result.total).toBe(17);
    expect(result.coveredOutlets).toBe(3);
  });

  it('leaves stale outlets out, never negative, and estimates unique listeners over outlets with client lists', () => {
    const result = aggregate(
      [
        snapshot({ id: 'a', mounts: new Map([['a', 3]]), clientKeys: ['1|VLC', '2|VLC', '1|VLC'] }),
        snapshot({ id: 'b', mounts: new Map([['b', 2]]), clientKeys: ['1|VLC', '3|Chrome'] }),
        snapshot({ id: 'c', mounts: new Map([['c', 50]]), lastSuccessAt: -5000, lastError: 'timeout: h gave no answer within 2000 ms' }),
        snapshot({ id: 'd', mounts: new Map([['d', -4]]) }),
      ],
      1000,
      3000,
    );
    expect(result.total).toBe(5);
    expect(result.coveredOutlets).toBe(3);
    expect(result.uniqueEstimate).toBe(3);
    expect(result.uniqueCoveredOutlets).toBe(2);
    expect(result.outlets[2]).toMatchObject({ stale: true, staleReason: 'timeout: h gave no answer within 2000 ms', ageMs: 6000 });
  });

  it('says an outlet never read is stale and not counted', () => {
    const result = aggregate([snapshot({ id: 'a', mounts: new Map(), lastSuccessAt: null, listeners: null })], 0, 3000);
    expect(result).toMatchObject({ total: 0, coveredOutlets: 0, uniqueEstimate: null });
    expect(result.outlets[0]).toMatchObject({ stale: true, staleReason: 'not read yet', ageMs: null });
  });
});

describe('history ring buffer', () => {
  it('holds at most its capacity whatever the show length, dropping the oldest seconds', () => {
    const history = new ListenerHistoryBuffer(3600);
    for (let second = 0; second < 12 * 3600; second += 1) history.record(second * 1000, second);
    expect(history.size).toBe(3600);
    const folded = history.fold(3600);
    expect(folded.values[0]).toBe(12 * 3600 - 3600);
    expect(folded.values.at(-1)).toBe(12 * 3600 - 1);
  });

  it('folds into buckets that keep the peak, with gaps for seconds without a fresh reading', () => {
    const history = new ListenerHistoryBuffer(100);
    history.record(0, 5);
    history.record(500, 9); // same second: the higher one stays
    history.record(1000, null);
    history.record(4000, 2); // seconds 2 and 3 unknown
    expect(history.fold(100)).toEqual({ startAt: 0, stepMs: 1000, values: [9, null, null, null, 2] });
    expect(history.fold(2)).toEqual({ startAt: 0, stepMs: 3000, values: [9, 2] });
    history.record(1000, 100); // older than the newest second: ignored
    expect(history.fold(100).values).toEqual([9, null, null, null, 2]);
  });
});

/*
 * Listener-count benchmark against real Icecast servers (started here, stopped at the end):
 *   1. latency: time from a listener's `200` to the first reading whose total includes it, p50/p99,
 *      with the 1 s poll alone (source credentials) and with the STATS push path (admin credentials);
 *   2. exactness and poll cost at 5 000 concurrent listeners on one server (client list, admin stats
 *      and public status-json: poll time, bytes, Icecast CPU per poll);
 *   3. a master + 2 relays tree carrying 5 000 listeners: the total is exact, relays excluded.
 * As root it re-runs itself inside the isolated test namespace with a raised `ulimit -n`.
 * Bounded in count and time; stops by itself.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../electron/engine/clock';
import { createFetchHttp } from '../../electron/engine/listeners/http';
import { ListenerCounts } from '../../electron/engine/listeners/listener-counts';
import type { OutletConfig, PollerSettings } from '../../electron/engine/listeners/outlet-poller';
import { createLogger } from '../../electron/engine/log/logger';
import type { ListenerReading } from '../../electron/shared/listeners';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { ListenerLoad } from '../env/listener-load';
import { insideTestNamespace } from '../env/network';
import { namespaceMode, runInTestNamespace } from '../env/netns';
import { startOggSource, type OggSource } from '../env/ogg-source';

const RERUN_ENV = 'STEADYCAST_LISTENERS_BENCH_CHILD';
const LATENCY_SAMPLES = 40;
const BIG = 5_000;
const FILE_LIMIT = 16_384;

if (!insideTestNamespace() && process.env[RERUN_ENV] !== '1' && namespaceMode() === 'isolated') {
  const self = fileURLToPath(import.meta.url);
  const raise = `ulimit -n ${FILE_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  const code = await runInTestNamespace('sh', ['-c', raise, process.execPath, '--import', 'tsx', self], {
    env: { ...process.env, [RERUN_ENV]: '1' },
  });
  process.exit(code);
}

const servers: IcecastServer[] = [];
const sources: OggSource[] = [];
const pools: ListenerLoad[] = [];
const counters: ListenerCounts[] = [];
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const hardStop = setTimeout(() => {
  process.stderr.write('listeners bench: over 8 minutes, giving up\n');
  void cleanup().finally(() => process.exit(1));
}, 8 * 60_000);

async function cleanup(): Promise<void> {
  for (const counter of counters) counter.stop();
  for (const pool of pools) pool.closeAll();
  for (const source of sources) await source.stop().catch(() => undefined);
  await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
}

function count(outlets: OutletConfig[], settings: PollerSettings = {}): ListenerCounts {
  const counts = new ListenerCounts({ outlets, http: createFetchHttp(), clock: systemClock, logger: createLogger('bench'), ...settings });
  counters.push(counts);
  counts.start();
  return counts;
}

/** Resolves with the first reading (from now) matching `predicate`, or rejects after `withinMs`. */
function next(counts: ListenerCounts, predicate: (reading: ListenerReading) => boolean, withinMs: number): Promise<ListenerReading> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no matching reading within ${withinMs} ms; last: total ${counts.lastReading()?.total ?? 'none'}`));
    }, withinMs);
    const unsubscribe = counts.subscribe((reading) => {
      if (!predicate(reading)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(reading);
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (1/100 s)
}

async function serve(options: Parameters<typeof startIcecast>[0] = {}): Promise<IcecastServer> {
  const server = await startIcecast({ clients: BIG + 500, fileLimit: FILE_LIMIT, logLevel: 2, ...options });
  servers.push(server);
  return server;
}

async function feed(server: IcecastServer): Promise<void> {
  sources.push(await startOggSource({ mountUrl: `${server.baseUrl}/live.opus`, password: server.sourcePassword }));
}

async function latency(server: IcecastServer, label: string, credentials: string): Promise<void> {
  const counts = count([{ id: 'o', label, mountUrl: `http://${credentials}@${server.host}:${server.port}/live.opus` }]);
  const pool = new ListenerLoad({ host: server.host, port: server.port, mount: '/live.opus' });
  pools.push(pool);
  await next(counts, (reading) => reading.coveredOutlets === 1, 5_000);
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
    const expected = pool.connected + 1;
    const seen = next(counts, (reading) => reading.total >= expected, 5_000).then(() => performance.now());
    const [listener] = await pool.add(1);
    const counted = await seen;
    samples.push(Math.max(0, counted - (listener?.listeningSince ?? counted)));
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 400)); // arrivals at random phases of the poll
  }
  samples.sort((a, b) => a - b);
  print(
    `  ${label.padEnd(34)} p50 ${percentile(samples, 50).toFixed(0).padStart(4)} ms   p99 ${percentile(samples, 99).toFixed(0).padStart(4)} ms   max ${samples.at(-1)?.toFixed(0)} ms   (${samples.length} joins)`,
  );
  counts.stop();
  pool.closeAll();
}

async function pollCost(
  server: IcecastServer,
  label: string,
  outlet: OutletConfig,
  settings: PollerSettings,
  expected: number,
): Promise<void> {
  const baselineStart = cpuTicks(server.pid);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const baseline = (cpuTicks(server.pid) - baselineStart) / 3; // ticks per second without polling (streaming only)
  const counts = count([outlet], { ...settings, intervalMs: 1000, push: false });
  await next(counts, (reading) => reading.coveredOutlets === 1, 5_000);
  const start = cpuTicks(server.pid);
  const readings: ListenerReading[] = [];
  const unsubscribe = counts.subscribe((reading) => readings.push(reading));
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  unsubscribe();
  const snapshot = counts.snapshots()[0];
  const polls = Math.max(1, readings.length);
  const extraTicks = Math.max(0, cpuTicks(server.pid) - start - baseline * 6);
  const exact = readings.filter((reading) => reading.total === expected).length;
  print(
    `  ${label.padEnd(30)} exact ${exact}/${readings.length} readings   poll ${snapshot?.lastPollMs?.toFixed(0) ?? '?'} ms   ` +
      `${((snapshot?.lastPollBytes ?? 0) / 1024).toFixed(0)} KiB/poll   Icecast CPU ≈ ${((extraTicks * 10) / polls).toFixed(1)} ms/poll`,
  );
  counts.stop();
}

try {
  print(`listener counts against Icecast 2.4 (${insideTestNamespace() ? 'isolated namespace' : 'host network'})`);
  print('\n1. time from a listener connecting to the total including it (1 s poll)');
  const small = await serve();
  await feed(small);
  await latency(small, 'poll only (source credentials)', `source:${small.sourcePassword}`);
  await latency(small, 'poll + STATS push (admin)', `admin:${small.adminPassword}`);

  print(`\n2. exactness and poll cost at ${BIG.toLocaleString('en-US')} concurrent listeners, one server`);
  const big = await serve();
  await feed(big);
  // Icecast answers a listener's request from its source thread, on the next page of audio (~100 ms):
  // many handshakes may wait at once; the backlog of 5 only limits unaccepted ones (refusals are retried).
  const crowd = new ListenerLoad({ host: big.host, port: big.port, mount: '/live.opus', concurrency: 48 });
  pools.push(crowd);
  const connectStarted = performance.now();
  await crowd.add(BIG, 180_000);
  print(
    `  ${BIG} listeners connected in ${((performance.now() - connectStarted) / 1000).toFixed(1)} s (${crowd.retried} refused/reset attempts retried)`,
  );
  const mount = (credentials: string | null): string => `http://${credentials ? `${credentials}@` : ''}${big.host}:${big.port}/live.opus`;
  await pollCost(big, 'client list (relays excluded)', { id: 'o', label: 'big', mountUrl: mount(`source:${big.sourcePassword}`) }, {}, BIG);
  await pollCost(
    big,
    'admin stats + list every 10 s',
    { id: 'o', label: 'big', mountUrl: mount(`source:${big.sourcePassword}`) },
    { clientListEveryMs: 10_000 },
    BIG,
  );
  await pollCost(big, 'public status-json', { id: 'o', label: 'big', mountUrl: mount(null) }, {}, BIG);
  if (crowd.dropped > 0) print(`  note: Icecast dropped ${crowd.dropped} listeners during the run`);
  crowd.closeAll();

  print(`\n3. master + 2 relays, ${BIG.toLocaleString('en-US')} listeners spread over the three`);
  const master = await serve();
  await feed(master);
  const relayA = await serve({ relays: [{ server: master.host, port: master.port, mount: '/live.opus' }] });
  const relayB = await serve({ relays: [{ server: master.host, port: master.port, mount: '/live.opus' }] });
  const tree = count(
    [master, relayA, relayB].map((server, index) => ({
      id: `s${index}`,
      label: `server ${index}`,
      mountUrl: `http://source:${server.sourcePassword}@${server.host}:${server.port}/live.opus`,
    })),
  );
  await next(tree, (reading) => reading.outlets.every((outlet) => outlet.sourceLive === true), 30_000);
  const spread = [2_000, 1_500, 1_500];
  await Promise.all(
    [master, relayA, relayB].map(async (server, index) => {
      const pool = new ListenerLoad({
        host: server.host,
        port: server.port,
        mount: '/live.opus',
        userAgent: (i) => `P${index}/${i}`,
        concurrency: 16,
      });
      pools.push(pool);
      await pool.add(spread[index] ?? 0, 180_000);
    }),
  );
  const connectedAt = performance.now();
  const exact = await next(tree, (reading) => reading.total === BIG, 10_000);
  const publicMaster = (await (await fetch(`${master.baseUrl}/status-json.xsl`)).json()) as { icestats: { source: { listeners: number } } };
  print(
    `  total ${exact.total} = real ${BIG} (reached ${(performance.now() - connectedAt).toFixed(0)} ms after the last join); unique ≈ ${exact.uniqueEstimate ?? '—'}`,
  );
  print(
    `  master: Icecast says ${publicMaster.icestats.source.listeners}, counted ${exact.outlets[0]?.listeners} with ${exact.outlets[0]?.relaysExcluded} relays excluded`,
  );
  const polls = tree
    .snapshots()
    .map((snapshot) => `${snapshot.lastPollMs ?? '?'} ms/${((snapshot.lastPollBytes ?? 0) / 1024).toFixed(0)} KiB`);
  print(`  poll per server: ${polls.join(', ')}`);
} catch (error) {
  process.stderr.write(`listeners bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(hardStop);
  await cleanup();
}
process.exit(process.exitCode ?? 0);

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema } from '../../electron/engine/config';
import { dispatchUntrusted } from '../../electron/engine/dispatch';
import { Engine } from '../../electron/engine/engine';
import { addLogSink, type LogRecord } from '../../electron/engine/log/logger';
import { createNetworkProber } from '../../electron/engine/servers/prober';
import { UplinkPreflightSchema, type UplinkPreflight } from '../../electron/shared/preflight';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { freePort } from '../env/network';
import { delay } from '../env/process';
import { createThrottledLink, type ThrottledLink } from '../env/throttled-link';

/*
 * Preflight's uplink estimate through the engine's one door (dispatchUntrusted), against a real
 * Icecast 2.4 in a second namespace behind a tc-throttled veth: the estimate must land near the
 * throttle, the throwaway mount must exist only while the check runs, and refusals must say what
 * to do. Every server here is started by this file and stopped by PID; every wait is bounded.
 */

let link: ThrottledLink;
let server: IcecastServer;
let logs: LogRecord[] = [];
const removeSink = addLogSink((record) => logs.push(record));
const engines: Engine[] = [];

beforeAll(async () => {
  link = await createThrottledLink();
  server = await startIcecast({ netns: link.namespace, host: link.remoteAddress });
});

afterEach(async () => {
  for (const record of logs) if (record.scope.endsWith('/uplink')) note(record.message);
  for (const engine of engines.splice(0)) engine.stopListenerCounts();
  await link.unthrottle();
  logs = [];
});

afterAll(async () => {
  removeSink();
  await server.stop();
  await link.remove();
});

function note(line: string): void {
  process.stderr.write(`[preflight-uplink] ${line}\n`);
}

/** An engine whose primary (and, with `backup`, backup) Icecast mount is `mountUrl`: the program goes to one or two servers. */
function engineFor(mountUrl: string, outputs: 1 | 2 = 2): Engine {
  const endpoint = { janus: { url: `ws://${link.remoteAddress}:1` }, icecast: { mountUrl } };
  const engine = new Engine({
    version: 'test',
    mode: 'headless',
    bridgeKind: 'websocket',
    config: EngineConfigSchema.parse({ space: { name: 'Uplink', primary: endpoint, ...(outputs === 2 ? { backup: endpoint } : {}) } }),
    clock: systemClock,
    prober: createNetworkProber({ clock: systemClock, timeoutMs: 3000 }),
  });
  engines.push(engine);
  return engine;
}

function showMount(password = server.sourcePassword, port = server.port): string {
  return `http://source:${password}@${server.host}:${port}/show.opus`;
}

async function uplink(engine: Engine, payload: object = {}): Promise<UplinkPreflight> {
  const reply = await dispatchUntrusted(engine, 'preflight:uplink', payload);
  if (!reply.ok) throw new Error(reply.error.message);
  return UplinkPreflightSchema.parse(reply.result);
}

/** The mounts Icecast has a source on now (`source` is absent, an object or an array). */
async function sourceMounts(): Promise<string[]> {
  const response = await fetch(`${server.baseUrl}/status-json.xsl`, { signal: AbortSignal.timeout(3000) });
  const { icestats } = (await response.json()) as { icestats: { source?: { listenurl: string } | { listenurl: string }[] } };
  const sources = icestats.source === undefined ? [] : Array.isArray(icestats.source) ? icestats.source : [icestats.source];
  return sources.map((source) => new URL(source.listenurl).pathname);
}

const isThrowaway = (mount: string): boolean => mount.startsWith('/steadycast-uplink-check-');

/** How long after now Icecast lists no throwaway mount any more (ms; polled every 20 ms), or null when one is still there after 3 s. */
async function throwawayGoneAfterMs(): Promise<number | null> {
  const from = Date.now();
  while (Date.now() - from < 3000) {
    if (!(await sourceMounts()).some(isThrowaway)) return Date.now() - from;
    await delay(20);
  }
  return null;
}

/** Runs a check while watching Icecast's sources: the throwaway mounts seen during it, and how soon after the answer they were gone. */
async function watchedUplink(
  engine: Engine,
  payload: object = {},
): Promise<{ result: UplinkPreflight; seen: Set<string>; goneAfterMs: number | null; tookMs: number }> {
  const seen = new Set<string>();
  let running = true;
  const watcher = (async () => {
    while (running) {
      for (const mount of await sourceMounts().catch(() => [])) if (isThrowaway(mount)) seen.add(mount);
      await delay(250);
    }
  })();
  const started = Date.now();
  try {
    const result = await uplink(engine, payload);
    const tookMs = Date.now() - started;
    running = false;
    return { result, seen, goneAfterMs: await throwawayGoneAfterMs(), tookMs };
  } finally {
    running = false;
    await watcher;
  }
}

describe('preflight:uplink against a real Icecast behind a throttled link', () => {
  for (const { kbit, fits, tooMuch } of [
    { kbit: 1000, fits: { bitrateKbps: 128, verdict: 'pass' }, tooMuch: null },
    { kbit: 400, fits: { bitrateKbps: 32, verdict: 'pass' }, tooMuch: { bitrateKbps: 256, verdict: 'fail' } },
  ] as const) {
    it(`throttled to ${kbit} kbit/s: the estimate lands near the throttle and the verdict follows the bitrate`, async () => {
      await link.throttle(kbit);
      const engine = engineFor(showMount());
      const before = link.txBytes();
      const { result, seen, goneAfterMs, tookMs } = await watchedUplink(engine, { bitrateKbps: fits.bitrateKbps });
      const crossed = link.txBytes() - before;
      note(
        `throttle ${kbit} kbit/s: estimate ${result.kbitPerSecond?.toFixed(0)} kbit/s (${((result.kbitPerSecond ?? 0) / kbit).toFixed(2)}×), ${crossed} bytes over the link, ` +
          `check took ${tookMs} ms, mount gone ${goneAfterMs} ms after the answer; ${result.verdict} at ${fits.bitrateKbps} kbit/s × 2: ${result.detail}`,
      );
      expect(result).toMatchObject({
        verdict: fits.verdict,
        atLeast: false,
        bitrateKbps: fits.bitrateKbps,
        outputs: 2,
        neededKbit: fits.bitrateKbps * 2 + 64,
        server: `${server.host}:${server.port}`,
      });
      expect(result.kbitPerSecond).toBeGreaterThanOrEqual(0.6 * kbit);
      expect(result.kbitPerSecond).toBeLessThanOrEqual(1.3 * kbit);
      expect(crossed).toBeGreaterThan((kbit * 1000 * 2) / 8); // ≥ 2 s of the throttle really crossed the veth
      expect(tookMs).toBeLessThan(6000);
      // The check used a throwaway mount, never the show's, and the server freed it at once.
      expect(seen.size).toBe(1);
      expect([...seen][0]).toMatch(/^\/steadycast-uplink-check-[0-9a-f]{8}\.opus$/);
      expect(goneAfterMs).not.toBeNull();
      expect(goneAfterMs).toBeLessThanOrEqual(1500); // the reset crosses the link's ≤ 400 ms queue: long before source-timeout (5 s)
      expect(JSON.stringify(result)).not.toContain(server.sourcePassword);
      expect(logs.some((record) => record.message.startsWith(`preflight uplink: ${fits.verdict} (`))).toBe(true);

      if (tooMuch !== null) {
        const { result: slow, goneAfterMs: slowGoneAfterMs } = await watchedUplink(engine, { bitrateKbps: tooMuch.bitrateKbps });
        note(
          `throttle ${kbit} kbit/s: estimate ${slow.kbitPerSecond?.toFixed(0)} kbit/s (${((slow.kbitPerSecond ?? 0) / kbit).toFixed(2)}×); ${slow.verdict} at ${tooMuch.bitrateKbps} kbit/s × 2: ${slow.detail}`,
        );
        expect(slowGoneAfterMs).not.toBeNull();
        expect(slow).toMatchObject({ verdict: tooMuch.verdict, neededKbit: tooMuch.bitrateKbps * 2 + 64 });
        expect(slow.detail).toMatch(new RegExp(`^Too slow for ${tooMuch.bitrateKbps} kbit/s to two servers: .*Settings › Audio`));
        expect(logs.some((record) => record.level === 'warn' && record.message.startsWith('preflight uplink: fail ('))).toBe(true);
      }
    });
  }

  it('unthrottled: the byte cap ends the check first, an "at least" figure that passes', async () => {
    const engine = engineFor(showMount(), 1);
    const { result, seen, goneAfterMs, tookMs } = await watchedUplink(engine);
    note(
      `unthrottled: estimate ≥ ${result.kbitPerSecond?.toFixed(0)} kbit/s, check took ${tookMs} ms, mount gone ${goneAfterMs} ms after the answer; ${result.detail}`,
    );
    expect(result).toMatchObject({ verdict: 'pass', atLeast: true, bitrateKbps: 128, outputs: 1, neededKbit: 192 });
    expect(result.kbitPerSecond).toBeGreaterThan(20_000);
    expect(seen.size).toBeLessThanOrEqual(1); // the check may be over before the watcher's first look
    expect(goneAfterMs).not.toBeNull();
    expect(goneAfterMs).toBeLessThanOrEqual(1000);
  });

  it('a wrong source password fails with a detail naming the password', async () => {
    const engine = engineFor(showMount('not-the-password'));
    const result = await uplink(engine);
    note(`wrong password: ${result.detail}`);
    expect(result).toMatchObject({ verdict: 'fail', kbitPerSecond: null, atLeast: false });
    expect(result.detail).toMatch(/refused the source password \(HTTP 401\)/);
    expect(result.detail).not.toContain('not-the-password');
  });

  it('a server nobody runs fails with the reason and what to check', async () => {
    const deadPort = await freePort();
    const engine = engineFor(showMount(server.sourcePassword, deadPort));
    const result = await uplink(engine);
    note(`dead server: ${result.detail}`);
    expect(result).toMatchObject({ verdict: 'fail', kbitPerSecond: null });
    expect(result.detail).toMatch(/connection refused/);
    expect(result.detail).toMatch(/Icecast server is running/);
  });

  it('going live stops a running check at once, and no check runs while on air', async () => {
    await link.throttle(1000);
    const engine = engineFor(showMount(), 1);
    const started = Date.now();
    const pending = uplink(engine);
    await delay(1000);
    await engine.execute({
      channel: 'broadcast:start',
      payload: { source: { kind: 'tone', frequencyHz: 440 }, channels: 2, bitrateKbps: 64, record: false },
    });
    try {
      const result = await pending;
      note(`cancelled by going live after ${Date.now() - started} ms: ${result.detail}`);
      expect(result).toMatchObject({ verdict: 'warn', kbitPerSecond: null });
      expect(result.detail).toMatch(/the show went live/);
      expect(Date.now() - started).toBeLessThan(2500);
      expect(await throwawayGoneAfterMs()).not.toBeNull(); // the reset freed the throwaway mount too
      const onAir = await dispatchUntrusted(engine, 'preflight:uplink', {});
      expect(onAir).toMatchObject({
        ok: false,
        error: { code: 'engine-error', message: expect.stringMatching(/not measured while a show is on air/) },
      });
    } finally {
      await engine.execute({ channel: 'broadcast:stop', payload: {} });
    }
  });

  it('two UIs asking at once share one measurement', async () => {
    await link.throttle(1000);
    const engine = engineFor(showMount());
    const [first, second] = await Promise.all([uplink(engine), uplink(engine, { bitrateKbps: 256 })]);
    expect(first.kbitPerSecond).toBe(second.kbitPerSecond);
    expect(first.neededKbit).toBe(320);
    expect(second.neededKbit).toBe(576);
    expect(await throwawayGoneAfterMs()).not.toBeNull();
  });
});

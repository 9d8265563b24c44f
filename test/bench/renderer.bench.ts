/*
 * Renderer frame budget (issue "The host's control room"): the built control room in real
 * Chromium, on the air, with
 *   - listener counts read from a real Icecast every second (1 Hz), a listener load that changes them,
 *   - the program panel live (a real tone broadcast to that Icecast: meters at 10 Hz, output health),
 *   - 10 participants whose microphone meters move at 10 Hz,
 *   - the servers (health) panel probed.
 * The engine, bridge, broadcast, Icecast and Chromium are real. The 10 participants are simulated
 * in the engine's state (ten real WebRTC peers would measure Janus and this 2-core machine, not the
 * renderer): a subclass adds them to `engine:state` and emits their `conversation:mic-levels`.
 *
 * Phase 1, 60 s at real rates: long tasks (PerformanceObserver 'longtask', > 50 ms) counted.
 * Phase 2, a time-compressed 30-minute show: the meters at 10× their rate (18 000 meter events, as
 * many as 30 min at 10 Hz) with the 1 Hz listener updates as they come; the JS heap is read after a
 * forced GC (CDP HeapProfiler.collectGarbage + Runtime.getHeapUsage) at the start and every 30 s.
 * Every loop is bounded by its duration. STEADYCAST_BENCH_TRACE_S / STEADYCAST_BENCH_SHOW_S shorten
 * the phases (for a quick look; the figures printed say which durations were used).
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startBridgeServer } from '../../electron/cli/ws-bridge';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema } from '../../electron/engine/config';
import { Engine, type EngineOptions } from '../../electron/engine/engine';
import { createFetchHttp } from '../../electron/engine/listeners/http';
import { createNetworkProber } from '../../electron/engine/servers/prober';
import type { EventPayload } from '../../electron/shared/contract';
import type { Participant } from '../../electron/shared/conversation';
import type { EngineState } from '../../electron/shared/state';
import { findCommand } from '../env/deps';
import { startIcecast } from '../env/icecast';
import { ListenerLoad } from '../env/listener-load';

const TRACE_S = Number(process.env.STEADYCAST_BENCH_TRACE_S ?? 60);
const SHOW_S = Number(process.env.STEADYCAST_BENCH_SHOW_S ?? 180);
const PARTICIPANTS = 10;
const METER_HZ = 10;
const COMPRESSION = 10;
const LONG_TASK_MS = 50;

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The real engine with ten simulated participants in its conversation state and their meters. */
class SimulatedRoomEngine extends Engine {
  private readonly people: Participant[] = Array.from({ length: PARTICIPANTS }, (_, index) => ({
    id: String(1000 + index),
    display: `Guest ${index + 1}`,
    role: index === 0 ? 'host' : index < 3 ? 'producer' : 'cohost',
    self: index === 0,
    muted: index % 4 === 3,
    mutedBy: index % 4 === 3 ? 'self' : null,
    talking: index % 4 === 1,
    connected: true,
    inviteId: null,
    lock: null,
    flags: [],
    speakRequested: false,
  }));

  constructor(options: EngineOptions) {
    super(options);
  }

  override getState(): EngineState {
    const state = super.getState();
    return {
      ...state,
      conversation: {
        ...state.conversation,
        link: { status: 'joined', endpoint: 'primary', since: 0, selfId: '1000', role: 'host' },
        space: 'Frame budget',
        participants: this.people,
      },
    };
  }

  /** One meter event for every participant (what the space channel delivers in a real room). */
  emitLevels(tick: number): void {
    const payload: EventPayload<'conversation:mic-levels'> = {
      at: systemClock.now(),
      levels: this.people.map((person, index) => {
        const level = -45 + 20 * Math.abs(Math.sin((tick + index * 7) / 9));
        return { participantId: person.id, levelDbfs: level, peakDbfs: level + 6, voice: 'speech', speechProbability: 0.8, echoScore: 0 };
      }),
    };
    // The engine's emitter is private; this is the bench's only way in.
    (this as unknown as { emit(event: { channel: 'conversation:mic-levels'; payload: typeof payload }): void }).emit({
      channel: 'conversation:mic-levels',
      payload,
    });
  }
}

async function main(): Promise<void> {
  const executablePath = findCommand('chromium');
  if (executablePath === undefined) throw new Error('chromium not found: apt-get install chromium');
  const icecast = await startIcecast();
  const mount = '/frame-budget.opus';
  const engine = new SimulatedRoomEngine({
    version: 'bench',
    mode: 'headless',
    bridgeKind: 'websocket',
    config: EngineConfigSchema.parse({
      space: {
        name: 'Frame budget',
        primary: {
          janus: { url: 'ws://127.0.0.1:9' },
          icecast: {
            mountUrl: `http://source:${icecast.sourcePassword}@${icecast.host}:${icecast.port}${mount}`,
            statsUrl: `http://${icecast.adminUser}:${icecast.adminPassword}@${icecast.host}:${icecast.port}/`,
          },
        },
      },
    }),
    clock: systemClock,
    prober: createNetworkProber({ clock: systemClock, timeoutMs: 2000 }),
    listenerHttp: createFetchHttp(),
  });
  const server = await startBridgeServer({ engine, staticDir: join(import.meta.dirname, '..', '..', 'out', 'renderer') });
  const load = new ListenerLoad({ host: icecast.host, port: icecast.port, mount });
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--enable-precise-memory-info'],
  });
  let meterTimer: ReturnType<typeof setInterval> | undefined;
  try {
    await engine.execute({
      channel: 'broadcast:start',
      payload: { source: { kind: 'tone', frequencyHz: 440 }, channels: 2, bitrateKbps: 128, record: false },
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(server.openUrl);
    try {
      await page.locator('[data-testid="on-air-lamp"][data-on-air="true"]').waitFor({ timeout: 20_000 });
    } catch (error) {
      throw new Error(
        `the control room did not show the show on air; it shows:\n${(await page.locator('body').innerText()).slice(0, 1500)}`,
        { cause: error },
      );
    }
    await page.getByRole('button', { name: 'Check servers' }).click();
    await load.add(5);
    const cdp = await page.context().newCDPSession(page);
    const heapMb = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      return usedSize / 1e6;
    };

    let tick = 0;
    const startMeters = (hz: number): void => {
      if (meterTimer) clearInterval(meterTimer);
      meterTimer = setInterval(() => engine.emitLevels(tick++), 1000 / hz);
    };

    // ── Phase 1: 60 s at real rates ─────────────────────────────────────────────
    startMeters(METER_HZ);
    await delay(2000);
    await page.evaluate(() => void ((window as unknown as { longTasks: number[] }).longTasks.length = 0));
    const traceStart = performance.now();
    for (let second = 0; second < TRACE_S; second += 1) {
      // The listener count moves: a listener joins or leaves every 5 s (bounded: 5…10 listeners).
      if (second % 10 === 0) await load.add(5);
      else if (second % 10 === 5) load.remove(5);
      await delay(1000);
    }
    const traceS = (performance.now() - traceStart) / 1000;
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.slice());
    const over = longTasks.filter((ms) => ms > LONG_TASK_MS);
    const meterEvents1 = tick;
    print(
      `phase 1 (${traceS.toFixed(0)} s at real rates: ${PARTICIPANTS} participants' meters at ${METER_HZ} Hz, listener counts at 1 Hz, program meters at 10 Hz, health panel)`,
    );
    print(
      `  long tasks > ${LONG_TASK_MS} ms: ${over.length}${over.length > 0 ? ` (longest ${Math.max(...over).toFixed(0)} ms)` : ''}; meter events sent: ${meterEvents1}`,
    );

    // ── Phase 2: a time-compressed show ─────────────────────────────────────────
    startMeters(METER_HZ * COMPRESSION);
    const heap: { atS: number; mb: number }[] = [{ atS: 0, mb: await heapMb() }];
    const showStart = performance.now();
    const showTick = tick;
    for (let second = 1; second <= SHOW_S; second += 1) {
      await delay(1000);
      if (second % 30 === 0 || second === SHOW_S) heap.push({ atS: second, mb: await heapMb() });
    }
    if (meterTimer) clearInterval(meterTimer);
    const sent = tick - showTick;
    const showS = (performance.now() - showStart) / 1000;
    const first = heap[0]?.mb ?? 0;
    const last = heap.at(-1)?.mb ?? 0;
    print(
      `phase 2 (time-compressed show: ${showS.toFixed(0)} s, meters at ${METER_HZ * COMPRESSION} Hz = ${sent} meter events, as many as ${(sent / METER_HZ / 60).toFixed(0)} min at ${METER_HZ} Hz; listener updates at 1 Hz as they come)`,
    );
    print(`  JS heap after GC (MB): ${heap.map((point) => `${point.atS}s ${point.mb.toFixed(1)}`).join(', ')}`);
    print(`  growth: ${(last - first).toFixed(2)} MB (${((100 * (last - first)) / first).toFixed(1)} %)`);
    const longAfter = (await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.length)) - longTasks.length;
    print(`  long tasks > ${LONG_TASK_MS} ms during phase 2: ${longAfter}`);
    print(
      `  load average: ${(await import('node:os'))
        .loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} (2 cores shared with other work)`,
    );
  } finally {
    if (meterTimer) clearInterval(meterTimer);
    load.closeAll();
    await browser.close();
    await engine.stopBroadcast();
    await server.close();
    engine.stopListenerCounts();
    await icecast.stop();
  }
}

await main();

/*
 * Listen page benchmark (issue 20): numbered beeps through the broadcast pipeline (the engine's
 * Broadcast, as `steadycast broadcast` runs it: Opus, 100 ms Ogg pages, HTTP PUT) → Icecast 2.4.4
 * at burst 0 (as shipped) → a listen page in real Chromium. Measured for the new page
 * (renderer/listen) and, in the same run on the same stream, the old `<audio>` page as the reference:
 *   1. press Play → first sound: the click to the first output above −50 dBFS (the program carries
 *      a quiet 200 Hz bed between beeps, so there is always something to hear);
 *   2. mouth → ear: each beep's first frame handed to the encoder (wall clock) to its onset at the
 *      page's audio output (an AnalyserNode on what goes to the speakers, plus the context's output
 *      latency). Beeps come every second, numbered by pitch (600–1300 Hz, eight steps), so each onset
 *      pairs with its beep unambiguously across 8 s of delay.
 * The page's output is tapped by an init script (test only): for the new page it mirrors whatever
 * is connected to the speakers; for the old page it routes the <audio> element through Web Audio
 * (crossorigin="anonymous"; the test Icecast sends CORS headers).
 * Bounded in rounds and time; stops everything it started.
 */
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame, type ChannelCount, type PcmSource } from '../../electron/engine/audio/audio-frame';
import { FramePacer } from '../../electron/engine/audio/frame-pacer';
import { Broadcast } from '../../electron/engine/broadcast/broadcast';
import { systemClock } from '../../electron/engine/clock';
import { listenSources, listenLinkOf } from '../../electron/engine/failover/listen-link';
import { EngineConfigSchema } from '../../electron/engine/config';
import { audioElementListenPage } from '../env/audio-element-page';
import { launchChromium } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { startIcecast } from '../env/icecast';
import { buildListenApp, serveStatic } from '../env/listen-page';
import { insideTestNamespace } from '../env/network';
import { canCreateTestNamespace, runInTestNamespace } from '../env/netns';
import { delay } from '../env/process';
import { formatFigure, percentile } from './conversation-support';
import { cpus, loadavg } from 'node:os';

const ROUNDS = Number(process.env.STEADYCAST_BENCH_LISTEN_ROUNDS ?? 4);
const LISTEN_MS = Number(process.env.STEADYCAST_BENCH_LISTEN_MS ?? 12_000);
const HARD_LIMIT_MS = 6 * 60_000;
const BEEP_EVERY_FRAMES = 50;
const BEEP_FRAMES = 5;
const PITCHES = 8;
const pitchOf = (beep: number): number => 600 + 100 * (beep % PITCHES);

if (!insideTestNamespace() && canCreateTestNamespace()) {
  process.exit(await runInTestNamespace(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { log: () => undefined }));
}

const print = (line: string): void => void process.stdout.write(`${line}\n`);

/** Beeps every second over a quiet bed; remembers when each beep's first frame was handed on. */
class BeepSource implements PcmSource {
  readonly channels: ChannelCount = 2;
  readonly description = 'numbered beeps';
  /** Beep number → wall time its first frame was emitted. */
  readonly mouth = new Map<number, number>();
  private readonly pacer = new FramePacer({ clock: systemClock, onFrame: (index) => this.emit(index) });
  private sink: ((frame: AudioFrame) => void) | null = null;
  private sample = 0;

  start(sink: (frame: AudioFrame) => void): void {
    this.sink = sink;
    this.pacer.start();
  }

  stop(): void {
    this.pacer.stop();
    this.sink = null;
  }

  private emit(index: number): void {
    const beep = Math.floor(index / BEEP_EVERY_FRAMES);
    const inBeep = index % BEEP_EVERY_FRAMES < BEEP_FRAMES;
    if (index % BEEP_EVERY_FRAMES === 0) this.mouth.set(beep, Date.now());
    const samples = new Float32Array(FRAME_SAMPLES * 2);
    for (let i = 0; i < FRAME_SAMPLES; i += 1) {
      const t = (this.sample + i) / SAMPLE_RATE;
      const value = 0.01 * Math.sin(2 * Math.PI * 200 * t) + (inBeep ? 0.5 * Math.sin(2 * Math.PI * pitchOf(beep) * t) : 0);
      samples[2 * i] = value;
      samples[2 * i + 1] = value;
    }
    this.sample += FRAME_SAMPLES;
    this.sink?.({ samples, channels: 2, index });
  }
}

/*
 * The output tap, as plain JavaScript (page code compiled by tsx may carry helpers the page lacks).
 * Polls an AnalyserNode every 5 ms: the first output above −50 dBFS after the click, and each beep
 * onset (RMS above −20 dBFS after ≥ 300 ms below −30 dBFS) with its pitch (the spectrum's peak
 * above 400 Hz, read 40 ms into the beep).
 */
const TAP_SCRIPT = `
(() => {
  const tap = { clickAt: 0, firstSoundAt: null, onsets: [], analyser: null, context: null };
  window.__listenTap = tap;
  const attach = (context, node) => {
    if (tap.analyser) return;
    tap.context = context;
    tap.analyser = context.createAnalyser();
    tap.analyser.fftSize = 2048;
    node.connect(tap.analyser);
    const time = new Float32Array(1024);
    const spectrum = new Float32Array(1024);
    let quietSince = performance.now();
    let pending = null;
    setInterval(() => {
      tap.analyser.getFloatTimeDomainData(time);
      let energy = 0;
      for (let i = 0; i < time.length; i += 1) energy += time[i] * time[i];
      const db = 10 * Math.log10(energy / time.length + 1e-20);
      const now = performance.timeOrigin + performance.now();
      const latency = ((context.baseLatency || 0) + (context.outputLatency || 0)) * 1000;
      if (tap.clickAt > 0 && tap.firstSoundAt === null && db > -50) tap.firstSoundAt = now + latency;
      if (pending && now - pending.at >= 40) {
        tap.analyser.getFloatFrequencyData(spectrum);
        let best = 0;
        for (let i = Math.ceil(400 / (context.sampleRate / 2048)); i < spectrum.length; i += 1) if (spectrum[i] > spectrum[best]) best = i;
        tap.onsets.push({ at: pending.at + latency, hz: (best * context.sampleRate) / 2048 });
        pending = null;
      }
      if (db < -30) quietSince = Math.min(quietSince, now);
      if (db > -20 && pending === null && now - quietSince >= 300) {
        pending = { at: now };
        quietSince = Infinity;
      }
      if (db >= -30) quietSince = Infinity;
      if (db < -30 && quietSince === Infinity) quietSince = now;
    }, 5);
  };
  const connect = AudioNode.prototype.connect;
  AudioNode.prototype.connect = function (destination, ...rest) {
    if (destination instanceof AudioDestinationNode) attach(this.context, this);
    return connect.call(this, destination, ...rest);
  };
  document.addEventListener('play', (event) => {
    const audio = event.target;
    if (!(audio instanceof HTMLMediaElement) || tap.analyser) return;
    const context = new AudioContext({ latencyHint: 'interactive' });
    const source = context.createMediaElementSource(audio);
    source.connect(context.destination);
  }, true);
  document.addEventListener('DOMContentLoaded', () => {
    for (const audio of document.querySelectorAll('audio')) audio.crossOrigin = 'anonymous';
  });
})();
`;

interface TapResult {
  clickAt: number;
  firstSoundAt: number | null;
  onsets: { at: number; hz: number }[];
}

/** One listen: open, press Play, listen; the figures of that round. */
async function listenOnce(
  browser: Browser,
  url: string,
  source: BeepSource,
): Promise<{ firstSoundMs: number | null; latencies: number[]; page: string }> {
  const context = await browser.newContext();
  try {
    const page: Page = await context.newPage();
    await page.addInitScript(TAP_SCRIPT);
    await page.goto(url);
    const button = page.getByRole('button', { name: /^Play/ });
    await button.waitFor();
    await page.waitForFunction(() => !(document.getElementById('play') as HTMLButtonElement | null)?.disabled);
    await page.evaluate(() => {
      (window as unknown as { __listenTap: { clickAt: number } }).__listenTap.clickAt = performance.timeOrigin + performance.now();
      document.getElementById('play')?.click();
    });
    await delay(LISTEN_MS);
    const tap = await page.evaluate(() => {
      const { clickAt, firstSoundAt, onsets } = (window as unknown as { __listenTap: TapResult }).__listenTap;
      return { clickAt, firstSoundAt, onsets };
    });
    const latencies: number[] = [];
    for (const onset of tap.onsets) {
      const residue = Math.round((onset.hz - 600) / 100);
      if (residue < 0 || residue >= PITCHES || Math.abs(onset.hz - (600 + 100 * residue)) > 40) continue;
      // The latest beep of that pitch spoken before the onset was heard.
      let best: number | null = null;
      for (const [beep, at] of source.mouth) if (beep % PITCHES === residue && at <= onset.at && (best === null || at > best)) best = at;
      if (best !== null) latencies.push(onset.at - best);
    }
    // What the new page says about its buffer (the old page has none of these fields).
    const state = await page.evaluate(() =>
      (window as unknown as { steadycastListen: { state(): Record<string, unknown> } }).steadycastListen.state(),
    );
    const about =
      'targetMs' in state
        ? `target ${Number(state.targetMs).toFixed(0)} ms, buffered ${Number(state.bufferedMs).toFixed(0)} ms, underruns ${String(state.underruns)}, dropped ${Number(state.droppedMs).toFixed(0)} ms`
        : '';
    return { firstSoundMs: tap.firstSoundAt === null ? null : tap.firstSoundAt - tap.clickAt, latencies, page: about };
  } finally {
    await context.close();
  }
}

const hardStop = setTimeout(() => {
  process.stderr.write(`listen bench: over ${HARD_LIMIT_MS / 60_000} minutes, giving up\n`);
  process.exit(1);
}, HARD_LIMIT_MS);

const icecast = await startIcecast({ burstSize: 0 });
const source = new BeepSource();
let broadcast: Broadcast | null = null;
let browser: Browser | null = null;
const sites: { close(): Promise<void> }[] = [];
try {
  broadcast = await Broadcast.start({
    source,
    channels: 2,
    bitrateKbps: 64,
    outputs: [
      { id: 'primary', label: 'Primary', url: `http://source:${icecast.sourcePassword}@${icecast.host}:${icecast.port}/listen.opus` },
    ],
    metadata: { name: 'Listen bench' },
    clock: systemClock,
    random: () => randomInt(0, 2 ** 32) / 2 ** 32,
  });
  const space = EngineConfigSchema.parse({
    space: {
      name: 'Listen bench',
      primary: { janus: { url: 'ws://unused:1' }, icecast: { mountUrl: `http://${icecast.host}:${icecast.port}/listen.opus` } },
    },
  }).space;
  const newSite = await serveStatic(await buildListenApp(), { 'listen-config.json': listenLinkOf(space).config });
  // The old page waits 8 s for a stream to start before it moves on: fine here, one source.
  const oldSite = await serveStatic(null, { 'listen.html': audioElementListenPage(space.name, listenSources(space)) });
  sites.push(newSite, oldSite);
  browser = await launchChromium((await ensureFixtures()).toneWav);
  await delay(2000);

  const pages = [
    { name: 'listen page (fetch + WebCodecs + worklet)', url: `${newSite.url}listen.html` },
    { name: 'old page (<audio>)', url: `${oldSite.url}listen.html` },
  ];
  const results = new Map<string, { firstSound: number[]; latencies: number[] }>(
    pages.map((page) => [page.name, { firstSound: [], latencies: [] }]),
  );
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const page of pages) {
      const result = await listenOnce(browser, page.url, source);
      const entry = results.get(page.name);
      if (result.firstSoundMs !== null) entry?.firstSound.push(result.firstSoundMs);
      entry?.latencies.push(...result.latencies);
      print(
        `  ${page.name} #${round + 1}: first sound ${result.firstSoundMs?.toFixed(0) ?? '—'} ms; mouth → ear in order ${result.latencies.map((ms) => ms.toFixed(0)).join(' ')}${result.page ? `; ${result.page}` : ''}`,
      );
    }
  }
  print(
    `listen page vs the old <audio> page, Icecast burst 0, ${ROUNDS} listens of ${LISTEN_MS / 1000} s each (real Chromium; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores):`,
  );
  for (const page of pages) {
    const entry = results.get(page.name);
    print(`${page.name}:`);
    print(formatFigure('press Play → first sound', entry?.firstSound ?? []));
    print(formatFigure('mouth → ear (numbered beeps)', entry?.latencies ?? []));
  }
  const [fresh, old] = pages.map((page) => results.get(page.name));
  const ratio = (a: number[] | undefined, b: number[] | undefined, p: number): string =>
    (percentile(a ?? [], p) / percentile(b ?? [], p) || Number.NaN).toFixed(2);
  print(
    `ratio new / old: first sound p50 ${ratio(fresh?.firstSound, old?.firstSound, 50)}, mouth → ear p50 ${ratio(fresh?.latencies, old?.latencies, 50)}, p99 ${ratio(fresh?.latencies, old?.latencies, 99)}`,
  );
} catch (error) {
  process.stderr.write(`listen bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(hardStop);
  await browser?.close().catch(() => undefined);
  for (const site of sites) await site.close().catch(() => undefined);
  await broadcast?.stop().catch(() => undefined);
  await icecast.stop();
}

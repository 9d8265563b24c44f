import type { Browser, Page } from 'playwright-core';
import { PeerPage, type PeerPageServer } from '../env/browser';
import { toneLevelDb, type ProgramRecording } from '../env/program-listener';

/*
 * Page-side probes for the conversation benchmark. Each page gets a script that wraps
 * `RTCPeerConnection` and `getUserMedia` (looked up at call time by whoever creates them: the peer
 * page or the real control room), so it can timestamp, on the page's wall clock
 * (`performance.timeOrigin + performance.now()`):
 *   - the connection's ICE `connected` and `connectionState` `connected` (DTLS done);
 *   - inbound RTP packets (getStats every ~10 ms);
 *   - the received audio's level (Web Audio AnalyserNode on the remote track, 256 samples = 5.3 ms,
 *     read every ~5 ms). getStats' `audioLevel`/`totalAudioEnergy` are not used for levels: WebRTC
 *     refreshes them every 11th 10 ms frame and decays the peak by 4× per refresh, so a cut to
 *     silence shows there 300–400 ms late;
 *   - the microphone's own samples (MediaStreamTrackProcessor on a clone of the captured track),
 *     to find tone onsets where they leave the capture stage.
 */

// Plain JavaScript: functions compiled by tsx may carry bundler helpers that do not exist in the page.
const PROBE_SCRIPT = `
(() => {
  if (window.steadycastBench) return;
  const wall = () => performance.timeOrigin + performance.now();
  const LIMIT = 100000;
  const pcs = [];
  const Native = window.RTCPeerConnection;
  function Probed(...args) {
    const pc = new Native(...args);
    const marks = { createdAt: wall(), iceConnectedAt: null, connectedAt: null };
    pcs.push({ pc, marks });
    pc.addEventListener('iceconnectionstatechange', () => {
      if (marks.iceConnectedAt === null && ['connected', 'completed'].includes(pc.iceConnectionState)) marks.iceConnectedAt = wall();
    });
    pc.addEventListener('connectionstatechange', () => {
      if (marks.connectedAt === null && pc.connectionState === 'connected') marks.connectedAt = wall();
    });
    return pc;
  }
  Probed.prototype = Native.prototype;
  window.RTCPeerConnection = Probed;

  let mic = null;
  const devices = navigator.mediaDevices;
  const nativeGetUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await nativeGetUserMedia(constraints);
    if (stream.getAudioTracks().length > 0) mic = stream;
    return stream;
  };

  const latest = () => { for (let i = pcs.length - 1; i >= 0; i -= 1) if (pcs[i].pc.signalingState !== 'closed') return pcs[i]; return null; };
  const push = (list, item) => { if (list.length < LIMIT) list.push(item); };

  // Inbound RTP packet counts.
  const packets = [];
  let packetsRunning = false;
  async function packetLoop() {
    while (packetsRunning) {
      const entry = latest();
      if (entry) {
        try {
          const report = await entry.pc.getStats();
          let received = 0, last = null;
          report.forEach((stat) => {
            if (stat.type === 'inbound-rtp' && stat.kind === 'audio') {
              received += stat.packetsReceived || 0;
              if (stat.lastPacketReceivedTimestamp !== undefined) last = stat.lastPacketReceivedTimestamp;
            }
          });
          push(packets, [wall(), received, last]);
        } catch (error) { /* closed meanwhile */ }
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  // Received audio level.
  const levels = [];
  let context = null, analyser = null, source = null, buffer = null, attached = null, levelTimer = null;
  function attach() {
    const entry = latest();
    const receiver = entry && entry.pc.getReceivers().find((r) => r.track && r.track.kind === 'audio');
    if (!receiver || receiver.track === attached) return;
    if (context === null) context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
    if (context.state === 'suspended') context.resume().catch(() => {});
    if (source) source.disconnect();
    source = context.createMediaStreamSource(new MediaStream([receiver.track]));
    analyser = new AnalyserNode(context, { fftSize: 256, smoothingTimeConstant: 0 });
    buffer = new Float32Array(analyser.fftSize);
    source.connect(analyser);
    attached = receiver.track;
  }
  function sampleLevel() {
    attach();
    if (!analyser) return;
    analyser.getFloatTimeDomainData(buffer);
    let sum = 0, crossings = 0;
    for (let i = 0; i < buffer.length; i += 1) {
      sum += buffer[i] * buffer[i];
      if (i > 0 && (buffer[i - 1] < 0) !== (buffer[i] < 0)) crossings += 1;
    }
    push(levels, [wall(), Math.sqrt(sum / buffer.length), crossings]);
  }

  // Microphone chunks: [wall at read, frames, index of the first sample above the threshold or -1, AudioData.timestamp as wall ms, zero crossings].
  const micChunks = [];
  let micReader = null;
  async function micLoop(threshold) {
    const track = mic.getAudioTracks()[0].clone();
    const processor = new MediaStreamTrackProcessor({ track });
    micReader = processor.readable.getReader();
    for (;;) {
      const { value, done } = await micReader.read().catch(() => ({ done: true }));
      if (done) break;
      const at = wall();
      const frames = value.numberOfFrames;
      const data = new Float32Array(frames);
      value.copyTo(data, { planeIndex: 0, format: 'f32-planar' });
      let first = -1, crossings = 0;
      for (let i = 0; i < frames; i += 1) {
        if (first < 0 && Math.abs(data[i]) > threshold) first = i;
        if (i > 0 && (data[i - 1] < 0) !== (data[i] < 0)) crossings += 1;
      }
      push(micChunks, [at, frames, first, performance.timeOrigin + value.timestamp / 1000, crossings]);
      value.close();
    }
    track.stop();
  }

  window.steadycastBench = {
    clock() { return { page: wall(), date: Date.now() }; },
    marks() { const entry = latest() || pcs[pcs.length - 1]; return entry ? { ...entry.marks } : null; },
    start(withPackets) {
      // The context exists before the connection does, so opening the audio device is not timed as latency.
      if (context === null) context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
      if (withPackets && !packetsRunning) { packetsRunning = true; packetLoop(); }
      if (levelTimer === null) levelTimer = setInterval(sampleLevel, 5);
    },
    stop() {
      packetsRunning = false;
      if (levelTimer !== null) clearInterval(levelTimer);
      levelTimer = null;
      if (micReader) micReader.cancel().catch(() => {});
      micReader = null;
    },
    async receiveDelay() {
      const entry = latest();
      if (!entry) return null;
      const report = await entry.pc.getStats();
      let out = null;
      report.forEach((stat) => {
        if (stat.type === 'inbound-rtp' && stat.kind === 'audio' && stat.jitterBufferEmittedCount > 0) {
          out = { jitterBufferMs: (1000 * stat.jitterBufferDelay) / stat.jitterBufferEmittedCount, targetMs: (1000 * (stat.jitterBufferTargetDelay || 0)) / stat.jitterBufferEmittedCount };
        }
      });
      return out;
    },
    hasTrackProcessor() { return typeof MediaStreamTrackProcessor === 'function'; },
    setSending(enabled) {
      const entry = latest();
      const sender = entry && entry.pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
      if (!sender) throw new Error('no audio sender yet');
      const at = wall();
      sender.track.enabled = enabled;
      return at;
    },
    watchMicrophone(threshold) {
      if (!mic) throw new Error('no microphone captured yet');
      if (micReader) return;
      micLoop(threshold).catch(() => {});
    },
    take() {
      const out = { packets: packets.splice(0), levels: levels.splice(0), micChunks: micChunks.splice(0) };
      return out;
    },
  };
})();
`;

/** Page wall time of connection milestones (null until reached). */
export interface ConnectionMarks {
  readonly createdAt: number;
  readonly iceConnectedAt: number | null;
  readonly connectedAt: number | null;
}

/** One getStats poll of the received audio. */
export type PacketSample = [at: number, packetsReceived: number, lastPacketReceivedAt: number | null];
/** One analyser read of the received audio: RMS and zero crossings of its last 256 samples (5.3 ms). */
export type LevelSample = [at: number, rms: number, crossings: number];
/** One microphone chunk: when read, its length, its first sample above the threshold (or −1), its timestamp, its zero crossings. */
export type MicChunk = [readAt: number, frames: number, firstAbove: number, stampedAt: number, crossings: number];

/** What a probe collected since the last `take()` (all times are page wall ms). */
export interface ProbeSamples {
  readonly packets: PacketSample[];
  readonly levels: LevelSample[];
  readonly micChunks: MicChunk[];
}

interface ProbeApi {
  clock(): { page: number; date: number };
  marks(): ConnectionMarks | null;
  start(withPackets: boolean): void;
  stop(): void;
  receiveDelay(): Promise<{ jitterBufferMs: number; targetMs: number } | null>;
  hasTrackProcessor(): boolean;
  setSending(enabled: boolean): number;
  watchMicrophone(threshold: number): void;
  take(): ProbeSamples;
}

declare global {
  interface Window {
    steadycastBench: ProbeApi;
  }
}

/** The probe of one page (a peer page or the real control room). */
export class PageProbe {
  constructor(readonly page: Page) {}

  /** Installs the probe before any page script runs (for pages that create their connection on load). */
  static async beforeLoad(page: Page): Promise<PageProbe> {
    await page.context().addInitScript(PROBE_SCRIPT);
    return new PageProbe(page);
  }

  /** Installs the probe into a page that has not created its connection yet. */
  static async into(page: Page): Promise<PageProbe> {
    await page.evaluate(PROBE_SCRIPT);
    return new PageProbe(page);
  }

  /** The page's wall clock against its own Date.now(), for the error bound. */
  clock(): Promise<{ page: number; date: number }> {
    return this.page.evaluate(() => window.steadycastBench.clock());
  }

  marks(): Promise<ConnectionMarks | null> {
    return this.page.evaluate(() => window.steadycastBench.marks());
  }

  /** Starts sampling the received level (and the inbound packet count when `withPackets`). */
  start(withPackets = false): Promise<void> {
    return this.page.evaluate((packets) => window.steadycastBench.start(packets), withPackets);
  }

  /** Mean NetEq jitter-buffer delay (and target) of the received audio so far, from getStats. */
  receiveDelay(): Promise<{ jitterBufferMs: number; targetMs: number } | null> {
    return this.page.evaluate(() => window.steadycastBench.receiveDelay());
  }

  stop(): Promise<void> {
    return this.page.evaluate(() => window.steadycastBench.stop()).catch(() => undefined);
  }

  hasTrackProcessor(): Promise<boolean> {
    return this.page.evaluate(() => window.steadycastBench.hasTrackProcessor());
  }

  /**
   * Sets `enabled` on the track of the connection's audio sender, as the control room's own mute
   * does (a disabled track sends silence at once); returns the page wall time it was set.
   */
  setSending(enabled: boolean): Promise<number> {
    return this.page.evaluate((value) => window.steadycastBench.setSending(value), enabled);
  }

  watchMicrophone(threshold: number): Promise<void> {
    return this.page.evaluate((value) => window.steadycastBench.watchMicrophone(value), threshold);
  }

  take(): Promise<ProbeSamples> {
    return this.page.evaluate(() => window.steadycastBench.take());
  }
}

/** A peer page (test/env/browser.ts) with the probe installed. */
export async function openProbedPeer(browser: Browser, server: PeerPageServer): Promise<{ peer: PeerPage; probe: PageProbe }> {
  const peer = await PeerPage.open(browser, server);
  return { peer, probe: await PageProbe.into(peer.page) };
}

/** Accumulates a probe's samples across `take()` calls so milestones can be searched afterwards. */
export class ProbeLog {
  readonly packets: PacketSample[] = [];
  readonly levels: LevelSample[] = [];
  readonly micChunks: MicChunk[] = [];

  constructor(private readonly probe: PageProbe) {}

  /** Pulls what the page collected since the last call. */
  async pull(): Promise<void> {
    const taken = await this.probe.take();
    this.packets.push(...taken.packets);
    this.levels.push(...taken.levels);
    this.micChunks.push(...taken.micChunks);
  }

  /** Forgets everything pulled so far. */
  clear(): void {
    this.packets.length = 0;
    this.levels.length = 0;
    this.micChunks.length = 0;
  }

  /**
   * Arrival of the first packet after `since`: `lastPacketReceivedTimestamp` of the first stats
   * poll that counts more packets than before `since` (an upper bound: that poll may count a few).
   */
  firstPacketAfter(since: number): number | null {
    let base = 0;
    for (const [at, count, last] of this.packets) {
      if (at <= since) base = count;
      else if (count > base) return last ?? at;
    }
    return null;
  }

  /** Wall time of the first level sample after `since` that satisfies `check`. */
  firstLevelAfter(since: number, check: (rms: number) => boolean): number | null {
    return this.levels.find(([at, rms]) => at > since && check(rms))?.[0] ?? null;
  }

  /**
   * Start of the first run of level samples after `since` that all satisfy `check` for at least
   * `holdMs`, so a dropout (a silent 5 ms window in a tone) or a click is not taken for the change.
   */
  firstSustainedAfter(since: number, check: (rms: number) => boolean, holdMs: number): number | null {
    let runStart: number | null = null;
    for (const [at, rms] of this.levels) {
      if (at <= since) continue;
      if (!check(rms)) runStart = null;
      else if (runStart === null) runStart = at;
      else if (at - runStart >= holdMs) return runStart;
    }
    return null;
  }

  /** Whether every level sample of the last `ms` (and there are enough of them) satisfies `check`. */
  holds(check: (rms: number) => boolean, ms: number): boolean {
    const last = this.levels.at(-1)?.[0];
    if (last === undefined) return false;
    const recent = this.levels.filter(([at]) => at > last - ms);
    return recent.length >= ms / 10 && recent.every(([, rms]) => check(rms));
  }
}

/** `p`-th percentile (nearest rank) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** `label  p50 … p99 … max … (N = n)` for ms figures. */
export function formatFigure(label: string, values: readonly number[], width = 50): string {
  if (values.length === 0) return `  ${label.padEnd(width)} not measured`;
  const ms = (value: number): string => `${value.toFixed(0).padStart(5)} ms`;
  return `  ${label.padEnd(width)} p50 ${ms(percentile(values, 50))}   p99 ${ms(percentile(values, 99))}   max ${ms(Math.max(...values))}   (N = ${values.length})`;
}

/** The values in the order measured, under a figure, to show drift within a run. */
export function formatSeries(values: readonly number[], width = 50): string {
  return `  ${''.padEnd(width)} in order: ${values.map((value) => value.toFixed(0)).join(' ')}`;
}

/** A tone onset: when, and which of the test tones it is (onsets are tagged so they pair unambiguously). */
export interface Onset {
  readonly at: number;
  readonly hz: number;
}

/** The tone in `tones` nearest to `hz`. */
function nearest(tones: readonly number[], hz: number): number {
  return tones.reduce((best, tone) => (Math.abs(tone - hz) < Math.abs(best - hz) ? tone : best), tones[0] ?? 0);
}

/**
 * Tone onsets in microphone chunks: the time of the first sample above the threshold in a chunk
 * that follows at least `quietMs` of chunks without one; the tone is read from the next chunk's
 * zero crossings. Chromium's fake device stamps a chunk when it hands it over (the AudioData
 * timestamp is ≈ 1 ms before the page reads it), so a chunk's samples are taken to span the
 * `frames` samples before its timestamp: the earliest reading, which makes latencies measured from
 * it upper bounds (by at most one 10 ms chunk). Falls back to the read time when the timestamp is
 * not on the page's clock.
 */
export function microphoneOnsets(
  chunks: readonly MicChunk[],
  tones: readonly number[],
  quietMs: number,
  sampleRate = 48_000,
): { onsets: Onset[]; stampedMs: number } {
  const lags = chunks.map(([readAt, , , stampedAt]) => readAt - stampedAt).sort((a, b) => a - b);
  const stampedMs = lags[Math.floor(lags.length / 2)] ?? Number.NaN;
  const useStamp = stampedMs > -5 && stampedMs < 50;
  const onsets: Onset[] = [];
  let quietSince: number | null = null;
  chunks.forEach(([readAt, frames, firstAbove, stampedAt], index) => {
    const chunkStart = (useStamp ? stampedAt : readAt) - (frames / sampleRate) * 1000;
    if (firstAbove < 0) {
      quietSince ??= chunkStart;
      return;
    }
    const next = chunks[index + 1];
    if (quietSince !== null && chunkStart - quietSince >= quietMs && next !== undefined) {
      onsets.push({ at: chunkStart + (firstAbove / sampleRate) * 1000, hz: nearest(tones, (next[4] * sampleRate) / (2 * next[1])) });
    }
    quietSince = null;
  });
  return { onsets, stampedMs };
}

/**
 * Onsets in sampled levels: the first sample above `audible` after at least `quietMs` of samples
 * below `silent`; the tone is read from the zero crossings of a sample ≥ 10 ms later (a window full of tone).
 */
export function levelOnsets(
  levels: readonly LevelSample[],
  tones: readonly number[],
  audible: number,
  silent: number,
  quietMs: number,
  windowSamples = 256,
  sampleRate = 48_000,
): Onset[] {
  const onsets: Onset[] = [];
  let quietSince: number | null = null;
  levels.forEach(([at, rms], index) => {
    if (rms < silent) quietSince ??= at;
    else if (rms > audible) {
      const full = levels.slice(index).find(([later]) => later >= at + 10);
      if (quietSince !== null && at - quietSince >= quietMs && full !== undefined) {
        onsets.push({ at, hz: nearest(tones, (full[2] * sampleRate) / (2 * windowSamples)) });
      }
      quietSince = null;
    }
  });
  return onsets;
}

/**
 * Tone onsets in a program recording: the first sample (of the first channel) above `threshold`
 * after at least `quietMs` without one (the recording starts mid-show, so the quiet stretch must be
 * inside it), at the wall time its Ogg page reached the listener; the tone is the strongest of
 * `tones` over the 20 ms from 5 ms after the onset.
 */
export function programOnsets(
  recording: ProgramRecording,
  tones: readonly number[],
  threshold: number,
  quietMs: number,
  sampleRate = 48_000,
): Onset[] {
  const { samples, channels } = recording;
  const frames = Math.floor(samples.length / channels);
  const left = new Float32Array(frames);
  for (let i = 0; i < frames; i += 1) left[i] = samples[i * channels] ?? 0;
  const quietFrames = (quietMs / 1000) * sampleRate;
  const onsets: Onset[] = [];
  let lastLoud = 0;
  for (let i = 0; i < frames; i += 1) {
    if (Math.abs(left[i] ?? 0) <= threshold) continue;
    if (i - lastLoud >= quietFrames) {
      const from = i + Math.round(0.005 * sampleRate);
      const to = from + Math.round(0.02 * sampleRate);
      const hz = tones.reduce(
        (best, tone) => (toneLevelDb(left, tone, from, to, sampleRate) > toneLevelDb(left, best, from, to, sampleRate) ? tone : best),
        tones[0] ?? 0,
      );
      onsets.push({ at: recording.arrivedAt(i), hz });
    }
    lastLoud = i;
  }
  return onsets;
}

/** For each of `later`, the latest of `earlier` with the same tone before it within `windowMs`: their differences. */
export function pairDelays(earlier: readonly Onset[], later: readonly Onset[], windowMs: number): number[] {
  const delays: number[] = [];
  for (const onset of later) {
    const cause = earlier
      .filter((candidate) => candidate.hz === onset.hz && candidate.at < onset.at && onset.at - candidate.at < windowMs)
      .at(-1);
    if (cause !== undefined) delays.push(onset.at - cause.at);
  }
  return delays;
}

/**
 * The level of a program recording in consecutive windows of its first channel (RMS of
 * `windowFrames` samples, 5 ms by default), to find when the program goes silent or audible again.
 * Times are arrivals of Ogg pages at the listener, so a change found here is an upper bound: the
 * page holding it left the engine up to one page (100 ms) after the sample was encoded.
 */
export class ProgramLevels {
  private readonly rms: Float32Array;

  constructor(
    private readonly recording: ProgramRecording,
    private readonly windowFrames = 240,
    private readonly sampleRate = 48_000,
  ) {
    const { samples, channels } = recording;
    const frames = Math.floor(samples.length / channels);
    this.rms = new Float32Array(Math.floor(frames / windowFrames));
    for (let window = 0; window < this.rms.length; window += 1) {
      let sum = 0;
      for (let i = window * windowFrames; i < (window + 1) * windowFrames; i += 1) sum += (samples[i * channels] ?? 0) ** 2;
      this.rms[window] = Math.sqrt(sum / windowFrames);
    }
  }

  /** RMS of the window holding the first sample of the page that arrived at (or just after) `wallMs`; NaN past the end. */
  levelAt(wallMs: number): number {
    return this.rms[Math.floor(this.recording.indexAt(wallMs) / this.windowFrames)] ?? Number.NaN;
  }

  /**
   * Arrival of the page holding the first sample of the first run of windows that all satisfy
   * `check` for at least `holdMs`, starting in a page that arrived at or after `since` and before
   * `until`; null when there is none.
   */
  firstSustainedAfter(since: number, until: number, check: (rms: number) => boolean, holdMs: number): number | null {
    const from = Math.floor(this.recording.indexAt(since) / this.windowFrames);
    const to = Number.isFinite(until) ? Math.ceil(this.recording.indexAt(until) / this.windowFrames) : this.rms.length;
    const hold = Math.ceil((holdMs / 1000) * (this.sampleRate / this.windowFrames));
    let runStart: number | null = null;
    for (let window = from; window < this.rms.length; window += 1) {
      if (!check(this.rms[window] ?? 0)) {
        runStart = null;
        if (window >= to) return null;
      } else if (runStart === null) {
        if (window >= to) return null;
        runStart = window;
      }
      if (runStart !== null && window - runStart + 1 >= hold) return this.recording.arrivedAt(runStart * this.windowFrames);
    }
    return null;
  }
}

/*
 * Broadcast benchmark: the program live with two Icecast outputs and a safety recording, on real
 * servers. Prints the added latency from a frame entering the pipeline to its packet handed to the
 * output sockets (p50/p99; target p99 ≤ 60 ms), CPU of one core and RSS while live (target RSS
 * ≤ 150 MB). Runs for a bounded time and stops by itself.
 */
import { randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToneSource } from '../../electron/engine/audio/tone-source';
import { Broadcast } from '../../electron/engine/broadcast/broadcast';
import { systemClock } from '../../electron/engine/clock';
import { startIcecast } from '../env/icecast';

const WARM_UP_MS = 3_000;
const MEASURE_MS = 20_000;

const dir = await mkdtemp(join(tmpdir(), 'steadycast-bench-'));
const [primary, backup] = await Promise.all([startIcecast(), startIcecast()]);
const broadcast = await Broadcast.start({
  source: new ToneSource({ frequencyHz: 440, channels: 2, clock: systemClock }),
  channels: 2,
  bitrateKbps: 128,
  outputs: [
    { id: 'primary', label: 'Primary', url: `http://source:${primary.sourcePassword}@${primary.host}:${primary.port}/bench.opus` },
    { id: 'backup', label: 'Backup', url: `http://source:${backup.sourcePassword}@${backup.host}:${backup.port}/bench.opus` },
  ],
  recording: { path: join(dir, 'bench.opus') },
  metadata: { name: 'Benchmark' },
  clock: systemClock,
  random: () => randomInt(0, 2 ** 32) / 2 ** 32,
});

await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
const live = broadcast.status().outputs.filter((output) => output.state.status === 'live').length;
const firstFrame = broadcast.counters().framesIn;
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
clearInterval(rssTimer);
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
const latencies = broadcast
  .latencySamples()
  .filter((sample) => sample.frameIndex >= firstFrame)
  .map((sample) => sample.ms)
  .sort((a, b) => a - b);
const final = await broadcast.stop();
await Promise.all([primary.stop(), backup.stop()]);
await rm(dir, { recursive: true, force: true });

const percentile = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const cpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
process.stdout.write(
  [
    `live outputs during measurement: ${live}/2, recording ${((final.recording?.durationMs ?? 0) / 1000).toFixed(1)} s`,
    `frame → sockets latency over ${latencies.length} frames: p50 ${percentile(50).toFixed(2)} ms, p99 ${percentile(99).toFixed(2)} ms (target p99 ≤ 60 ms)`,
    `CPU while live (engine process, all threads): ${cpuPercent.toFixed(1)} % of one core`,
    `peak RSS while live: ${(peakRss / 1024 / 1024).toFixed(0)} MB (target ≤ 150 MB)`,
  ].join('\n') + '\n',
);
if (live !== 2) process.exit(1);

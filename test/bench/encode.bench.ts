/*
 * Encode benchmark: the engine's Opus encoder (libopus WASM in its worker thread, stereo,
 * complexity 10, FEC off, 128 kbit/s VBR) against native `opusenc` with the same settings, on the
 * same 60 s stereo speech input, timed in the same run. Prints seconds for each and the ratio
 * (engine speed / native speed; target ≥ 0.6). Each side runs twice and the faster run counts.
 * Bounded: 2 × 3000 frames per side; stops by itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FRAME_SAMPLES } from '../../electron/engine/audio/audio-frame';
import { WavReader } from '../../electron/engine/audio/wav-reader';
import { OpusEncoderService } from '../../electron/engine/opus/encoder-service';
import { floatToInt16, OpusCtl, OpusEncoder } from '../../electron/engine/opus/opus-native';
import { ensureFixtures, GENERATED_FIXTURES_DIR } from '../env/fixtures';

const SECONDS = 60;
const BITRATE_KBPS = 128;
const RUNS = 2;
const IN_FLIGHT = 32; // frames queued to the worker at once, like a live engine that never waits per frame

/** 60 s of stereo speech at 48 kHz: the espeak-ng fixture looped, the right channel 3 ms late so it is real stereo. */
async function speechInput(): Promise<string> {
  const target = join(GENERATED_FIXTURES_DIR, 'speech-60s-stereo-48k.wav');
  if (existsSync(target)) return target;
  const { speechWav } = await ensureFixtures();
  const tmp = `${target}.${process.pid}.tmp.wav`;
  execFileSync('sox', [
    speechWav,
    '-r',
    '48000',
    '-b',
    '16',
    tmp,
    'remix',
    '1',
    '1',
    'delay',
    '0',
    '0.003',
    'repeat',
    '20',
    'trim',
    '0',
    String(SECONDS),
  ]);
  renameSync(tmp, target);
  return target;
}

function readFrames(path: string): Float32Array[] {
  const reader = WavReader.open(path);
  if (reader.info.channels !== 2 || reader.info.sampleRate !== 48_000) throw new Error(`${path} must be 48 kHz stereo`);
  const frames: Float32Array[] = [];
  for (;;) {
    const block = reader.read(FRAME_SAMPLES);
    if (block.length < FRAME_SAMPLES * 2) break;
    frames.push(block);
  }
  reader.close();
  return frames;
}

/** The engine's path: OpusEncoderService with its worker, frames kept IN_FLIGHT deep. */
async function engineRun(frames: Float32Array[]): Promise<{ seconds: number; bytes: number }> {
  // Encoding alone, like for like with opusenc: the loudness chain has its own bench (loudness.bench.ts).
  const encoder = await OpusEncoderService.create({ channels: 2, bitrateKbps: BITRATE_KBPS, complexity: 10, vbr: true, loudness: 'off' });
  const started = performance.now();
  let bytes = 0;
  const inFlight: Promise<void>[] = [];
  for (const [index, samples] of frames.entries()) {
    inFlight.push(encoder.encode({ samples, channels: 2, index }).then((packet) => void (bytes += packet.length)));
    if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  await encoder.close();
  return { seconds, bytes };
}

/** The same libopus calls in this thread, to show what the worker hop costs. */
function inThreadRun(frames: Float32Array[]): { seconds: number; bytes: number } {
  const encoder = new OpusEncoder(2);
  encoder.set(OpusCtl.SET_BITRATE, BITRATE_KBPS * 1000);
  encoder.set(OpusCtl.SET_COMPLEXITY, 10);
  encoder.set(OpusCtl.SET_VBR, 1);
  encoder.set(OpusCtl.SET_VBR_CONSTRAINT, 0);
  encoder.set(OpusCtl.SET_INBAND_FEC, 0);
  const pcm = new Int16Array(FRAME_SAMPLES * 2);
  const started = performance.now();
  let bytes = 0;
  for (const samples of frames) bytes += encoder.encode(floatToInt16(samples, pcm), FRAME_SAMPLES).length;
  const seconds = (performance.now() - started) / 1000;
  encoder.destroy();
  return { seconds, bytes };
}

/** Native libopus through opus-tools, same settings (opusenc never enables FEC unless told to expect loss). */
function nativeRun(input: string, output: string): { seconds: number; bytes: number } {
  const started = performance.now();
  const result = spawnSync(
    'opusenc',
    ['--quiet', '--bitrate', String(BITRATE_KBPS), '--comp', '10', '--vbr', '--framesize', '20', input, output],
    { encoding: 'utf8' },
  );
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`opusenc failed (${result.status}): ${result.stderr}`);
  return { seconds, bytes: statSync(output).size };
}

const input = await speechInput();
const frames = readFrames(input);
const audioSeconds = (frames.length * FRAME_SAMPLES) / 48_000;
const scratch = mkdtempSync(join(tmpdir(), 'steadycast-bench-'));
try {
  const engine: { seconds: number; bytes: number }[] = [];
  const inThread: { seconds: number; bytes: number }[] = [];
  const native: { seconds: number; bytes: number }[] = [];
  // Alternate the sides so neither gets a warmer machine.
  for (let run = 0; run < RUNS; run += 1) {
    native.push(nativeRun(input, join(scratch, `native-${run}.opus`)));
    engine.push(await engineRun(frames));
    inThread.push(inThreadRun(frames));
  }
  const best = (runs: { seconds: number; bytes: number }[]): { seconds: number; bytes: number } =>
    runs.reduce((fastest, run) => (run.seconds < fastest.seconds ? run : fastest));
  const [e, t, n] = [best(engine), best(inThread), best(native)];
  const line = (name: string, run: { seconds: number; bytes: number }, all: { seconds: number }[]): string =>
    `${name.padEnd(34)} ${run.seconds.toFixed(3)} s  (${(audioSeconds / run.seconds).toFixed(0)}× real time; runs ${all.map((r) => r.seconds.toFixed(3)).join(', ')}), ` +
    `${((run.bytes * 8) / audioSeconds / 1000).toFixed(1)} kbit/s`;
  process.stdout.write(
    [
      `input: ${input} (${audioSeconds.toFixed(1)} s stereo speech, 48 kHz), ${BITRATE_KBPS} kbit/s VBR, complexity 10, FEC off, 20 ms frames`,
      line('engine (opusscript WASM, worker)', e, engine),
      line('engine codec in-thread (no worker)', t, inThread),
      line('native opusenc (libopus)', n, native),
      `ratio engine/native speed: ${(n.seconds / e.seconds).toFixed(2)}× (target ≥ 0.6×); in-thread ${(n.seconds / t.seconds).toFixed(2)}×`,
      '(opusenc also reads the WAV and writes Ogg; the engine figure is encoding only, so the ratio slightly favours the engine)',
    ].join('\n') + '\n',
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

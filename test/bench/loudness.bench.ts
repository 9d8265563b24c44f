/*
 * Program loudness chain benchmark (electron/engine/loudness): what the chain the encoder's worker
 * runs on every frame costs, at 48 kHz stereo in 20 ms frames as the worker gets them.
 *   chain     leveller + 5 ms look-ahead true-peak limiter + loudness meter (what runs by default)
 *   meter     the loudness meter alone (what runs with the chain off)
 * CPU time per second of audio, best of 3 runs over 60 s of speech (the fixture, looped, at three
 * levels); as % of one core. Target: the chain ≤ 5 %. Also prints what the chain made of each
 * level (integrated loudness and true peak by its own meter). Bounded: about 20 s; stops by itself.
 */
import { performance } from 'node:perf_hooks';
import { WavReader } from '../../electron/engine/audio/wav-reader';
import { ProgramChain, type ProgramLoudness } from '../../electron/engine/loudness/program-chain';
import { ensureFixtures } from '../env/fixtures';

const RATE = 48_000;
const FRAME = 960;
const SECONDS = 60;
const RUNS = 3;

const { speechWav } = await ensureFixtures();
const reader = WavReader.open(speechWav);
const mono = reader.read(reader.info.frames);
reader.close();

/** 60 s of the speech fixture, looped, stereo, at `gainDb`. */
function program(gainDb: number): Float32Array {
  const gain = 10 ** (gainDb / 20);
  const out = new Float32Array(SECONDS * RATE * 2);
  for (let i = 0; i < SECONDS * RATE; i += 1) {
    const value = (mono[i % mono.length] ?? 0) * gain;
    out[2 * i] = value;
    out[2 * i + 1] = value;
  }
  return out;
}

function run(audio: Float32Array, loudness: ProgramLoudness): { seconds: number; chain: ProgramChain } {
  const chain = new ProgramChain(2, loudness);
  const frame = new Float32Array(FRAME * 2);
  const started = performance.now();
  for (let at = 0; at + frame.length <= audio.length; at += frame.length) {
    frame.set(audio.subarray(at, at + frame.length));
    chain.process(frame);
  }
  return { seconds: (performance.now() - started) / 1000, chain };
}

const levels = [-20, 0, 10].map((gainDb) => ({ gainDb, audio: program(gainDb) }));
for (const [label, loudness] of [
  ['chain (leveller + limiter + meter)', { targetLufs: -16, truePeakDbtp: -1 }],
  ['meter only (chain off)', 'off'],
] as const) {
  let best = Infinity;
  for (let attempt = 0; attempt < RUNS; attempt += 1) {
    const level = levels[attempt % levels.length] ?? levels[0];
    if (level) best = Math.min(best, run(level.audio, loudness).seconds);
  }
  console.log(
    `${label}: ${((best * 1000) / SECONDS).toFixed(1)} ms of CPU per second of audio (${((best / SECONDS) * 100).toFixed(2)} % of one core at 48 kHz stereo; best of ${RUNS} × ${SECONDS} s)`,
  );
}
for (const { gainDb, audio } of levels) {
  const reading = run(audio, { targetLufs: -16, truePeakDbtp: -1 }).chain.reading();
  console.log(
    `speech at fixture ${gainDb >= 0 ? '+' : ''}${gainDb} dB → integrated ${reading.integratedLufs?.toFixed(1) ?? '—'} LUFS, true peak ${reading.truePeakDbtp?.toFixed(1) ?? '—'} dBTP, leveller ${reading.levellerGainDb.toFixed(1)} dB`,
  );
}

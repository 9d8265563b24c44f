/*
 * Microphone analysis benchmark (renderer/audio/mic-analysis): what the analysis every speaker's
 * app runs costs and how fast it warns.
 *   cost      CPU time per second of audio (microphone + room mix at 48 kHz, 1024-sample blocks as
 *             the worklet posts them), best of 3 runs over 60 s; a ratio of real time on one core.
 *   warnings  in audio time (deterministic, no wall clock): how long after steady noise or an echo
 *             starts the speaker's warning shows, and how many warnings 60 s of plain speech gives
 *             (target 0).
 * Bounded: a few minutes of audio in total; stops by itself.
 */
import { performance } from 'node:perf_hooks';
import type { MicReport } from '../../electron/shared/mic-report';
import { MicAnalyser } from '../../renderer/audio/mic-analysis/mic-analyser';
import { micWarning } from '../../renderer/audio/mic-analysis/mic-warning';
import { loadVad } from '../../renderer/audio/mic-analysis/vad';
import { ensureFixtures, ensureMicFixtures } from '../env/fixtures';
import { looped, mix, readMono } from '../support/mic-analysis-support';

const RATE = 48_000;
const BLOCK = 1024;
const RUNS = 3;

const vad = await loadVad();
const { speechWav } = await ensureFixtures();
const fixtures = await ensureMicFixtures();
const speechA = readMono(speechWav).samples;
const speechB = readMono(fixtures.speechB).samples;

/** Runs the analysis over `mic`/`room`; returns the reports and the CPU seconds it took. */
function run(mic: Float32Array, room: Float32Array | null): { reports: MicReport[]; seconds: number } {
  const reports: MicReport[] = [];
  let clock = 0;
  const analyser = new MicAnalyser({
    sampleRate: RATE,
    vad: vad.create(16_000, 3),
    now: () => (clock += 200),
    onReport: (report) => reports.push(report),
  });
  const started = performance.now();
  for (let offset = 0; offset < mic.length; offset += BLOCK)
    analyser.push(mic.subarray(offset, offset + BLOCK), room ? room.subarray(offset, offset + BLOCK) : null);
  const seconds = (performance.now() - started) / 1000;
  analyser.dispose();
  return { reports, seconds };
}

/** The warning after each report, as the app computes it live. */
function warnings(reports: readonly MicReport[]): (string | null)[] {
  return reports.map((report, i) => micWarning(reports.slice(Math.max(0, i - 40), i + 1))?.kind ?? null);
}

// Cost: 60 s of speech against 60 s of another voice as the room.
const length = 60 * RATE;
const mic = looped(speechA, length);
const room = looped(speechB, length);
let best = Number.POSITIVE_INFINITY;
for (let i = 0; i < RUNS; i += 1) best = Math.min(best, run(mic, room).seconds);
console.log(
  `cost: ${((best * 1000) / 60).toFixed(1)} ms of CPU per second of audio (${((best / 60) * 100).toFixed(2)} % of one core; best of ${RUNS} × 60 s)`,
);

// Warnings: speech for 5 s, then steady noise (the speaker stops talking, a fan runs) for 10 s.
const onset = 5 * RATE;
const noisy = new Float32Array(15 * RATE);
noisy.set(speechA.subarray(0, onset));
noisy.set(looped(readMono(fixtures.pinkNoise).samples, 10 * RATE), onset);
const noiseKinds = warnings(run(noisy, null).reports);
const noiseAt = noiseKinds.findIndex((kind, index) => kind === 'noise' && index >= 25);
console.log(`noise warning: ${noiseAt < 0 ? 'never' : `${((noiseAt + 1) * 0.2 - 5).toFixed(1)} s after the noise starts`}`);

// Echo: the speaker talks throughout; from 5 s on the room (another voice) comes back 120 ms late at half level.
const roomLate = new Float32Array(15 * RATE);
roomLate.set(looped(speechB, 10 * RATE), onset);
const echoing = mix(15 * RATE, [{ signal: looped(speechA, 15 * RATE) }, { signal: roomLate, gain: 0.5, delay: Math.round(0.12 * RATE) }]);
const echoKinds = warnings(run(echoing, roomLate).reports);
const echoAt = echoKinds.findIndex((kind) => kind === 'echo');
console.log(`echo warning: ${echoAt < 0 ? 'never' : `${((echoAt + 1) * 0.2 - 5).toFixed(1)} s after the echo starts`}`);

// False warnings: 60 s of speech (two voices taking turns) against an independent room.
const turns = mix(length, [{ signal: looped(speechA, length) }]);
for (let start = 0; start < length; start += 20 * RATE)
  turns.set(looped(speechB, 10 * RATE).subarray(0, Math.min(10 * RATE, length - start)), start);
const speechKinds = warnings(run(turns, looped(readMono(fixtures.music).samples, length)).reports);
const raised = speechKinds.filter((kind, index) => kind !== null && speechKinds[index - 1] === null).length;
console.log(`false warnings on 60 s of speech: ${raised} (${JSON.stringify([...new Set(speechKinds.filter((kind) => kind !== null))])})`);

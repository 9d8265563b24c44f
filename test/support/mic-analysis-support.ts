import { WavReader } from '../../electron/engine/audio/wav-reader';
import type { MicReport } from '../../electron/shared/mic-report';
import { MicAnalyser, type MicAnalysisDetail } from '../../renderer/audio/mic-analysis/mic-analyser';
import { loadVad } from '../../renderer/audio/mic-analysis/vad';

/*
 * Helpers of the microphone analysis tests and benchmark: fixtures as float arrays, signals mixed
 * and delayed, and a whole signal run through a MicAnalyser.
 */

/** A mono WAV file's samples (the first channel) and rate. */
export function readMono(path: string): { samples: Float32Array; sampleRate: number } {
  const reader = WavReader.open(path);
  const interleaved = reader.read(reader.info.frames);
  const channels = reader.info.channels;
  const samples = new Float32Array(reader.info.frames);
  for (let i = 0; i < samples.length; i += 1) samples[i] = interleaved[i * channels] ?? 0;
  return { samples, sampleRate: reader.info.sampleRate };
}

/** `signal` repeated (or cut) to `length` samples. */
export function looped(signal: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 1) out[i] = signal[i % signal.length] ?? 0;
  return out;
}

/** Sum of (signal × gain, delayed by `delay` samples, repeated as needed), `length` samples long. */
export function mix(length: number, parts: readonly { signal: Float32Array; gain?: number; delay?: number }[]): Float32Array {
  const out = new Float32Array(length);
  for (const { signal, gain = 1, delay = 0 } of parts) {
    for (let i = delay; i < length; i += 1) out[i] = (out[i] as number) + (signal[(i - delay) % signal.length] as number) * gain;
  }
  return out;
}

/** One report with what it was decided on. */
export type AnalysedReport = MicReport & { detail: MicAnalysisDetail };

/** Runs `mic` (and `room`) through a MicAnalyser in blocks of `block` samples; the clock advances 200 ms per report. */
export async function analyse(
  mic: Float32Array,
  room: Float32Array | null,
  { sampleRate = 48_000, block = 1024, startAt = 1_700_000_000_000 }: { sampleRate?: number; block?: number; startAt?: number } = {},
): Promise<AnalysedReport[]> {
  const vad = (await loadVad()).create(16_000, 3);
  const reports: AnalysedReport[] = [];
  let clock = startAt;
  const analyser = new MicAnalyser({
    sampleRate,
    vad,
    now: () => (clock += 200),
    onReport: (report) => reports.push({ ...report, detail: analyser.detail as MicAnalysisDetail }),
  });
  for (let offset = 0; offset < mic.length; offset += block) {
    analyser.push(mic.subarray(offset, offset + block), room ? room.subarray(offset, offset + block) : null);
  }
  analyser.dispose();
  return reports;
}

/** Share of `reports` for which `predicate` holds. */
export function shareOf<T>(reports: readonly T[], predicate: (report: T) => boolean): number {
  return reports.length === 0 ? 0 : reports.filter(predicate).length / reports.length;
}

/** Counts of each voice class, for failure messages. */
export function voices(reports: readonly MicReport[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const report of reports) counts[report.voice] = (counts[report.voice] ?? 0) + 1;
  return counts;
}

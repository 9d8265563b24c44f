import { LEVEL_FLOOR_DB, rmsDbfs } from './levels';
import { MIC_CLIPPING_PEAK_DBFS } from './mic-level-verdict';

/*
 * What a rehearsal recording says about the microphone, from its decoded samples: how loud the
 * talking was (the loud part, not the pauses), the loudest sample, and whether it clipped.
 */

/** The figures of one rehearsal take. */
export interface RehearsalFigures {
  durationMs: number;
  /** Loudest sample, dBFS. */
  peakDb: number;
  /** Level of the loud part (the 90th percentile of 50 ms blocks), dBFS: the talking, not the pauses. */
  talkDb: number;
  /** Share of clipped samples (at or above the clipping level every microphone check uses). */
  clippedShare: number;
}

const BLOCK_SECONDS = 0.05;
const CLIP = 10 ** (MIC_CLIPPING_PEAK_DBFS / 20);

/** Measures a take from its mono samples (pure). */
export function analyseRehearsal(samples: Float32Array, sampleRate: number): RehearsalFigures {
  let peak = 0;
  let clipped = 0;
  for (const sample of samples) {
    const magnitude = Math.abs(sample);
    if (magnitude > peak) peak = magnitude;
    if (magnitude >= CLIP) clipped += 1;
  }
  const blockLength = Math.max(1, Math.round(sampleRate * BLOCK_SECONDS));
  const blocks: number[] = [];
  for (let start = 0; start + blockLength <= samples.length; start += blockLength)
    blocks.push(rmsDbfs(samples.subarray(start, start + blockLength)));
  blocks.sort((a, b) => a - b);
  const talkDb =
    blocks.length === 0 ? LEVEL_FLOOR_DB : (blocks[Math.min(blocks.length - 1, Math.floor(blocks.length * 0.9))] ?? LEVEL_FLOOR_DB);
  return {
    durationMs: (samples.length / sampleRate) * 1000,
    peakDb: peak > 0 ? Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(peak)) : LEVEL_FLOOR_DB,
    talkDb,
    clippedShare: samples.length === 0 ? 0 : clipped / samples.length,
  };
}

/** Mixes a decoded recording's channels down to one (pure). */
export function mixDown(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (first === undefined) return new Float32Array(0);
  if (channels.length === 1) return first;
  const mixed = new Float32Array(first.length);
  for (const channel of channels)
    for (let index = 0; index < mixed.length; index += 1) mixed[index] = (mixed[index] ?? 0) + (channel[index] ?? 0) / channels.length;
  return mixed;
}

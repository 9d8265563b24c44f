/*
 * One judgement of a microphone's level — silent, too quiet, too loud or fine — for every place
 * that gives one: the Conversation panel's "Too loud" (mic-analysis/mic-warning.ts, from live
 * reports), the preflight's microphone line (the live level, or the rehearsal take) and its
 * rehearsal line. Same thresholds, same words, so they never disagree.
 */

/** A peak at or above this (dBFS) is clipped: the microphone distorts. */
export const MIC_CLIPPING_PEAK_DBFS = -0.5;
/** A take with more than this share of clipped samples is too loud. */
export const MIC_CLIPPED_SHARE = 0.001;
/** A peak below this (dBFS) is no sound at all. */
export const MIC_SILENT_PEAK_DB = -60;
/** Talking (the loud part of a take, dBFS) below this is too quiet for listeners. */
export const MIC_QUIET_TALK_DB = -40;

/** The verdict on a microphone's level. */
export type MicLevelVerdict = 'silent' | 'too-quiet' | 'too-loud' | 'ok';

/** What was measured: the loudest moment, and (from a recording) the talking level and the clipped share. */
export interface MicLevelFigures {
  peakDb: number;
  /** Null from a live meter, which has no talking level of its own. */
  talkDb: number | null;
  /** Share of clipped samples; null from a live meter (its peak alone says whether it clipped). */
  clippedShare: number | null;
}

/** True when one peak reading is clipped (a live report's peak, or a sample's level). */
export function isClippedPeak(peakDb: number): boolean {
  return peakDb >= MIC_CLIPPING_PEAK_DBFS;
}

/** Judges a microphone's level (pure). */
export function judgeMicLevel({ peakDb, talkDb, clippedShare }: MicLevelFigures): MicLevelVerdict {
  if (peakDb < MIC_SILENT_PEAK_DB) return 'silent';
  if (clippedShare === null ? isClippedPeak(peakDb) : clippedShare > MIC_CLIPPED_SHARE) return 'too-loud';
  if (talkDb !== null && talkDb < MIC_QUIET_TALK_DB) return 'too-quiet';
  return 'ok';
}

/** The verdict in words: a short heading and what to do. */
export const MIC_LEVEL_WORDS: Record<MicLevelVerdict, { heading: string; advice: string }> = {
  silent: { heading: 'No sound', advice: 'check that the right microphone is chosen and not muted' },
  'too-quiet': { heading: 'Too quiet', advice: 'move closer to the microphone or raise its input level' },
  'too-loud': { heading: 'Too loud', advice: 'move back from the microphone or turn its input level down' },
  ok: { heading: 'Good level', advice: 'the microphone picks up your voice at a good level' },
};

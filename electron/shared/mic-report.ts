import { z } from 'zod';

/*
 * A speaker's microphone report: what the app's own analysis (on the captured microphone, before
 * sending) says about it, several times a second. The speaker's app warns its user from it, and
 * it travels on the space channel so producers see every microphone in the room.
 */

/** How often a speaker's app sends its microphone report, per second. */
export const MIC_REPORTS_PER_SECOND = 5;

/** Floor of the dBFS scale: digital silence reads as this. */
export const SILENCE_DBFS = -160;

/** What the microphone is carrying, by the analysis of the last window. */
export const MicVoiceSchema = z.enum(['silence', 'speech', 'noise', 'music', 'typing']);
export type MicVoice = z.infer<typeof MicVoiceSchema>;

/** One microphone report (about 200 ms of microphone). */
export const MicReportSchema = z.strictObject({
  /** Sender's clock, ms since the epoch (ordering only: clocks differ between apps). */
  at: z.number(),
  /** RMS level over the window, dBFS. */
  levelDbfs: z.number().min(SILENCE_DBFS).max(0),
  /** Highest sample over the window, dBFS. */
  peakDbfs: z.number().min(SILENCE_DBFS).max(0),
  /** Classification of the window; `silence` below the gate. */
  voice: MicVoiceSchema,
  /** Speech probability from the voice activity detector, 0..1. */
  speechProbability: z.number().min(0).max(1),
  /** How much of the incoming room mix the microphone picks back up, 0 (none) .. 1 (all of it). */
  echoScore: z.number().min(0).max(1),
  /** Delay at which the room mix is found in the microphone, when the echo score is meaningful. */
  echoDelayMs: z.number().min(0).max(2000).nullable(),
});
export type MicReport = z.infer<typeof MicReportSchema>;

/*
 * Messages between the microphone analysis worklet (audio thread) and the page. Kept apart from
 * both so each side imports only the types, and the worklet bundle stays free of page code.
 */

/** Name the worklet registers its processor under. */
export const MIC_ANALYSIS_PROCESSOR = 'steadycast-mic-analysis';

/** Samples per block posted to the page (about 21 ms at 48 kHz). */
export const MIC_ANALYSIS_BLOCK = 1024;

/** Page → worklet. */
export type MicAnalysisCommand = { type: 'start' } | { type: 'stop' };

/** Worklet → page: the microphone and the room mix over the same render quanta (mono each). */
export interface MicAnalysisBlock {
  type: 'block';
  mic: Float32Array;
  /** Null while nothing feeds the room input. */
  room: Float32Array | null;
}

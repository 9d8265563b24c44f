/** The listen page's worklet processor name. */
export const LISTEN_PROCESSOR = 'steadycast-listen';

/** Page → worklet. */
export type PlayerCommand =
  /** Decoded audio, one Float32Array per channel, 48 kHz. */
  | { readonly type: 'audio'; readonly channels: Float32Array[] }
  /** A new connection: arrival offsets start over. */
  | { readonly type: 'discontinuity' }
  /** Drop everything buffered (Stop). */
  | { readonly type: 'flush' };

/** Worklet → page, about every 50 ms of graph time (posted from the audio thread, so a background tab's timer throttling does not slow it). */
export interface PlayerStats {
  readonly type: 'stats';
  readonly bufferedMs: number;
  readonly targetMs: number;
  /** Audio (not filler silence) played since the worklet started, in ms. */
  readonly playedMs: number;
  /** RMS of what was played in this period, dBFS (−Infinity for silence). */
  readonly levelDb: number;
  readonly underruns: number;
  /** Audio dropped to return to the live edge, in ms, since the start. */
  readonly droppedMs: number;
  readonly playing: boolean;
}

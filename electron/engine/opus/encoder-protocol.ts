import type { ProgramChainReading, ProgramLoudness } from '../loudness/program-chain';

/*
 * Messages between OpusEncoderService (engine thread) and its worker. One worker per encoder; the
 * worker handles messages strictly in order, so packets come back in the order frames went in and
 * a bitrate change applies from the next frame posted after it.
 */

/** The encoder's settings, fixed for the worker's life except the bitrate. */
export interface EncoderWorkerConfig {
  channels: 1 | 2;
  bitsPerSecond: number;
  complexity: number;
  vbr: boolean;
  frameSamples: number;
  /** The program chain run on every frame before it is encoded (leveller + true-peak limiter), or off. */
  loudness: ProgramLoudness;
}

/** Frames between two loudness readings sent back with a packet (5 × 20 ms: ten a second). */
export const LOUDNESS_EVERY_FRAMES = 5;

/** Engine → worker. */
export type EncoderRequest =
  { type: 'encode'; id: number; samples: Float32Array } | { type: 'bitrate'; bitsPerSecond: number } | { type: 'close' };

/** Worker → engine. */
export type EncoderReply =
  | { type: 'ready'; lookaheadSamples: number; threadId: number; bitsPerSecond: number }
  | { type: 'packet'; id: number; data: Uint8Array; bitsPerSecond: number; loudness?: ProgramChainReading }
  | { type: 'failed'; id: number | null; message: string }
  | { type: 'closed' };

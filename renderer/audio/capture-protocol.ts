/*
 * Messages between the program capture worklet (audio thread) and the page. Kept apart from both
 * so each side imports only the types, and the worklet bundle stays free of page code.
 */

/** Name the worklet registers its processor under. */
export const PROGRAM_CAPTURE_PROCESSOR = 'steadycast-program-capture';

/**
 * Page → worklet. `sink` (sent before `start`) gives the worklet a port to post frames to instead
 * of its own: a worker that sends them to the engine (renderer/bridge/pcm-stream.ts). `stop`
 * forgets the sink.
 */
export type CaptureCommand = { type: 'start' } | { type: 'stop' } | { type: 'sink'; port: MessagePort };

/** Worklet → page (or → the sink's worker): one 20 ms stereo frame, interleaved, with the graph time of its first sample. */
export interface CapturedFrame {
  type: 'frame';
  samples: Float32Array;
  /** AudioContext time (s) of the frame's first sample. */
  contextTime: number;
}

import type { CapturedFrame } from '../shared/program-frames';

/*
 * Messages between the program capture worklet (audio thread) and the page. Kept apart from both
 * so each side imports only the types, and the worklet bundle stays free of page code.
 */

export type { CapturedFrame };

/** Name the worklet registers its processor under. */
export const PROGRAM_CAPTURE_PROCESSOR = 'steadycast-program-capture';

/**
 * Page → worklet. `sink` (sent before `start`) gives the worklet the port to post its frames to:
 * a worker that sends them to the engine (renderer/bridge/pcm-stream.ts); without one, frames are
 * dropped. `stop` forgets the sink.
 */
export type CaptureCommand = { type: 'start' } | { type: 'stop' } | { type: 'sink'; port: MessagePort };

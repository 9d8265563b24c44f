/*
 * Messages between the window and the program's sending worker (pcm-stream-worker.ts). The frames
 * themselves do not pass through the window: the capture worklet posts them straight to the
 * worker on a MessagePort of their own.
 */

/** Window → worker. */
export type PcmStreamCommand =
  | { type: 'open'; url: string; token: string }
  /** Send on this port to Electron's main process instead of a WebSocket (desktop app). */
  | { type: 'open-port'; port: MessagePort }
  /** The port the capture worklet posts its frames (CapturedFrame) to. */
  | { type: 'frames'; port: MessagePort }
  | { type: 'clock'; epochMsAtContextZero: number }
  | { type: 'close' };

/** Worker → window. */
export interface PcmStreamReport {
  type: 'status';
  status: PcmStreamStatus;
}

/** Where a sending worker's connection (or port) is, with its counters. */
export interface PcmStreamStatus {
  state: 'connecting' | 'authenticating' | 'sending' | 'refused' | 'closed';
  framesSent: number;
  framesDropped: number;
  /** Why it is not sending (the engine's words when it refused), else null. */
  detail: string | null;
}

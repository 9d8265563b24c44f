/*
 * The program's frames between the two sides that never import each other: renderer/audio (the
 * capture worklet makes them) and renderer/bridge (a worker sends them to the engine). Both take
 * these types from here; renderer/stores hands the bridge's stream to the audio side.
 *
 *   capture worklet ──CapturedFrame──► worker (bridge) ──PCM frame──► engine
 *                        (on ProgramFrameStream.port)      (a MessagePort to main, or an audio-only WebSocket)
 */

/** Worklet → sending worker: one 20 ms stereo frame, interleaved, with the graph time of its first sample. */
export interface CapturedFrame {
  type: 'frame';
  samples: Float32Array;
  /** AudioContext time (s) of the frame's first sample. */
  contextTime: number;
}

/** A sending worker's end as the audio side uses it: the worklet posts its frames to `port`. */
export interface ProgramFrameStream {
  /** Port the capture worklet posts its frames to (transferred to the worklet). */
  readonly port: MessagePort;
  /** Maps the graph's time to wall time (ms since the epoch at context time 0), for capture times. */
  setClock(epochMsAtContextZero: number): void;
  /** Stops sending and closes the connection. */
  close(): void;
}

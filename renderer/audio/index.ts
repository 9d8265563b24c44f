/*
 * The renderer's media layer, usable without any UI (an end-to-end test page can import this
 * module alone): microphone, room peer connection, program mix and its capture worklet.
 */
export { StereoFrameChunker, interleaveInto } from './frame-chunker';
export { PROGRAM_CAPTURE_PROCESSOR, type CaptureCommand, type CapturedFrame } from './capture-protocol';
export type { ProgramFrameStream } from '../shared/program-frames';
export { LEVEL_FLOOR_DB, rmsDbfs } from './levels';
export {
  CHOSEN_MISSING_PROBLEM,
  Microphone,
  decideMicrophone,
  describeMicrophoneError,
  inputDevices,
  microphoneConstraints,
  type MediaDevicesLike,
  type MicrophoneDecision,
  type MicrophoneDevice,
  type MicrophoneListener,
  type MicrophoneSnapshot,
} from './microphone';
export {
  DISCONNECTED_GRACE_MS,
  GATHER_TIMEOUT_MS,
  RoomPeer,
  preferOpus,
  restartDelayMs,
  type RoomPeerOptions,
  type SignalOffer,
} from './room-peer';
export { ProgramMix, type ProgramMixOptions } from './program-mix';
export {
  BrowserConversationMedia,
  LEVEL_INTERVAL_MS,
  createBrowserConversationMedia,
  loadProgramCaptureWorkletUrl,
  type BrowserMediaOptions,
  type ConversationMedia,
  type ConversationMediaEvents,
  type ConversationMediaFactory,
} from './conversation-media';

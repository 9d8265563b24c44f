/*
 * Microphone analysis of a speaker's app (issue 6, point 2): level, voice class and echo score of
 * the captured microphone, as MicReports, and the speaker's own warning. Pure DSP modules run in
 * Node tests too; attach.ts wires them into a Web Audio graph.
 */
export {
  ANALYSIS_VAD_MODE,
  MicAnalysisLink,
  attachMicAnalysis,
  type AttachMicAnalysisOptions,
  type MicAnalysisHandle,
  type MicAnalysisTaps,
} from './attach';
export { ECHO_MAX_LAG_MS, ECHO_ROOM_GATE_DBFS, type EchoEstimate } from './echo';
export { LevelMeter, amplitudeToDbfs } from './level';
export { MicAnalyser, SILENCE_GATE_DBFS, type MicAnalyserOptions, type MicAnalysisDetail } from './mic-analyser';
export {
  CLIPPING_PEAK_DBFS,
  ECHO_WARNING_SCORE,
  MIC_WARNING_HISTORY_MS,
  MIC_WARNING_MESSAGES,
  WARNING_HOLD_MS,
  micWarning,
  type MicWarning,
  type MicWarningKind,
} from './mic-warning';
export { loadVad, type FvadMode, type VadFactory, type VoiceActivityDetector } from './vad';
export { FRAME_GATE_DBFS, VOICE_SAMPLE_RATE, type VoiceFeatures, type VoiceVerdict } from './voice';

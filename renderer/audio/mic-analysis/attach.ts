import type { MicReport } from '../../../electron/shared/mic-report';
import { MicAnalyser } from './mic-analyser';
import { MIC_ANALYSIS_PROCESSOR, type MicAnalysisBlock, type MicAnalysisCommand } from './protocol';
import { loadVad, type FvadMode, type VoiceActivityDetector } from './vad';
import { VOICE_SAMPLE_RATE } from './voice';

/*
 * The microphone analysis in a Web Audio graph: an AudioWorklet taps the microphone (as sent) and
 * the room mix (as played), posts aligned blocks to the page, and the page's MicAnalyser turns
 * them into a MicReport every 200 ms.
 *
 *   microphone ──► [mic analysis worklet, input 0]      (no outputs: nothing is played)
 *   room mix   ──► [mic analysis worklet, input 1]  ──port──► MicAnalyser ──► onReport
 */

/** libfvad's mode for the analysis: the most aggressive (fewest non-speech frames called speech). */
export const ANALYSIS_VAD_MODE: FvadMode = 3;

/** What {@link attachMicAnalysis} needs. */
export interface AttachMicAnalysisOptions {
  context: BaseAudioContext;
  /** The microphone as it is sent (after the browser's echo cancellation, before any send gain). */
  microphone: AudioNode;
  /** The room mix as this app plays it; null without a room (no echo score then). */
  room: AudioNode | null;
  onReport(report: MicReport): void;
  /** Report clock, ms since the epoch (default: the page's). */
  now?: () => number;
  /** URL of the worklet module (default: the bundled one, see worklet-url.ts). */
  workletUrl?: string;
  /** fvad.wasm's bytes (default: the bundled ones, see fvad-binary.ts). */
  wasmBinary?: () => Uint8Array;
}

/** A running analysis. */
export interface MicAnalysisHandle {
  /** False when libfvad could not load and the analysis runs on its own features alone. */
  readonly vadLoaded: boolean;
  /** Disconnects the tap and stops reporting. */
  stop(): void;
}

/** Starts analysing `microphone` against `room`; resolves once the tap runs. */
export async function attachMicAnalysis(options: AttachMicAnalysisOptions): Promise<MicAnalysisHandle> {
  const { context } = options;
  const workletUrl = options.workletUrl ?? (await import('./worklet-url')).micAnalysisWorkletUrl;
  const wasmBinary = options.wasmBinary ?? (await import('./fvad-binary')).fvadWasmBinary;
  const [vad] = await Promise.all([createVad(wasmBinary), context.audioWorklet.addModule(workletUrl)]);
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const analyser = new MicAnalyser({ sampleRate: context.sampleRate, vad, now, onReport: (report) => options.onReport(report) });
  const node = new AudioWorkletNode(context, MIC_ANALYSIS_PROCESSOR, {
    numberOfInputs: 2,
    numberOfOutputs: 0,
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
  });
  let stopped = false;
  node.port.onmessage = (event: MessageEvent<MicAnalysisBlock>) => {
    if (!stopped && event.data.type === 'block') analyser.push(event.data.mic, event.data.room);
  };
  options.microphone.connect(node, 0, 0);
  options.room?.connect(node, 0, 1);
  const start: MicAnalysisCommand = { type: 'start' };
  node.port.postMessage(start);
  return {
    vadLoaded: vad !== null,
    stop() {
      if (stopped) return;
      stopped = true;
      const stop: MicAnalysisCommand = { type: 'stop' };
      node.port.postMessage(stop);
      node.port.onmessage = null;
      safeDisconnect(options.microphone, node);
      if (options.room) safeDisconnect(options.room, node);
      analyser.dispose();
    },
  };
}

/** A detector at 16 kHz, or null when libfvad cannot load here (the features then decide alone). */
async function createVad(wasmBinary: () => Uint8Array): Promise<VoiceActivityDetector | null> {
  try {
    return (await loadVad({ wasmBinary })).create(VOICE_SAMPLE_RATE, ANALYSIS_VAD_MODE);
  } catch {
    return null;
  }
}

function safeDisconnect(source: AudioNode, destination: AudioNode): void {
  try {
    source.disconnect(destination);
  } catch {
    // Already disconnected (the graph was torn down first).
  }
}

/** The graph a {@link MicAnalysisLink} taps: the program mix exposes these. */
export interface MicAnalysisTaps {
  readonly audioContext: BaseAudioContext;
  readonly microphoneNode: AudioNode;
  readonly roomNode: AudioNode;
}

/**
 * The analysis as the media layer runs it: started when the microphone is open and the graph
 * exists, stopped when the microphone closes; `onReport(null)` says there is no report any more.
 * Failing to start is not fatal for the call: the analysis is advisory.
 */
export class MicAnalysisLink {
  private handle: MicAnalysisHandle | null = null;
  private starting: Promise<void> | null = null;
  private generation = 0;

  constructor(
    private readonly onReport: (report: MicReport | null) => void,
    private readonly options: Pick<AttachMicAnalysisOptions, 'now' | 'workletUrl' | 'wasmBinary'> = {},
    /** How the analysis is attached (a test passes a fake; Web Audio is not in Node). */
    private readonly attach: (options: AttachMicAnalysisOptions) => Promise<MicAnalysisHandle> = attachMicAnalysis,
  ) {}

  /** True while reports flow (or are about to). */
  get running(): boolean {
    return this.handle !== null || this.starting !== null;
  }

  /** Starts on `taps` unless already running. */
  start(taps: MicAnalysisTaps): void {
    if (this.running) return;
    const generation = ++this.generation;
    this.starting = this.attach({
      ...this.options,
      context: taps.audioContext,
      microphone: taps.microphoneNode,
      room: taps.roomNode,
      onReport: (report) => {
        if (this.generation === generation) this.onReport(report);
      },
    }).then(
      (handle) => {
        this.starting = null;
        if (this.generation === generation) this.handle = handle;
        else handle.stop();
      },
      () => {
        if (this.generation === generation) this.starting = null;
      },
    );
  }

  /** Stops reporting; says so with `onReport(null)`. */
  stop(): void {
    const wasRunning = this.running;
    this.generation += 1;
    this.handle?.stop();
    this.handle = null;
    this.starting = null;
    if (wasRunning) this.onReport(null);
  }
}

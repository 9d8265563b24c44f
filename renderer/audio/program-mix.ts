import { PCM_SAMPLE_RATE } from '../../electron/shared/pcm-frame';
import type { ProgramFrameStream } from '../shared/program-frames';
import { PROGRAM_CAPTURE_PROCESSOR, type CaptureCommand } from './capture-protocol';
import { rmsDbfs } from './levels';

/*
 * The program as the audience hears it: the host's microphone plus the room mix from Janus, summed
 * in one Web Audio graph at 48 kHz (sample-accurate), captured by an AudioWorklet that posts 20 ms
 * stereo frames straight to a sending worker (a {@link ProgramFrameStream}, from renderer/bridge):
 * no frame passes through this page's main thread.
 *
 *   mic source ──► micTap ──► micGain (0 while muted) ──┐
 *                    └──► analyser (level meter)          ├──► capture worklet (no outputs: never played locally)
 *   room source ─► roomTap ─► roomGain ──────────────────┘
 *
 * The taps are unity gains that outlive each source (a new track makes a new source node), so the
 * microphone analysis (mic-analysis/) can stay connected to the microphone and the room mix.
 *
 * Nothing here reaches the speakers: the room plays through the peer's <audio> element, and the
 * host never hears their own microphone.
 */

/** What {@link ProgramMix.create} needs. */
export interface ProgramMixOptions {
  /** URL of the capture worklet module (see worklet-url.ts). */
  workletUrl: string;
  /** A context to use instead of a new one at 48 kHz (tests, or a page that owns its context). */
  context?: AudioContext;
  /** Wall time in ms, for the graph-to-wall clock mapping (default: the page's `performance.timeOrigin + now`). */
  now?: () => number;
}

/** How often the graph-to-wall clock mapping is refreshed while a stream feeds (the two clocks drift apart slowly). */
const CLOCK_REFRESH_MS = 5000;

/** Ramp for gain changes: fast enough to be "at once", slow enough not to click. */
const GAIN_RAMP_S = 0.005;

/** The program's Web Audio graph and its capture. */
export class ProgramMix {
  private readonly micTap: GainNode;
  private readonly roomTap: GainNode;
  private readonly micGain: GainNode;
  private readonly roomGain: GainNode;
  private readonly analyser: AnalyserNode;
  private readonly capture: AudioWorkletNode;
  private readonly levelBuffer: Float32Array<ArrayBuffer>;
  private micSource: MediaStreamAudioSourceNode | null = null;
  private roomSource: MediaStreamAudioSourceNode | null = null;
  private feeding = false;
  private stream: ProgramFrameStream | null = null;
  private clockTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  private constructor(
    private readonly context: AudioContext,
    private readonly options: ProgramMixOptions,
    private readonly ownsContext: boolean,
  ) {
    this.micTap = new GainNode(context, { gain: 1 });
    this.roomTap = new GainNode(context, { gain: 1 });
    this.micGain = new GainNode(context, { gain: 1 });
    this.roomGain = new GainNode(context, { gain: 1 });
    this.analyser = new AnalyserNode(context, { fftSize: 2048, smoothingTimeConstant: 0 });
    this.micTap.connect(this.micGain);
    this.micTap.connect(this.analyser);
    this.roomTap.connect(this.roomGain);
    this.levelBuffer = new Float32Array(this.analyser.fftSize);
    this.capture = new AudioWorkletNode(context, PROGRAM_CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      // No outputs: Chromium pulls such a node by itself, and nothing of the program is played here.
      numberOfOutputs: 0,
      channelCount: 2,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
    this.micGain.connect(this.capture);
    this.roomGain.connect(this.capture);
  }

  /** Builds the graph on a 48 kHz context and loads the capture worklet. */
  static async create(options: ProgramMixOptions): Promise<ProgramMix> {
    const context = options.context ?? new AudioContext({ sampleRate: PCM_SAMPLE_RATE, latencyHint: 'interactive' });
    if (context.sampleRate !== PCM_SAMPLE_RATE) {
      if (!options.context) await context.close();
      throw new Error(`the audio system runs at ${context.sampleRate} Hz, and the program needs ${PCM_SAMPLE_RATE} Hz`);
    }
    try {
      await context.audioWorklet.addModule(options.workletUrl);
    } catch (error) {
      if (!options.context) await context.close();
      throw new Error(`the program capture could not load (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
    return new ProgramMix(context, options, !options.context);
  }

  /** The graph's context (e.g. to resume it after a user gesture). */
  get audioContext(): AudioContext {
    return this.context;
  }

  /** The microphone as sent to the room (before the program's mute gain): what the microphone analysis taps. */
  get microphoneNode(): AudioNode {
    return this.micTap;
  }

  /** The room mix as received (before the program's room gain): what the microphone analysis compares with. */
  get roomNode(): AudioNode {
    return this.roomTap;
  }

  /** True while frames are sent. */
  get isFeeding(): boolean {
    return this.feeding;
  }

  /** Uses `stream` as the microphone (null: none). Call again with each new track. */
  setMicrophone(stream: MediaStream | null): void {
    this.micSource?.disconnect();
    this.micSource = stream && stream.getAudioTracks().length > 0 ? this.context.createMediaStreamSource(stream) : null;
    this.micSource?.connect(this.micTap);
  }

  /** Uses `stream` as the room mix (null: none). The stream must also play in a media element (Chromium pulls remote audio only then). */
  setRoom(stream: MediaStream | null): void {
    this.roomSource?.disconnect();
    this.roomSource = stream && stream.getAudioTracks().length > 0 ? this.context.createMediaStreamSource(stream) : null;
    this.roomSource?.connect(this.roomTap);
  }

  /** Silences (or restores) the microphone in the program within a few ms. */
  setMicMuted(muted: boolean): void {
    setGain(this.micGain, muted ? 0 : 1, this.context.currentTime);
  }

  /** Sets the room's level in the program (1 = as received). */
  setRoomGain(gain: number): void {
    setGain(this.roomGain, gain, this.context.currentTime);
  }

  /** Starts sending frames to `stream`'s worker, which then belongs to the feed. Resumes the context if the browser suspended it. */
  async startFeed(stream: ProgramFrameStream): Promise<void> {
    if (this.closed || this.feeding) {
      if (stream !== this.stream) stream.close();
      return;
    }
    this.feeding = true;
    this.stream = stream;
    this.capture.port.postMessage({ type: 'sink', port: stream.port } satisfies CaptureCommand, [stream.port]);
    const refreshClock = (): void => stream.setClock(this.epochMsAtContextZero());
    refreshClock();
    this.clockTimer = setInterval(refreshClock, CLOCK_REFRESH_MS);
    this.post({ type: 'start' });
    if (this.context.state === 'suspended') await this.context.resume();
    // The clock read before a resume is stale by the time the context was suspended.
    stream.setClock(this.epochMsAtContextZero());
  }

  /** Stops sending frames (a partial frame is dropped) and closes the stream, if any. */
  stopFeed(): void {
    if (!this.feeding) return;
    this.feeding = false;
    this.post({ type: 'stop' });
    if (this.clockTimer !== null) clearInterval(this.clockTimer);
    this.clockTimer = null;
    this.stream?.close();
    this.stream = null;
  }

  /** The microphone's RMS level in dBFS (before the mute gain), or null without a microphone. */
  readMicLevelDb(): number | null {
    if (!this.micSource) return null;
    this.analyser.getFloatTimeDomainData(this.levelBuffer);
    return rmsDbfs(this.levelBuffer);
  }

  /** Tears the graph down; the context too when this mix created it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopFeed();
    this.closed = true;
    this.micSource?.disconnect();
    this.roomSource?.disconnect();
    this.capture.disconnect();
    if (this.ownsContext) await this.context.close();
  }

  /** Wall time (ms since the epoch) at graph time 0, from the page's clock and the graph's current time. */
  private epochMsAtContextZero(): number {
    const now = this.options.now?.() ?? performance.timeOrigin + performance.now();
    return now - this.context.currentTime * 1000;
  }

  private post(command: CaptureCommand): void {
    this.capture.port.postMessage(command);
  }
}

function setGain(node: GainNode, value: number, at: number): void {
  node.gain.cancelScheduledValues(at);
  node.gain.setValueAtTime(node.gain.value, at);
  node.gain.linearRampToValueAtTime(value, at + GAIN_RAMP_S);
}

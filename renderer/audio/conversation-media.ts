import type { MediaConnectionState } from '../../electron/shared/conversation';
import type { MicReport } from '../../electron/shared/mic-report';
import { MicAnalysisLink } from './mic-analysis/attach';
import { Microphone, type MediaDevicesLike, type MicrophoneSettingsChange, type MicrophoneSnapshot } from './microphone';
import type { ProgramFrameStream } from '../shared/program-frames';
import { ProgramMix } from './program-mix';
import { RoomPeer, type SignalOffer } from './room-peer';

/*
 * Everything audio a window does, behind one small interface the store drives: the microphone,
 * the peer connection to the room, and the program mix with its capture. The store never touches
 * a browser media API; tests give it a fake of {@link ConversationMedia}.
 */

/** What the media layer reports to the store. */
export interface ConversationMediaEvents {
  onMicrophone(snapshot: MicrophoneSnapshot): void;
  onMediaState(state: MediaConnectionState, detail: string | null): void;
  /** Microphone level in dBFS about ten times a second while the microphone is open; null once closed. */
  onMicLevel(levelDb: number | null): void;
  /** Microphone analysis (mic-analysis/): a report every 200 ms while the microphone is open; null once closed. */
  onMicReport?(report: MicReport | null): void;
}

/** The media side of the conversation and the program, as the store uses it. */
export interface ConversationMedia {
  /** Opens the microphone (when not yet open) and connects to the room with one offer/answer through `signal`. */
  connect(signal: SignalOffer): Promise<void>;
  /** Closes the room connection; the microphone stays open only while the program is fed. */
  disconnect(): void;
  /** True while a room connection exists. */
  readonly connected: boolean;
  /** Microphone on (room and program) or off: off disables the sent track and zeroes its program gain at once. */
  setMicLive(live: boolean): void;
  /** Chooses the microphone (null: system default); switches at once when it is open. */
  selectMicrophone(deviceId: string | null): Promise<void>;
  /** Lists the input devices (reported through `onMicrophone`). */
  refreshMicrophones(): Promise<void>;
  /** Applies saved microphone settings (device and/or processing); an open microphone opens again with them. */
  configureMicrophone(change: MicrophoneSettingsChange): Promise<void>;
  /** Opens the microphone if needed and sends the program (microphone + room) to `stream`'s worker; the feed owns the stream. */
  startProgramFeed(stream: ProgramFrameStream): Promise<void>;
  stopProgramFeed(): void;
  /** True while program frames are sent. */
  readonly feeding: boolean;
  /** Releases everything. */
  close(): Promise<void>;
}

/** Builds the media layer for one store. */
export type ConversationMediaFactory = (events: ConversationMediaEvents) => ConversationMedia;

/** Browser dependencies of {@link BrowserConversationMedia}; defaults are the page's. */
export interface BrowserMediaOptions {
  mediaDevices?: MediaDevicesLike;
  /** URL of the capture worklet; loaded on first use from worklet-url.ts by default. */
  workletUrl?: string;
  audioContext?: AudioContext;
  /** Where the room plays; a detached <audio> element by default. */
  audioElement?: HTMLAudioElement;
  createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
}

/** URL of the bundled capture worklet, loaded on first use (so plain Node tests never resolve the worklet import). */
export async function loadProgramCaptureWorkletUrl(): Promise<string> {
  return (await import('./worklet-url')).programCaptureWorkletUrl;
}

/** How often the microphone level is read for the meter. */
export const LEVEL_INTERVAL_MS = 100;

/** The real media layer: getUserMedia, RTCPeerConnection, Web Audio. */
export class BrowserConversationMedia implements ConversationMedia {
  private readonly microphone: Microphone;
  private peer: RoomPeer | null = null;
  private mix: ProgramMix | null = null;
  private mixPromise: Promise<ProgramMix | null> | null = null;
  private micLive = true;
  private levelTimer: ReturnType<typeof setInterval> | null = null;
  /** Microphone analysis on the microphone as sent, against the room mix (runs while the microphone is open and the mix exists). */
  private readonly micAnalysis: MicAnalysisLink;

  constructor(
    private readonly events: ConversationMediaEvents,
    private readonly options: BrowserMediaOptions = {},
  ) {
    this.micAnalysis = new MicAnalysisLink((report) => events.onMicReport?.(report));
    this.microphone = new Microphone(
      {
        onChange: (snapshot) => events.onMicrophone(snapshot),
        onTrack: (track, stream) => {
          track.enabled = this.micLive;
          this.mix?.setMicrophone(stream);
          this.startMicAnalysis();
          // replaceTrack keeps the same sender: no renegotiation, no rejoin.
          this.peer?.replaceTrack(track).catch((error: unknown) => {
            events.onMediaState(this.peer?.state ?? 'new', `Could not switch the microphone in the room (${describe(error)}).`);
          });
        },
      },
      options.mediaDevices,
    );
  }

  get connected(): boolean {
    return this.peer !== null;
  }

  get feeding(): boolean {
    return this.mix?.isFeeding ?? false;
  }

  async connect(signal: SignalOffer): Promise<void> {
    this.peer?.close();
    await this.openMicrophone();
    const mix = await this.ensureMix();
    this.startMicAnalysis();
    const peer = new RoomPeer(this.microphone.track, {
      signal,
      onState: (state, detail) => {
        if (this.peer === peer || state === 'closed') this.events.onMediaState(state, detail);
      },
      onRemoteStream: (stream) => {
        if (this.peer === peer || stream === null) this.mix?.setRoom(stream);
      },
      ...(this.options.audioElement ? { audioElement: this.options.audioElement } : {}),
      ...(this.options.createPeerConnection ? { createPeerConnection: this.options.createPeerConnection } : {}),
    });
    this.peer = peer;
    mix?.setMicMuted(!this.micLive);
    try {
      await peer.connect();
    } catch (error) {
      if (this.peer === peer) this.disconnect();
      throw error;
    }
  }

  disconnect(): void {
    const peer = this.peer;
    this.peer = null;
    peer?.close();
    this.mix?.setRoom(null);
    if (!this.feeding) this.releaseMicrophone();
  }

  setMicLive(live: boolean): void {
    this.micLive = live;
    const track = this.microphone.track;
    if (track) track.enabled = live;
    this.mix?.setMicMuted(!live);
  }

  selectMicrophone(deviceId: string | null): Promise<void> {
    return this.microphone.select(deviceId);
  }

  async refreshMicrophones(): Promise<void> {
    await this.microphone.listDevices();
  }

  configureMicrophone(change: MicrophoneSettingsChange): Promise<void> {
    return this.microphone.configure(change);
  }

  async startProgramFeed(stream: ProgramFrameStream): Promise<void> {
    try {
      await this.openMicrophone();
      const mix = await this.ensureMix();
      if (!mix) throw new Error('the program capture is not available in this window');
      this.startMicAnalysis();
      mix.setMicMuted(!this.micLive);
      await mix.startFeed(stream);
    } catch (error) {
      stream.close();
      throw error;
    }
  }

  stopProgramFeed(): void {
    this.mix?.stopFeed();
    if (!this.peer) this.releaseMicrophone();
  }

  async close(): Promise<void> {
    this.disconnect();
    this.stopProgramFeed();
    this.releaseMicrophone();
    const mix = this.mix ?? (await this.mixPromise);
    this.mix = null;
    this.mixPromise = null;
    await mix?.close();
  }

  private async openMicrophone(): Promise<void> {
    await this.microphone.start();
    const stream = this.microphone.mediaStream;
    if (stream) this.mix?.setMicrophone(stream);
    this.startLevels();
  }

  private releaseMicrophone(): void {
    this.micAnalysis.stop();
    this.microphone.stop();
    this.mix?.setMicrophone(null);
    this.stopLevels();
  }

  /** The program mix, built once; null (with the reason reported) when Web Audio cannot run it. */
  private ensureMix(): Promise<ProgramMix | null> {
    this.mixPromise ??= (async () => {
      try {
        const workletUrl = this.options.workletUrl ?? (await loadProgramCaptureWorkletUrl());
        const mix = await ProgramMix.create({
          workletUrl,
          ...(this.options.audioContext ? { context: this.options.audioContext } : {}),
        });
        this.mix = mix;
        const stream = this.microphone.mediaStream;
        if (stream) mix.setMicrophone(stream);
        const room = this.peer?.roomStream;
        if (room) mix.setRoom(room);
        mix.setMicMuted(!this.micLive);
        return mix;
      } catch (error) {
        this.mixPromise = null;
        this.events.onMediaState(this.peer?.state ?? 'new', `The program mix could not start: ${describe(error)}.`);
        return null;
      }
    })();
    return this.mixPromise;
  }

  private startMicAnalysis(): void {
    if (this.mix && this.microphone.mediaStream) this.micAnalysis.start(this.mix);
  }

  private startLevels(): void {
    if (this.levelTimer !== null) return;
    this.levelTimer = setInterval(() => this.events.onMicLevel(this.mix?.readMicLevelDb() ?? null), LEVEL_INTERVAL_MS);
  }

  private stopLevels(): void {
    if (this.levelTimer !== null) clearInterval(this.levelTimer);
    this.levelTimer = null;
    this.events.onMicLevel(null);
  }
}

/** The browser media layer as a {@link ConversationMediaFactory}. */
export const createBrowserConversationMedia: ConversationMediaFactory = (events) => new BrowserConversationMedia(events);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import type { MediaConnectionState, SessionDescription } from '../../electron/shared/conversation';

/*
 * One RTCPeerConnection per join: audio only, one sendrecv transceiver to the Janus AudioBridge.
 * Offers are non-trickle (every candidate inside, after gathering completes or a bounded wait),
 * because signalling is one `conversation:offer` round trip through the engine. The room mix
 * Janus sends back is the room minus this participant, so playing it never plays our own voice.
 *
 * ICE restart, a small state machine beside the connection's own:
 *
 *   stable ──'failed', or 'disconnected' for DISCONNECTED_GRACE_MS──► restarting ──answer applied──► stable
 *                                                                        │  ▲
 *                                                    signal failed ──────┘  └── retry after backoff (while not connected)
 */

/** Sends an offer through the engine and returns Janus's answer. */
export type SignalOffer = (offer: SessionDescription, iceRestart: boolean) => Promise<SessionDescription>;

/** What a {@link RoomPeer} needs; all but `signal` and `onState` have browser defaults. */
export interface RoomPeerOptions {
  signal: SignalOffer;
  /** Connection state changes, with a plain-language detail for restarts and failures. */
  onState(state: MediaConnectionState, detail: string | null): void;
  /** The room mix as it arrives (and null once closed), for the program mix. */
  onRemoteStream?(stream: MediaStream | null): void;
  createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
  /** Plays the room; a new detached <audio> element by default. */
  audioElement?: HTMLAudioElement | null;
  /** Timer with a cancel function (the store's `setTimer`). */
  setTimer?: (callback: () => void, ms: number) => () => void;
  gatherTimeoutMs?: number;
  disconnectedGraceMs?: number;
}

/** Longest wait for ICE gathering before the offer goes with the candidates found so far. */
export const GATHER_TIMEOUT_MS = 5000;
/** How long 'disconnected' may last before an ICE restart (it often recovers by itself). */
export const DISCONNECTED_GRACE_MS = 4000;
/** Backoff between failed restart attempts: 1 s, 2 s, 4 s … capped. */
export const RESTART_BACKOFF_MAX_MS = 15_000;

/** Delay before restart attempt `attempt` (1-based) after a failed one. */
export function restartDelayMs(attempt: number): number {
  return Math.min(RESTART_BACKOFF_MAX_MS, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** Codecs in preference order: Opus first, the rest (e.g. telephone-event) after, in their order. */
export function preferOpus<T extends { mimeType: string }>(codecs: readonly T[]): T[] {
  const isOpus = (codec: T): boolean => codec.mimeType.toLowerCase() === 'audio/opus';
  return [...codecs.filter(isOpus), ...codecs.filter((codec) => !isOpus(codec))];
}

const defaultSetTimer = (callback: () => void, ms: number): (() => void) => {
  const handle = setTimeout(callback, ms);
  return () => clearTimeout(handle);
};

/** The conversation's media link to Janus. */
export class RoomPeer {
  private readonly pc: RTCPeerConnection;
  private readonly transceiver: RTCRtpTransceiver;
  private readonly audio: HTMLAudioElement | null;
  private readonly setTimer: (callback: () => void, ms: number) => () => void;
  private readonly gatherTimeoutMs: number;
  private readonly disconnectedGraceMs: number;
  private remoteStream: MediaStream | null = null;
  private closed = false;
  private restarting = false;
  private restartAttempt = 0;
  private cancelTimer: (() => void) | null = null;

  constructor(
    track: MediaStreamTrack | null,
    private readonly options: RoomPeerOptions,
  ) {
    this.setTimer = options.setTimer ?? defaultSetTimer;
    this.gatherTimeoutMs = options.gatherTimeoutMs ?? GATHER_TIMEOUT_MS;
    this.disconnectedGraceMs = options.disconnectedGraceMs ?? DISCONNECTED_GRACE_MS;
    this.pc = (options.createPeerConnection ?? ((configuration) => new RTCPeerConnection(configuration)))({
      iceServers: [],
      bundlePolicy: 'max-bundle',
    });
    this.transceiver = this.pc.addTransceiver(track ?? 'audio', { direction: 'sendrecv' });
    this.preferOpus();
    this.audio = options.audioElement === undefined ? createAudioElement() : options.audioElement;
    this.pc.addEventListener('track', (event) => this.onTrack(event));
    this.pc.addEventListener('connectionstatechange', () => this.onConnectionState());
  }

  /** The connection's state now. */
  get state(): MediaConnectionState {
    return this.pc.connectionState;
  }

  /** The room mix, once it arrived. */
  get roomStream(): MediaStream | null {
    return this.remoteStream;
  }

  /** First offer/answer. Rejects when the engine refuses the offer or the answer does not apply. */
  async connect(): Promise<void> {
    this.report('connecting', null);
    const answer = await this.options.signal(await this.localOffer(false), false);
    if (this.closed) return;
    await this.pc.setRemoteDescription(answer);
  }

  /** Hands a new microphone track to the sender: no renegotiation (same kind, same codec). */
  async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    if (this.closed) return;
    await this.transceiver.sender.replaceTrack(track);
  }

  /** Restarts ICE now (a new offer with fresh credentials through the engine). */
  async restartIce(reason: string): Promise<void> {
    if (this.closed || this.restarting) return;
    this.clearTimer();
    this.restarting = true;
    this.restartAttempt += 1;
    this.report(this.pc.connectionState, `${reason} Reconnecting the audio (attempt ${this.restartAttempt}).`);
    try {
      const offer = await this.localOffer(true);
      const answer = await this.options.signal(offer, true);
      if (this.closed) return;
      await this.pc.setRemoteDescription(answer);
    } catch (error) {
      if (this.closed) return;
      if (this.pc.signalingState === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
      const delay = restartDelayMs(this.restartAttempt);
      this.report(
        this.pc.connectionState,
        `Could not reconnect the audio (${describe(error)}). Trying again in ${Math.ceil(delay / 1000)} s.`,
      );
      this.schedule(() => void this.restartIce('The audio connection is still down.'), delay);
    } finally {
      this.restarting = false;
    }
  }

  /** Closes the connection and stops playing the room. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    this.pc.close();
    if (this.audio) {
      this.audio.pause();
      this.audio.srcObject = null;
    }
    this.remoteStream = null;
    this.options.onRemoteStream?.(null);
    this.report('closed', null);
  }

  private preferOpus(): void {
    // Not every runtime has these (older Electron, test fakes); Opus is the default codec anyway.
    const capabilities = typeof RTCRtpReceiver !== 'undefined' ? RTCRtpReceiver.getCapabilities?.('audio') : null;
    if (!capabilities || typeof this.transceiver.setCodecPreferences !== 'function') return;
    try {
      this.transceiver.setCodecPreferences(preferOpus(capabilities.codecs));
    } catch {
      // An implementation that rejects the list keeps its own order, which offers Opus first too.
    }
  }

  /** Creates and applies an offer, then waits for ICE gathering (bounded) so it carries every candidate. */
  private async localOffer(iceRestart: boolean): Promise<SessionDescription> {
    await this.pc.setLocalDescription(await this.pc.createOffer({ iceRestart }));
    await this.gathered();
    const local = this.pc.localDescription;
    if (!local) throw new Error('the browser made no offer');
    return { type: 'offer', sdp: local.sdp };
  }

  private gathered(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        cancel();
        this.pc.removeEventListener('icegatheringstatechange', onChange);
        resolve();
      };
      const onChange = (): void => {
        if (this.pc.iceGatheringState === 'complete') done();
      };
      // Past the bound the offer goes with what was found: a slow STUN/TURN server must not block the join.
      const cancel = this.setTimer(done, this.gatherTimeoutMs);
      this.pc.addEventListener('icegatheringstatechange', onChange);
    });
  }

  private onTrack(event: RTCTrackEvent): void {
    const stream = event.streams[0] ?? new MediaStream([event.track]);
    this.remoteStream = stream;
    if (this.audio) {
      this.audio.srcObject = stream;
      this.audio.play().catch((error: unknown) => {
        this.report(
          this.pc.connectionState,
          `The room audio cannot play yet (${describe(error)}). Click anywhere in the window to hear the room.`,
        );
      });
    }
    this.options.onRemoteStream?.(stream);
  }

  private onConnectionState(): void {
    if (this.closed) return;
    const state = this.pc.connectionState;
    switch (state) {
      case 'connected':
        this.clearTimer();
        this.restartAttempt = 0;
        this.report(state, null);
        return;
      case 'disconnected':
        this.report(state, 'The audio connection is interrupted; waiting for it to recover.');
        if (!this.cancelTimer && !this.restarting)
          this.schedule(() => void this.restartIce('The audio connection did not recover.'), this.disconnectedGraceMs);
        return;
      case 'failed':
        this.report(state, 'The audio connection failed.');
        // The first restart goes at once; after a restart that did not hold, back off.
        if (this.restartAttempt === 0) void this.restartIce('The audio connection failed.');
        else if (!this.cancelTimer && !this.restarting)
          this.schedule(() => void this.restartIce('The audio connection failed again.'), restartDelayMs(this.restartAttempt));
        return;
      case 'new':
      case 'connecting':
      case 'closed':
        this.report(state, null);
        return;
    }
  }

  private schedule(callback: () => void, ms: number): void {
    this.clearTimer();
    this.cancelTimer = this.setTimer(() => {
      this.cancelTimer = null;
      if (!this.closed && this.pc.connectionState !== 'connected') callback();
    }, ms);
  }

  private clearTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  private report(state: MediaConnectionState, detail: string | null): void {
    this.options.onState(state, detail);
  }
}

function createAudioElement(): HTMLAudioElement {
  const audio = new Audio();
  audio.autoplay = true;
  return audio;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

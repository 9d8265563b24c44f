import { encodePcmFrame, PCM_SAMPLE_RATE } from '../../electron/shared/pcm-frame';
import type { ClientMessage, ServerMessage } from '../../electron/shared/wire';
import type { BridgeSocket, SocketFactory } from './browser-socket';
import type { PcmStreamStatus } from './pcm-stream-protocol';

export type { PcmStreamStatus };

/*
 * The program's own connection to the engine: 20 ms PCM frames from the capture worklet, encoded
 * and sent on a WebSocket authenticated with `purpose: 'audio'`. It runs in a Worker
 * (pcm-stream-worker.ts), so a frame waits for nothing the window's main thread does: React
 * renders, meters, a long garbage collection. Measured on this project's 2-core machines, the
 * main-thread path delayed frames by 60–700 ms (median) and up to 1.5 s.
 *
 *   (start) ─► connecting ─ open: auth ─► authenticating ─ ok ─► sending
 *                  ▲                            │ refused            │ close
 *                  └──── retry timer ◄──────────┴────────────────────┘ (wrong token: stop)
 *
 * Frames are dropped, never queued without bound, while not sending or when the socket's buffer
 * holds more than about 2.7 s of audio: the program stays live rather than falling behind.
 */

/** Above this much unsent data, frames are dropped (≈ 2.7 s of 48 kHz stereo). */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Delay between reconnection attempts. */
export const RETRY_MS = 1000;

/** What a {@link PcmStreamSender} needs. */
export interface PcmStreamSenderOptions {
  url: string;
  token: string;
  createSocket: SocketFactory;
  /** Runs `callback` after `ms`; returns the cancel function. */
  setTimer(callback: () => void, ms: number): () => void;
  /** Says when the state or the counters change (the worker forwards it to the window). */
  onStatus?(status: PcmStreamStatus): void;
}

/** Sends captured frames to the engine on an audio-only bridge connection. */
export class PcmStreamSender {
  private socket: BridgeSocket | null = null;
  private status: PcmStreamStatus = { state: 'connecting', framesSent: 0, framesDropped: 0, detail: null };
  private sequence = 0;
  /** Wall time (ms since the epoch) of audio-context time 0; null until the window says. */
  private epochMsAtContextZero: number | null = null;
  private cancelRetry: (() => void) | null = null;
  private generation = 0;

  constructor(private readonly options: PcmStreamSenderOptions) {
    this.connect();
  }

  /** The current state and counters. */
  get current(): PcmStreamStatus {
    return this.status;
  }

  /** Maps audio-context time to wall time, for each frame's capture time. */
  setClock(epochMsAtContextZero: number): void {
    if (Number.isFinite(epochMsAtContextZero)) this.epochMsAtContextZero = epochMsAtContextZero;
  }

  /** Sends one interleaved stereo frame captured at `contextTime` (s); false when it was dropped. */
  sendFrame(samples: Float32Array, contextTime: number): boolean {
    const socket = this.socket;
    if (
      this.status.state !== 'sending' ||
      !socket?.isOpen ||
      socket.bufferedAmount > MAX_BUFFERED_BYTES ||
      this.epochMsAtContextZero === null
    ) {
      this.update({ framesDropped: this.status.framesDropped + 1 });
      return false;
    }
    const captureTime = this.epochMsAtContextZero + contextTime * 1000;
    socket.send(encodePcmFrame({ channels: 2, sampleRate: PCM_SAMPLE_RATE, sequence: this.sequence, captureTime, samples }));
    this.sequence = (this.sequence + 1) >>> 0;
    this.status = { ...this.status, framesSent: this.status.framesSent + 1 };
    return true;
  }

  /** Closes the connection for good. */
  close(): void {
    this.generation += 1;
    this.cancelRetry?.();
    this.cancelRetry = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'program feed stopped');
    this.update({ state: 'closed', detail: null });
  }

  private connect(): void {
    this.cancelRetry = null;
    const attempt = ++this.generation;
    const current = (): boolean => attempt === this.generation;
    this.update({ state: 'connecting' });
    try {
      this.socket = this.options.createSocket(this.options.url, {
        open: () => {
          if (!current()) return;
          this.update({ state: 'authenticating' });
          this.socket?.send(JSON.stringify({ type: 'auth', token: this.options.token, purpose: 'audio' } satisfies ClientMessage));
        },
        message: (data) => {
          if (current()) this.onMessage(data);
        },
        close: (code, reason) => {
          if (current()) this.onClose(`the connection closed (${code}${reason ? `: ${reason}` : ''})`);
        },
      });
    } catch (error) {
      this.onClose(error instanceof Error ? error.message : String(error));
    }
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const result = readAuthResult(json);
    if (!result) return;
    if (result.ok) {
      this.update({ state: 'sending', detail: null });
      return;
    }
    // A wrong token does not get better by retrying.
    this.generation += 1;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'access token refused');
    this.update({ state: 'refused', detail: result.message ?? 'The engine refused the access token.' });
  }

  private onClose(detail: string): void {
    this.socket = null;
    if (this.status.state === 'refused' || this.status.state === 'closed') return;
    this.update({ state: 'connecting', detail });
    this.cancelRetry = this.options.setTimer(() => this.connect(), RETRY_MS);
  }

  private update(change: Partial<PcmStreamStatus>): void {
    const next = { ...this.status, ...change };
    const changed = next.state !== this.status.state || next.detail !== this.status.detail;
    this.status = next;
    // Counters alone change 50 times a second: report them with the next change of state, or when asked.
    if (changed) this.options.onStatus?.(next);
  }
}

type AuthResult = Extract<ServerMessage, { type: 'auth-result' }>;

/**
 * The engine's `auth-result`, read by hand: the only message an audio-only connection gets.
 * The contract's zod schemas would bring the whole contract into the worker's bundle.
 */
function readAuthResult(json: unknown): { ok: boolean; message: string | null } | null {
  if (typeof json !== 'object' || json === null) return null;
  const message = json as Partial<Record<keyof AuthResult, unknown>>;
  if (message.type !== 'auth-result' || typeof message.ok !== 'boolean') return null;
  const error = message.error as { message?: unknown } | undefined;
  return { ok: message.ok, message: typeof error?.message === 'string' ? error.message : null };
}

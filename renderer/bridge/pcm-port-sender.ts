import { encodePcmFrame, PCM_SAMPLE_RATE } from '../../electron/shared/pcm-frame';
import type { PcmStreamStatus } from './pcm-stream-protocol';

/*
 * The desktop app's program path: the sending worker writes each encoded 20 ms frame to a
 * MessagePort whose other end is Electron's main process (handed over through the preload), so
 * no frame waits for the window's main thread. The WebSocket path is PcmStreamSender. There is no
 * authentication step: main sender-checked the window that handed it the port. A port has no
 * buffered-amount signal; main reads it on its own event loop, as it read the PCM IPC channel.
 */

/** The worker's end of the program port, as far as the sender uses it. */
export interface ProgramPort {
  postMessage(message: ArrayBuffer): void;
  close(): void;
}

/** What a {@link PcmPortSender} needs. */
export interface PcmPortSenderOptions {
  port: ProgramPort;
  /** Says when the state changes (the worker forwards it to the window). */
  onStatus?(status: PcmStreamStatus): void;
}

/** Sends captured frames to Electron's main process on a MessagePort. */
export class PcmPortSender {
  private status: PcmStreamStatus = { state: 'sending', framesSent: 0, framesDropped: 0, detail: null };
  private sequence = 0;
  /** Wall time (ms since the epoch) of audio-context time 0; null until the window says. */
  private epochMsAtContextZero: number | null = null;

  constructor(private readonly options: PcmPortSenderOptions) {
    options.onStatus?.(this.status);
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
    if (this.status.state !== 'sending' || this.epochMsAtContextZero === null) {
      this.status = { ...this.status, framesDropped: this.status.framesDropped + 1 };
      return false;
    }
    const captureTime = this.epochMsAtContextZero + contextTime * 1000;
    // Copied, not transferred: main's MessagePortMain takes only ports in its transfer list.
    this.options.port.postMessage(
      encodePcmFrame({ channels: 2, sampleRate: PCM_SAMPLE_RATE, sequence: this.sequence, captureTime, samples }),
    );
    this.sequence = (this.sequence + 1) >>> 0;
    this.status = { ...this.status, framesSent: this.status.framesSent + 1 };
    return true;
  }

  /** Closes the port for good (main sees its end close). */
  close(): void {
    if (this.status.state === 'closed') return;
    this.options.port.close();
    this.status = { ...this.status, state: 'closed', detail: null };
    this.options.onStatus?.(this.status);
  }
}

import type { SteadycastApi } from '../../electron/shared/bridge';
import type { ProgramFrameStream } from '../audio/program-mix';
import type { PcmStreamCommand, PcmStreamReport } from './pcm-stream-protocol';
import type { PcmStreamStatus } from './pcm-stream-sender';

/*
 * The window's side of the program's sending worker (pcm-stream-worker.ts): starts the worker,
 * gives it the bridge address and token, and hands out the port the capture worklet posts its
 * frames to. Frames go worklet → worker → engine; this thread only keeps the clock mapping fresh.
 */

/** A bridge binding that can send the program from a worker (the WebSocket binding). */
export interface PcmStreamOpener {
  /** Opens a new stream; null when this binding cannot (no access token). */
  openPcmStream(): ProgramFrameStream | null;
}

/** Whether `api` can send the program from a worker. */
export function canOpenPcmStream(api: SteadycastApi): api is SteadycastApi & PcmStreamOpener {
  return typeof (api as Partial<PcmStreamOpener>).openPcmStream === 'function';
}

/** What {@link startPcmStream} needs. */
export interface PcmStreamOptions {
  /** The bridge's WebSocket URL. */
  url: string;
  token: string;
  /** Told when the worker's connection changes state. */
  onStatus?(status: PcmStreamStatus): void;
}

/** Starts a sending worker and its connection to the engine. */
export function startPcmStream(options: PcmStreamOptions): ProgramFrameStream {
  const worker = new Worker(new URL('./pcm-stream-worker.ts', import.meta.url), { type: 'module', name: 'steadycast-program-feed' });
  const post = (command: PcmStreamCommand, transfer: Transferable[] = []): void => worker.postMessage(command, transfer);
  worker.onmessage = (event: MessageEvent<PcmStreamReport>) => {
    if (event.data.type === 'status') options.onStatus?.(event.data.status);
  };
  const channel = new MessageChannel();
  post({ type: 'open', url: options.url, token: options.token });
  post({ type: 'frames', port: channel.port2 }, [channel.port2]);
  let closed = false;
  return {
    port: channel.port1,
    setClock(epochMsAtContextZero) {
      if (!closed) post({ type: 'clock', epochMsAtContextZero });
    },
    close() {
      if (closed) return;
      closed = true;
      // The worker closes its socket and itself; terminate() would cut the close handshake short.
      post({ type: 'close' });
    },
  };
}

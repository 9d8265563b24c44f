import { PROGRAM_PORT_MESSAGE } from '../../electron/shared/bridge';
import type { ProgramFrameStream } from '../shared/program-frames';
import type { PcmStreamCommand, PcmStreamReport, PcmStreamStatus } from './pcm-stream-protocol';

/*
 * The window's side of the program's sending worker (pcm-stream-worker.ts): starts the worker,
 * gives it the bridge address and token, and hands out the port the capture worklet posts its
 * frames to. Frames go worklet → worker → engine (on a WebSocket, or in the desktop app on a
 * MessagePort to the main process); this thread only keeps the clock mapping fresh.
 */

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
  return startWorker({ type: 'open', url: options.url, token: options.token }, [], (status) => options.onStatus?.(status));
}

/** What {@link startPcmPortStream} needs. */
export interface PcmPortStreamOptions {
  /** The worker's end of a channel whose other end goes to the main process. */
  port: MessagePort;
  /** Told when the worker's sender changes state. */
  onStatus?(status: PcmStreamStatus): void;
}

/** Starts a sending worker that writes frames to `port` (the desktop app's program path). */
export function startPcmPortStream(options: PcmPortStreamOptions): ProgramFrameStream {
  return startWorker({ type: 'open-port', port: options.port }, [options.port], (status) => options.onStatus?.(status));
}

/** The window, as far as {@link openIpcPcmStream} uses it. */
export interface PortPostingWindow {
  postMessage(message: unknown, targetOrigin: string, transfer: Transferable[]): void;
}

/**
 * The desktop app's `openPcmStream`: a MessageChannel whose one end goes to the preload (tagged
 * {@link PROGRAM_PORT_MESSAGE}, on this window only), which forwards it to the main process; the
 * other end goes to the sending worker. No frame passes through this thread.
 */
export function openIpcPcmStream(
  target: PortPostingWindow = window,
  start: typeof startPcmPortStream = startPcmPortStream,
): ProgramFrameStream {
  const channel = new MessageChannel();
  // '*' because a file:// page has an opaque origin; the message goes to this same window only.
  target.postMessage(PROGRAM_PORT_MESSAGE, '*', [channel.port2]);
  return start({ port: channel.port1 });
}

function startWorker(
  open: PcmStreamCommand,
  transfer: Transferable[],
  onStatus: ((status: PcmStreamStatus) => void) | undefined,
): ProgramFrameStream {
  const worker = new Worker(new URL('./pcm-stream-worker.ts', import.meta.url), { type: 'module', name: 'steadycast-program-feed' });
  const post = (command: PcmStreamCommand, list: Transferable[] = []): void => worker.postMessage(command, list);
  worker.onmessage = (event: MessageEvent<PcmStreamReport>) => {
    if (event.data.type === 'status') onStatus?.(event.data.status);
  };
  const channel = new MessageChannel();
  post(open, transfer);
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
      // The worker closes its socket (or port) and itself; terminate() would cut the close handshake short.
      post({ type: 'close' });
    },
  };
}

/*
 * The socket both WebSocket users take: the page's bridge (websocket-bridge.ts) and the program's
 * audio-only connection in its worker (pcm-stream-sender.ts). Kept apart and free of the contract,
 * so the worker's bundle holds no more than the socket it sends on.
 */

/** The few socket operations a sender needs; a browser WebSocket in the app, a fake in tests. */
export interface BridgeSocket {
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  readonly isOpen: boolean;
  readonly bufferedAmount: number;
}

/** What a socket reports back to its owner. */
export interface BridgeSocketHandlers {
  open(): void;
  message(data: unknown): void;
  close(code: number, reason: string): void;
}

/** Opens a socket to `url`; must report through `handlers` asynchronously, like a WebSocket. */
export type SocketFactory = (url: string, handlers: BridgeSocketHandlers) => BridgeSocket;

/** `setTimeout` as a cancel function. */
export function defaultSetTimer(callback: () => void, ms: number): () => void {
  const handle = setTimeout(callback, ms);
  return () => clearTimeout(handle);
}

/** The browser WebSocket behind {@link BridgeSocket} (a page's or a worker's). */
export function openBrowserSocket(url: string, handlers: BridgeSocketHandlers): BridgeSocket {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => handlers.open();
  ws.onmessage = (event: MessageEvent<unknown>) => handlers.message(event.data);
  ws.onclose = (event) => handlers.close(event.code, event.reason);
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}

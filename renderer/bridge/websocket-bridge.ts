import { BridgeError, type SteadycastApi } from '../../electron/shared/bridge';
import {
  commandSchemas,
  parseEvent,
  type CommandChannel,
  type CommandPayload,
  type CommandResult,
  type EventChannel,
  type EventPayload,
} from '../../electron/shared/contract';
import {
  BRIDGE_PATH,
  MAX_TEXT_MESSAGE_BYTES,
  ServerMessageSchema,
  type ClientMessage,
  type ServerMessage,
} from '../../electron/shared/wire';
import { defaultSetTimer, openBrowserSocket, type BridgeSocket, type SocketFactory } from './browser-socket';
import type { ConnectionSource, ConnectionStatus } from './connection-status';
import { startPcmStream } from './pcm-stream';
import type { ProgramFrameStream } from '../shared/program-frames';
import { assertNever } from '../../electron/shared/assert-never';

/*
 * The WebSocket binding of the contract (headless mode, or a producer in a browser).
 *
 *            connect()                 open: send auth          auth-result ok
 *   (start) ──────────► connecting ───────────────────► (auth) ───────────────► connected
 *                          ▲   │ close                    │ refused                │ close
 *                          │   ▼                          ▼                        ▼
 *        backoff timer ────┴─ disconnected ◄──────────────┼──────────────── (pending calls rejected)
 *        or reconnect()        (retryAt)                  ▼
 *                                                   unauthorized (no automatic retry: a wrong
 *                                                   token does not get better by itself)
 *
 * Commands sent while connecting wait for authentication; commands sent while disconnected or
 * unauthorized are rejected at once, and every pending command is rejected when the socket closes,
 * so no caller waits forever. Events arrive only after auth, and each is validated with the contract.
 */

/** Options of {@link createWebSocketBridge}; the clock, randomness and socket are injectable for tests. */
export interface WebSocketBridgeOptions {
  url: string;
  /** Access token; null means the page was opened without one. */
  token: string | null;
  createSocket?: SocketFactory;
  /** Wall clock in ms, for `retryAt`. */
  now?: () => number;
  /** Uniform in [0, 1), for backoff jitter. */
  random?: () => number;
  /** Runs `callback` after `ms`; returns the cancel function. */
  setTimer?: (callback: () => void, ms: number) => () => void;
  /** First retry delay and the cap, in ms. */
  backoff?: { initialMs: number; maxMs: number };
  /** Starts the program's sending worker (default: a real Worker, see pcm-stream.ts). */
  startPcmStream?: typeof startPcmStream;
}

/** The WebSocket binding: the contract API plus its connection status. */
export interface WebSocketBridge extends SteadycastApi, ConnectionSource {
  /** Starts the program's sending worker on its own audio-only connection; null without an access token or once closed. */
  openPcmStream(): ProgramFrameStream | null;
  /** PCM frames dropped because the socket was not ready or its send buffer was full. */
  readonly pcmFramesDropped: number;
  /** Closes the socket for good and rejects pending calls. */
  close(): void;
}

/** Beyond this much unsent data, PCM frames are dropped rather than queued without bound (≈ 2.7 s of stereo). */
const MAX_PCM_BUFFERED_BYTES = 1024 * 1024;
const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 15_000 };
const NO_TOKEN_REASON =
  'This page was opened without an access token. Open the "Control room" link that the steadycast command printed at start; it ends with #token=….';

interface PendingCall {
  channel: CommandChannel;
  text: string;
  sent: boolean;
  resolve(result: unknown): void;
  reject(error: BridgeError): void;
}

/** The bridge address for the page at `location`: same host, `ws:` or `wss:` to match the page. */
export function bridgeUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${BRIDGE_PATH}`;
}

/** Creates the WebSocket binding and starts connecting. */
export function createWebSocketBridge(options: WebSocketBridgeOptions): WebSocketBridge {
  const createSocket = options.createSocket ?? openBrowserSocket;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const setTimer = options.setTimer ?? defaultSetTimer;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const { token } = options;

  const eventListeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const pending = new Map<string, PendingCall>();

  let status: ConnectionStatus = { status: 'connecting', attempt: 1 };
  let socket: BridgeSocket | null = null;
  let authenticated = false;
  let generation = 0;
  let failures = 0;
  let nextId = 1;
  let cancelRetry: (() => void) | null = null;
  let disposed = false;
  let pcmFramesDropped = 0;

  function setStatus(next: ConnectionStatus): void {
    status = next;
    for (const listener of [...statusListeners]) deliver(listener, next);
  }

  function connect(): void {
    cancelRetry?.();
    cancelRetry = null;
    if (!token) {
      setStatus({ status: 'unauthorized', reason: NO_TOKEN_REASON });
      return;
    }
    const attempt = ++generation;
    const isCurrent = (): boolean => attempt === generation && !disposed;
    authenticated = false;
    setStatus({ status: 'connecting', attempt: failures + 1 });
    try {
      socket = createSocket(options.url, {
        open: () => {
          if (isCurrent()) socket?.send(JSON.stringify({ type: 'auth', token } satisfies ClientMessage));
        },
        message: (data) => {
          if (isCurrent()) handleMessage(data);
        },
        close: (code, reason) => {
          if (isCurrent()) handleClose(code, reason);
        },
      });
    } catch (error) {
      // A malformed URL throws synchronously; treat it like a failed connection.
      handleClose(1006, error instanceof Error ? error.message : '');
    }
  }

  function handleMessage(data: unknown): void {
    // The engine sends only JSON text; binary and malformed messages are ignored.
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const message: ServerMessage = parsed.data;
    switch (message.type) {
      case 'auth-result':
        if (message.ok) {
          authenticated = true;
          failures = 0;
          setStatus({ status: 'connected' });
          for (const call of pending.values()) {
            if (!call.sent) {
              socket?.send(call.text);
              call.sent = true;
            }
          }
        } else {
          const reason = message.error?.message ?? 'The engine refused the access token.';
          setStatus({ status: 'unauthorized', reason });
          rejectAll(new BridgeError('unauthorized', reason));
          const current = socket;
          socket = null;
          generation++;
          current?.close(1000, 'access token refused');
        }
        return;
      case 'result': {
        const call = pending.get(message.id);
        if (!call) return;
        pending.delete(message.id);
        if (!message.reply.ok) {
          call.reject(new BridgeError(message.reply.error.code, message.reply.error.message));
          return;
        }
        const result = commandSchemas[call.channel].result.safeParse(message.reply.result);
        if (result.success) call.resolve(result.data);
        else
          call.reject(
            new BridgeError(
              'malformed-message',
              `The engine answered ${call.channel} with a result this UI does not understand; update the app.`,
            ),
          );
        return;
      }
      case 'event': {
        const event = parseEvent(message.channel, message.payload);
        if (!event) return;
        for (const listener of [...(eventListeners.get(event.channel) ?? [])]) deliver(listener, event.payload);
        return;
      }
      case 'error': {
        const call = message.inReplyTo === undefined ? undefined : pending.get(message.inReplyTo);
        if (call && message.inReplyTo !== undefined) {
          pending.delete(message.inReplyTo);
          call.reject(new BridgeError(message.error.code, message.error.message));
        }
        // Errors about no particular command (e.g. a rejected PCM frame) are also in the engine log.
        return;
      }
      default:
        assertNever(message);
    }
  }

  function handleClose(code: number, reason: string): void {
    const wasConnected = authenticated;
    socket = null;
    authenticated = false;
    const described = describeClose(code, reason, wasConnected);
    rejectAll(new BridgeError('disconnected', `${described} The command was not answered; try again once reconnected.`));
    if (disposed || status.status === 'unauthorized') return;
    failures += 1;
    const cap = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));
    // "Equal jitter": at least half the capped delay, so many UIs do not reconnect in lockstep.
    const delay = Math.round(cap / 2 + (random() * cap) / 2);
    setStatus({ status: 'disconnected', reason: described, retryAt: now() + delay });
    cancelRetry = setTimer(connect, delay);
  }

  function rejectAll(error: BridgeError): void {
    const calls = [...pending.values()];
    pending.clear();
    for (const call of calls) call.reject(error);
  }

  function invoke<C extends CommandChannel>(channel: C, payload: CommandPayload<C>): Promise<CommandResult<C>> {
    if (disposed) return Promise.reject(new BridgeError('disconnected', 'The bridge was closed.'));
    if (status.status === 'unauthorized') return Promise.reject(new BridgeError('unauthorized', status.reason));
    if (status.status === 'disconnected') {
      return Promise.reject(new BridgeError('disconnected', `Not connected to the engine: ${status.reason} Reconnecting automatically.`));
    }
    const id = String(nextId++);
    const text = JSON.stringify({ type: 'command', id, channel, payload } satisfies ClientMessage);
    if (new TextEncoder().encode(text).byteLength > MAX_TEXT_MESSAGE_BYTES) {
      return Promise.reject(
        new BridgeError('message-too-large', `The ${channel} command is larger than the bridge allows (${MAX_TEXT_MESSAGE_BYTES} bytes).`),
      );
    }
    return new Promise<CommandResult<C>>((resolve, reject) => {
      const call: PendingCall = { channel, text, sent: false, resolve: (result) => resolve(result as CommandResult<C>), reject };
      pending.set(id, call);
      if (authenticated && socket) {
        socket.send(text);
        call.sent = true;
      }
    });
  }

  function on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
    const untyped = listener as (payload: unknown) => void;
    let listeners = eventListeners.get(channel);
    if (!listeners) {
      listeners = new Set();
      eventListeners.set(channel, listeners);
    }
    listeners.add(untyped);
    return () => {
      eventListeners.get(channel)?.delete(untyped);
    };
  }

  function sendPcm(frame: ArrayBuffer): void {
    if (!authenticated || !socket?.isOpen || socket.bufferedAmount > MAX_PCM_BUFFERED_BYTES) {
      pcmFramesDropped++;
      return;
    }
    socket.send(frame);
  }

  connect();

  return {
    invoke,
    on,
    sendPcm,
    openPcmStream() {
      if (!token || disposed) return null;
      return (options.startPcmStream ?? startPcmStream)({ url: options.url, token });
    },
    get pcmFramesDropped() {
      return pcmFramesDropped;
    },
    current: () => status,
    subscribe(listener) {
      statusListeners.add(listener);
      return () => {
        statusListeners.delete(listener);
      };
    },
    reconnect() {
      if (disposed || status.status === 'connected' || status.status === 'connecting') return;
      failures = 0;
      connect();
    },
    close() {
      if (disposed) return;
      disposed = true;
      cancelRetry?.();
      cancelRetry = null;
      const current = socket;
      socket = null;
      current?.close(1000, 'closed by the UI');
      rejectAll(new BridgeError('disconnected', 'The bridge was closed.'));
      setStatus({ status: 'disconnected', reason: 'Closed by the UI.', retryAt: null });
    },
  };
}

/** A plain-language reason for a closed socket. */
function describeClose(code: number, reason: string, wasConnected: boolean): string {
  const detail = reason ? ` (${reason})` : '';
  switch (code) {
    case 1000:
    case 1001:
      return `The engine closed the connection${detail}.`;
    case 1008:
      return `The engine refused the connection${detail}.`;
    case 1009:
      return `The engine closed the connection because a message was too large${detail}.`;
    default:
      return wasConnected
        ? `Lost the connection to the engine${detail}.`
        : `Cannot reach the engine${detail}. Check that the steadycast command is still running.`;
  }
}

/** Hands a value to a listener; a throwing listener must not stop the others, so its error is rethrown later. */
function deliver<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

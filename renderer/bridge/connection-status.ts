/**
 * How a UI is connected to the engine, as the bridge sees it.
 * `connecting` covers opening the socket and authenticating; `unauthorized` is not retried
 * automatically (the token will not get better); `disconnected` says when the next attempt is.
 */
export type ConnectionStatus =
  | { status: 'connecting'; attempt: number }
  | { status: 'connected' }
  | { status: 'unauthorized'; reason: string }
  | { status: 'disconnected'; reason: string; retryAt: number | null };

/** A readable, subscribable connection status with an optional "try now". */
export interface ConnectionSource {
  /** The status right now. */
  current(): ConnectionStatus;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (status: ConnectionStatus) => void): () => void;
  /** Skips the backoff wait and tries to connect now (no-op when connected). */
  reconnect(): void;
}

/** A connection that never changes, e.g. Electron IPC, which is up as long as the window is. */
export function constantConnection(status: ConnectionStatus): ConnectionSource {
  return {
    current: () => status,
    subscribe: () => () => undefined,
    reconnect: () => undefined,
  };
}

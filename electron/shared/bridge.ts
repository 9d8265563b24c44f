import type { BridgeErrorCode, CommandChannel, CommandPayload, CommandResult, EventChannel, EventPayload } from './contract';

/** IPC channel names of the Electron binding, besides one per command and event of the contract. */
export const IPC_PCM_CHANNEL = 'audio:pcm';

/**
 * The API a UI sees, on every binding. In the desktop app the preload exposes exactly this as
 * `window.steadycast`; in a browser the WebSocket binding implements it.
 */
export interface SteadycastApi {
  /** Sends a command; resolves with its result or rejects with a {@link BridgeError}. */
  invoke<C extends CommandChannel>(channel: C, payload: CommandPayload<C>): Promise<CommandResult<C>>;
  /** Listens to one event channel; returns the unsubscribe function. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Sends one encoded PCM frame (see pcm-frame.ts) on the binary channel. */
  sendPcm(frame: ArrayBuffer): void;
}

/** An expected failure of a bridge call, with a code the UI can act on. */
export class BridgeError extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

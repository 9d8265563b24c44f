import type { BridgeErrorCode, CommandChannel, CommandPayload, CommandReply, CommandResult, EventChannel, EventPayload } from './contract';

/** IPC channel names of the Electron binding, besides one per command and event of the contract. */
export const IPC_PCM_CHANNEL = 'audio:pcm';
/**
 * IPC channel on which the preload hands main the port the program's worker sends its PCM frames
 * on (one encoded frame per message), so no frame crosses the window's main thread.
 */
export const IPC_PROGRAM_PORT_CHANNEL = 'audio:program-port';
/** Tag of the window message with which the page hands the preload that port (`window.postMessage`). */
export const PROGRAM_PORT_MESSAGE = 'steadycast:program-port';

/**
 * The API a UI sees, on every binding. In a browser the WebSocket binding implements it; in the
 * desktop app the renderer builds it from `window.steadycast` with {@link apiFromReplies}.
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

/**
 * What the preload exposes as `window.steadycast`. Commands resolve with the {@link CommandReply}
 * itself and never reject: contextBridge keeps only the message of a rejected error, so the code
 * a UI acts on must cross as plain data and become a {@link BridgeError} on the page's side.
 */
export interface SteadycastIpcApi {
  invoke(channel: CommandChannel, payload: unknown): Promise<CommandReply>;
  on: SteadycastApi['on'];
  sendPcm: SteadycastApi['sendPcm'];
}

/** Unwraps one reply into its result, or throws the {@link BridgeError} it carries. */
export function unwrapReply<C extends CommandChannel>(channel: C, reply: unknown): CommandResult<C> {
  if (isRecord(reply) && reply['ok'] === true && 'result' in reply) {
    // Replies come from the engine's dispatcher, which answers with the contract's result for `channel`.
    return reply['result'] as CommandResult<C>;
  }
  if (isRecord(reply) && reply['ok'] === false && isRecord(reply['error'])) {
    const { code, message } = reply['error'];
    if (typeof code === 'string' && typeof message === 'string') throw new BridgeError(code as BridgeErrorCode, message);
  }
  throw new BridgeError('malformed-message', `The engine's answer to ${channel} is not a command reply.`);
}

/** Builds the UI's {@link SteadycastApi} on a reply-returning binding (the preload's). */
export function apiFromReplies(ipc: SteadycastIpcApi): SteadycastApi {
  return {
    invoke: async (channel, payload) => unwrapReply(channel, await ipc.invoke(channel, payload)),
    on: (channel, listener) => ipc.on(channel, listener),
    sendPcm: (frame) => ipc.sendPcm(frame),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

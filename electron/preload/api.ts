import { BridgeError, IPC_PCM_CHANNEL, IPC_PROGRAM_PORT_CHANNEL, PROGRAM_PORT_MESSAGE, type SteadycastIpcApi } from '../shared/bridge';
import { COMMAND_CHANNELS, isCommandChannel, isEventChannel } from '../shared/channels';
import type { CommandChannel, CommandReply, EventChannel, EventPayload } from '../shared/contract';

/** `ipcRenderer`, as far as the preload uses it. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  postMessage(channel: string, message: unknown, transfer: MessagePort[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Builds `window.steadycast` on top of `ipcRenderer`: only the contract's channels, one payload per
 * command, replies passed through as plain data (see {@link SteadycastIpcApi} for why they never
 * reject), and listeners that get the payload alone (never the IPC event, which would hand the
 * page `ipcRenderer` itself). Zod-free on purpose: the main process validates every payload, and a
 * sandboxed preload stays small.
 */
export function buildSteadycastApi(ipc: IpcRendererLike): SteadycastIpcApi {
  async function invoke(channel: CommandChannel, payload: unknown): Promise<CommandReply> {
    if (!isCommandChannel(channel)) {
      return failure('unknown-channel', `Unknown command channel ${describe(channel)}. Known commands: ${COMMAND_CHANNELS.join(', ')}.`);
    }
    let reply: unknown;
    try {
      reply = await ipc.invoke(channel, payload);
    } catch (error) {
      return failure(
        'disconnected',
        `The engine did not answer ${channel} (${error instanceof Error ? error.message : String(error)}). Restart Steadycast.`,
      );
    }
    if (isObject(reply) && reply['ok'] === true && 'result' in reply) return { ok: true, result: reply['result'] };
    if (isObject(reply) && reply['ok'] === false && isObject(reply['error'])) {
      const { code, message } = reply['error'];
      if (typeof code === 'string' && typeof message === 'string') return reply as CommandReply;
    }
    return failure('malformed-message', `The engine's answer to ${channel} is not a command reply.`);
  }

  function on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
    if (!isEventChannel(channel)) throw new BridgeError('unknown-channel', `Unknown event channel ${describe(channel)}.`);
    if (typeof listener !== 'function') throw new BridgeError('invalid-payload', `The listener for ${channel} is not a function.`);
    const forward = (_event: unknown, payload: unknown): void => listener(payload as EventPayload<E>);
    ipc.on(channel, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, forward);
    };
  }

  function sendPcm(frame: ArrayBuffer): void {
    if (!(frame instanceof ArrayBuffer)) throw new BridgeError('invalid-payload', 'sendPcm takes one encoded PCM frame as an ArrayBuffer.');
    ipc.send(IPC_PCM_CHANNEL, frame);
  }

  return Object.freeze({ invoke, on, sendPcm });
}

/** A `message` event on the window, as far as {@link forwardProgramPorts} reads it. */
export interface WindowMessageLike {
  readonly source: unknown;
  readonly data: unknown;
  readonly ports: readonly MessagePort[];
}

/** The window, as far as {@link forwardProgramPorts} uses it. */
export interface PortWindowLike {
  addEventListener(type: 'message', listener: (event: WindowMessageLike) => void): void;
}

/**
 * Hands main the port the program's worker sends PCM frames on. contextBridge cannot carry a
 * port, so the page posts it to its own window with the {@link PROGRAM_PORT_MESSAGE} tag; this
 * forwards exactly that (from this window itself, never a frame in it, with one port) on
 * {@link IPC_PROGRAM_PORT_CHANNEL}, and nothing else.
 */
export function forwardProgramPorts(target: PortWindowLike, ipc: IpcRendererLike): void {
  target.addEventListener('message', (event) => {
    if (event.source !== target || event.data !== PROGRAM_PORT_MESSAGE || event.ports.length !== 1) return;
    ipc.postMessage(IPC_PROGRAM_PORT_CHANNEL, null, [...event.ports]);
  });
}

function failure(code: Extract<CommandReply, { ok: false }>['error']['code'], message: string): CommandReply {
  return { ok: false, error: { code, message } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function describe(channel: unknown): string {
  return typeof channel === 'string' ? `"${channel.slice(0, 64)}"` : typeof channel;
}

import { BridgeError, type SteadycastApi } from '../../electron/shared/bridge';
import type { CommandChannel, CommandPayload, CommandResult, EventChannel, EventPayload } from '../../electron/shared/contract';
import type { EngineState } from '../../electron/shared/state';
import { idleConversationState } from '../../electron/shared/conversation';
import { constantConnection, type ConnectionSource } from '../../renderer/bridge/connection-status';
import type { BridgeKind, SelectedBridge } from '../../renderer/bridge/select-bridge';
import type { ProgramFrameStream } from '../../renderer/shared/program-frames';

/** How the fake answers one command channel. */
export type FakeHandler<C extends CommandChannel> = (payload: CommandPayload<C>) => CommandResult<C> | Promise<CommandResult<C>>;

/** One recorded `invoke`. */
export interface FakeCall {
  channel: CommandChannel;
  payload: unknown;
}

/** A state with both endpoints configured and nothing probed yet. */
export function sampleEngineState(overrides: Partial<EngineState> = {}): EngineState {
  return {
    version: '0.1.0',
    mode: 'headless',
    startedAt: 1_700_000_000_000,
    space: {
      name: 'Launch night',
      endpoints: [
        {
          name: 'primary',
          janus: { kind: 'janus', url: 'ws://198.18.0.1:8188/', probe: { status: 'unknown' } },
          icecast: { kind: 'icecast', url: 'http://198.18.0.1:8000/live.opus', probe: { status: 'unknown' } },
        },
        {
          name: 'backup',
          janus: { kind: 'janus', url: 'ws://198.18.0.2:8188/', probe: { status: 'unknown' } },
          icecast: { kind: 'icecast', url: 'http://198.18.0.2:8000/live.opus', probe: { status: 'unknown' } },
        },
      ],
    },
    audio: { framesReceived: 0, framesRejected: 0, lastFrameAt: null },
    conversation: idleConversationState(),
    broadcast: null,
    bridge: { kind: 'websocket', clients: 1 },
    ...overrides,
  };
}

/** A program stream as the fake hands it out: what the feed did with it. */
export class FakeProgramStream implements ProgramFrameStream {
  readonly port = new MessageChannel().port1;
  readonly clocks: number[] = [];
  closed = false;

  setClock(epochMsAtContextZero: number): void {
    this.clocks.push(epochMsAtContextZero);
  }

  close(): void {
    this.closed = true;
    this.port.close();
  }
}

/** How {@link FakeBridge.binding} differs from an always-connected IPC window. */
export interface FakeBindingOptions {
  kind?: BridgeKind;
  connection?: ConnectionSource;
  /** False: a window without a program route (a page opened without an access token). */
  programRoute?: boolean;
}

/**
 * A hand-written {@link SteadycastApi}: records every command, answers from per-channel handlers,
 * and lets a test emit any event. Unhandled commands reject like an engine error would.
 */
export class FakeBridge implements SteadycastApi {
  readonly calls: FakeCall[] = [];
  readonly pcmFrames: ArrayBuffer[] = [];
  /** Every program stream a store opened, oldest first. */
  readonly programStreams: FakeProgramStream[] = [];
  private readonly handlers = new Map<CommandChannel, (payload: unknown) => unknown>();
  /** While set, every command is refused unsent, as the WebSocket binding does while disconnected. */
  private down: string | null = null;
  private readonly listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

  constructor(state: EngineState = sampleEngineState()) {
    this.handle('engine:get-state', () => state);
    this.handle('engine:ping', ({ nonce }) => ({ nonce, engineTime: 0 }));
    this.handle('servers:check', () => ({ started: 4 }));
    this.handle('log:get-recent', () => ({ entries: [] }));
    this.handle('broadcast:retry-output', () => ({ retried: true }));
    this.handle('listeners:get', () => null);
    this.handle('listeners:get-history', () => ({ startAt: 0, stepMs: 1000, values: [] }));
  }

  /** Sets how `channel` is answered. */
  handle<C extends CommandChannel>(channel: C, handler: FakeHandler<C>): this {
    this.handlers.set(channel, handler as (payload: unknown) => unknown);
    return this;
  }

  /** Refuses every command from now on, unsent, with the WebSocket binding's words for a lost connection. */
  disconnect(reason = 'Lost the connection to the engine.'): this {
    this.down = `Not connected to the engine: ${reason} Reconnecting automatically.`;
    return this;
  }

  invoke<C extends CommandChannel>(channel: C, payload: CommandPayload<C>): Promise<CommandResult<C>> {
    if (this.down !== null) return Promise.reject(new BridgeError('disconnected', this.down));
    this.calls.push({ channel, payload });
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new BridgeError('engine-error', `${channel} is not handled by this fake`));
    try {
      return Promise.resolve(handler(payload) as CommandResult<C>);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
    const untyped = listener as (payload: unknown) => void;
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(untyped);
    return () => {
      this.listeners.get(channel)?.delete(untyped);
    };
  }

  sendPcm(frame: ArrayBuffer): void {
    this.pcmFrames.push(frame);
  }

  /** This fake as a window's binding (StoreDeps.bridge): connected and with a program route unless told otherwise. */
  binding(options: FakeBindingOptions = {}): SelectedBridge {
    return {
      kind: options.kind ?? 'ipc',
      api: this,
      connection: options.connection ?? constantConnection({ status: 'connected' }),
      openProgramStream: () => {
        if (options.programRoute === false) return null;
        const stream = new FakeProgramStream();
        this.programStreams.push(stream);
        return stream;
      },
    };
  }

  /** Delivers an event to every listener of its channel, as the engine would. */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    for (const listener of [...(this.listeners.get(channel) ?? [])]) listener(payload);
  }

  /** How many listeners are attached to `channel` (to prove detaching). */
  listenerCount(channel: EventChannel): number {
    return this.listeners.get(channel)?.size ?? 0;
  }

  /** Recorded calls of one channel. */
  callsOf(channel: CommandChannel): FakeCall[] {
    return this.calls.filter((call) => call.channel === channel);
  }
}

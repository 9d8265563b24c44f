import type { EventPayload } from '../../electron/shared/contract';
import type { EngineState } from '../../electron/shared/state';
import { probesOf } from './servers-slice';
import type { AppSlice, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

/** How long a ping waits for its `engine:pong` before it counts as failed. */
export const PING_TIMEOUT_MS = 5000;

/** The latest ping: sent, answered by its pong, or failed. */
export type PingState =
  | { status: 'idle' }
  | { status: 'waiting'; nonce: string; sentAt: number }
  | { status: 'answered'; nonce: string; roundTripMs: number; engineTime: number }
  | { status: 'failed'; error: string };

/** The engine as last reported, and the bridge round trip. */
export interface EngineSlice {
  engine: EngineState | null;
  /** Counts states received, so a slow `engine:get-state` answer never overwrites a newer event. */
  stateVersion: number;
  ping: PingState;
  /** Round trip of the last answered ping, in ms. */
  lastRoundTripMs: number | null;
  /** Takes a whole engine state (from an event or `engine:get-state`). */
  receiveState: (state: EngineState) => void;
  /** Sends `engine:ping` with a fresh nonce; the round trip ends when the pong event with that nonce arrives. */
  pingEngine: () => Promise<void>;
  /** Takes an `engine:pong` event; pongs for other nonces (other windows, older pings) are ignored. */
  receivePong: (pong: EventPayload<'engine:pong'>) => void;
}

/** Creates the engine slice. */
export function createEngineSlice(deps: StoreDeps): AppSlice<EngineSlice> {
  return (set, get) => {
    let cancelPingTimeout: (() => void) | null = null;
    const stopTimeout = (): void => {
      cancelPingTimeout?.();
      cancelPingTimeout = null;
    };
    const failIfWaiting = (nonce: string, error: string): void => {
      const ping = get().ping;
      if (ping.status !== 'waiting' || ping.nonce !== nonce) return;
      stopTimeout();
      set({ ping: { status: 'failed', error } });
    };

    return {
      engine: null,
      stateVersion: 0,
      ping: { status: 'idle' },
      lastRoundTripMs: null,

      receiveState(state) {
        set((current) => ({ engine: state, stateVersion: current.stateVersion + 1, probes: probesOf(state) }));
      },

      async pingEngine() {
        stopTimeout();
        const nonce = deps.randomNonce();
        // Waiting before sending: the pong may arrive before the command's own result.
        set({ ping: { status: 'waiting', nonce, sentAt: deps.now() } });
        cancelPingTimeout = deps.setTimer(
          () =>
            failIfWaiting(nonce, `No pong from the engine within ${PING_TIMEOUT_MS / 1000} s. Check the connection and the engine log.`),
          PING_TIMEOUT_MS,
        );
        try {
          await deps.bridge.api.invoke('engine:ping', { nonce });
        } catch (error) {
          failIfWaiting(nonce, describeError(error));
        }
      },

      receivePong({ nonce, engineTime }) {
        const ping = get().ping;
        if (ping.status !== 'waiting' || ping.nonce !== nonce) return;
        stopTimeout();
        const roundTripMs = Math.max(0, deps.now() - ping.sentAt);
        set({ ping: { status: 'answered', nonce, roundTripMs, engineTime }, lastRoundTripMs: roundTripMs });
      },
    };
  };
}

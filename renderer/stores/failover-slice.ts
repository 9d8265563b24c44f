import type { EndpointName } from '../../electron/shared/endpoint';
import type { FailoverPhase, FailoverState } from '../../electron/shared/failover';
import { IDLE_REQUEST, runRequest } from './request';
import type { AppSlice, AppState, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

/*
 * Failover as this window shows it: the engine's failover state (which space is on air, the health
 * of both endpoints, the countdown, the history) and the two by-hand moves, each with a confirm step.
 * The move itself is the engine's: this slice asks, shows the request in flight, and the engine's
 * state says what happened.
 */

/**
 * A by-hand move as this window asked for it:
 *
 *   idle ──ask──► confirming ──confirm──► sending ──moved──► idle
 *                     └──cancel──► idle      └──refused──► failed (asking again starts over)
 */
export type FailoverRequest =
  | { status: 'idle' }
  | { status: 'confirming'; to: EndpointName }
  | { status: 'sending'; to: EndpointName }
  | { status: 'failed'; error: string };

/** The failover part of the store. */
export interface FailoverSlice {
  failoverRequest: FailoverRequest;
  /** "Switch to backup now" / "Return to primary": the first step asks for a confirm. */
  askFailover: (to: EndpointName) => void;
  cancelFailover: () => void;
  /** The confirmed move: `failover:switch`. */
  confirmFailover: () => Promise<void>;
  /** Turns the automatic return on or off. */
  setAutoReturn: (enabled: boolean) => Promise<void>;
}

/** The engine's failover state; null before the first state (or from an engine without failover). */
export const selectFailover = (state: AppState): FailoverState | null => state.engine?.failover ?? null;

/** Whether a by-hand move to `to` makes sense now (the engine has the last word). */
export function canAskMove(failover: FailoverState | null, to: EndpointName): boolean {
  if (failover === null || !failover.canSwitch) return false;
  const phase: FailoverPhase['phase'] = failover.phase.phase;
  if (phase === 'idle' || phase === 'failingOver' || phase === 'returning') return false;
  return failover.onAir !== to;
}

/** Creates the failover slice. */
export const createFailoverSlice =
  (deps: Pick<StoreDeps, 'bridge'>): AppSlice<FailoverSlice> =>
  (set, get) => ({
    failoverRequest: IDLE_REQUEST,

    askFailover(to) {
      if (get().failoverRequest.status === 'sending') return;
      set({ failoverRequest: { status: 'confirming', to } });
    },

    cancelFailover() {
      if (get().failoverRequest.status === 'confirming') set({ failoverRequest: IDLE_REQUEST });
    },

    async confirmFailover() {
      const request = get().failoverRequest;
      if (request.status !== 'confirming') return;
      const { to } = request;
      await runRequest(
        {
          read: () => (get().failoverRequest.status === 'sending' ? { status: 'sending' } : IDLE_REQUEST),
          // Moved: the engine's failover state says what happened, the request has nothing more to show.
          write: (next) =>
            set({
              failoverRequest: next.status === 'sending' ? { status: 'sending', to } : next.status === 'failed' ? next : IDLE_REQUEST,
            }),
          failure: (reason) => `${to === 'backup' ? 'Could not switch to the backup' : 'Could not return to the primary'}: ${reason}`,
        },
        async () => {
          await deps.bridge.api.invoke('failover:switch', { to });
        },
      );
    },

    async setAutoReturn(enabled) {
      try {
        await deps.bridge.api.invoke('failover:set-auto-return', { enabled });
      } catch (error) {
        set({ failoverRequest: { status: 'failed', error: `Could not change the automatic return: ${describeError(error)}` } });
      }
    },
  });

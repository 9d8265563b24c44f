import type { EndpointName } from '../../electron/shared/endpoint';
import type { FailoverPhase, FailoverState } from '../../electron/shared/failover';
import { describeFailure } from './describe-failure';
import type { AppSlice, AppState, StoreDeps } from './store-types';

/*
 * Failover as this window shows it: the engine's failover state (which space is on air, the health
 * of both endpoints, the countdown, the history) and the two by-hand moves, each with a confirm step.
 * The move itself is the engine's: this slice asks, shows the request in flight, and the engine's
 * state says what happened.
 */

/** A by-hand move as this window asked for it. */
export interface FailoverRequest {
  /** The move waiting for the user's confirm; null when none. */
  confirming: EndpointName | null;
  /** The request in flight. */
  sending: EndpointName | null;
  /** Why the last request was refused. */
  error: string | null;
}

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
  failoverRequest: { confirming: null, sending: null, error: null },

  askFailover(to) {
    set({ failoverRequest: { confirming: to, sending: null, error: null } });
  },

  cancelFailover() {
    set((current) => ({ failoverRequest: { ...current.failoverRequest, confirming: null } }));
  },

  async confirmFailover() {
    const to = get().failoverRequest.confirming;
    if (to === null || get().failoverRequest.sending !== null) return;
    set({ failoverRequest: { confirming: null, sending: to, error: null } });
    try {
      await deps.bridge.api.invoke('failover:switch', { to });
      set({ failoverRequest: { confirming: null, sending: null, error: null } });
    } catch (error) {
      const what = to === 'backup' ? 'Could not switch to the backup' : 'Could not return to the primary';
      set({ failoverRequest: { confirming: null, sending: null, error: `${what}: ${describeFailure(error)}` } });
    }
  },

  async setAutoReturn(enabled) {
    try {
      await deps.bridge.api.invoke('failover:set-auto-return', { enabled });
    } catch (error) {
      set((current) => ({ failoverRequest: { ...current.failoverRequest, error: `Could not change the automatic return: ${describeFailure(error)}` } }));
    }
  },
});

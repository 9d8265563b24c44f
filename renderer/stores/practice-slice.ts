import type { PracticeState } from '../../electron/shared/practice';
import { IDLE_REQUEST, runRequest, type Request } from './request';
import type { AppSlice, AppState, StoreDeps } from './store-types';

/*
 * The practice space from the window's side: the engine's practice state (in its whole state)
 * and this window's two requests, "Start the practice space" and "Simulate a failure".
 */

/** The practice slice. */
export interface PracticeSlice {
  /** "Start the practice space": the engine starts its servers and runs it. */
  practiceStart: Request;
  /** "Simulate a failure": the engine stops the practice space's primary Janus and Icecast. */
  practiceFailure: Request;
  startPractice: () => Promise<void>;
  simulateFailure: () => Promise<void>;
}

/** The engine's practice state, or null where the engine cannot run one. */
export const selectPractice = (state: AppState): PracticeState | null => state.engine?.practice ?? null;

/** Creates the practice slice. */
export function createPracticeSlice(deps: Pick<StoreDeps, 'bridge'>): AppSlice<PracticeSlice> {
  return (set, get) => {
    const bridge = deps.bridge.api;
    return {
      practiceStart: IDLE_REQUEST,
      practiceFailure: IDLE_REQUEST,
      async startPractice() {
        await runRequest({ read: () => get().practiceStart, write: (request) => set({ practiceStart: request }) }, async () => {
          await bridge.invoke('practice:start', {});
        });
      },
      async simulateFailure() {
        await runRequest({ read: () => get().practiceFailure, write: (request) => set({ practiceFailure: request }) }, async () => {
          await bridge.invoke('practice:simulate-failure', {});
        });
      },
    };
  };
}

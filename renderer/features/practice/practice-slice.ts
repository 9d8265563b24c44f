import type { PracticeState } from '../../../electron/shared/practice';
import { describeFailure, NOT_CONNECTED } from '../../stores/describe-failure';
import type { AppSlice, AppState } from '../../stores/store-types';

/*
 * The practice space from the window's side: the engine's practice state (in its whole state)
 * and this window's two requests, "Start the practice space" and "Simulate a failure".
 */

/** One request of this window: in flight, or what it came to. */
export type PracticeRequest = { readonly status: 'idle' } | { readonly status: 'sending'; readonly what: 'start' | 'fail' } | { readonly status: 'failed'; readonly error: string };

/** The practice slice. */
export interface PracticeSlice {
  practiceRequest: PracticeRequest;
  /** Starts the practice space: the engine starts its servers and runs it. */
  startPractice: () => Promise<void>;
  /** Stops the practice space's primary Janus and Icecast, to watch the failover. */
  simulateFailure: () => Promise<void>;
}

/** The engine's practice state, or null where the engine cannot run one. */
export const selectPractice = (state: AppState): PracticeState | null => state.engine?.practice ?? null;

/** Creates the practice slice. */
export const createPracticeSlice: AppSlice<PracticeSlice> = (set, get) => {
  const send = async (what: 'start' | 'fail'): Promise<void> => {
    const bridge = get().bridge;
    if (!bridge) {
      set({ practiceRequest: { status: 'failed', error: NOT_CONNECTED } });
      return;
    }
    if (get().practiceRequest.status === 'sending') return;
    set({ practiceRequest: { status: 'sending', what } });
    try {
      await bridge.invoke(what === 'start' ? 'practice:start' : 'practice:simulate-failure', {});
      set({ practiceRequest: { status: 'idle' } });
    } catch (error) {
      set({ practiceRequest: { status: 'failed', error: describeFailure(error) } });
    }
  };
  return {
    practiceRequest: { status: 'idle' },
    startPractice: () => send('start'),
    simulateFailure: () => send('fail'),
  };
};

import type { BroadcastStatus, Meters } from '../../electron/shared/broadcast';
import type { EventPayload } from '../../electron/shared/contract';
import { describeFailure } from './describe-failure';
import type { AppSlice, StoreDeps } from './store-types';

/** How many program notices the window keeps. */
export const NOTICE_LIMIT = 50;
/** How long the peak-hold marker stays at a peak before it follows the level down. */
export const PEAK_HOLD_MS = 1500;
/** How long the clip indicator stays lit after the last clipped sample. */
export const CLIP_HOLD_MS = 2000;

/** One `broadcast:notice` with a stable id for rendering. */
export type NoticeLine = EventPayload<'broadcast:notice'> & { id: number };

/** The latest program levels plus what the meter holds between updates (decided here, drawn by the meter). */
export interface MeterReading extends Meters {
  /** Highest recent peak, held for {@link PEAK_HOLD_MS}. */
  peakHoldDbfs: number;
  /** True while a sample clipped within the last {@link CLIP_HOLD_MS}. */
  clipping: boolean;
}

/** A "retry now" for one output: in flight, or failed with a message. Absent when idle. */
export type RetryRequest = { status: 'sending' } | { status: 'failed'; error: string };

/** The program path as the window follows it beside the engine state: meters, notices, retry requests. */
export interface BroadcastSlice {
  /** Latest `broadcast:meters`, or null before the first one. */
  meter: MeterReading | null;
  /** Latest program notices, oldest first, never more than {@link NOTICE_LIMIT}. */
  notices: NoticeLine[];
  /** "Retry now" requests by output id. */
  retries: Partial<Record<string, RetryRequest>>;
  /** Takes a `broadcast:meters` event. */
  receiveMeters: (meters: Meters) => void;
  /** Takes a `broadcast:notice` event, dropping the oldest beyond the limit. */
  receiveNotice: (notice: EventPayload<'broadcast:notice'>) => void;
  /** Sends `broadcast:retry-output` for one output; no-op while one is in flight for it. */
  retryOutput: (outputId: string) => Promise<void>;
}

/** True when an output no longer needs a failed retry's message: it went live, stopped, or is gone. */
function retryIsSettled(broadcast: BroadcastStatus | null, outputId: string): boolean {
  const output = broadcast?.outputs.find((candidate) => candidate.id === outputId);
  return !output || output.state.status === 'live' || output.state.status === 'stopped';
}

/** Creates the broadcast slice. */
export function createBroadcastSlice(deps: StoreDeps): AppSlice<BroadcastSlice> {
  return (set, get, api) => {
    let nextNoticeId = 1;
    let peakHold = { dbfs: -Infinity, at: -Infinity };
    let lastClip = { count: 0, at: -Infinity };

    // A failed retry's message belongs to that outage: drop it once the output is live or stopped again.
    api.subscribe((state, previous) => {
      const broadcast = state.engine?.broadcast ?? null;
      if (broadcast === (previous.engine?.broadcast ?? null)) return;
      const settled = Object.keys(state.retries).filter((id) => state.retries[id]?.status === 'failed' && retryIsSettled(broadcast, id));
      if (settled.length === 0) return;
      const retries = { ...state.retries };
      for (const id of settled) delete retries[id];
      set({ retries });
    });

    return {
      meter: null,
      notices: [],
      retries: {},

      receiveMeters(meters) {
        const now = deps.now();
        if (meters.peakDbfs >= peakHold.dbfs || now - peakHold.at > PEAK_HOLD_MS) peakHold = { dbfs: meters.peakDbfs, at: now };
        // The count runs for the whole show; a new show (or engine) starts it again from zero.
        if (meters.clippedSamples > lastClip.count) lastClip = { count: meters.clippedSamples, at: now };
        else if (meters.clippedSamples < lastClip.count) lastClip = { count: meters.clippedSamples, at: -Infinity };
        set({ meter: { ...meters, peakHoldDbfs: peakHold.dbfs, clipping: now - lastClip.at <= CLIP_HOLD_MS } });
      },

      receiveNotice(notice) {
        const line: NoticeLine = { ...notice, id: nextNoticeId++ };
        set((current) => {
          const kept = current.notices.length >= NOTICE_LIMIT ? current.notices.slice(current.notices.length - NOTICE_LIMIT + 1) : current.notices;
          return { notices: [...kept, line] };
        });
      },

      async retryOutput(outputId) {
        const bridge = get().bridge;
        const setRetry = (request: RetryRequest | null): void =>
          set((current) => {
            const retries = { ...current.retries };
            if (request) retries[outputId] = request;
            else delete retries[outputId];
            return { retries };
          });
        if (!bridge) {
          setRetry({ status: 'failed', error: 'Not connected to the engine. Reconnect, then try again.' });
          return;
        }
        if (get().retries[outputId]?.status === 'sending') return;
        setRetry({ status: 'sending' });
        try {
          const { retried } = await bridge.invoke('broadcast:retry-output', { outputId });
          setRetry(
            retried
              ? null
              : { status: 'failed', error: 'The engine has nothing to retry for this output: it stopped or the show ended.' },
          );
        } catch (error) {
          setRetry({ status: 'failed', error: `Could not retry: ${describeFailure(error)}` });
        }
      },
    };
  };
}

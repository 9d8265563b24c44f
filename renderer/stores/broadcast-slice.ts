import type { BroadcastStatus, Meters } from '../../electron/shared/broadcast';
import type { CommandPayload, EventPayload } from '../../electron/shared/contract';
import { IDLE_REQUEST, runRequest, type Request } from './request';
import type { AppSlice, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

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

/**
 * Going live and ending the show from this window. Whether a show is on air is the engine's word
 * (`engine.broadcast`); this only follows the request in flight and the last failure:
 *
 *   idle ──goLive──▶ starting ──on air, feed on──▶ idle
 *                       │ └──on air, feed failed──▶ error (still on air)
 *                       └──start refused─────────▶ error (off air)
 *   error (on air) ──retryProgramFeed──▶ starting (the feed only)
 *   idle ──endShow─▶ stopping ──stopped──▶ idle
 *                       └──refused, or not the engine's own show──▶ error (still on air, feed back on)
 *
 * An error is dropped when the engine goes on or off air, or when the host acts again.
 */
export type ShowControl = { status: 'idle' } | { status: 'starting' } | { status: 'stopping' } | { status: 'error'; error: string };

/**
 * What `goLive` asks of the engine: this window's microphone and the room. Channels, bitrate and
 * the safety recording are left to the engine, which takes them from its saved settings.
 */
export const GO_LIVE_REQUEST = { source: { kind: 'bridge' } } as const satisfies CommandPayload<'broadcast:start'>;

const NOT_OURS_TO_END =
  'The engine did not end this show: it was started outside the control room (for example with "steadycast broadcast" in a terminal). Stop it where it was started.';
const IDLE: ShowControl = { status: 'idle' };

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
  /** "Show in folder" of the safety recording. */
  recordingReveal: Request;
  /** Sends `recording:reveal` (the desktop app shows the file in the file manager); no-op while one is in flight. */
  revealRecording: () => Promise<void>;
  /** Going live / ending the show from this window: the request in flight and the last failure. */
  showControl: ShowControl;
  /** Sends `broadcast:start` (source `bridge`), then starts the program feed; no-op while a request is in flight or on air. */
  goLive: () => Promise<void>;
  /** Starts the program feed again after it failed, keeping the show on air. */
  retryProgramFeed: () => Promise<void>;
  /** Stops the program feed, then sends `broadcast:stop`; no-op while a request is in flight. */
  endShow: () => Promise<void>;
}

/** True when an output no longer needs a failed retry's message: it went live, stopped, or is gone. */
function retryIsSettled(broadcast: BroadcastStatus | null, outputId: string): boolean {
  const output = broadcast?.outputs.find((candidate) => candidate.id === outputId);
  return !output || output.state.status === 'live' || output.state.status === 'stopped';
}

/** The show is on air but without this window's audio: say so, and what to do. */
function feedFailure(feedError: string | null): string {
  return (
    `You are on air, but your microphone and the room are not in the program. ${feedError ?? 'The program audio did not start.'} ` +
    'Listeners hear silence until it starts; the safety recording keeps running. ' +
    'Check that a microphone is connected and that Steadycast may use it, then retry the program audio.'
  );
}

/** Creates the broadcast slice. */
export function createBroadcastSlice(deps: StoreDeps): AppSlice<BroadcastSlice> {
  return (set, get, api) => {
    const bridge = deps.bridge.api;
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

    // Going on or off air settles the last failure (a refused start, a feed that did not start, a
    // refused stop): it belonged to the show before. A request in flight keeps its own state.
    api.subscribe((state, previous) => {
      const onAir = (state.engine?.broadcast ?? null) !== null;
      const wasOnAir = (previous.engine?.broadcast ?? null) !== null;
      if (onAir !== wasOnAir && state.showControl.status === 'error') set({ showControl: IDLE });
    });

    /*
     * The desktop app has one window, and the microphone lives in its page. When that window sees
     * a show on air that it is not feeding and did not start just now — its page was reloaded after
     * a crash, or the app resumed a show interrupted by one — its microphone goes back into the
     * program. (A browser on the headless engine never does this: several may be attached.)
     */
    api.subscribe((state, previous) => {
      const live = state.engine?.mode === 'desktop' && state.engine.broadcast?.status === 'live';
      const wasLive = previous.engine?.broadcast?.status === 'live';
      if (!live || wasLive || state.programFeed.status !== 'off' || state.showControl.status !== 'idle') return;
      set({ showControl: { status: 'starting' } });
      void startFeed();
    });

    /** Starts the feed and says how it went: idle when it runs, the failure and what to do when not. */
    const startFeed = async (): Promise<void> => {
      await get().startProgramFeed();
      const feed = get().programFeed;
      set({ showControl: feed.status === 'error' ? { status: 'error', error: feedFailure(feed.error) } : IDLE });
    };

    return {
      meter: null,
      notices: [],
      retries: {},
      recordingReveal: IDLE_REQUEST,

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
          const kept =
            current.notices.length >= NOTICE_LIMIT ? current.notices.slice(current.notices.length - NOTICE_LIMIT + 1) : current.notices;
          return { notices: [...kept, line] };
        });
      },

      async revealRecording() {
        await runRequest(
          {
            read: () => get().recordingReveal,
            write: (recordingReveal) => set({ recordingReveal }),
            failure: (reason) => `Could not show the recording: ${reason}`,
          },
          async () => {
            await bridge.invoke('recording:reveal', {});
          },
        );
      },

      async retryOutput(outputId) {
        const setRetry = (request: RetryRequest | null): void =>
          set((current) => {
            const retries = { ...current.retries };
            if (request) retries[outputId] = request;
            else delete retries[outputId];
            return { retries };
          });
        if (get().retries[outputId]?.status === 'sending') return;
        setRetry({ status: 'sending' });
        try {
          const { retried } = await bridge.invoke('broadcast:retry-output', { outputId });
          setRetry(
            retried ? null : { status: 'failed', error: 'The engine has nothing to retry for this output: it stopped or the show ended.' },
          );
        } catch (error) {
          setRetry({ status: 'failed', error: `Could not retry: ${describeError(error)}` });
        }
      },

      showControl: IDLE,

      async goLive() {
        const { status } = get().showControl;
        if (status === 'starting' || status === 'stopping' || get().engine?.broadcast) return;
        set({ showControl: { status: 'starting' } });
        try {
          await bridge.invoke('broadcast:start', GO_LIVE_REQUEST);
        } catch (error) {
          set({ showControl: { status: 'error', error: `Could not go live: ${describeError(error)}` } });
          return;
        }
        // On air from here on: a feed that fails leaves the show running (the safety recording too).
        await startFeed();
      },

      async retryProgramFeed() {
        const { status } = get().showControl;
        if (status === 'starting' || status === 'stopping' || !get().engine?.broadcast) return;
        set({ showControl: { status: 'starting' } });
        await startFeed();
      },

      async endShow() {
        const { status } = get().showControl;
        if (status === 'starting' || status === 'stopping') return;
        const wasFeeding = get().programFeed.status === 'on';
        set({ showControl: { status: 'stopping' } });
        // Stop sending first, so the engine closes the show on the last frame it was given.
        get().stopProgramFeed();
        let failure: string | null = null;
        try {
          const { stopped } = await bridge.invoke('broadcast:stop', {});
          // The engine ends only the shows it started itself; one run by `steadycast broadcast` goes on.
          if (!stopped && get().engine?.broadcast) failure = NOT_OURS_TO_END;
        } catch (error) {
          failure = `Could not end the show: ${describeError(error)} If it is still on air, try again.`;
        }
        if (failure === null) {
          set({ showControl: IDLE });
          return;
        }
        // Still on air: don't leave the listeners with dead air while the host tries again.
        if (wasFeeding && get().engine?.broadcast) await get().startProgramFeed();
        set({ showControl: { status: 'error', error: failure } });
      },
    };
  };
}

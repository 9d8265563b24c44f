import type { MediaSession } from './media-session';
import { NO_MEDIA } from './room-slice';
import type { AppSlice, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

/*
 * The program feed: this window's microphone and the room mix, captured by the audio worklet and
 * sent by a worker straight to the engine (StoreDeps.bridge.openProgramStream: in the desktop app a
 * MessagePort to the main process, in a browser an audio-only WebSocket). No frame passes through
 * this thread, and there is no other route.
 */

/** The program feed as the UI shows it. */
export type ProgramFeedState = { status: 'off' } | { status: 'starting' } | { status: 'on' } | { status: 'error'; error: string };

/** The program feed part of the store. */
export interface ProgramFeedSlice {
  programFeed: ProgramFeedState;
  /** Starts sending the program (microphone + room) to the engine: call after `broadcast:start` with source `bridge`. */
  startProgramFeed(): Promise<void>;
  stopProgramFeed(): void;
}

/** What a feed says where the window has no route for the program. */
export const NO_PROGRAM_ROUTE =
  'This window cannot send the program to the engine: it was opened without an access token. Open the "Control room" link that the steadycast command printed, then try again.';

/** Creates the program feed slice. */
export function createProgramFeedSlice(deps: Pick<StoreDeps, 'bridge'>, session: MediaSession): AppSlice<ProgramFeedSlice> {
  return (set, get, api) => {
    // The show ended (here or in another window): stop sending.
    api.subscribe((state, previous) => {
      if (state.engine && !state.engine.broadcast && previous.engine?.broadcast && session.current()?.feeding) get().stopProgramFeed();
    });

    return {
      programFeed: { status: 'off' },

      async startProgramFeed() {
        const media = session.ensure();
        if (!media) {
          set({ programFeed: { status: 'error', error: NO_MEDIA } });
          return;
        }
        if (get().programFeed.status === 'starting' || media.feeding) return;
        const stream = deps.bridge.openProgramStream();
        if (!stream) {
          set({ programFeed: { status: 'error', error: NO_PROGRAM_ROUTE } });
          return;
        }
        set({ programFeed: { status: 'starting' } });
        try {
          await media.startProgramFeed(stream);
          set({ programFeed: { status: media.feeding ? 'on' : 'off' } });
        } catch (error) {
          set({ programFeed: { status: 'error', error: `The program audio could not start: ${describeError(error)}` } });
        }
      },

      stopProgramFeed() {
        session.current()?.stopProgramFeed();
        set({ programFeed: { status: 'off' } });
      },
    };
  };
}

import type { StoreApi } from 'zustand/vanilla';
import type { ConversationMedia, ConversationMediaEvents } from '../audio/conversation-media';
import { isInRoom } from './room-slice';
import { selectMicrophoneCapture } from './saved-microphone';
import type { AppState, StoreDeps } from './store-types';

/*
 * The window's media layer (renderer/audio: microphone, room connection, program capture), built
 * on first use and shared by the slices that drive it: the room, the microphone and the program
 * feed. What the media reports goes into their state here.
 */

/** The media layer as the slices reach it. */
export interface MediaSession {
  /** The media layer once built; null before its first use. */
  current(): ConversationMedia | null;
  /** The media layer, built on first use; null where this window has none. */
  ensure(): ConversationMedia | null;
}

/** Creates the session; nothing is built until a slice needs it. */
export function createMediaSession(
  deps: Pick<StoreDeps, 'bridge' | 'createConversationMedia'>,
  set: StoreApi<AppState>['setState'],
  get: () => AppState,
): MediaSession {
  let media: ConversationMedia | null = null;

  const events: ConversationMediaEvents = {
    onMicrophone(snapshot) {
      set((current) => ({
        microphone: {
          devices: snapshot.devices,
          selectedId: snapshot.selectedId,
          activeLabel: snapshot.activeLabel,
          problem: snapshot.problem,
          levelDb: current.microphone.levelDb,
        },
      }));
    },
    onMediaState(state, detail) {
      set({ media: { state, detail } });
      if (isInRoom(get().conversation)) {
        // Health reporting only: a lost report must not disturb the media.
        deps.bridge.api
          .invoke('conversation:report-media', detail === null ? { state } : { state, detail: detail.slice(0, 500) })
          .catch(() => undefined);
      }
    },
    onMicLevel(levelDb) {
      if (get().microphone.levelDb !== levelDb) set((current) => ({ microphone: { ...current.microphone, levelDb } }));
    },
    onMicReport(report) {
      get().receiveMicReport(report);
    },
  };

  return {
    current: () => media,
    ensure() {
      if (!media && deps.createConversationMedia) {
        media = deps.createConversationMedia(events);
        // The room slice keeps selfMute.muted equal to the mute it applies.
        media.setMicLive(!get().selfMute.muted);
        // The saved device and processing (the microphone is not open yet: this only sets them).
        void media.configureMicrophone(selectMicrophoneCapture(get())).catch(() => undefined);
      }
      return media;
    },
  };
}

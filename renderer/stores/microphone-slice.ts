import type { MediaSession } from './media-session';
import { NO_MEDIA } from './room-slice';
import { followSavedMicrophone } from './saved-microphone';
import type { AppSlice } from './store-types';

/** The microphone as the UI shows it. */
export interface MicrophoneState {
  devices: { id: string; label: string }[];
  selectedId: string | null;
  activeLabel: string | null;
  problem: string | null;
  levelDb: number | null;
}

/** This window's microphone: the devices, the choice, its level (reported by the media layer). */
export interface MicrophoneSlice {
  microphone: MicrophoneState;
  /** Chooses the microphone ('' or 'default': the system default). */
  selectMicrophone(deviceId: string): Promise<void>;
  /** Lists the microphones (e.g. when the settings open, before joining). */
  refreshMicrophones(): Promise<void>;
}

const EMPTY_MICROPHONE: MicrophoneState = { devices: [], selectedId: null, activeLabel: null, problem: null, levelDb: null };

/** Creates the microphone slice; the saved microphone settings are followed from now on. */
export function createMicrophoneSlice(session: MediaSession): AppSlice<MicrophoneSlice> {
  return (set, _get, api) => {
    followSavedMicrophone(api, () => session.current());

    /** The media layer, or null with the reason shown as the microphone's problem. */
    const media = (): ReturnType<MediaSession['ensure']> => {
      const current = session.ensure();
      if (!current) set((state) => ({ microphone: { ...state.microphone, problem: NO_MEDIA } }));
      return current;
    };

    return {
      microphone: EMPTY_MICROPHONE,

      async selectMicrophone(deviceId) {
        await media()?.selectMicrophone(deviceId === '' || deviceId === 'default' ? null : deviceId);
      },

      async refreshMicrophones() {
        await media()?.refreshMicrophones();
      },
    };
  };
}

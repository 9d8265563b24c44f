import type { StoreApi } from 'zustand/vanilla';
import { DEFAULT_AUDIO_SETTINGS, type AudioSettings } from '../../electron/shared/settings';
import type { ConversationMedia } from '../audio/conversation-media';
import { savedMicrophoneChange, type MicrophoneCapture, type MicrophoneProcessing } from '../audio/microphone';
import type { AppState } from './store-types';

/*
 * The microphone follows the engine's saved audio settings (Settings › Audio, carried in every
 * engine state): the saved device becomes this window's choice — until the host picks another in
 * the conversation panel for this session — and the saved processing (echo cancellation, noise
 * suppression, gain control) is what every capture of this window asks for: the room, the program
 * and the preflight rehearsal.
 */

/** The processing this window's captures use: the engine's saved one, the defaults before its first state. */
export const selectMicrophoneProcessing = (state: AppState): MicrophoneProcessing =>
  state.engine?.settings?.audio.processing ?? DEFAULT_AUDIO_SETTINGS.processing;

/** How this window's microphone captures now: the device chosen (saved or picked here) and the saved processing. */
export const selectMicrophoneCapture = (state: AppState): MicrophoneCapture => ({
  deviceId: state.microphone.selectedId,
  processing: selectMicrophoneProcessing(state),
});

/** Applies the engine's saved microphone settings to the store's choice and to the media layer (when it exists) as they change. */
export function followSavedMicrophone(
  api: Pick<StoreApi<AppState>, 'subscribe' | 'setState'>,
  media: () => ConversationMedia | null,
): void {
  let applied: AudioSettings | null = null;
  api.subscribe((state) => {
    const saved = state.engine?.settings?.audio;
    if (saved === undefined) return;
    const change = savedMicrophoneChange(applied, saved);
    applied = saved;
    if (change === null) return;
    const { deviceId } = change;
    if (deviceId !== undefined && deviceId !== state.microphone.selectedId)
      api.setState((current) => ({ microphone: { ...current.microphone, selectedId: deviceId } }));
    // A device or processing that cannot open is reported through the microphone's own problem.
    media()
      ?.configureMicrophone(change)
      .catch(() => undefined);
  });
}

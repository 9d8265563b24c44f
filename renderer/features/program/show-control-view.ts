import type { EngineState } from '../../../electron/shared/state';
import type { ShowControl } from '../../stores/broadcast-slice';
import { selectIsOnAir } from '../../stores/broadcast-selectors';
import { selectCanSend } from '../../stores/selectors';
import type { AppState } from '../../stores/store-types';
import { formatKbps } from './program-format';

/*
 * Pure view logic of going live and ending the show: what the buttons may do and what the panel
 * says meanwhile. The decisions stay in the broadcast slice; these only read them.
 */

const busy = (control: ShowControl): boolean => control.status === 'starting' || control.status === 'stopping';

/** Going live / ending the show: the request in flight and the last failure. */
export const selectShowControl = (state: AppState): ShowControl => state.showControl;

/**
 * Why this window cannot put the show on air, or null when it can: the host's engine, with the
 * space's Icecast mounts, goes live; a window that joined by invite (or an engine with no mount) cannot.
 */
export function selectGoLiveBlocker(state: AppState): string | null {
  const link = state.conversation?.link;
  if (link?.status === 'joined' && link.role !== 'host')
    return 'You joined this space by invite: the host puts the show on air, and you are heard through the room.';
  if (state.engine !== null && state.engine.space.endpoints.length === 0) {
    return 'This space has no Icecast mount to send the program to: add the primary (and backup) mount in the space settings.';
  }
  return null;
}

/**
 * What "Go live" puts on air, from the engine's saved settings (it fills channels, bitrate and
 * the safety recording of the request from them), so the host sees it before pressing.
 */
export function describeGoLivePlan(settings: EngineState['settings']): string {
  if (settings === undefined)
    return 'The program is your microphone plus the room, in Opus as set in Settings › Audio, sent to the space’s Icecast mounts.';
  const { audio, recording } = settings;
  const recorded =
    recording.enabled && recording.folder !== '' ? 'with a safety recording' : 'without a safety recording (it is off in Settings)';
  return `The program is your microphone plus the room, in ${audio.channels === 2 ? 'stereo' : 'mono'} Opus at ${formatKbps(audio.bitrateKbps)} (Settings › Audio), sent to the space’s Icecast mounts ${recorded}.`;
}

/** {@link describeGoLivePlan} of the attached engine. */
export const selectGoLivePlan = (state: AppState): string => describeGoLivePlan(state.engine?.settings);

/**
 * The saved bitrate while it differs from the show on air (saved during the show, or a show
 * started with its own bitrate): it applies from the next show. Null otherwise.
 */
export function selectNextShowBitrate(state: AppState): number | null {
  const saved = state.engine?.settings?.audio.bitrateKbps;
  const onAir = state.engine?.broadcast?.configuredBitrateKbps;
  return saved !== undefined && onAir !== undefined && saved !== onAir ? saved : null;
}

/** True when "Go live" can be pressed: connected, allowed here, off air, nothing in flight. */
export const selectCanGoLive = (state: AppState): boolean =>
  selectCanSend(state) && selectGoLiveBlocker(state) === null && !selectIsOnAir(state) && !busy(state.showControl);

/** True when "End show" can be pressed: connected, on air and not already ending, nothing in flight. */
export const selectCanEndShow = (state: AppState): boolean =>
  selectCanSend(state) && state.engine?.broadcast?.status === 'live' && !busy(state.showControl);

/** True when the show is on air without this window's audio because the program feed failed. */
export const selectCanRetryFeed = (state: AppState): boolean =>
  selectCanSend(state) && selectIsOnAir(state) && state.programFeed.status === 'error' && !busy(state.showControl);

/** Why the program carries no microphone although the feed runs (only the room goes out), or null. */
export const selectProgramMicProblem = (state: AppState): string | null =>
  selectIsOnAir(state) && state.programFeed.status === 'on' && state.microphone.activeLabel === null ? state.microphone.problem : null;

/** The progress line while a request is in flight, or null. */
export function describeShowProgress(control: ShowControl, onAir: boolean): string | null {
  switch (control.status) {
    case 'starting':
      return onAir
        ? 'On air. Starting the program audio (your microphone and the room)…'
        : 'Going live: starting the outputs and the safety recording…';
    case 'stopping':
      return 'Ending the show: closing the outputs and the safety recording…';
    case 'idle':
    case 'error':
      return null;
  }
}

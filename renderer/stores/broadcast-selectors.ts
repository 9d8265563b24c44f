import type { OutputStatus, RecordingStatus } from '../../electron/shared/broadcast';
import { onAirLamp, type OnAirLamp } from '../../electron/shared/on-air-lamp';
import type { MeterReading, NoticeLine, RetryRequest } from './broadcast-slice';
import { selectCanSend } from './selectors';
import type { AppState } from './store-types';

/*
 * Selectors of the program path. As in selectors.ts: the ones that build an object or an array
 * must be used with `useShallow` (their parts are stable references from the store).
 */

const NO_OUTPUT_IDS: readonly string[] = [];

/** Whether this window can show a recording in a file manager: only the desktop app has one; in a browser the path is the answer. */
export const selectCanRevealRecording = (state: AppState): boolean => state.engine?.mode === 'desktop';

/** True while this window's engine reports a program (live or stopping): the only source of "we are on air". */
export const selectIsOnAir = (state: AppState): boolean => (state.engine?.broadcast ?? null) !== null;

/**
 * The show this window is part of: its own program (`by` null), or the host's as the space channel
 * tells it (a co-host's or producer's window); null when off air or not known (use with `useShallow`).
 */
export const selectShowOnAir = (state: AppState): { since: number; by: string | null } | null => {
  const own = state.engine?.broadcast?.startedAt;
  if (own !== undefined) return { since: own, by: null };
  const show = state.conversation?.show;
  return show?.status === 'on-air' ? { since: show.since, by: show.by } : null;
};

/** The studio lamp: this window's program by its outputs, else the host's announced show (use with `useShallow`). */
export const selectOnAirLamp = (state: AppState): OnAirLamp => {
  const show = state.conversation?.show;
  return onAirLamp(state.engine?.broadcast ?? null, show?.status === 'on-air' ? { by: show.by } : null);
};

/** True while this window's show runs, its own or the host's (the window frame; the lamp says whether it reaches listeners). */
export const selectShowIsOnAir = (state: AppState): boolean => selectIsOnAir(state) || state.conversation?.show.status === 'on-air';

/** The on-air summary, or null while off air (use with `useShallow`). */
export const selectProgramSummary = (
  state: AppState,
): {
  status: 'live' | 'stopping';
  startedAt: number;
  source: string;
  channels: 1 | 2;
  bitrateKbps: number;
  configuredBitrateKbps: number;
} | null => {
  const broadcast = state.engine?.broadcast;
  if (!broadcast) return null;
  const { status, startedAt, source, channels, bitrateKbps, configuredBitrateKbps } = broadcast;
  return { status, startedAt, source, channels, bitrateKbps, configuredBitrateKbps };
};

/** Ids of the program's outputs, in engine order (use with `useShallow`). */
export const selectOutputIds = (state: AppState): readonly string[] =>
  state.engine?.broadcast?.outputs.map((output) => output.id) ?? NO_OUTPUT_IDS;

/** How many outputs are live out of how many (use with `useShallow`). */
export const selectOutputTally = (state: AppState): { live: number; total: number } => {
  const outputs = state.engine?.broadcast?.outputs ?? [];
  return { live: outputs.filter((output) => output.state.status === 'live').length, total: outputs.length };
};

/** One output as last reported, or null when the program has no output with that id. */
export const selectOutput =
  (outputId: string) =>
  (state: AppState): OutputStatus | null =>
    state.engine?.broadcast?.outputs.find((output) => output.id === outputId) ?? null;

/** The "retry now" request of one output, or null when none is in flight or failed. */
export const selectRetryRequest =
  (outputId: string) =>
  (state: AppState): RetryRequest | null =>
    state.retries[outputId] ?? null;

/** True when "Retry now" can be pressed for an output: connected, the output is retrying, no retry in flight. */
export const selectCanRetry =
  (outputId: string) =>
  (state: AppState): boolean =>
    selectCanSend(state) && selectOutput(outputId)(state)?.state.status === 'retrying' && state.retries[outputId]?.status !== 'sending';

/** The safety recording, or null when the program has none (or is off air). */
export const selectRecording = (state: AppState): RecordingStatus | null => state.engine?.broadcast?.recording ?? null;

/** The latest program levels while on air; null off air, so a finished show's levels never linger. */
export const selectMeter = (state: AppState): MeterReading | null => (state.engine?.broadcast ? state.meter : null);

/** The kept program notices, oldest first. */
export const selectNotices = (state: AppState): readonly NoticeLine[] => state.notices;

/** Whole seconds until the next attempt (rounded up, never below 0): a pure function of the two clocks. */
export function secondsUntil(nextAttemptAt: number, now: number): number {
  return Math.max(0, Math.ceil((nextAttemptAt - now) / 1000));
}

/** The countdown of a retrying output in words: "in 3 s", or "now" once it is due. */
export function describeCountdown(nextAttemptAt: number, now: number): string {
  const seconds = secondsUntil(nextAttemptAt, now);
  return seconds === 0 ? 'now' : `in ${seconds} s`;
}

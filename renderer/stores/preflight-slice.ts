import type { CommandPayload, CommandResult } from '../../electron/shared/contract';
import type { EndpointName } from '../../electron/shared/endpoint';
import { formatUplinkRate, type NetworkPreflight, type PreflightVerdict, type UplinkPreflight } from '../../electron/shared/preflight';
import type { MicWarning } from '../audio/mic-analysis/mic-warning';
import { judgeMicLevel, MIC_LEVEL_WORDS, type MicLevelVerdict } from '../audio/mic-level-verdict';
import type { RehearsalSession, RehearsalTake } from '../audio/rehearsal-recorder';
import { selectMicrophoneCapture } from './saved-microphone';
import type { AppSlice, AppState, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

/*
 * Preflight, the step between "Go live" and being on air: one line per thing that can spoil the
 * show, each pass / warn / fail. The network and uplink lines are the engine's (`preflight:network`,
 * then `preflight:uplink`); the microphone, headphones and rehearsal lines are this window's. A
 * failed line blocks going live unless the host overrides it explicitly.
 *
 *   closed ──openPreflight──► open (network: checking → done | error, then uplink: idle → checking → done | error) ──goLiveFromPreflight──► closed (going live)
 *     ▲                          │
 *     └──── closePreflight ──────┘
 */

/** The headphones check: a tone plays, the host says whether they heard it. */
export type HeadphonesCheck = 'unchecked' | 'playing' | 'heard' | 'not-heard';

/** The rehearsal recording: up to 30 s of the host talking, measured, to play back. */
export type RehearsalCheck =
  | { status: 'idle' }
  | { status: 'starting' }
  | { status: 'recording'; startedAt: number }
  | { status: 'measuring' }
  | { status: 'ready'; take: RehearsalTake }
  | { status: 'error'; error: string };

/** One of the engine's checks, as the preflight follows it. */
export type EngineCheck<R> =
  { status: 'idle' } | { status: 'checking' } | { status: 'done'; result: R } | { status: 'error'; error: string };

/** The engine's network check. */
export type NetworkCheck = EngineCheck<NetworkPreflight>;

/** The engine's uplink estimate (`idle` while it waits for the network check: its probes must not share the upload). */
export type UplinkCheck = EngineCheck<UplinkPreflight>;

/** The preflight part of the store. */
export interface PreflightState {
  open: boolean;
  network: NetworkCheck;
  uplink: UplinkCheck;
  headphones: HeadphonesCheck;
  rehearsal: RehearsalCheck;
  /** Loudest microphone level seen since the preflight opened, dBFS. */
  micPeakDb: number | null;
  /** The host chose to go live despite a failed line. */
  override: boolean;
}

/** One line of the preflight as shown. */
export interface PreflightLine {
  id: string;
  label: string;
  verdict: PreflightVerdict | 'checking';
  detail: string;
  /** A short figure: a round trip, a level. */
  figure: string | null;
}

/** The preflight slice. */
export interface PreflightSlice {
  preflight: PreflightState;
  /** Opens the preflight and starts the network check. */
  openPreflight: () => void;
  closePreflight: () => void;
  /** Runs the engine's network check again. */
  checkNetwork: () => Promise<void>;
  /** Runs the engine's uplink estimate (about 3 s of upload to the primary Icecast). */
  checkUplink: () => Promise<void>;
  /** The network check, then the uplink estimate ("Check servers again"). */
  checkServersAgain: () => Promise<void>;
  /** Plays the headphones tone, then waits for the host's answer. */
  playHeadphonesTone: () => Promise<void>;
  answerHeadphones: (heard: boolean) => void;
  /** Records a rehearsal take (stops by itself after {@link REHEARSAL_MAX_MS}). */
  startRehearsal: () => Promise<void>;
  /** Stops the rehearsal early; the take so far is measured and kept. */
  stopRehearsal: () => void;
  setPreflightOverride: (override: boolean) => void;
  /** Goes live from the preflight (refused while a failed line is not overridden). */
  goLiveFromPreflight: () => Promise<void>;
}

/** The longest rehearsal take, ms. */
export const REHEARSAL_MAX_MS = 30_000;

const CLOSED: PreflightState = {
  open: false,
  network: { status: 'idle' },
  uplink: { status: 'idle' },
  headphones: 'unchecked',
  rehearsal: { status: 'idle' },
  micPeakDb: null,
  override: false,
};

const ENDPOINT_WORDS = { primary: 'Primary', backup: 'Backup' } as const;
const KIND_WORDS = { janus: 'Janus (conversation)', icecast: 'Icecast (audience)' } as const;

/** What the preflight lines are made of (use with `useShallow`). */
export interface PreflightInput {
  preflight: PreflightState;
  microphone: AppState['microphone'];
  /** The Conversation panel's warning about this microphone (the preflight never says otherwise). */
  micWarning: MicWarning | null;
  /** The engine's endpoints (a stable reference from the store: `useShallow` compares it by identity). */
  endpoints: readonly { name: EndpointName }[];
}

const NO_ENDPOINTS: readonly { name: EndpointName }[] = [];

/** The pieces of the state the preflight lines read (use with `useShallow`). */
export const selectPreflightInput = (state: AppState): PreflightInput => ({
  preflight: state.preflight,
  microphone: state.microphone,
  micWarning: state.micCheck.warning,
  endpoints: state.engine?.space.endpoints ?? NO_ENDPOINTS,
});

/** A level verdict as a preflight line's verdict and words (the same words as the Conversation panel). */
function levelLine(verdict: MicLevelVerdict, name: string): Pick<PreflightLine, 'verdict' | 'detail'> {
  const words = MIC_LEVEL_WORDS[verdict];
  return verdict === 'ok'
    ? { verdict: 'pass', detail: `${name}: ${words.advice}.` }
    : { verdict: 'warn', detail: `${words.heading}: ${words.advice}.` };
}

/**
 * The microphone: judged from the live level while the room's microphone is open, or else from the
 * rehearsal take (recorded on the same microphone and processing), so it needs no joining. The
 * Conversation panel's warning, when it has one, is the verdict here too.
 */
function microphoneLine(state: PreflightInput): PreflightLine {
  const { microphone, micWarning } = state;
  const base = { id: 'microphone', label: 'Microphone' };
  const peak = state.preflight.micPeakDb;
  const name = microphone.activeLabel ?? 'The microphone';
  if (microphone.problem) return { ...base, verdict: 'fail', detail: microphone.problem, figure: null };
  if (micWarning?.kind === 'clipping')
    return { ...base, ...levelLine('too-loud', name), figure: peak === null ? null : `peak ${Math.round(peak)} dBFS` };
  const open = microphone.activeLabel !== null || microphone.levelDb !== null;
  if (open && peak !== null && judgeMicLevel({ peakDb: peak, talkDb: null, clippedShare: null }) !== 'silent') {
    return {
      ...base,
      ...levelLine(judgeMicLevel({ peakDb: peak, talkDb: null, clippedShare: null }), name),
      figure: `peak ${Math.round(peak)} dBFS`,
    };
  }
  const rehearsal = state.preflight.rehearsal;
  switch (rehearsal.status) {
    case 'starting':
    case 'recording':
    case 'measuring':
      return { ...base, verdict: 'checking', detail: 'Listening through the rehearsal recording…', figure: null };
    case 'ready': {
      const { figures } = rehearsal.take;
      return { ...base, ...levelLine(judgeMicLevel(figures), name), figure: `peak ${Math.round(figures.peakDb)} dBFS` };
    }
    case 'idle':
    case 'error':
      break;
  }
  if (open)
    return {
      ...base,
      verdict: 'warn',
      detail: 'No sound from the microphone yet: say a few words and watch the meter move.',
      figure: peak === null ? null : `peak ${Math.round(peak)} dBFS`,
    };
  return {
    ...base,
    verdict: 'warn',
    detail: 'Not checked yet: record a rehearsal below to hear and measure your microphone.',
    figure: null,
  };
}

function headphonesLine(check: HeadphonesCheck): PreflightLine {
  const base = { id: 'headphones', label: 'Headphones', figure: null };
  switch (check) {
    case 'unchecked':
      return { ...base, verdict: 'warn', detail: 'Not checked: play the tone and say whether you heard it.' };
    case 'playing':
      return { ...base, verdict: 'checking', detail: 'Playing a tone in your headphones…' };
    case 'heard':
      return { ...base, verdict: 'pass', detail: 'You heard the tone.' };
    case 'not-heard':
      return {
        ...base,
        verdict: 'fail',
        detail:
          'You did not hear the tone: check that the headphones are plugged in, chosen as the output and not muted, then play it again.',
      };
  }
}

function rehearsalLine(check: RehearsalCheck): PreflightLine {
  const base = { id: 'rehearsal', label: 'Rehearsal', figure: null };
  switch (check.status) {
    case 'idle':
      return {
        ...base,
        verdict: 'warn',
        detail: `Not recorded yet: record up to ${REHEARSAL_MAX_MS / 1000} s of yourself talking, then listen back for clarity and background noise.`,
      };
    case 'starting':
    case 'recording':
      return { ...base, verdict: 'checking', detail: 'Recording: talk as you will on air, then press Stop.' };
    case 'measuring':
      return { ...base, verdict: 'checking', detail: 'Measuring the recording…' };
    case 'error':
      return { ...base, verdict: 'fail', detail: check.error };
    case 'ready': {
      const { figures } = check.take;
      const figure = `${Math.floor(figures.durationMs / 1000)} s · ${Math.round(figures.talkDb)} dBFS`;
      const verdict = judgeMicLevel(figures);
      const { advice } = MIC_LEVEL_WORDS[verdict];
      switch (verdict) {
        case 'silent':
          return { ...base, figure, verdict: 'fail', detail: `The recording is silent: ${advice}, then record again.` };
        case 'too-loud':
          return { ...base, figure, verdict: 'warn', detail: `Too loud, your voice clips: ${advice}, then record again.` };
        case 'too-quiet':
          return { ...base, figure, verdict: 'warn', detail: `Too quiet: ${advice}, then record again.` };
        case 'ok':
          return { ...base, figure, verdict: 'pass', detail: 'Recorded. Listen back for clarity and background noise before you go live.' };
      }
    }
  }
}

function networkLines(state: PreflightInput): PreflightLine[] {
  const { network } = state.preflight;
  switch (network.status) {
    case 'idle':
    case 'checking':
      return state.endpoints.flatMap(({ name }) =>
        (['janus', 'icecast'] as const).map((kind) => ({
          id: `${name}-${kind}`,
          label: `${ENDPOINT_WORDS[name]} ${KIND_WORDS[kind]}`,
          verdict: 'checking' as const,
          detail: 'Checking…',
          figure: null,
        })),
      );
    case 'error':
      return [{ id: 'network', label: 'Servers', verdict: 'fail', detail: network.error, figure: null }];
    case 'done':
      return network.result.lines.map((line) => ({
        id: `${line.endpoint}-${line.kind}`,
        label: `${ENDPOINT_WORDS[line.endpoint]} ${KIND_WORDS[line.kind]}`,
        verdict: line.verdict,
        detail: line.detail,
        figure: line.roundTripMs === null ? null : `${Math.round(line.roundTripMs)} ms`,
      }));
  }
}

function uplinkLine(check: UplinkCheck): PreflightLine {
  const base = { id: 'uplink', label: 'Uplink', figure: null };
  switch (check.status) {
    case 'idle':
      return { ...base, verdict: 'checking', detail: 'Measures your upload once the servers have answered…' };
    case 'checking':
      return { ...base, verdict: 'checking', detail: 'Measuring your upload to the Icecast server (about 3 s)…' };
    case 'error':
      return { ...base, verdict: 'warn', detail: check.error };
    case 'done': {
      const { result } = check;
      return {
        ...base,
        verdict: result.verdict,
        detail: result.detail,
        figure: result.kbitPerSecond === null ? null : formatUplinkRate(result.kbitPerSecond, result.atLeast),
      };
    }
  }
}

/** Every line of the preflight, in the order shown (pure). */
export function preflightLines(state: PreflightInput): PreflightLine[] {
  return [
    microphoneLine(state),
    headphonesLine(state.preflight.headphones),
    rehearsalLine(state.preflight.rehearsal),
    ...networkLines(state),
    uplinkLine(state.preflight.uplink),
  ];
}

/** True when a line failed and the host has not overridden it. */
export function isPreflightBlocked(state: AppState): boolean {
  return !state.preflight.override && preflightLines(selectPreflightInput(state)).some((line) => line.verdict === 'fail');
}

/** Creates the preflight slice; `playTone` and `rehearsal` are the window's audio (absent in tests that do not need them). */
export const createPreflightSlice =
  (deps: Pick<StoreDeps, 'bridge' | 'playTone' | 'rehearsal' | 'now'>): AppSlice<PreflightSlice> =>
  (set, get, api) => {
    // The take being recorded, if any (a live object, so not in the state).
    let session: RehearsalSession | null = null;
    /** Ends what the last preflight left: stops its recording, frees its take. */
    const dropRehearsal = (): void => {
      session?.stop();
      session = null;
      const { rehearsal } = get().preflight;
      if (rehearsal.status === 'ready') deps.rehearsal?.release(rehearsal.take.url);
    };
    // While open, remember the loudest microphone level (the meter itself moves too fast to judge by).
    api.subscribe((after, before) => {
      const level = after.microphone.levelDb;
      if (!after.preflight.open || level === null || level === before.microphone.levelDb) return;
      if (after.preflight.micPeakDb === null || level > after.preflight.micPeakDb)
        set({ preflight: { ...after.preflight, micPeakDb: level } });
    });
    const patch = (part: Partial<PreflightState>): void => set((current) => ({ preflight: { ...current.preflight, ...part } }));
    /** Runs one of the engine's checks, writing its progress with `write`; an answer after the preflight closed is dropped. */
    const runCheck = async <C extends 'preflight:network' | 'preflight:uplink'>(
      channel: C,
      write: (check: EngineCheck<CommandResult<C>>) => void,
      failure: string,
    ): Promise<void> => {
      write({ status: 'checking' });
      try {
        // Both checks take their defaults from an empty payload.
        const result = await deps.bridge.api.invoke(channel, {} as CommandPayload<C>);
        if (get().preflight.open) write({ status: 'done', result });
      } catch (error) {
        if (get().preflight.open) write({ status: 'error', error: `${failure}: ${describeError(error)}` });
      }
    };

    return {
      preflight: CLOSED,

      openPreflight() {
        dropRehearsal();
        set({ preflight: { ...CLOSED, open: true, micPeakDb: get().microphone.levelDb } });
        void get().checkServersAgain();
      },

      closePreflight() {
        dropRehearsal();
        set({ preflight: CLOSED });
      },

      async checkNetwork() {
        await runCheck('preflight:network', (network) => patch({ network }), 'Could not check the servers');
      },

      async checkUplink() {
        await runCheck('preflight:uplink', (uplink) => patch({ uplink }), 'Could not measure the upload');
      },

      async checkServersAgain() {
        // One after the other: the uplink check fills the upload, which would slow the network probes' round trips.
        patch({ uplink: { status: 'idle' } });
        await get().checkNetwork();
        if (get().preflight.open) await get().checkUplink();
      },

      async playHeadphonesTone() {
        if (get().preflight.headphones === 'playing') return;
        patch({ headphones: 'playing' });
        try {
          if (!deps.playTone) throw new Error('this window has no audio output');
          await deps.playTone();
          if (get().preflight.headphones === 'playing') patch({ headphones: 'unchecked' });
        } catch {
          patch({ headphones: 'not-heard' });
        }
      },

      answerHeadphones(heard) {
        patch({ headphones: heard ? 'heard' : 'not-heard' });
      },

      async startRehearsal() {
        const current = get().preflight.rehearsal.status;
        if (current === 'starting' || current === 'recording' || current === 'measuring') return;
        dropRehearsal();
        const recorder = deps.rehearsal;
        if (!recorder) {
          patch({
            rehearsal: {
              status: 'error',
              error: 'This window cannot record audio: open Steadycast in the app or in Chromium to rehearse.',
            },
          });
          return;
        }
        patch({ rehearsal: { status: 'starting' } });
        // Only the take this call started may write its outcome: a closed preflight or a newer take wins.
        let mine: RehearsalSession | null = null;
        const stillMine = (): boolean => session !== null && session === mine && get().preflight.open;
        try {
          // The microphone and processing the show will capture with (the saved settings, or the device picked here).
          mine = await recorder.start(selectMicrophoneCapture(get()), REHEARSAL_MAX_MS);
          if (!get().preflight.open || get().preflight.rehearsal.status !== 'starting') {
            mine.stop();
            void mine.done.then(
              (take) => recorder.release(take.url),
              () => undefined,
            );
            return;
          }
          session = mine;
          patch({ rehearsal: { status: 'recording', startedAt: deps.now() } });
          const take = await mine.done;
          if (!stillMine()) {
            recorder.release(take.url);
            return;
          }
          session = null;
          patch({ rehearsal: { status: 'ready', take } });
        } catch (error) {
          if (mine !== null && !stillMine()) return;
          session = null;
          if (get().preflight.open) patch({ rehearsal: { status: 'error', error: describeError(error) } });
        }
      },

      stopRehearsal() {
        if (session === null || get().preflight.rehearsal.status !== 'recording') return;
        patch({ rehearsal: { status: 'measuring' } });
        session.stop();
      },

      setPreflightOverride(override) {
        patch({ override });
      },

      async goLiveFromPreflight() {
        if (isPreflightBlocked(get())) return;
        set({ preflight: CLOSED });
        await get().goLive();
      },
    };
  };

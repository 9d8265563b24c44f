import type { MicReport } from '../../shared/mic-report';
import type { StrayFlag, StrayFlagKind } from '../../shared/conversation';

/*
 * Stray-microphone detection for moderators: which open microphone is a problem, and why, before
 * listeners notice. It reads the speakers' own microphone reports (space channel) and the room's
 * view of each participant (Janus AudioBridge: muted, talking). Pure: the caller passes the time.
 *
 * A cause must last before it flags (a cough is not noise) and must be gone for a while before
 * the flag clears (no blinking):
 * - noise:  open microphone whose reports say noise, music or typing (not speech) for > noiseMs;
 * - echo:   open microphone whose echo score stays at or above echoThreshold for > echoMs;
 * - off-stage: someone who is not on stage (a producer, a guest muted by a moderator) is audible;
 * - self-unmuted: a participant locked by a moderator unmuted itself (set by the enforcer, see `markSelfUnmuted`).
 */

/** What the detector knows of one participant from the room, at the time of `evaluate`. */
export interface DetectorParticipant {
  readonly id: string;
  /** Muted in the mix (by anyone). */
  readonly muted: boolean;
  /** Janus says the participant is talking (its audio level is over the room's threshold). */
  readonly talking: boolean;
  /** Host or co-host not locked by a moderator: allowed to be heard. */
  readonly onStage: boolean;
}

/** Tunables; the defaults are the (noise over 5 s). */
export interface DetectorOptions {
  readonly noiseMs?: number;
  readonly echoThreshold?: number;
  readonly echoMs?: number;
  /** How long someone off stage must be audible before the flag (default 1 s). */
  readonly offStageMs?: number;
  /** How long a cause must be gone before its flag clears (default 2 s). */
  readonly clearMs?: number;
  /** A report older than this is not evidence of anything (default 1.5 s). */
  readonly staleMs?: number;
  /** How long a self-unmute flag stays after the participant was muted again (default 15 s). */
  readonly selfUnmutedMs?: number;
  /** Level over which a report counts as audible for the off-stage rule (default -45 dBFS). */
  readonly audibleDbfs?: number;
  /**
   * How far back a report's evidence reaches (default 600 ms): the speaker's analysis judges a
   * window of about 1.2 s ending when it reports, so the sound it calls noise (or echo) began at
   * least half a window before the first such report. Rules count their hold from there.
   */
  readonly reportLeadMs?: number;
}

interface Track {
  /** When the cause was first seen in the current run, or null while absent. */
  causeSince: number | null;
  /** When the cause was last seen. */
  causeLastAt: number | null;
  /** Set while flagged. */
  flaggedSince: number | null;
}

interface State {
  report: MicReport | null;
  reportAt: number;
  readonly tracks: Record<Exclude<StrayFlagKind, 'self-unmuted'>, Track>;
  selfUnmutedAt: number | null;
}

const NON_SPEECH = new Set(['noise', 'music', 'typing']);

const MESSAGES: Record<StrayFlagKind, (report: MicReport | null) => string> = {
  noise: (report) =>
    `Open microphone carrying ${report?.voice === 'music' ? 'music' : report?.voice === 'typing' ? 'typing' : 'steady noise'}, not speech`,
  echo: () => 'Microphone picks up the room (echo): they need headphones or to mute',
  'off-stage': () => 'Audible while not on stage',
  'self-unmuted': () => 'Unmuted itself while muted by a moderator: muted again',
};

/** The stray-mic rules over time. */
export class StrayMicDetector {
  private readonly states = new Map<string, State>();
  private readonly noiseMs: number;
  private readonly echoThreshold: number;
  private readonly echoMs: number;
  private readonly offStageMs: number;
  private readonly clearMs: number;
  private readonly staleMs: number;
  private readonly selfUnmutedMs: number;
  private readonly audibleDbfs: number;
  private readonly reportLeadMs: number;

  constructor(options: DetectorOptions = {}) {
    this.noiseMs = options.noiseMs ?? 5000;
    // The speaker's own echo warning starts at the same score (renderer/audio/mic-analysis).
    this.echoThreshold = options.echoThreshold ?? 0.3;
    this.echoMs = options.echoMs ?? 2000;
    this.offStageMs = options.offStageMs ?? 1000;
    this.clearMs = options.clearMs ?? 2000;
    this.staleMs = options.staleMs ?? 1500;
    this.selfUnmutedMs = options.selfUnmutedMs ?? 15_000;
    this.audibleDbfs = options.audibleDbfs ?? -45;
    this.reportLeadMs = options.reportLeadMs ?? 600;
  }

  /** A microphone report from `participantId`, received at `now`. */
  observe(participantId: string, report: MicReport, now: number): void {
    const state = this.state(participantId);
    state.report = report;
    state.reportAt = now;
  }

  /** The enforcer muted `participantId` again after it unmuted itself. */
  markSelfUnmuted(participantId: string, now: number): void {
    this.state(participantId).selfUnmutedAt = now;
  }

  /** Forgets a participant who left. */
  forget(participantId: string): void {
    this.states.delete(participantId);
  }

  /** The latest fresh report of a participant, or null. */
  latest(participantId: string, now: number): MicReport | null {
    const state = this.states.get(participantId);
    if (state === undefined || state.report === null || now - state.reportAt > this.staleMs) return null;
    return state.report;
  }

  /** Applies the rules at `now` to everyone in the room; returns each participant's flags. */
  evaluate(participants: readonly DetectorParticipant[], now: number): Map<string, StrayFlag[]> {
    const present = new Set(participants.map((participant) => participant.id));
    for (const id of this.states.keys()) if (!present.has(id)) this.states.delete(id);
    const result = new Map<string, StrayFlag[]>();
    for (const participant of participants) {
      const state = this.state(participant.id);
      const report = this.latest(participant.id, now);
      const open = !participant.muted;
      // Report-based causes are unknown (null) while the speaker's reports are late: a gap on the
      // channel neither starts nor breaks a run; only a report that says otherwise does.
      const reported = (test: (fresh: MicReport) => boolean): boolean | null => (!open ? false : report === null ? null : test(report));
      const causes: Record<Exclude<StrayFlagKind, 'self-unmuted'>, boolean | null> = {
        noise: reported((fresh) => NON_SPEECH.has(fresh.voice)),
        echo: reported((fresh) => fresh.echoScore >= this.echoThreshold),
        'off-stage':
          open &&
          !participant.onStage &&
          (participant.talking || (report !== null && report.voice !== 'silence' && report.levelDbfs > this.audibleDbfs)),
      };
      const needMs = { noise: this.noiseMs, echo: this.echoMs, 'off-stage': this.offStageMs };
      const flags: StrayFlag[] = [];
      for (const kind of ['noise', 'echo', 'off-stage'] as const) {
        const track = state.tracks[kind];
        const cause = causes[kind];
        if (cause === true) {
          // Report-based causes began before the report that shows them; Janus's talking state is current.
          track.causeSince ??= kind === 'off-stage' ? now : now - this.reportLeadMs;
          track.causeLastAt = now;
          if (track.flaggedSince === null && now - track.causeSince >= needMs[kind]) track.flaggedSince = now;
        } else if (cause === false) {
          track.causeSince = null;
          // A muted microphone clears at once: the cause cannot be on air any more.
          if (track.flaggedSince !== null && (!open || track.causeLastAt === null || now - track.causeLastAt >= this.clearMs))
            track.flaggedSince = null;
        } else if (track.causeLastAt === null || now - track.causeLastAt >= this.staleMs + this.clearMs) {
          // No reports for a long time: no evidence of anything.
          track.causeSince = null;
          track.flaggedSince = null;
        }
        if (track.flaggedSince !== null) flags.push({ kind, since: track.flaggedSince, message: MESSAGES[kind](state.report) });
      }
      if (state.selfUnmutedAt !== null) {
        if (now - state.selfUnmutedAt < this.selfUnmutedMs)
          flags.push({ kind: 'self-unmuted', since: state.selfUnmutedAt, message: MESSAGES['self-unmuted'](null) });
        else state.selfUnmutedAt = null;
      }
      result.set(participant.id, flags);
    }
    return result;
  }

  private state(participantId: string): State {
    let state = this.states.get(participantId);
    if (state === undefined) {
      const track = (): Track => ({ causeSince: null, causeLastAt: null, flaggedSince: null });
      state = { report: null, reportAt: 0, tracks: { noise: track(), echo: track(), 'off-stage': track() }, selfUnmutedAt: null };
      this.states.set(participantId, state);
    }
    return state;
  }
}

import type { CommandPayload } from '../../shared/contract';
import type { GeneralSettings } from '../../shared/settings';

/*
 * How a show goes on air: what a `broadcast:start` request says, and for what it leaves out, the
 * engine's saved settings. Deciding it here (not in each UI) keeps the control room, the desktop
 * app's resume and any other UI of this engine going live with the same program.
 */

/** What a request may say about the program. */
export type ProgramRequest = Pick<CommandPayload<'broadcast:start'>, 'channels' | 'bitrateKbps' | 'record'>;

/** The program a show goes on air with. */
export interface ProgramPlan {
  readonly channels: 1 | 2;
  readonly bitrateKbps: number;
  /** The folder the safety recording is written to, or null when this show is not recorded. */
  readonly recordingFolder: string | null;
  /** What came from the saved settings rather than the request (for the log). */
  readonly fromSettings: readonly ('channels' | 'bitrate' | 'recording')[];
}

/** The program of a request: its own values where it gives them, the saved settings' otherwise. */
export function planProgram(request: ProgramRequest, saved: Pick<GeneralSettings, 'audio' | 'recording'>): ProgramPlan {
  const fromSettings: ProgramPlan['fromSettings'][number][] = [];
  if (request.channels === undefined) fromSettings.push('channels');
  if (request.bitrateKbps === undefined) fromSettings.push('bitrate');
  if (request.record === undefined) fromSettings.push('recording');
  const record = request.record ?? saved.recording.enabled;
  return {
    channels: request.channels ?? saved.audio.channels,
    bitrateKbps: request.bitrateKbps ?? saved.audio.bitrateKbps,
    // Recording needs a folder: a request that asks for one where none is saved goes out unrecorded.
    recordingFolder: record && saved.recording.folder !== '' ? saved.recording.folder : null,
    fromSettings,
  };
}

/** The plan in a few words for the log, e.g. "stereo, 96 kbit/s, recorded (saved settings: bitrate, recording)". */
export function describeProgramPlan(plan: ProgramPlan): string {
  const saved = plan.fromSettings.length === 0 ? '' : ` (saved settings: ${plan.fromSettings.join(', ')})`;
  return `${plan.channels === 2 ? 'stereo' : 'mono'}, ${plan.bitrateKbps} kbit/s, ${plan.recordingFolder === null ? 'not recorded' : 'recorded'}${saved}`;
}

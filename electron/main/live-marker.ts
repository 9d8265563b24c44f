import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { createLogger, type Logger } from '../engine/log/logger';
import { writeFileAtomic } from './atomic-file';
import type { OnAirShow } from './on-air';
import { describeError } from '../shared/describe-error';

/*
 * The live marker: a small file in the user data folder that exists exactly while a show is on
 * air. Written when the show goes live (and again when its recording moves to a new file),
 * removed when it ends cleanly. Found at the next start, it means Steadycast stopped while on air
 * (crash, power loss, forced quit): the app offers to resume the show and points to the safety
 * recording, which is intact up to the last Ogg page written.
 */

/** The marker's file name in the user data folder. */
export const LIVE_MARKER_FILE = 'live-show.json';

const LiveMarkerSchema = z.strictObject({
  version: z.literal(1),
  space: z.string().max(200),
  startedAt: z.number(),
  recordingPath: z.string().max(4096).nullable(),
  appVersion: z.string().max(64),
  pid: z.number().int(),
});
/** What the marker records about the show. */
export type LiveMarker = z.infer<typeof LiveMarkerSchema>;

/** A marker found at start. */
export type FoundMarker =
  { status: 'none' } | { status: 'found'; marker: LiveMarker; recordingExists: boolean } | { status: 'unreadable'; problem: string };

/** Writes and removes the marker, one operation after the other. */
export class LiveMarkerFile {
  readonly path: string;
  private queue: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    dir: string,
    private readonly identity: { appVersion: string; pid: number },
    logger?: Logger,
  ) {
    this.path = join(dir, LIVE_MARKER_FILE);
    this.log = logger ?? createLogger('live-marker');
  }

  /** Follows the show: writes the marker while on air, removes it off air. Resolves when done. */
  update(show: OnAirShow | null): Promise<void> {
    this.queue = this.queue.then(async () => {
      try {
        if (show === null) await rm(this.path, { force: true });
        else {
          const marker: LiveMarker = { version: 1, ...show, ...this.identity };
          await writeFileAtomic(this.path, `${JSON.stringify(marker, null, 2)}\n`);
        }
      } catch (error) {
        this.log.error(`could not ${show === null ? 'remove' : 'write'} the live marker ${this.path}`, error);
      }
    });
    return this.queue;
  }

  /** Resolves once every write and removal asked for so far is done. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Reads a marker left by an earlier run. */
  async find(): Promise<FoundMarker> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return { status: 'none' };
      return { status: 'unreadable', problem: describeError(error) };
    }
    try {
      const marker = LiveMarkerSchema.parse(JSON.parse(text));
      return { status: 'found', marker, recordingExists: marker.recordingPath !== null && existsSync(marker.recordingPath) };
    } catch (error) {
      return { status: 'unreadable', problem: describeError(error) };
    }
  }

  /** Removes the marker once the user answered the resume offer. */
  clear(): Promise<void> {
    return this.update(null);
  }
}

/** The buttons of the resume offer, in order. */
export const RESUME_BUTTONS = ['Resume the Show', 'Show the Recording', 'Not Now'] as const;

/** The resume offer for a marker an earlier run left behind. */
export function resumeOffer(
  found: Extract<FoundMarker, { status: 'found' }>,
  formatTime: (at: number) => string,
): { message: string; detail: string; buttons: string[] } {
  const { marker, recordingExists } = found;
  const recording =
    marker.recordingPath === null
      ? 'That show was not recorded.'
      : recordingExists
        ? `Its safety recording is intact up to the moment Steadycast stopped:\n${marker.recordingPath}`
        : `Its safety recording was not found where it was being written:\n${marker.recordingPath}`;
  return {
    message: `Steadycast stopped while “${marker.space}” was on air`,
    detail:
      `The show went live at ${formatTime(marker.startedAt)} and did not end cleanly (a crash, a power cut or a forced quit).\n\n${recording}\n\n` +
      'Resume the show to go live again with the same space and your microphone; a new recording starts beside the old one.',
    buttons: marker.recordingPath !== null && recordingExists ? [...RESUME_BUTTONS] : [RESUME_BUTTONS[0], RESUME_BUTTONS[2]],
  };
}

import { dispatchUntrusted } from '../engine/dispatch';
import type { Engine } from '../engine/engine';
import { createLogger, type Logger } from '../engine/log/logger';
import type { CommandPayload } from '../shared/contract';
import type { DialogLike, ShellLike } from './electron-api';
import { RESUME_BUTTONS, resumeOffer, type FoundMarker, type LiveMarkerFile } from './live-marker';
import { assertNever } from '../shared/assert-never';

/** How a resumed show goes on air: the window's microphone and the room with the saved audio settings, as "Go live" does. */
export const RESUME_REQUEST = { source: { kind: 'bridge' } } as const satisfies CommandPayload<'broadcast:start'>;

/** What the start-up question about an interrupted show works with. */
export interface ResumeDeps {
  dialog: DialogLike;
  shell: Pick<ShellLike, 'showItemInFolder'>;
  liveMarker: Pick<LiveMarkerFile, 'clear'>;
  engine: Engine;
  formatTime: (at: number) => string;
  logger?: Logger;
}

/**
 * Deals with the live marker an earlier run left: none, nothing to do; unreadable, removed
 * without asking; found, the show was interrupted: offers to resume it (or to show its safety
 * recording), then removes the marker whatever the answer.
 */
export async function settlePreviousShow(previous: FoundMarker, deps: ResumeDeps): Promise<void> {
  const log = deps.logger ?? createLogger('app');
  switch (previous.status) {
    case 'none':
      return;
    case 'unreadable':
      log.warn(`a live marker from an earlier run cannot be read (${previous.problem}); removed`);
      await deps.liveMarker.clear();
      return;
    case 'found':
      await offerResume(previous, deps, log);
      return;
    default:
      assertNever(previous);
  }
}

async function offerResume(found: Extract<FoundMarker, { status: 'found' }>, deps: ResumeDeps, log: Logger): Promise<void> {
  const { dialog } = deps;
  const { marker } = found;
  log.warn(`the previous run stopped while "${marker.space}" was on air (live marker found)`);
  const offer = resumeOffer(found, deps.formatTime);
  const answer = await dialog.showMessageBox({
    type: 'warning',
    title: 'Steadycast',
    message: offer.message,
    detail: offer.detail,
    buttons: offer.buttons,
    defaultId: 0,
    cancelId: offer.buttons.length - 1,
  });
  const choice = offer.buttons[answer.response];
  await deps.liveMarker.clear();
  if (choice === RESUME_BUTTONS[1] && marker.recordingPath !== null) {
    deps.shell.showItemInFolder(marker.recordingPath);
    return;
  }
  if (choice !== RESUME_BUTTONS[0]) {
    log.info('the interrupted show was not resumed');
    return;
  }
  log.info(`resuming "${marker.space}"`);
  const reply = await dispatchUntrusted(deps.engine, 'broadcast:start', RESUME_REQUEST);
  if (!reply.ok) {
    dialog.showErrorBox(
      'Steadycast could not resume the show',
      `${reply.error.message}\n\nThe recording of the interrupted show is not affected${marker.recordingPath ? `: ${marker.recordingPath}` : ''}.`,
    );
  }
}

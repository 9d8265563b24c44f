import type { Engine } from '../engine/engine';
import { createLogger, type Logger } from '../engine/log/logger';
import type { DialogLike } from './electron-api';
import { describeError } from '../shared/describe-error';

/** What the tray's "Switch to backup space…" works with. */
export interface BackupSwitchDeps {
  dialog: DialogLike;
  engine: Pick<Engine, 'execute'>;
  logger?: Logger;
}

/**
 * The tray's "Switch to backup space…": asks first (it moves everyone in the room), then sends
 * `failover:switch`; a failure is shown in a dialog. Resolves when done, never rejects.
 */
export async function switchToBackupFromTray({ dialog, engine, logger = createLogger('app') }: BackupSwitchDeps): Promise<void> {
  const answer = await dialog.showMessageBox({
    type: 'warning',
    title: 'Steadycast',
    message: 'Move the show to the backup space?',
    detail: 'Everyone in the conversation moves to the backup room; listeners keep the program on both servers.',
    buttons: ['Switch to Backup', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
  });
  if (answer.response !== 0) return;
  try {
    await engine.execute({ channel: 'failover:switch', payload: { to: 'backup' } });
  } catch (error) {
    logger.warn(`switch to backup from the tray failed: ${describeError(error)}`);
    await dialog.showMessageBox({
      type: 'error',
      title: 'Steadycast',
      message: 'The show could not be moved to the backup space',
      detail: describeError(error),
    });
  }
}

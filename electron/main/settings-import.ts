import { createLogger, type Logger } from '../engine/log/logger';
import { loadConfigFile } from './config-file';
import type { AppLike, DialogLike } from './electron-api';
import type { SettingsBookFile } from './settings-book-file';
import type { DesktopSettings } from './settings-schema';
import { describeError } from '../shared/describe-error';

/** What File › Import Space Settings works with. */
export interface SettingsImportDeps {
  dialog: DialogLike;
  app: Pick<AppLike, 'relaunch' | 'quit'>;
  settingsFile: Pick<SettingsBookFile, 'importSpace'>;
  /** Where the settings are kept (named in the dialogs). */
  settingsPath: string;
  logger?: Logger;
}

/**
 * File › Import Space Settings: picks a space settings file, names every bad field of one that
 * cannot be used, saves a good one with its secrets sealed (or says why it was not saved), and
 * offers to restart with it. Rejects only when a dialog itself fails.
 */
export async function importSpaceSettings({
  dialog,
  app,
  settingsFile,
  settingsPath,
  logger = createLogger('app'),
}: SettingsImportDeps): Promise<void> {
  const picked = await dialog.showOpenDialog({
    title: 'Import Space Settings',
    filters: [{ name: 'Steadycast space settings', extensions: ['json'] }],
    properties: ['openFile'],
  });
  const path = picked.filePaths[0];
  if (picked.canceled || path === undefined) return;
  const read = await loadConfigFile(path);
  if (read.status !== 'loaded') {
    await dialog.showMessageBox({
      type: 'warning',
      title: 'Steadycast',
      message: 'These space settings cannot be used',
      detail: `${path}\n\n${read.status === 'missing' ? '• the file does not exist' : read.problems.map((problem) => `• ${problem}`).join('\n')}\n\nFix these fields and import the file again.`,
    });
    return;
  }
  let next: DesktopSettings;
  try {
    next = await settingsFile.importSpace(read.config);
  } catch (error) {
    logger.warn(`space settings not imported: ${describeError(error)}`);
    await dialog.showMessageBox({
      type: 'error',
      title: 'Steadycast',
      message: 'The space settings were not saved',
      detail: describeError(error),
    });
    return;
  }
  logger.info(`space settings "${next.config.space.name}" imported into ${settingsPath}`);
  const answer = await dialog.showMessageBox({
    type: 'info',
    title: 'Steadycast',
    message: `“${next.config.space.name}” is saved`,
    detail: `Its secrets are encrypted by the system keychain in ${settingsPath}. The file you imported still holds them in plain text: delete it if you no longer need it.\n\nRestart Steadycast to use the new space settings.`,
    buttons: ['Restart Now', 'Later'],
    defaultId: 0,
    cancelId: 1,
  });
  if (answer.response === 0) {
    app.relaunch();
    app.quit();
  }
}

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../electron/engine/log/logger';
import { AppSettings, SecretValues } from '../../../electron/main/app-settings';
import { createSafeStorageVault } from '../../../electron/main/secret-vault';
import { importSpaceSettings, type SettingsImportDeps } from '../../../electron/main/settings-import';
import { createFakeElectron, FakeSafeStorage, type FakeElectron } from '../../fakes/electron';

/*
 * File › Import Space Settings, on its own: the fake dialogs pick the file and answer, the
 * settings are real (a temporary user data folder, secrets sealed by the fake keychain).
 */

const PASSWORD = 'Imp0rted-pw';
const space = {
  space: {
    name: 'Imported night',
    primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: `http://source:${PASSWORD}@198.18.0.1:8000/n.opus` } },
  },
};
const quiet = createLogger('test-import');

let dir: string;
let electron: FakeElectron;
let deps: SettingsImportDeps;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-import-'));
  electron = createFakeElectron({ userData: dir });
  const settings = await AppSettings.load({
    dir,
    vault: createSafeStorageVault(new FakeSafeStorage(4), 'linux'),
    now: Date.now,
    secrets: new SecretValues(),
    logger: quiet,
  });
  deps = { dialog: electron.dialog, app: electron.app, settingsFile: settings.file, settingsPath: settings.store.path, logger: quiet };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('import space settings', () => {
  it('does nothing when the host cancels the file dialog', async () => {
    await importSpaceSettings(deps);
    expect(electron.dialog.messageBoxes).toEqual([]);
  });

  it('says when the picked file is gone', async () => {
    electron.dialog.openDialogResult = { canceled: false, filePaths: [join(dir, 'nowhere.json')] };
    await importSpaceSettings(deps);
    expect(electron.dialog.messageBoxes[0]).toMatchObject({ type: 'warning', message: 'These space settings cannot be used' });
    expect(electron.dialog.messageBoxes[0]?.detail).toContain('• the file does not exist');
  });

  it('saves a good file sealed, and restarts only when asked', async () => {
    const file = join(dir, 'space.json');
    await writeFile(file, JSON.stringify(space));
    electron.dialog.openDialogResult = { canceled: false, filePaths: [file] };
    electron.dialog.answers.push(1);
    await importSpaceSettings(deps);
    expect(electron.dialog.messageBoxes[0]).toMatchObject({
      type: 'info',
      message: '“Imported night” is saved',
      buttons: ['Restart Now', 'Later'],
    });
    expect(electron.dialog.messageBoxes[0]?.detail).toContain(deps.settingsPath);
    expect(electron.app.relaunches).toBe(0);
    expect(await readFile(deps.settingsPath, 'utf8')).not.toContain(PASSWORD);

    electron.dialog.answers.push(0);
    await importSpaceSettings(deps);
    expect(electron.app.relaunches).toBe(1);
    expect(electron.app.quitted).toBe(true);
  });
});

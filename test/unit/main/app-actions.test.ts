import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import electronLog from 'electron-log/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type DesktopApp, type DesktopAppOptions } from '../../../electron/main/app';
import { NOT_AN_INVITE_LINK } from '../../../electron/main/deep-link';
import { createLogFiles } from '../../../electron/main/logging';
import { createSafeStorageVault } from '../../../electron/main/secret-vault';
import { SettingsStore } from '../../../electron/main/settings-store';
import { createLogger } from '../../../electron/engine/log/logger';
import { createFakeElectron, FakeSafeStorage, type FakeElectron } from '../../fakes/electron';
import { desktopAppOptions as options } from '../../support/electron-app-support';

/*
 * The desktop app's own actions against the fake Electron: importing space settings (sealed, or
 * refused with the reason when secrets cannot be sealed), exporting diagnostics, the log files
 * main writes (its lines and the page's console, with the configured secrets redacted), and the
 * message a `steadycast:` link that is not an invite gets on every way in.
 */

const PASSWORD = 'Imp0rted-s0urce-pw';
const ROOM_SECRET = 'imported-room-secret';
const space = {
  space: {
    name: 'Imported night',
    primary: {
      janus: { url: 'ws://198.18.0.1:8188', room: { id: 7, secret: ROOM_SECRET } },
      icecast: { mountUrl: `http://source:${PASSWORD}@198.18.0.1:8000/n.opus` },
    },
  },
};

let userData: string;
let run = 0;
const started: DesktopApp[] = [];
beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'steadycast-actions-'));
  run += 1;
});
afterEach(async () => {
  for (const app of started.splice(0)) await app.dispose();
  await rm(userData, { recursive: true, force: true });
});

async function start(electron: FakeElectron, overrides: Partial<DesktopAppOptions> = {}): Promise<DesktopApp> {
  const app = await startApp(electron, options(overrides));
  if (!app) throw new Error('the app did not start');
  started.push(app);
  return app;
}

/** Lets the action's promises and file operations finish (bounded; asserts nothing about time). */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200 && !done(); turn += 1) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  expect(done()).toBe(true);
}

describe('Import Space Settings', () => {
  it('saves the imported space with its secrets sealed, then restarts when asked', async () => {
    const file = join(userData, 'space.json');
    await writeFile(file, JSON.stringify(space));
    const electron = createFakeElectron({ userData, safeStorage: new FakeSafeStorage(9) });
    await start(electron);
    electron.dialog.openDialogResult = { canceled: false, filePaths: [file] };
    electron.dialog.answers.push(0);
    electron.Menu.applicationMenu?.click('import-settings');
    await until(() => electron.app.relaunches === 1);
    expect(electron.dialog.messageBoxes.at(-1)).toMatchObject({ message: '“Imported night” is saved', buttons: ['Restart Now', 'Later'] });
    expect(electron.dialog.messageBoxes.at(-1)?.detail).toMatch(/still holds them in plain text: delete it/);
    expect(electron.app.quitted).toBe(true);
    const written = await readFile(join(userData, 'settings.json'), 'utf8');
    expect(written).not.toContain(PASSWORD);
    expect(written).not.toContain(ROOM_SECRET);
    const reread = await new SettingsStore({
      dir: userData,
      vault: createSafeStorageVault(electron.safeStorage, 'linux'),
      now: Date.now,
    }).load();
    expect(reread.settings.config.space.primary?.icecast.mountUrl).toBe(`http://source:${PASSWORD}@198.18.0.1:8000/n.opus`);
  });

  it('refuses to save secrets without a keychain, and says why', async () => {
    const file = join(userData, 'space.json');
    await writeFile(file, JSON.stringify(space));
    const keychain = new FakeSafeStorage(9);
    keychain.available = false;
    const electron = createFakeElectron({ userData, safeStorage: keychain });
    await start(electron);
    electron.dialog.openDialogResult = { canceled: false, filePaths: [file] };
    electron.Menu.applicationMenu?.click('import-settings');
    await until(() => electron.dialog.messageBoxes.length === 1);
    expect(electron.dialog.messageBoxes[0]).toMatchObject({ type: 'error', message: 'The space settings were not saved' });
    expect(electron.dialog.messageBoxes[0]?.detail).toMatch(/never writes room secrets or server passwords in plain text/);
    expect(existsSync(join(userData, 'settings.json'))).toBe(false);
    expect(electron.app.relaunches).toBe(0);
  });

  it('names the bad fields of a file it cannot use', async () => {
    const file = join(userData, 'space.json');
    await writeFile(
      file,
      JSON.stringify({ space: { name: 'x', primary: { janus: { url: 'http://wrong' }, icecast: { mountUrl: 'http://h/m' } } } }),
    );
    const electron = createFakeElectron({ userData });
    await start(electron);
    electron.dialog.openDialogResult = { canceled: false, filePaths: [file] };
    electron.Menu.applicationMenu?.click('import-settings');
    await until(() => electron.dialog.messageBoxes.length === 1);
    expect(electron.dialog.messageBoxes[0]?.message).toBe('These space settings cannot be used');
    expect(electron.dialog.messageBoxes[0]?.detail).toMatch(/space\.primary\.janus\.url: must start with ws:\/\/ or wss:\/\//);
  });
});

describe('logs and diagnostics in the app', () => {
  it('writes main’s and the page’s lines to the log files with the configured secrets redacted, and exports them', async () => {
    const safeStorage = new FakeSafeStorage(5);
    await writeFile(join(userData, 'config.json'), JSON.stringify(space));
    const electron = createFakeElectron({ userData, safeStorage });
    const app = await start(electron, {
      logFiles: (dir, secrets) => createLogFiles({ dir, secrets, create: (logId) => electronLog.create({ logId: `${logId}-app-${run}` }) }),
      runtime: {
        versions: { electron: '45.4.1', chrome: '140', node: '22.19.0' },
        system: { platform: 'linux', arch: 'x64', release: '6.1', type: 'Linux' },
      },
    });
    createLogger('test').warn(`a message that quotes the room secret ${ROOM_SECRET} and the password ${PASSWORD}`);
    electron.windows[0]?.webContents.consoleMessage(`page says ${ROOM_SECRET}`, 'error');

    const main = await readFile(join(userData, 'logs', 'main.log'), 'utf8');
    expect(main).toContain('[test] a message that quotes the room secret [redacted] and the password [redacted]');
    expect(main).toMatch(/\[settings\] .*migrated into/);
    const renderer = await readFile(join(userData, 'logs', 'renderer.log'), 'utf8');
    expect(renderer).toMatch(/\[error\]\s+page says \[redacted\]/);

    electron.Menu.applicationMenu?.click('export-diagnostics');
    await until(() => electron.shell.revealed.length === 1);
    const folder = electron.shell.revealed[0] ?? '';
    expect(folder.startsWith(join(userData, 'diagnostics', 'steadycast-diagnostics-'))).toBe(true);
    expect((await readdir(join(folder, 'logs'))).sort()).toEqual(['main.log', 'renderer.log']);
    const report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8')) as { versions: Record<string, string> };
    expect(report.versions).toEqual({ steadycast: '9.9.9', electron: '45.4.1', chrome: '140', node: '22.19.0' });
    const settings = await readFile(join(folder, 'settings.json'), 'utf8');
    expect(settings).toContain('Imported night');
    for (const name of ['report.json', 'settings.json', 'logs/main.log', 'logs/renderer.log']) {
      const text = await readFile(join(folder, name), 'utf8');
      expect(text).not.toContain(ROOM_SECRET);
      expect(text).not.toContain(PASSWORD);
    }
    expect(app.engine.getState().space.name).toBe('Imported night');
  });
});

describe('Windows identity', () => {
  it('sets the installer’s app id, so notifications belong to the Start menu shortcut', async () => {
    const windows = createFakeElectron({ userData });
    await start(windows, { platform: 'win32' });
    expect(windows.app.appUserModelId).toBe('org.steadycast.app');
    const linux = createFakeElectron({ userData });
    await start(linux);
    expect(linux.app.appUserModelId).toBeNull();
  });
});

describe('a steadycast: link that is not an invite', () => {
  it('gets its problem shown on a first launch and on macOS open-url, never silence', async () => {
    const electron = createFakeElectron({ userData });
    await start(electron, {
      launch: { argv: ['/opt/Steadycast/steadycast', 'steadycast://join/'], defaultApp: false, execPath: '/opt/Steadycast/steadycast' },
    });
    const window = electron.windows[0];
    if (!window) throw new Error('no window');
    window.webContents.finishLoading();
    electron.app.openUrl('steadycast://settings');
    const opened = window.webContents.sent.filter((message) => message.channel === 'invites:opened').map((message) => message.args[0]);
    expect(opened).toEqual([
      { kind: 'not-an-invite', problem: expect.stringMatching(/incomplete: it has no invite code/) as unknown },
      { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK },
    ]);
  });
});

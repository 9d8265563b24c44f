import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type DesktopApp, type DesktopAppOptions } from '../../../electron/main/app';
import { NOT_AN_INVITE_LINK } from '../../../electron/main/deep-link';
import { buildSteadycastApi } from '../../../electron/preload/api';
import { addLogSink, type LogRecord } from '../../../electron/engine/log/logger';
import { createFakeElectron, type FakeBrowserWindow, type FakeElectron } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

/*
 * The desktop app's deep-link wiring against the fake Electron: every way a link arrives ends as
 * one `invites:opened` message to the main window once its page has loaded, the window in front.
 */

const CODE = 'sc1.eyJ0b2tlbiI6InRvcC1zZWNyZXQifQ.Xy9_ab-CdE0';
const LINK = `steadycast://join/${CODE}`;
const EXE = 'C:\\Program Files\\Steadycast\\Steadycast.exe';

let userData: string;
let logs: LogRecord[];
let removeSink: () => void;
const started: DesktopApp[] = [];

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'steadycast-deep-link-'));
  logs = [];
  removeSink = addLogSink((record) => logs.push(record));
});
afterEach(async () => {
  removeSink();
  for (const app of started.splice(0)) await app.dispose();
  await rm(userData, { recursive: true, force: true });
});

const options = (overrides: Partial<DesktopAppOptions> = {}): DesktopAppOptions => ({
  version: '9.9.9',
  platform: 'win32',
  clock: new FakeClock(),
  prober: new FakeProber(),
  preloadPath: '/app/out/preload/index.cjs',
  renderer: { kind: 'file', path: '/app/out/renderer/index.html' },
  launch: { argv: [EXE], defaultApp: false, execPath: EXE },
  ...overrides,
});

async function start(
  overrides: Partial<DesktopAppOptions> = {},
  electron = createFakeElectron({ userData }),
): Promise<{ electron: FakeElectron; app: DesktopApp; window: FakeBrowserWindow }> {
  const app = await startApp(electron, options(overrides));
  if (!app) throw new Error('the app did not start');
  started.push(app);
  const window = electron.windows.at(-1);
  if (!window) throw new Error('no window');
  return { electron, app, window };
}

/** What main sent the window on `invites:opened`. */
const opened = (window: FakeBrowserWindow): unknown[] =>
  window.webContents.sent.filter((message) => message.channel === 'invites:opened').map((message) => message.args);

function expectCodeNeverLogged(): void {
  expect(logs.length).toBeGreaterThan(0);
  for (const record of logs) {
    expect(record.message).not.toContain(CODE);
    expect(record.message).not.toContain('eyJ0b2tlbiI6');
  }
}

describe('deep links in the desktop app', () => {
  it('hands the link of a first launch (Windows argv with Chromium switches) to the window once its page loaded', async () => {
    const { window } = await start({
      launch: { argv: [EXE, '--allow-file-access-from-files', `"${LINK}"`], defaultApp: false, execPath: EXE },
    });
    expect(opened(window)).toEqual([]);
    window.webContents.finishLoading();
    expect(opened(window)).toEqual([[{ kind: 'invite', link: LINK }]]);
    expect(window.focused).toBe(true);
    // A reload of the page does not send it twice.
    window.webContents.finishLoading();
    expect(opened(window)).toHaveLength(1);
    expectCodeNeverLogged();
    expect(logs.some((record) => record.message === 'an invite link arrived (launch)')).toBe(true);
  });

  it('hands the link of a Linux first launch over the same way', async () => {
    const { window } = await start({
      platform: 'linux',
      launch: { argv: ['/opt/Steadycast/steadycast', `${LINK}/`], defaultApp: false, execPath: '/opt/Steadycast/steadycast' },
    });
    window.webContents.finishLoading();
    expect(opened(window)).toEqual([[{ kind: 'invite', link: LINK }]]);
  });

  it('brings the running window back and sends it the link of a second launch', async () => {
    const { electron, window } = await start();
    window.webContents.finishLoading();
    window.minimized = true;
    electron.app.launchAgain([EXE, '--allow-file-access-from-files', '--original-process-start-time=1337', LINK], 'C:\\Users\\ada');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
    expect(opened(window)).toEqual([[{ kind: 'invite', link: LINK }]]);
    expectCodeNeverLogged();
  });

  it('only focuses the window for a second launch without a link', async () => {
    const { electron, window } = await start();
    window.webContents.finishLoading();
    electron.app.launchAgain([EXE]);
    expect(window.focused).toBe(true);
    expect(opened(window)).toEqual([]);
  });

  it('sends the problem, not silence, for a steadycast: link that is not an invite', async () => {
    const { electron, window } = await start();
    window.webContents.finishLoading();
    electron.app.launchAgain([EXE, 'steadycast://listen/abc']);
    expect(opened(window)).toEqual([[{ kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK }]]);
  });

  it('keeps a macOS open-url that arrives before ready, and delivers it when the page loaded', async () => {
    const electron = createFakeElectron({ userData, readyAtOnce: false });
    const starting = startApp(
      electron,
      options({
        platform: 'darwin',
        launch: { argv: ['/Applications/Steadycast.app/Contents/MacOS/Steadycast'], defaultApp: false, execPath: '/x' },
      }),
    );
    expect(electron.app.openUrl(LINK)).toBe(true);
    expect(electron.windows).toEqual([]);
    electron.app.becomeReady();
    const app = await starting;
    if (!app) throw new Error('the app did not start');
    started.push(app);
    const window = electron.windows[0];
    if (!window) throw new Error('no window');
    expect(opened(window)).toEqual([]);
    window.webContents.finishLoading();
    expect(opened(window)).toEqual([[{ kind: 'invite', link: LINK }]]);
    expectCodeNeverLogged();
  });

  it('sends a macOS open-url after ready at once, and opens a window when the app runs without one', async () => {
    const { electron, window } = await start({ platform: 'darwin' });
    window.webContents.finishLoading();
    window.minimized = true;
    expect(electron.app.openUrl(LINK)).toBe(true);
    expect(window.minimized).toBe(false);
    expect(opened(window)).toEqual([[{ kind: 'invite', link: LINK }]]);

    window.close();
    electron.app.openUrl(`${LINK}/`);
    expect(electron.windows).toHaveLength(2);
    const reopened = electron.windows[1];
    if (!reopened) throw new Error('no window');
    expect(opened(reopened)).toEqual([]);
    reopened.webContents.finishLoading();
    expect(opened(reopened)).toEqual([[{ kind: 'invite', link: LINK }]]);
    expect(reopened.focused).toBe(true);
    expectCodeNeverLogged();
  });

  it('waits for the page of a window that is still loading', async () => {
    const { electron, window } = await start();
    electron.app.launchAgain([EXE, LINK]);
    expect(opened(window)).toEqual([]);
    window.webContents.finishLoading();
    expect(opened(window)).toEqual([[{ kind: 'invite', link: LINK }]]);
  });

  it('reaches the page through the preload like every other event', async () => {
    const { electron, window } = await start();
    electron.ipcRenderer.connectToMain(electron.ipcMain, window.webContents);
    const received: unknown[] = [];
    buildSteadycastApi(electron.ipcRenderer).on('invites:opened', (payload) => received.push(payload));
    window.webContents.finishLoading();
    electron.app.launchAgain([EXE, LINK]);
    expect(received).toEqual([{ kind: 'invite', link: LINK }]);
  });
});

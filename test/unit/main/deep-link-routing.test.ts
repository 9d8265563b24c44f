import { describe, expect, it } from 'vitest';
import { routeDeepLinks } from '../../../electron/main/deep-link-routing';
import { NOT_AN_INVITE_LINK } from '../../../electron/main/deep-link';
import { MainWindow } from '../../../electron/main/main-window';
import { createLogger } from '../../../electron/engine/log/logger';
import { createFakeElectron, type FakeBrowserWindow, type FakeElectron } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { desktopEngine } from '../../support/electron-app-support';

/*
 * Deep-link routing on its own: links arrive before and after `ready` (argv, second launch,
 * open-url), wait for a main window whose page is ready, then go to it as `invites:opened`.
 */

const LINK = 'steadycast://join/sc1.abc.def';

function mainWindow(electron: FakeElectron): MainWindow {
  const clock = new FakeClock();
  return new MainWindow({
    electron,
    window: { preloadPath: '/p.cjs', renderer: { kind: 'file', path: '/r/index.html' } },
    engine: desktopEngine(clock),
    clock,
    isLive: () => false,
    isQuitting: () => false,
    notify: () => undefined,
  });
}

const opened = (window: FakeBrowserWindow | undefined): unknown[] =>
  (window?.webContents.sent ?? []).filter((message) => message.channel === 'invites:opened').map((message) => message.args[0]);

const quiet = createLogger('test-deep-link');

describe('deep-link routing', () => {
  it('keeps links that arrive before there is a window, and delivers them once its page is ready', () => {
    const electron = createFakeElectron();
    const router = routeDeepLinks(electron.app, ['/opt/Steadycast/steadycast', LINK], quiet);
    electron.app.launchAgain(['/opt/Steadycast/steadycast', 'steadycast://listen/x']);
    expect(router.pending()).toBe(2);

    const main = mainWindow(electron);
    main.open();
    router.attach(main);
    router.flush();
    expect(opened(electron.windows[0])).toEqual([]);

    electron.windows[0]?.webContents.finishLoading();
    router.flush();
    expect(opened(electron.windows[0])).toEqual([
      { kind: 'invite', link: LINK },
      { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK },
    ]);
    expect(electron.windows[0]?.focused).toBe(true);
    expect(router.pending()).toBe(0);
  });

  it('delivers at once to a ready page, brings the window to the front, and takes macOS open-url', () => {
    const electron = createFakeElectron();
    const router = routeDeepLinks(electron.app, ['/Applications/Steadycast.app/Contents/MacOS/Steadycast'], quiet);
    const main = mainWindow(electron);
    main.open();
    router.attach(main);
    const window = electron.windows[0];
    window?.webContents.finishLoading();
    if (window) window.minimized = true;

    expect(electron.app.openUrl(`${LINK}/`)).toBe(true);
    expect(window?.minimized).toBe(false);
    expect(opened(window)).toEqual([{ kind: 'invite', link: LINK }]);
    expect(electron.app.openUrl('steadycast://settings')).toBe(true);
    expect(opened(window).at(-1)).toEqual({ kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK });
  });

  it('opens a window for a link when the app runs without one', () => {
    const electron = createFakeElectron();
    const router = routeDeepLinks(electron.app, ['/s'], quiet);
    const main = mainWindow(electron);
    main.open();
    router.attach(main);
    electron.windows[0]?.close();

    electron.app.launchAgain(['/s', LINK]);
    expect(electron.windows).toHaveLength(2);
    expect(router.pending()).toBe(1);
    electron.windows[1]?.webContents.finishLoading();
    router.flush();
    expect(opened(electron.windows[1])).toEqual([{ kind: 'invite', link: LINK }]);
  });

  it('only brings the window to the front for a second launch without a link', () => {
    const electron = createFakeElectron();
    const router = routeDeepLinks(electron.app, ['/s'], quiet);
    const main = mainWindow(electron);
    main.open();
    router.attach(main);
    electron.app.launchAgain(['/s', '--some-switch']);
    expect(electron.windows[0]?.focused).toBe(true);
    expect(router.pending()).toBe(0);
  });
});

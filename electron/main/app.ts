import { join, resolve } from 'node:path';
import type { Clock } from '../engine/clock';
import { assertNever, Engine } from '../engine/engine';
import type { HttpFetch } from '../engine/listeners/http';
import { createLogger } from '../engine/log/logger';
import type { ServerProber } from '../engine/servers/prober';
import type { EngineEvent } from '../shared/contract';
import { loadConfigFile, type ConfigLoad } from './config-file';
import { createDeepLinkInbox, DEEP_LINK_SCHEME, deepLinkFromArgv, NOT_AN_INVITE_LINK, parseDeepLink, type DeepLinkSource, type OpenedLink } from './deep-link';
import type { AppLike, BrowserWindowLike, MainElectron } from './electron-api';
import { createSenderCheck, registerIpc } from './ipc';
import type { RendererLocation } from './renderer-location';
import { createMainWindow } from './window';

const log = createLogger('app');

/** What the desktop app is started with; index.ts passes the real ones. */
export interface DesktopAppOptions {
  version: string;
  platform: NodeJS.Platform;
  clock: Clock;
  prober: ServerProber;
  /** HTTP for listener statistics (see EngineOptions.listenerHttp). */
  listenerHttp?: HttpFetch;
  /** Absolute path of the built preload. */
  preloadPath: string;
  renderer: RendererLocation;
  launch: LaunchContext;
}

/** How this process was started; index.ts passes `process.argv`, `process.defaultApp` and `process.execPath`. */
export interface LaunchContext {
  /** The command line: on Windows and Linux a `steadycast://join/…` link arrives here on a first launch. */
  argv: readonly string[];
  /** Started as `electron <app path>` (development) rather than as the packaged app. */
  defaultApp: boolean;
  /** The executable, for the Windows protocol command in development. */
  execPath: string;
}

/** The running desktop app. */
export interface DesktopApp {
  readonly engine: Engine;
  /** The main window, or `null` while there is none (macOS keeps running without one). */
  mainWindow(): BrowserWindowLike | null;
  /** Removes the IPC wiring. */
  dispose(): void;
}

/**
 * The desktop app's lifecycle: one instance (a second launch focuses the first), then on ready the
 * config from the user data folder, the engine, the IPC wiring and the main window. Quits when the
 * last window closes, except on macOS where the app (and a live broadcast) keeps running.
 * Resolves with `null` when another instance already runs.
 *
 * `steadycast://join/<code>` links (first launch's argv, a second launch's argv, macOS `open-url`)
 * wait until the window's page has loaded, then go to it as `invites:opened`, the window brought
 * to the front; the renderer decides what to do with them (see deep-link.ts).
 */
export async function startApp(electron: MainElectron, options: DesktopAppOptions): Promise<DesktopApp | null> {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    log.info('Steadycast is already running; this second launch hands over to it and quits');
    app.quit();
    return null;
  }

  registerProtocolClient(app, options.launch);

  let window: BrowserWindowLike | null = null;
  /** The page of `window` finished loading: the renderer listens to events. */
  let pageLoaded = false;
  /** Opens a main window; set once the engine runs. */
  let reopenWindow: (() => void) | null = null;
  const liveWindow = (): BrowserWindowLike | null => (window && !window.isDestroyed() ? window : null);
  const bringToFront = (): void => {
    const current = liveWindow();
    if (!current) return;
    if (current.isMinimized()) current.restore();
    current.focus();
  };

  const inbox = createDeepLinkInbox(() => {
    const current = liveWindow();
    if (!current || !pageLoaded) return null;
    return (opened) => {
      bringToFront();
      const event: EngineEvent = { channel: 'invites:opened', payload: opened };
      current.webContents.send(event.channel, event.payload);
    };
  });
  const receiveLink = (opened: OpenedLink, source: DeepLinkSource): void => {
    inbox.receive(opened, source);
    // macOS keeps running without a window: a link opens one.
    if (reopenWindow && !liveWindow()) reopenWindow();
  };

  app.on('second-instance', (_event, argv) => {
    bringToFront();
    const opened = deepLinkFromArgv(argv);
    if (opened) receiveLink(opened, 'second-launch');
  });
  // Registered before `ready`: on a cold start macOS delivers the link that launched the app early.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    bringToFront();
    receiveLink(parseDeepLink(url) ?? { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK }, 'open-url');
  });
  const launchLink = deepLinkFromArgv(options.launch.argv);
  if (launchLink) receiveLink(launchLink, 'launch');
  app.on('window-all-closed', () => {
    if (options.platform !== 'darwin') app.quit();
  });

  await app.whenReady();

  const loaded = await loadConfigFile(join(app.getPath('userData'), 'config.json'));
  reportConfig(loaded);
  const engine = new Engine({
    version: options.version,
    mode: 'desktop',
    bridgeKind: 'ipc',
    config: loaded.config,
    clock: options.clock,
    prober: options.prober,
    recordingsDir: join(app.getPath('userData'), 'recordings'),
    invitesFile: join(app.getPath('userData'), 'invites.json'),
    ...(options.listenerHttp ? { listenerHttp: options.listenerHttp } : {}),
  });

  const disposeIpc = registerIpc(electron.ipcMain, engine, {
    isTrustedSender: createSenderCheck(() => liveWindow()?.webContents ?? null, options.renderer),
    eventTarget: () => liveWindow()?.webContents ?? null,
  });

  const openWindow = (): void => {
    const created = createMainWindow(electron, { preloadPath: options.preloadPath, renderer: options.renderer });
    window = created;
    pageLoaded = false;
    engine.setBridgeClients(1);
    created.webContents.on('did-finish-load', () => {
      if (window !== created) return;
      pageLoaded = true;
      inbox.flush();
    });
    created.on('closed', () => {
      if (window !== created) return;
      window = null;
      pageLoaded = false;
      engine.setBridgeClients(0);
    });
  };
  openWindow();
  reopenWindow = openWindow;
  app.on('activate', () => {
    if (!liveWindow()) openWindow();
  });

  if (loaded.status === 'invalid') {
    electron.dialog
      .showMessageBox({
        type: 'warning',
        title: 'Steadycast',
        message: 'Steadycast started with its default settings',
        detail: `Your config file cannot be used:\n${loaded.path}\n\n${loaded.problems.map((p) => `• ${p}`).join('\n')}\n\nFix these fields and restart Steadycast.`,
      })
      .catch((error: unknown) => log.error('could not show the config problem', error));
  }

  return { engine, mainWindow: liveWindow, dispose: disposeIpc };
}

/**
 * Makes Steadycast the handler of `steadycast:` links. Started as `electron <app path>`
 * (development), Windows must be told the whole command: Electron, then the app's path.
 */
function registerProtocolClient(app: Pick<AppLike, 'setAsDefaultProtocolClient'>, launch: LaunchContext): void {
  let registered: boolean;
  if (launch.defaultApp) {
    const appPath = launch.argv.slice(1).find((argument) => !argument.startsWith('-') && parseDeepLink(argument) === null);
    if (appPath === undefined) {
      log.warn(`not registered as the handler of ${DEEP_LINK_SCHEME}:// links: the command line names no app path`);
      return;
    }
    registered = app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, launch.execPath, [resolve(appPath)]);
  } else {
    registered = app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
  if (registered) log.info(`registered as the handler of ${DEEP_LINK_SCHEME}:// links`);
  else log.warn(`could not register as the handler of ${DEEP_LINK_SCHEME}:// links: invite links will not open Steadycast (paste them instead)`);
}

function reportConfig(loaded: ConfigLoad): void {
  switch (loaded.status) {
    case 'missing':
      log.info(`no config file at ${loaded.path}; starting with the default config`);
      return;
    case 'loaded':
      log.info(`config loaded from ${loaded.path}`);
      return;
    case 'invalid':
      log.warn(`${loaded.path} cannot be used, starting with the default config: ${loaded.problems.join('; ')}`);
      return;
    default:
      assertNever(loaded);
  }
}

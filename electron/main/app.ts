import { join } from 'node:path';
import type { Clock } from '../engine/clock';
import { assertNever, Engine } from '../engine/engine';
import type { HttpFetch } from '../engine/listeners/http';
import { createLogger } from '../engine/log/logger';
import type { ServerProber } from '../engine/servers/prober';
import { loadConfigFile, type ConfigLoad } from './config-file';
import type { BrowserWindowLike, MainElectron } from './electron-api';
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
 */
export async function startApp(electron: MainElectron, options: DesktopAppOptions): Promise<DesktopApp | null> {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    log.info('Steadycast is already running; this second launch hands over to it and quits');
    app.quit();
    return null;
  }

  let window: BrowserWindowLike | null = null;
  const liveWindow = (): BrowserWindowLike | null => (window && !window.isDestroyed() ? window : null);

  app.on('second-instance', () => {
    const current = liveWindow();
    if (!current) return;
    if (current.isMinimized()) current.restore();
    current.focus();
  });
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
    engine.setBridgeClients(1);
    created.on('closed', () => {
      if (window !== created) return;
      window = null;
      engine.setBridgeClients(0);
    });
  };
  openWindow();
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

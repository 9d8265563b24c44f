import { join } from 'node:path';
import type { Clock } from '../engine/clock';
import { Engine } from '../engine/engine';
import type { HttpFetch } from '../engine/listeners/http';
import { addLogSink, createLogger } from '../engine/log/logger';
import type { ServerProber } from '../engine/servers/prober';
import { PracticeSpace } from '../engine/servers/practice-space';
import { APP_ID } from './app-id';
import { diagnosticsExporter } from './app-diagnostics';
import { appMenuTemplate } from './app-menu';
import { AppSettings, SecretValues, showUnusableSettings } from './app-settings';
import { switchToBackupFromTray } from './backup-switch';
import { routeDeepLinks } from './deep-link-routing';
import type { BrowserWindowLike, MainElectron } from './electron-api';
import { engineMicrophone } from './engine-microphone';
import { GlobalShortcuts } from './global-shortcuts';
import { createSenderCheck, registerIpc } from './ipc';
import { LiveMarkerFile } from './live-marker';
import type { LogFiles } from './logging';
import { MainWindow } from './main-window';
import { onAirShow, watchOnAir } from './on-air';
import { PowerSaveGuard } from './power-save';
import { registerProtocolClient, type LaunchContext } from './protocol-client';
import { QuitGuard } from './quit-guard';
import type { RendererLocation } from './renderer-location';
import { settlePreviousShow } from './resume-show';
import { createSafeStorageVault } from './secret-vault';
import { importSpaceSettings } from './settings-import';
import type { SettingsStore } from './settings-store';
import { applyShortcutSettings, unavailableShortcutsNotice } from './shortcut-notices';
import { TrayController } from './tray';
import { trayActionRunner } from './tray-actions';
import { describeError } from '../shared/describe-error';

export type { LaunchContext } from './protocol-client';

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
  /** The app's assets folder (tray/ and icons/); the tray shows no picture without it. */
  assetsDir?: string;
  /** Sets up the log files in a folder (index.ts: electron-log); without it nothing is written to disk. */
  logFiles?: (dir: string, secrets: () => readonly string[]) => LogFiles;
  /** Versions and system facts for diagnostics (index.ts passes process.versions and os). */
  runtime?: { versions: Record<string, string | undefined>; system: { platform: string; arch: string; release: string; type: string } };
  /** Formats an engine time as a local clock time for the tray and dialogs. */
  formatTime?: (at: number) => string;
}

/** The running desktop app. */
export interface DesktopApp {
  readonly engine: Engine;
  readonly settings: SettingsStore;
  readonly tray: TrayController;
  readonly shortcuts: GlobalShortcuts;
  readonly powerSave: PowerSaveGuard;
  readonly liveMarker: LiveMarkerFile;
  /** The main window, or `null` while there is none (macOS keeps running without one). */
  mainWindow(): BrowserWindowLike | null;
  /** Settles when the start-up questions (a show to resume) were answered. */
  readonly startupDone: Promise<void>;
  /** Writes a diagnostics bundle and reveals it; resolves with its folder. */
  exportDiagnostics(): Promise<string>;
  /** Removes the IPC wiring, the tray, the shortcuts and the log sinks; resolves once the live marker's pending writes are done. */
  dispose(): Promise<void>;
}

/**
 * The desktop app's lifecycle: one instance (a second launch focuses the first), then on ready the
 * settings from the user data folder (secrets sealed by the OS keychain), the engine, the IPC
 * wiring, the main window, the tray, the global shortcuts and the application menu.
 *
 * While a show is on air the system does not sleep, a live marker file exists (a crash leaves it
 * behind, and the next start offers to resume), closing the window only hides it, quitting asks
 * first, and a crashed renderer is reloaded while the engine and the show go on. Quits when the
 * last window closes, except on macOS where the app (and a live broadcast) keeps running.
 * Resolves with `null` when another instance already runs.
 *
 * `steadycast://join/<code>` links (first launch's argv, a second launch's argv, macOS `open-url`)
 * wait until the window's page has loaded, then go to it as `invites:opened`, the window brought
 * to the front; the renderer decides what to do with them (see deep-link.ts).
 *
 * This function only composes: each part lives in its own module with Electron, the engine and
 * the clock passed in.
 */
export async function startApp(electron: MainElectron, options: DesktopAppOptions): Promise<DesktopApp | null> {
  const { app, dialog } = electron;
  if (!app.requestSingleInstanceLock()) {
    log.info('Steadycast is already running; this second launch hands over to it and quits');
    app.quit();
    return null;
  }

  registerProtocolClient(app, options.launch, log);
  if (options.platform === 'win32') app.setAppUserModelId(APP_ID);
  const formatTime = options.formatTime ?? ((at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  const deepLinks = routeDeepLinks(app, options.launch.argv);
  app.on('window-all-closed', () => {
    if (options.platform !== 'darwin') app.quit();
  });

  await app.whenReady();

  const userData = app.getPath('userData');
  const disposers: (() => void)[] = [];
  const secrets = new SecretValues();
  const logFiles = options.logFiles?.(join(userData, 'logs'), () => secrets.list()) ?? null;
  if (logFiles) disposers.push(addLogSink(logFiles.mainSink));

  const settings = await AppSettings.load({
    dir: userData,
    vault: createSafeStorageVault(electron.safeStorage, options.platform),
    now: () => options.clock.now(),
    secrets,
    logger: log,
  });
  const engine = new Engine({
    version: options.version,
    mode: 'desktop',
    bridgeKind: 'ipc',
    config: settings.current().config,
    clock: options.clock,
    prober: options.prober,
    recordingsDir: join(userData, 'recordings'),
    savedSettings: settings.file.saved(),
    settingsStore: settings.file,
    invitesFile: join(userData, 'invites.json'),
    revealFile: (path) => electron.shell.showItemInFolder(path),
    // Offered on the first screen while no space is configured; its servers stop when the app quits.
    practice: new PracticeSpace({ dir: join(userData, 'practice'), clock: options.clock, logger: createLogger('practice') }),
    ...(options.listenerHttp ? { listenerHttp: options.listenerHttp } : {}),
  });
  // The engine's log panel in the window shows main's lines too (shortcut conflicts, crashes).
  disposers.push(addLogSink((record) => engine.publishLog(record)));

  const isLive = (): boolean => onAirShow(engine.getState()) !== null;
  const notify = (title: string, body: string): void => tray.notify(title, body);
  const liveMarker = new LiveMarkerFile(userData, { appVersion: options.version, pid: process.pid });
  const microphone = engineMicrophone(engine, notify);
  const shortcuts = new GlobalShortcuts({
    globalShortcut: electron.globalShortcut,
    clock: options.clock,
    platform: options.platform,
    microphone,
  });
  const quit = new QuitGuard({
    app,
    dialog,
    engine,
    liveMarker,
    onQuit: () => {
      shortcuts.dispose();
      // The practice space's servers were started by this app: they stop with it.
      void engine.stopPractice().catch((error: unknown) => log.error('the practice space did not stop cleanly', error));
    },
    logger: log,
  });
  const mainWindow = new MainWindow({
    electron,
    window: {
      preloadPath: options.preloadPath,
      renderer: options.renderer,
      ...(options.assetsDir && options.platform === 'linux' ? { iconPath: join(options.assetsDir, 'icons', '512x512.png') } : {}),
    },
    engine,
    clock: options.clock,
    isLive,
    isQuitting: () => quit.isQuitting(),
    notify,
    onPageLoaded: () => deepLinks.flush(),
    onConsoleMessage: (details) => logFiles?.rendererConsole(details),
    logger: log,
  });

  disposers.push(
    registerIpc(electron.ipcMain, engine, {
      isTrustedSender: createSenderCheck(() => mainWindow.current()?.webContents ?? null, options.renderer),
      eventTarget: () => mainWindow.current()?.webContents ?? null,
    }),
  );

  // Registered before the tray is drawn: its menu names the shortcuts and their keys.
  const unavailableShortcuts = unavailableShortcutsNotice(shortcuts.apply(settings.current().shortcuts));
  const tray = new TrayController({
    electron,
    engine,
    iconPath: (onAir) => join(options.assetsDir ?? '', 'tray', onAir ? 'tray-live.png' : 'tray.png'),
    shortcuts: () => shortcuts.reports(),
    formatTime,
    run: trayActionRunner({
      showWindow: () => mainWindow.show(),
      microphone,
      switchToBackup: () => switchToBackupFromTray({ dialog, engine, logger: log }),
      quit: () => app.quit(),
    }),
  });
  disposers.push(
    () => tray.dispose(),
    () => shortcuts.dispose(),
  );
  if (unavailableShortcuts) tray.notify(unavailableShortcuts.title, unavailableShortcuts.body);
  // Shortcuts saved from the settings screen take effect at once.
  disposers.push(settings.onShortcutsChanged((next) => applyShortcutSettings(shortcuts, next, notify)));
  for (const notice of settings.loaded.notices) tray.notify('Steadycast settings', notice);

  const powerSave = new PowerSaveGuard(electron.powerSaveBlocker);
  const previousShow = await liveMarker.find();
  disposers.push(
    watchOnAir(engine, (show) => {
      powerSave.update(show !== null);
      void liveMarker.update(show);
    }),
  );
  disposers.push(() => powerSave.update(false));

  const exportDiagnostics = diagnosticsExporter({
    userData,
    clock: options.clock,
    version: options.version,
    platform: options.platform,
    ...(options.runtime ? { runtime: options.runtime } : {}),
    engine,
    settings: () => settings.current(),
    secrets: () => secrets.list(),
    logFiles,
    shell: electron.shell,
    logger: log,
  });
  const failed = (what: string) => (error: unknown) => {
    log.error(`${what} failed`, error);
    dialog.showErrorBox(`Steadycast could not ${what}`, describeError(error));
  };
  electron.Menu.setApplicationMenu(
    electron.Menu.buildFromTemplate(
      appMenuTemplate({
        platform: options.platform,
        development: !app.isPackaged,
        actions: {
          importSettings: () =>
            void importSpaceSettings({ dialog, app, settingsFile: settings.file, settingsPath: settings.store.path, logger: log }).catch(
              failed('import the settings'),
            ),
          exportDiagnostics: () => void exportDiagnostics().catch(failed('export diagnostics')),
          openLogsFolder: () => void electron.shell.openPath(logFiles?.dir ?? userData),
          showWindow: () => mainWindow.show(),
        },
      }),
    ),
  );

  mainWindow.open();
  deepLinks.attach(mainWindow);
  app.on('activate', () => mainWindow.activate());

  if (settings.loaded.status === 'unusable') {
    showUnusableSettings(dialog, settings.loaded).catch((error: unknown) => log.error('could not show the settings problem', error));
  }

  const startupDone = settlePreviousShow(previousShow, { dialog, shell: electron.shell, liveMarker, engine, formatTime, logger: log });

  let disposal: Promise<void> | null = null;
  return {
    engine,
    settings: settings.store,
    tray,
    shortcuts,
    powerSave,
    liveMarker,
    mainWindow: () => mainWindow.current(),
    startupDone: startupDone.catch((error: unknown) => log.error('the interrupted show could not be offered', error)),
    exportDiagnostics,
    dispose: () => {
      if (!disposal) {
        for (const dispose of disposers.splice(0).reverse()) dispose();
        // The on-air watcher is gone: no marker write starts after this one settles.
        disposal = liveMarker.settled();
      }
      return disposal;
    },
  };
}

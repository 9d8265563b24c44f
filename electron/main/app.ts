import { join, resolve } from 'node:path';
import type { Clock } from '../engine/clock';
import { dispatchUntrusted } from '../engine/dispatch';
import { assertNever, Engine } from '../engine/engine';
import type { HttpFetch } from '../engine/listeners/http';
import { addLogSink, createLogger, describeError } from '../engine/log/logger';
import type { ServerProber } from '../engine/servers/prober';
import { PracticeSpace } from '../engine/servers/practice-space';
import type { CommandPayload, EngineEvent } from '../shared/contract';
import { APP_ID } from './app-id';
import { appMenuTemplate } from './app-menu';
import { loadConfigFile } from './config-file';
import { createDeepLinkInbox, DEEP_LINK_SCHEME, deepLinkFromArgv, NOT_AN_INVITE_LINK, parseDeepLink, type DeepLinkSource, type OpenedLink } from './deep-link';
import { exportDiagnostics } from './diagnostics';
import type { AppLike, BrowserWindowLike, MainElectron } from './electron-api';
import { GlobalShortcuts, type MicrophoneActions } from './global-shortcuts';
import { createSenderCheck, registerIpc } from './ipc';
import { LiveMarkerFile, RESUME_BUTTONS, resumeOffer } from './live-marker';
import type { LogFiles } from './logging';
import { onAirShow, watchOnAir } from './on-air';
import { PowerSaveGuard } from './power-save';
import type { RendererLocation } from './renderer-location';
import { createSafeStorageVault } from './secret-vault';
import { SettingsBookFile } from './settings-book-file';
import { redactedSettings, settingsSecretValues, type DesktopSettings } from './settings-schema';
import { SettingsStore, type SettingsLoad } from './settings-store';
import { TrayController } from './tray';
import type { TrayAction } from './tray-menu';
import { createMainWindow } from './window';

const log = createLogger('app');

/** How a resumed show goes on air: the window's microphone and the room with the saved audio settings, as "Go live" does. */
export const RESUME_REQUEST = { source: { kind: 'bridge' } } as const satisfies CommandPayload<'broadcast:start'>;
/** Crashes of the window's renderer within a minute after which it is not reloaded by itself. */
export const MAX_RENDERER_RELOADS = 3;

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
  /** Removes the IPC wiring, the tray, the shortcuts and the log sinks. */
  dispose(): void;
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
 */
export async function startApp(electron: MainElectron, options: DesktopAppOptions): Promise<DesktopApp | null> {
  const { app, dialog } = electron;
  if (!app.requestSingleInstanceLock()) {
    log.info('Steadycast is already running; this second launch hands over to it and quits');
    app.quit();
    return null;
  }

  registerProtocolClient(app, options.launch);
  if (options.platform === 'win32') app.setAppUserModelId(APP_ID);
  const formatTime = options.formatTime ?? ((at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));

  let window: BrowserWindowLike | null = null;
  /** The page of `window` finished loading: the renderer listens to events. */
  let pageLoaded = false;
  /** The window's renderer process ended and was not reloaded (too many crashes). */
  let rendererGone = false;
  /** Opens a main window; set once the engine runs. */
  let reopenWindow: (() => void) | null = null;
  /** The quit went ahead: windows close for real. */
  let quitting = false;
  const liveWindow = (): BrowserWindowLike | null => (window && !window.isDestroyed() ? window : null);
  const bringToFront = (): void => {
    const current = liveWindow();
    if (!current) return;
    if (current.isMinimized()) current.restore();
    if (!current.isVisible()) current.show();
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

  const userData = app.getPath('userData');
  const disposers: (() => void)[] = [];
  let secrets: readonly string[] = [];
  const logFiles = options.logFiles?.(join(userData, 'logs'), () => secrets) ?? null;
  if (logFiles) disposers.push(addLogSink(logFiles.mainSink));

  const store = new SettingsStore({ dir: userData, vault: createSafeStorageVault(electron.safeStorage, options.platform), now: () => options.clock.now() });
  const loaded = await store.load();
  let settings: DesktopSettings = loaded.settings;
  secrets = settingsSecretValues(settings);
  reportSettings(loaded);
  /** Set once the global shortcuts exist: applies shortcuts saved from the settings screen. */
  let applyShortcuts: ((next: DesktopSettings['shortcuts']) => void) | null = null;
  // What the settings screen saves is written to settings.json before the engine takes it.
  const settingsFile = new SettingsBookFile({
    store,
    settings,
    onSaved: (next, previous) => {
      settings = next;
      secrets = [...new Set([...secrets, ...settingsSecretValues(next)])];
      if (next.shortcuts.muteToggle !== previous.shortcuts.muteToggle || next.shortcuts.pushToTalk !== previous.shortcuts.pushToTalk) applyShortcuts?.(next.shortcuts);
    },
  });

  const engine = new Engine({
    version: options.version,
    mode: 'desktop',
    bridgeKind: 'ipc',
    config: settings.config,
    clock: options.clock,
    prober: options.prober,
    recordingsDir: join(userData, 'recordings'),
    savedSettings: settingsFile.saved(),
    settingsStore: settingsFile,
    invitesFile: join(userData, 'invites.json'),
    revealFile: (path) => electron.shell.showItemInFolder(path),
    // Offered on the first screen while no space is configured; its servers stop when the app quits.
    practice: new PracticeSpace({ dir: join(userData, 'practice'), clock: options.clock, logger: createLogger('practice') }),
    ...(options.listenerHttp ? { listenerHttp: options.listenerHttp } : {}),
  });
  // The engine's log panel in the window shows main's lines too (shortcut conflicts, crashes).
  disposers.push(addLogSink((record) => engine.publishLog(record)));

  disposers.push(
    registerIpc(electron.ipcMain, engine, {
      isTrustedSender: createSenderCheck(() => liveWindow()?.webContents ?? null, options.renderer),
      eventTarget: () => liveWindow()?.webContents ?? null,
    }),
  );

  const isLive = (): boolean => engine.getState().broadcast !== null;
  const microphone: MicrophoneActions = {
    isMuted: () => {
      const { conversation } = engine.getState();
      return conversation.selfMuted || conversation.participants.some((participant) => participant.self && participant.muted);
    },
    setMuted: (muted) => {
      void dispatchUntrusted(engine, 'conversation:set-muted', { muted }).then((reply) => {
        if (!reply.ok) tray.notify(muted ? 'Could not mute' : 'Could not unmute', reply.error.message);
      });
    },
  };

  const recentCrashes: number[] = [];
  const openWindow = (): void => {
    const created = createMainWindow(electron, {
      preloadPath: options.preloadPath,
      renderer: options.renderer,
      ...(options.assetsDir && options.platform === 'linux' ? { iconPath: join(options.assetsDir, 'icons', '512x512.png') } : {}),
    });
    window = created;
    pageLoaded = false;
    rendererGone = false;
    engine.setBridgeClients(1);
    created.webContents.on('did-finish-load', () => {
      if (window !== created) return;
      pageLoaded = true;
      rendererGone = false;
      engine.setBridgeClients(1);
      // A reloaded page (after a crash or Reload) starts from the engine's current state.
      engine.emitState();
      inbox.flush();
    });
    created.webContents.on('render-process-gone', (_event, details) => {
      if (window !== created) return;
      pageLoaded = false;
      engine.setBridgeClients(0);
      const live = isLive();
      log.error(`the window's page stopped (${details.reason}, exit code ${details.exitCode}); the engine${live ? ' and the show go on' : ' goes on'}`);
      if (details.reason === 'clean-exit') return;
      const now = options.clock.now();
      recentCrashes.push(now);
      while (recentCrashes.length > 0 && (recentCrashes[0] ?? now) < now - 60_000) recentCrashes.shift();
      if (recentCrashes.length > MAX_RENDERER_RELOADS) {
        rendererGone = true;
        tray.notify('The Steadycast window stopped', `${live ? 'The show is still on air. ' : ''}The window crashed ${recentCrashes.length} times in a minute and was not reloaded again: choose Show Steadycast in the tray to try again.`);
        return;
      }
      created.webContents.reload();
    });
    created.webContents.on('console-message', (details) => logFiles?.rendererConsole(details));
    created.on('close', (event) => {
      if (quitting || window !== created || !isLive()) return;
      // The engine and the show do not depend on the window, but the microphone lives in its page: keep it, hidden.
      event.preventDefault();
      created.hide();
      tray.notify('Steadycast is still on air', 'The show goes on with the window closed. Use the Steadycast icon in the tray to show the window, or quit to end the show.');
    });
    created.on('closed', () => {
      if (window !== created) return;
      window = null;
      pageLoaded = false;
      engine.setBridgeClients(0);
    });
  };
  const showWindow = (): void => {
    const current = liveWindow();
    if (!current) {
      openWindow();
      return;
    }
    if (rendererGone) {
      rendererGone = false;
      recentCrashes.length = 0;
      current.webContents.reload();
    }
    bringToFront();
  };

  /** The tray's "Switch to backup space…": asks first (it moves everyone in the room), then failover:switch. */
  const switchToBackup = async (): Promise<void> => {
    const answer = await electron.dialog.showMessageBox({
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
      log.warn(`switch to backup from the tray failed: ${describeError(error)}`);
      await electron.dialog.showMessageBox({ type: 'error', title: 'Steadycast', message: 'The show could not be moved to the backup space', detail: describeError(error) });
    }
  };

  const runTrayAction = (action: TrayAction): void => {
    switch (action) {
      case 'show-window':
        showWindow();
        return;
      case 'toggle-mute':
        microphone.setMuted(!microphone.isMuted());
        return;
      case 'switch-to-backup':
        void switchToBackup();
        return;
      case 'quit':
        app.quit();
        return;
      default:
        assertNever(action);
    }
  };

  const shortcuts = new GlobalShortcuts({ globalShortcut: electron.globalShortcut, clock: options.clock, platform: options.platform, microphone });
  const shortcutReports = shortcuts.apply(settings.shortcuts);

  const tray = new TrayController({
    electron,
    engine,
    iconPath: (onAir) => join(options.assetsDir ?? '', 'tray', onAir ? 'tray-live.png' : 'tray.png'),
    shortcuts: () => shortcuts.reports(),
    formatTime,
    run: runTrayAction,
  });
  disposers.push(() => tray.dispose(), () => shortcuts.dispose());
  const reportUnavailable = (reports: typeof shortcutReports): void => {
    const unavailable = reports.filter((report) => report.problem !== null);
    if (unavailable.length > 0) {
      tray.notify('Some Steadycast shortcuts are not available', unavailable.map((report) => `${report.name} ${report.keys}: ${report.problem ?? ''}`).join('\n'));
    }
  };
  reportUnavailable(shortcutReports);
  // Shortcuts saved from the settings screen take effect at once.
  applyShortcuts = (next) => reportUnavailable(shortcuts.apply(next));
  for (const notice of loaded.notices) tray.notify('Steadycast settings', notice);

  const powerSave = new PowerSaveGuard(electron.powerSaveBlocker);
  const liveMarker = new LiveMarkerFile(userData, { appVersion: options.version, pid: process.pid });
  const previousShow = await liveMarker.find();
  disposers.push(
    watchOnAir(engine, (show) => {
      powerSave.update(show !== null);
      void liveMarker.update(show);
    }),
  );
  disposers.push(() => powerSave.update(false));

  const diagnostics = async (): Promise<string> => {
    const folder = await exportDiagnostics({
      parentDir: join(userData, 'diagnostics'),
      at: options.clock.now(),
      versions: { steadycast: options.version, ...(options.runtime?.versions ?? {}) },
      system: options.runtime?.system ?? { platform: options.platform, arch: process.arch, release: 'unknown', type: 'unknown' },
      state: engine.getState(),
      settings: redactedSettings(settings),
      logFiles: logFiles?.files() ?? [],
      secrets,
    });
    log.info(`diagnostics exported to ${folder}`);
    electron.shell.showItemInFolder(folder);
    return folder;
  };

  const importSettings = async (): Promise<void> => {
    const picked = await dialog.showOpenDialog({ title: 'Import Space Settings', filters: [{ name: 'Steadycast space settings', extensions: ['json'] }], properties: ['openFile'] });
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
      log.warn(`space settings not imported: ${describeError(error)}`);
      await dialog.showMessageBox({ type: 'error', title: 'Steadycast', message: 'The space settings were not saved', detail: describeError(error) });
      return;
    }
    log.info(`space settings "${next.config.space.name}" imported into ${store.path}`);
    const answer = await dialog.showMessageBox({
      type: 'info',
      title: 'Steadycast',
      message: `“${next.config.space.name}” is saved`,
      detail: `Its secrets are encrypted by the system keychain in ${store.path}. The file you imported still holds them in plain text: delete it if you no longer need it.\n\nRestart Steadycast to use the new space settings.`,
      buttons: ['Restart Now', 'Later'],
      defaultId: 0,
      cancelId: 1,
    });
    if (answer.response === 0) {
      app.relaunch();
      app.quit();
    }
  };

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
          importSettings: () => void importSettings().catch(failed('import the settings')),
          exportDiagnostics: () => void diagnostics().catch(failed('export diagnostics')),
          openLogsFolder: () => void electron.shell.openPath(logFiles?.dir ?? userData),
          showWindow,
        },
      }),
    ),
  );

  // Quitting while on air asks first; the answer "end the show" ends it cleanly before quitting.
  let quitConfirmed = false;
  let askingToQuit = false;
  app.on('before-quit', (event) => {
    if (quitConfirmed || !isLive()) {
      quitting = true;
      shortcuts.dispose();
      void engine.stopPractice().catch((error: unknown) => log.error('the practice space did not stop cleanly', error));
      return;
    }
    event.preventDefault();
    if (askingToQuit) return;
    askingToQuit = true;
    void confirmQuit()
      .catch((error: unknown) => log.error('could not ask whether to end the show', error))
      .finally(() => {
        askingToQuit = false;
      });
  });
  const confirmQuit = async (): Promise<void> => {
    const show = onAirShow(engine.getState());
    const answer = await dialog.showMessageBox({
      type: 'warning',
      title: 'Steadycast',
      message: 'End the show and quit Steadycast?',
      detail: `“${show?.space ?? ''}” is on air. Quitting ends the show for every listener: the outputs close${show?.recordingPath ? ` and the safety recording is finished in ${show.recordingPath}` : ''}.\n\nTo keep broadcasting with the window closed, close the window instead.`,
      buttons: ['Keep Broadcasting', 'End Show and Quit'],
      defaultId: 0,
      cancelId: 0,
    });
    if (answer.response !== 1) {
      log.info('quit cancelled: the show stays on air');
      return;
    }
    log.info('ending the show to quit');
    try {
      await engine.stopBroadcast();
    } catch (error) {
      log.error('the show did not end cleanly before quitting (its live marker stays, so the next start offers to resume)', error);
    }
    await liveMarker.update(onAirShow(engine.getState()));
    quitConfirmed = true;
    app.quit();
  };

  openWindow();
  reopenWindow = openWindow;
  app.on('activate', () => {
    if (!liveWindow()) openWindow();
    else bringToFront();
  });

  if (loaded.status === 'unusable') {
    const where = loaded.damaged
      ? `It was moved aside, so nothing is lost:\n${loaded.keptAt}`
      : `It was left as it is:\n${loaded.keptAt}`;
    dialog
      .showMessageBox({
        type: 'warning',
        title: 'Steadycast',
        message: 'Steadycast started with its default settings',
        detail: `Your settings cannot be used. ${where}\n\n${loaded.problems.map((p) => `• ${p}`).join('\n')}\n\nFix these fields and restart Steadycast, or import your space settings again (File › Import Space Settings).`,
      })
      .catch((error: unknown) => log.error('could not show the settings problem', error));
  }

  const startupDone = previousShow.status === 'found' ? offerResume(previousShow) : previousShow.status === 'unreadable' ? dropUnreadableMarker(previousShow.problem) : Promise.resolve();

  async function dropUnreadableMarker(problem: string): Promise<void> {
    log.warn(`a live marker from an earlier run cannot be read (${problem}); removed`);
    await liveMarker.clear();
  }

  async function offerResume(found: Extract<Awaited<ReturnType<LiveMarkerFile['find']>>, { status: 'found' }>): Promise<void> {
    log.warn(`the previous run stopped while "${found.marker.space}" was on air (live marker found)`);
    const offer = resumeOffer(found, formatTime);
    const answer = await dialog.showMessageBox({ type: 'warning', title: 'Steadycast', message: offer.message, detail: offer.detail, buttons: offer.buttons, defaultId: 0, cancelId: offer.buttons.length - 1 });
    const choice = offer.buttons[answer.response];
    await liveMarker.clear();
    if (choice === RESUME_BUTTONS[1] && found.marker.recordingPath !== null) {
      electron.shell.showItemInFolder(found.marker.recordingPath);
      return;
    }
    if (choice !== RESUME_BUTTONS[0]) {
      log.info('the interrupted show was not resumed');
      return;
    }
    log.info(`resuming "${found.marker.space}"`);
    const reply = await dispatchUntrusted(engine, 'broadcast:start', RESUME_REQUEST);
    if (!reply.ok) {
      dialog.showErrorBox('Steadycast could not resume the show', `${reply.error.message}\n\nThe recording of the interrupted show is not affected${found.marker.recordingPath ? `: ${found.marker.recordingPath}` : ''}.`);
    }
  }

  let disposed = false;
  return {
    engine,
    settings: store,
    tray,
    shortcuts,
    powerSave,
    liveMarker,
    mainWindow: liveWindow,
    startupDone: startupDone.catch((error: unknown) => log.error('the interrupted show could not be offered', error)),
    exportDiagnostics: diagnostics,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const dispose of disposers.splice(0).reverse()) dispose();
    },
  };
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

function reportSettings(loaded: SettingsLoad): void {
  switch (loaded.status) {
    case 'new':
      log.info(`no settings at ${loaded.path} yet; starting with the default settings`);
      return;
    case 'loaded':
      log.info(`settings loaded from ${loaded.path}${loaded.migratedFrom === null ? '' : ` (migrated from version ${loaded.migratedFrom})`}`);
      return;
    case 'unusable':
      log.warn(`the settings cannot be used (${loaded.keptAt}), starting with the default settings: ${loaded.problems.join('; ')}`);
      return;
    default:
      assertNever(loaded);
  }
}

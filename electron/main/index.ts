import {
  app,
  BrowserWindow,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  Notification,
  powerSaveBlocker,
  safeStorage,
  shell,
  Tray,
} from 'electron';
import electronLog from 'electron-log/node';
import { arch, release, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../engine/clock';
import { createFetchHttp } from '../engine/listeners/http';
import { addLogSink, createLogger, formatLogRecord } from '../engine/log/logger';
import { createNetworkProber } from '../engine/servers/prober';
import { STEADYCAST_VERSION } from '../engine/version';
import { startApp } from './app';
import type { MainElectron } from './electron-api';
import { createLogFiles } from './logging';
import { chooseRendererLocation } from './renderer-location';
import { describeError } from '../shared/describe-error';

// Glue only: the real Electron objects and paths go in here; the logic lives in app.ts and is tested with fakes.
addLogSink((record) => process.stderr.write(`${formatLogRecord(record)}\n`));
// A promise nobody awaited failed: into the log files, where support will look.
process.on('unhandledRejection', (reason) => createLogger('app').error('unhandled promise rejection', reason));

const electron: MainElectron = {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  safeStorage,
  powerSaveBlocker,
  globalShortcut,
  Menu,
  Tray,
  Notification,
  shell,
};
// Built layout: out/main/index.js, out/preload/index.cjs, out/renderer/index.html; assets/ beside out/ (in app.asar when packaged).
const here = dirname(fileURLToPath(import.meta.url));

startApp(electron, {
  version: STEADYCAST_VERSION,
  platform: process.platform,
  clock: systemClock,
  prober: createNetworkProber({ clock: systemClock }),
  listenerHttp: createFetchHttp(),
  preloadPath: join(here, '../preload/index.cjs'),
  renderer: chooseRendererLocation({
    isPackaged: app.isPackaged,
    devServerUrl: process.env['ELECTRON_RENDERER_URL'],
    builtFile: join(here, '../renderer/index.html'),
  }),
  launch: { argv: process.argv, defaultApp: process.defaultApp === true, execPath: process.execPath },
  assetsDir: join(here, '../../assets'),
  logFiles: (dir, secrets) => createLogFiles({ dir, secrets, create: (logId) => electronLog.create({ logId }) }),
  runtime: {
    versions: {
      electron: process.versions.electron,
      chrome: process.versions.chrome,
      node: process.versions.node,
      v8: process.versions.v8,
    },
    system: { platform: process.platform, arch: arch(), release: release(), type: type() },
  },
})
  .then((desktop) => {
    // test/e2e/electron-app.spec.ts reads the tray through this hook; it exists only when that test asks for it.
    if (desktop && process.env['STEADYCAST_E2E_HOOKS'] === '1')
      Object.assign(globalThis, { steadycastE2e: { trayView: () => desktop.tray.view() } });
  })
  .catch((error: unknown) => {
    createLogger('app').error('Steadycast could not start', error);
    dialog.showErrorBox('Steadycast could not start', `${describeError(error)}\n\nThe log on the terminal has details.`);
    app.exit(1);
  });

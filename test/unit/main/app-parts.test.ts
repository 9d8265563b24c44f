import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineConfigSchema } from '../../../electron/engine/config';
import type { SettingsSnapshot } from '../../../electron/engine/settings/settings-book';
import { addLogSink, createLogger, type LogRecord } from '../../../electron/engine/log/logger';
import { diagnosticsExporter } from '../../../electron/main/app-diagnostics';
import { AppSettings, SecretValues, showUnusableSettings } from '../../../electron/main/app-settings';
import { GlobalShortcuts } from '../../../electron/main/global-shortcuts';
import { registerProtocolClient } from '../../../electron/main/protocol-client';
import { createSafeStorageVault } from '../../../electron/main/secret-vault';
import { applyShortcutSettings, unavailableShortcutsNotice } from '../../../electron/main/shortcut-notices';
import { createFakeElectron, FakeSafeStorage } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { desktopEngine } from '../../support/electron-app-support';

/*
 * The small parts startApp composes, each on its own with the fake Electron: the link handler
 * registration, the shortcut notices, the settings of a run (and the secrets the logs redact),
 * and the diagnostics export.
 */

const quiet = createLogger('test-parts');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-parts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('protocol client', () => {
  it('registers the packaged app, and Electron with the app path in development', () => {
    const packaged = createFakeElectron();
    expect(registerProtocolClient(packaged.app, { argv: ['/opt/s'], defaultApp: false, execPath: '/opt/s' }, quiet)).toBe(true);
    expect(packaged.app.protocolClients).toEqual([{ protocol: 'steadycast', path: undefined, args: undefined }]);

    const dev = createFakeElectron();
    expect(
      registerProtocolClient(
        dev.app,
        { argv: ['/dev/electron', '--inspect', 'steadycast://join/x', 'app'], defaultApp: true, execPath: '/dev/electron' },
        quiet,
      ),
    ).toBe(true);
    expect(dev.app.protocolClients).toEqual([{ protocol: 'steadycast', path: '/dev/electron', args: [resolve('app')] }]);
  });

  it('says why nothing was registered', () => {
    const logs: LogRecord[] = [];
    const remove = addLogSink((record) => logs.push(record));
    try {
      const noPath = createFakeElectron();
      expect(
        registerProtocolClient(noPath.app, { argv: ['/dev/electron', '--inspect'], defaultApp: true, execPath: '/dev/electron' }, quiet),
      ).toBe(false);
      expect(noPath.app.protocolClients).toEqual([]);
      const refused = createFakeElectron();
      refused.app.registersProtocols = false;
      expect(registerProtocolClient(refused.app, { argv: ['/opt/s'], defaultApp: false, execPath: '/opt/s' }, quiet)).toBe(false);
    } finally {
      remove();
    }
    expect(logs.map((record) => record.message)).toEqual([
      'not registered as the handler of steadycast:// links: the command line names no app path',
      'could not register as the handler of steadycast:// links: invite links will not open Steadycast (paste them instead)',
    ]);
  });
});

describe('shortcut notices', () => {
  it('names only the keys that could not be registered', () => {
    expect(unavailableShortcutsNotice([{ name: 'Mute shortcut', keys: 'Alt+F1', problem: null }])).toBeNull();
    expect(
      unavailableShortcutsNotice([
        { name: 'Mute shortcut', keys: 'Alt+F1', problem: null },
        { name: 'Push-to-talk shortcut', keys: 'Alt+F2', problem: 'taken' },
      ]),
    ).toEqual({ title: 'Some Steadycast shortcuts are not available', body: 'Push-to-talk shortcut Alt+F2: taken' });
  });

  it('registers saved keys and tells about a conflict', () => {
    const electron = createFakeElectron();
    electron.globalShortcut.takenByOthers.add('Alt+F2');
    const shortcuts = new GlobalShortcuts({
      globalShortcut: electron.globalShortcut,
      clock: new FakeClock(),
      platform: 'linux',
      microphone: { isMuted: () => false, setMuted: () => undefined },
      logger: quiet,
    });
    const notices: string[] = [];
    applyShortcutSettings(shortcuts, { muteToggle: 'Alt+F1', pushToTalk: 'Alt+F2' }, (title) => notices.push(title));
    expect([...electron.globalShortcut.registered.keys()]).toEqual(['Alt+F1']);
    expect(notices).toEqual(['Some Steadycast shortcuts are not available']);
    applyShortcutSettings(shortcuts, { muteToggle: 'Alt+F3', pushToTalk: null }, (title) => notices.push(title));
    expect([...electron.globalShortcut.registered.keys()]).toEqual(['Alt+F3']);
    expect(notices).toHaveLength(1);
    shortcuts.dispose();
  });
});

describe('settings of a run', () => {
  const vault = () => createSafeStorageVault(new FakeSafeStorage(8), 'linux');

  it('starts new with defaults, keeps every secret it saw, and reports changed shortcut keys only', async () => {
    const secrets = new SecretValues();
    const settings = await AppSettings.load({ dir, vault: vault(), now: Date.now, secrets, logger: quiet });
    expect(settings.loaded.status).toBe('new');
    expect(secrets.list()).toEqual([]);
    const changes: unknown[] = [];
    settings.onShortcutsChanged((next) => changes.push(next));

    const config = EngineConfigSchema.parse({
      space: {
        name: 'Night',
        primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: 'http://source:first-pw@198.18.0.1:8000/n.opus' } },
      },
    });
    await settings.file.importSpace(config);
    expect(secrets.list()).toContain('first-pw');
    expect(settings.current().config.space.name).toBe('Night');
    expect(changes).toEqual([]);

    const general = settings.file.saved().general;
    await settings.file.save({
      running: settings.current().config.space,
      others: [],
      general: { ...general, shortcuts: { muteToggle: 'Alt+F9', pushToTalk: null } },
    } as SettingsSnapshot);
    expect(changes).toEqual([{ muteToggle: 'Alt+F9', pushToTalk: null }]);
    // Replaced secrets stay redacted for the rest of the run.
    expect(secrets.list()).toContain('first-pw');
  });

  it('explains unusable settings and what to do', async () => {
    const electron = createFakeElectron();
    await showUnusableSettings(electron.dialog, {
      status: 'unusable',
      path: '/u/settings.json',
      settings: (await AppSettings.load({ dir, vault: vault(), now: Date.now, secrets: new SecretValues(), logger: quiet })).current(),
      problems: ['space.name: required'],
      keptAt: '/u/settings.corrupt-1.json',
      damaged: true,
      notices: [],
    });
    expect(electron.dialog.messageBoxes[0]).toMatchObject({ type: 'warning', message: 'Steadycast started with its default settings' });
    expect(electron.dialog.messageBoxes[0]?.detail).toMatch(
      /moved aside, so nothing is lost:\n\/u\/settings\.corrupt-1\.json\n\n• space\.name: required\n\nFix these fields/,
    );
  });
});

describe('diagnostics export', () => {
  it('writes the bundle under diagnostics/, with the fallback system facts, and reveals it', async () => {
    const electron = createFakeElectron();
    const settings = await AppSettings.load({
      dir,
      vault: createSafeStorageVault(new FakeSafeStorage(8), 'linux'),
      now: Date.now,
      secrets: new SecretValues(),
      logger: quiet,
    });
    const exportBundle = diagnosticsExporter({
      userData: dir,
      clock: new FakeClock(),
      version: '9.9.9',
      platform: 'linux',
      engine: desktopEngine(),
      settings: () => settings.current(),
      secrets: () => [],
      logFiles: null,
      shell: electron.shell,
      logger: quiet,
    });
    const folder = await exportBundle();
    expect(folder.startsWith(join(dir, 'diagnostics', 'steadycast-diagnostics-'))).toBe(true);
    expect(electron.shell.revealed).toEqual([folder]);
    expect((await readdir(folder)).sort()).toEqual(['logs', 'report.json', 'settings.json']);
    const report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8')) as { versions: unknown; system: unknown };
    expect(report.versions).toEqual({ steadycast: '9.9.9' });
    expect(report.system).toEqual({ platform: 'linux', arch: process.arch, release: 'unknown', type: 'unknown' });
  });
});

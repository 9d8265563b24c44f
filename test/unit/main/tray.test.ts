import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appMenuTemplate } from '../../../electron/main/app-menu';
import { startApp, type DesktopApp } from '../../../electron/main/app';
import {
  SWITCH_TO_BACKUP_UNAVAILABLE,
  trayMenuTemplate,
  trayView,
  type TrayAction,
  type TrayInput,
} from '../../../electron/main/tray-menu';
import type { BroadcastStatus } from '../../../electron/shared/broadcast';
import type { ListenerReading } from '../../../electron/shared/listeners';
import type { EngineState } from '../../../electron/shared/state';
import { createFakeElectron, type FakeElectron } from '../../fakes/electron';
import { sampleEngineState } from '../../fakes/fake-bridge';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

/*
 * The tray as a pure function of the engine state (on air, listener total, microphone, backup,
 * quit), the tray icon the app keeps in step with the engine, and the application menu's roles.
 */

const AT = Date.UTC(2025, 0, 1, 20, 15);
const onAir: BroadcastStatus = {
  status: 'live',
  startedAt: AT,
  source: 'microphone and room (from the control room)',
  channels: 2,
  bitrateKbps: 128,
  configuredBitrateKbps: 128,
  outputs: [
    { id: 'primary', label: 'Primary', url: 'http://a/live.opus', state: { status: 'live', since: AT, bytesSent: 10, backlogMs: 0 } },
    {
      id: 'backup',
      label: 'Backup',
      url: 'http://b/live.opus',
      state: { status: 'retrying', attempt: 2, since: AT, nextAttemptAt: AT + 1000, errorClass: 'refused', error: 'refused' },
    },
  ],
  recording: null,
};
const reading = (total: number, coveredOutlets = 2, totalOutlets = 2): ListenerReading => ({
  at: AT,
  total,
  coveredOutlets,
  totalOutlets,
  peak: total,
  peakAt: AT,
  uniqueEstimate: null,
  uniqueCoveredOutlets: 0,
  outlets: [],
});
const joined = (selfMuted: boolean, mutedBy: 'self' | 'moderator' | null = null): EngineState['conversation'] => ({
  link: { status: 'joined', endpoint: 'primary', since: AT, selfId: '7', role: 'host' },
  space: 'Launch night',
  selfMuted,
  participants: [
    {
      id: '7',
      display: 'Ada',
      role: 'host',
      self: true,
      muted: selfMuted || mutedBy !== null,
      mutedBy,
      talking: false,
      connected: true,
      inviteId: null,
      lock: null,
      flags: [],
      speakRequested: false,
    },
  ],
  channel: { status: 'open', since: AT },
  moderation: { autoMute: false, selfSpeakRequested: false, log: [] },
  backupRoom: { status: 'none' },
  show: { status: 'unknown' },
});
const input = (state: Partial<EngineState>, extra: Partial<TrayInput> = {}): TrayInput => ({
  state: sampleEngineState(state),
  listeners: null,
  shortcuts: [],
  formatTime: (at) => new Date(at).toISOString().slice(11, 16),
  ...extra,
});
const labels = (view: ReturnType<typeof trayView>): string[] => view.items.map((item) => (item.kind === 'separator' ? '---' : item.label));
const item = (view: ReturnType<typeof trayView>, id: string) =>
  view.items.find((candidate) => candidate.kind !== 'separator' && candidate.id === id);

describe('tray menu from the engine state', () => {
  it('says off air, with nothing counted yet', () => {
    const view = trayView(input({ broadcast: null }));
    expect(view.onAir).toBe(false);
    expect(view.toolTip).toBe('Steadycast — off air');
    expect(view.title).toBe('');
    expect(labels(view)).toEqual([
      'Off air',
      'Listeners: not counted yet',
      '---',
      'Mute microphone',
      'Switch to backup space…',
      '---',
      'Show Steadycast',
      'Quit Steadycast',
    ]);
  });

  it('shows on air with every output live, and the listener total', () => {
    const allLive: BroadcastStatus = {
      ...onAir,
      outputs: onAir.outputs.map((output) => ({ ...output, state: { status: 'live', since: AT, bytesSent: 10, backlogMs: 0 } })),
    };
    const view = trayView(input({ broadcast: allLive }, { listeners: reading(12_345) }));
    expect(view.onAir).toBe(true);
    expect(labels(view)[0]).toBe('● On air: all 2 outputs are live · since 20:15');
    expect(labels(view)[1]).toBe('Listeners: 12,345 listeners');
    expect(view.toolTip).toBe('Steadycast — on air: all 2 outputs are live · 12,345 listeners');
    expect(view.title).toBe('ON AIR · 12,345');
    expect(item(view, 'quit')).toMatchObject({ label: 'Quit Steadycast… (ends the show)', enabled: true });
  });

  it('says in words how many outputs are live when not all are', () => {
    const view = trayView(input({ broadcast: onAir }, { listeners: reading(12_345) }));
    expect(view.onAir).toBe(true);
    expect(labels(view)[0]).toBe('● Live on 1 of 2 outputs: listeners of the others hear nothing · since 20:15');
    expect(view.title).toBe('LIVE · 1 of 2 outputs · 12,345');
  });

  it('never says on air while the show runs with no output live: the icon stays off and the words say so', () => {
    const down: BroadcastStatus = { ...onAir, outputs: [onAir.outputs[1] as BroadcastStatus['outputs'][number]] };
    const view = trayView(input({ broadcast: down }, { listeners: reading(0, 0, 1) }));
    expect(view.onAir).toBe(false);
    expect(view.showRunning).toBe(true);
    expect(labels(view)[0]).toBe('▲ Not reaching listeners: 0 of 1 output live · since 20:15');
    expect(view.toolTip).toBe('Steadycast — not reaching listeners: 0 of 1 output live · unknown (no server answered recently)');
    expect(view.title).toBe('NOT REACHING LISTENERS · 0 of 1 output');
    expect(labels(view).join('\n')).not.toMatch(/on air/i);
    expect(item(view, 'quit')).toMatchObject({ label: 'Quit Steadycast… (ends the show)' });
  });

  it('says how much of the count is covered, and never guesses a count nobody answered', () => {
    expect(labels(trayView(input({ broadcast: onAir }, { listeners: reading(1, 1, 2) })))[1]).toBe(
      'Listeners: 1 listener (1 of 2 servers answered)',
    );
    const stale = trayView(input({ broadcast: onAir }, { listeners: reading(0, 0, 2) }));
    expect(labels(stale)[1]).toBe('Listeners: unknown (no server answered recently)');
    expect(stale.title).toBe('LIVE · 1 of 2 outputs');
  });

  it('offers mute or unmute in the room, and nothing a moderator decided', () => {
    expect(item(trayView(input({})), 'toggle-mute')).toMatchObject({
      enabled: false,
      toolTip: 'Join the conversation to use the microphone.',
    });
    expect(item(trayView(input({ conversation: joined(false) })), 'toggle-mute')).toMatchObject({
      label: 'Mute microphone',
      enabled: true,
    });
    expect(item(trayView(input({ conversation: joined(true, 'self') })), 'toggle-mute')).toMatchObject({
      label: 'Unmute microphone',
      enabled: true,
    });
    expect(item(trayView(input({ conversation: joined(false, 'moderator') })), 'toggle-mute')).toMatchObject({
      label: 'Muted by a moderator',
      enabled: false,
    });
  });

  it('offers switch-to-backup to a host on the primary, and says why it is unavailable otherwise', () => {
    const base = sampleEngineState();
    const failover = (onAir: 'primary' | 'backup', canSwitch: boolean): NonNullable<EngineState['failover']> => ({
      phase:
        onAir === 'primary'
          ? { phase: 'onPrimary', since: AT }
          : { phase: 'onBackup', since: AT, trigger: 'manual', reason: 'r', returnAt: null },
      onAir,
      hasBackup: true,
      health: [],
      settings: base.failover?.settings ?? {
        thresholdMs: 3000,
        goneThresholdMs: 1500,
        autoReturn: false,
        minBackupMs: 60_000,
        returnHealthyMs: 10_000,
      },
      canSwitch,
      history: [],
    });
    expect(item(trayView(input({ conversation: joined(false), failover: failover('primary', true) })), 'switch-to-backup')).toMatchObject({
      enabled: true,
      label: 'Switch to backup space…',
    });
    expect(item(trayView(input({ conversation: joined(false), failover: failover('primary', false) })), 'switch-to-backup')).toMatchObject({
      enabled: false,
      toolTip: SWITCH_TO_BACKUP_UNAVAILABLE,
    });
    expect(item(trayView(input({ conversation: joined(false), failover: failover('backup', true) })), 'switch-to-backup')).toMatchObject({
      enabled: false,
      label: 'On the backup space',
    });
    expect(item(trayView(input({ space: { name: 'x', endpoints: [] } })), 'switch-to-backup')).toMatchObject({
      enabled: false,
      toolTip: expect.stringMatching(/no backup endpoint/) as unknown,
    });
  });

  it('lists shortcuts that could not be registered', () => {
    const view = trayView(
      input(
        {},
        {
          shortcuts: [
            { name: 'Mute shortcut', keys: 'Ctrl+Shift+M', problem: 'another application uses these keys' },
            { name: 'Push-to-talk shortcut', keys: 'F9', problem: null },
          ],
        },
      ),
    );
    expect(labels(view)).toContain('Mute shortcut Ctrl+Shift+M: another application uses these keys');
    expect(labels(view).join(' ')).not.toContain('F9');
  });

  it('turns into a menu template whose items run their action', () => {
    const ran: TrayAction[] = [];
    const template = trayMenuTemplate(trayView(input({ conversation: joined(false) })), (action) => ran.push(action));
    const byId = (id: string): MenuItemConstructorOptions | undefined => template.find((entry) => entry.id === id);
    (byId('toggle-mute')?.click as () => void)();
    (byId('quit')?.click as () => void)();
    expect(ran).toEqual(['toggle-mute', 'quit']);
    expect(byId('on-air')).toEqual({ id: 'on-air', label: 'Off air', enabled: false });
    expect(template.filter((entry) => entry.type === 'separator')).toHaveLength(2);
  });
});

describe('the tray in the app', () => {
  let userData: string;
  let app: DesktopApp;
  let electron: FakeElectron;

  beforeEach(async () => {
    userData = await mkdtemp(join(tmpdir(), 'steadycast-tray-'));
    electron = createFakeElectron({ userData });
    const started = await startApp(electron, {
      version: '9.9.9',
      platform: 'linux',
      clock: new FakeClock(AT),
      prober: new FakeProber(),
      preloadPath: '/p.cjs',
      renderer: { kind: 'file', path: '/r/index.html' },
      launch: { argv: ['/s'], defaultApp: false, execPath: '/s' },
      assetsDir: '/app/assets',
    });
    if (!started) throw new Error('not started');
    app = started;
  });
  afterEach(async () => {
    // Going live writes the live marker in the background: dispose() waits for it.
    await app.dispose();
    await rm(userData, { recursive: true, force: true });
  });

  it('follows the engine: icon, tooltip and menu change when the show goes on air', () => {
    const tray = electron.trays[0];
    if (!tray) throw new Error('no tray');
    expect(tray.image).toBe('/app/assets/tray/tray.png');
    expect(tray.toolTip).toBe('Steadycast — off air');
    app.engine.attachBroadcast({ status: () => onAir, retryOutput: () => false, subscribe: () => () => undefined });
    expect(tray.image).toBe('/app/assets/tray/tray-live.png');
    expect(tray.toolTip).toBe('Steadycast — live on 1 of 2 outputs: listeners of the others hear nothing');
    expect(tray.menu?.item('on-air')?.label).toMatch(/^● Live on 1 of 2 outputs/);
  });

  it('sends the mute toggle to the engine, and says why it was refused', async () => {
    // Not in a room: the item is disabled; the engine refuses the command if it comes anyway (a shortcut).
    expect(() => electron.trays[0]?.menu?.click('toggle-mute')).toThrow(/disabled/);
    electron.globalShortcut.press('CommandOrControl+Shift+M');
    for (let turn = 0; turn < 20 && electron.notifications.length === 0; turn += 1)
      await new Promise<void>((resolve) => setImmediate(resolve));
    expect(electron.notifications).toEqual([{ title: 'Could not mute', body: 'Not in the conversation: join first.' }]);
  });

  it('quits from the tray (the confirm while live is the before-quit step)', () => {
    electron.trays[0]?.menu?.click('quit');
    expect(electron.app.quitted).toBe(true);
  });

  it('sets an application menu with the usual roles and its own items', () => {
    const menu = electron.Menu.applicationMenu;
    expect(menu?.template.map((entry) => entry.role ?? entry.label)).toEqual(['&File', 'editMenu', '&View', 'windowMenu', 'help']);
    expect(menu?.item('export-diagnostics')?.label).toBe('Export Diagnostics…');
    expect(menu?.item('import-settings')?.accelerator).toBe('CommandOrControl+O');
  });
});

describe('application menu', () => {
  const actions = {
    importSettings: () => undefined,
    exportDiagnostics: () => undefined,
    openLogsFolder: () => undefined,
    showWindow: () => undefined,
  };
  const roles = (template: MenuItemConstructorOptions[]): string[] =>
    template.flatMap((entry) => [
      entry.role ?? entry.label ?? '',
      ...(Array.isArray(entry.submenu) ? entry.submenu.map((child) => child.role ?? child.label ?? child.type ?? '') : []),
    ]);

  it('has the macOS app menu with about, hide and quit', () => {
    const mac = roles(appMenuTemplate({ platform: 'darwin', development: false, actions }));
    expect(mac.slice(0, 4)).toEqual(['appMenu', 'about', 'separator', 'Import Space Settings…']);
    expect(mac).toEqual(expect.arrayContaining(['hide', 'hideOthers', 'unhide', 'quit', 'editMenu', 'windowMenu', 'front', 'help']));
  });

  it('offers reload and developer tools only in development', () => {
    expect(roles(appMenuTemplate({ platform: 'linux', development: true, actions }))).toEqual(
      expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']),
    );
    const packaged = roles(appMenuTemplate({ platform: 'linux', development: false, actions }));
    expect(packaged).not.toContain('toggleDevTools');
    expect(packaged).not.toContain('reload');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acceleratorProblem, describeAccelerator } from '../../../electron/shared/accelerator';
import { startApp, type DesktopApp } from '../../../electron/main/app';
import { GlobalShortcuts, HOLD_DETECT_MS, RELEASE_GAP_MS } from '../../../electron/main/global-shortcuts';
import { createSafeStorageVault } from '../../../electron/main/secret-vault';
import { DEFAULT_SHORTCUTS, defaultSettings } from '../../../electron/main/settings-schema';
import { SettingsStore } from '../../../electron/main/settings-store';
import { addLogSink, type LogRecord } from '../../../electron/engine/log/logger';
import { createFakeElectron, FakeGlobalShortcut, FakeSafeStorage } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

/*
 * Global shortcuts: registration and conflicts (another app holds the keys: register() answers
 * false), reported in the log, the tray and a notification; the mute toggle ignores auto-repeat;
 * push-to-talk talks while held (repeats) and latches on a tap (macOS never repeats).
 */

const MUTE = DEFAULT_SHORTCUTS.muteToggle ?? '';
const TALK = DEFAULT_SHORTCUTS.pushToTalk ?? '';

function setup(platform: NodeJS.Platform = 'win32'): {
  shortcuts: GlobalShortcuts;
  keys: FakeGlobalShortcut;
  clock: FakeClock;
  mic: { muted: boolean; changes: boolean[] };
} {
  const keys = new FakeGlobalShortcut();
  const clock = new FakeClock();
  const mic = { muted: true, changes: [] as boolean[] };
  const shortcuts = new GlobalShortcuts({
    globalShortcut: keys,
    clock,
    platform,
    microphone: {
      isMuted: () => mic.muted,
      setMuted: (muted) => {
        mic.muted = muted;
        mic.changes.push(muted);
      },
    },
  });
  return { shortcuts, keys, clock, mic };
}

/** Holds the keys: the press, then auto-repeat every 33 ms for `ms`. */
function hold(keys: FakeGlobalShortcut, clock: FakeClock, accelerator: string, ms: number): void {
  keys.press(accelerator);
  clock.advance(500);
  for (let held = 500; held < ms; held += 33) {
    keys.press(accelerator);
    clock.advance(33);
  }
}

describe('registering global shortcuts', () => {
  it('registers both and reports them working', () => {
    const { shortcuts, keys } = setup('linux');
    expect(shortcuts.apply(DEFAULT_SHORTCUTS)).toEqual([
      { name: 'Mute shortcut', keys: 'Ctrl+Shift+M', problem: null },
      { name: 'Push-to-talk shortcut', keys: 'Ctrl+Shift+Space', problem: null },
    ]);
    expect([...keys.registered.keys()]).toEqual([MUTE, TALK]);
  });

  it('reports keys another app holds, in plain words, and logs it', () => {
    const logs: LogRecord[] = [];
    const remove = addLogSink((record) => logs.push(record));
    try {
      const { shortcuts, keys } = setup('darwin');
      keys.takenByOthers.add(MUTE);
      const reports = shortcuts.apply(DEFAULT_SHORTCUTS);
      expect(reports[0]).toEqual({
        name: 'Mute shortcut',
        keys: 'Cmd+Shift+M',
        problem: expect.stringMatching(
          /another application \(or the system\) already uses these keys: choose different keys in the settings \(shortcuts\.muteToggle\)/,
        ) as unknown,
      });
      expect(reports[1]?.problem).toBeNull();
      expect(
        logs.some((record) => record.level === 'warn' && record.message.startsWith('Mute shortcut Cmd+Shift+M is not available')),
      ).toBe(true);
    } finally {
      remove();
    }
  });

  it('refuses the same keys twice and turns off a shortcut set to null', () => {
    const { shortcuts, keys } = setup();
    expect(shortcuts.apply({ muteToggle: 'F9', pushToTalk: 'F9' })[1]?.problem).toMatch(/same keys as the other shortcut/);
    expect(shortcuts.apply({ muteToggle: null, pushToTalk: 'F10' })).toEqual([
      { name: 'Push-to-talk shortcut', keys: 'F10', problem: null },
    ]);
    expect([...keys.registered.keys()]).toEqual(['F10']);
    shortcuts.dispose();
    expect(keys.registered.size).toBe(0);
  });

  it('checks accelerators before they are saved', () => {
    expect(acceleratorProblem('CommandOrControl+Shift+M')).toBeNull();
    expect(acceleratorProblem('F13')).toBeNull();
    expect(acceleratorProblem('Alt+Plus')).toBeNull();
    expect(acceleratorProblem('M')).toMatch(/no modifier/);
    expect(acceleratorProblem('Ctrl+')).toMatch(/empty part/);
    expect(acceleratorProblem('Hyper+M')).toMatch(/"hyper" is not a modifier/);
    expect(acceleratorProblem('Shift+Shift+M')).toMatch(/repeats a modifier/);
    expect(describeAccelerator('CommandOrControl+Alt+K', 'darwin')).toBe('Cmd+Option+K');
    expect(describeAccelerator('CommandOrControl+Super+K', 'win32')).toBe('Ctrl+Win+K');
  });
});

describe('mute toggle', () => {
  it('toggles once per press, whatever the auto-repeat does', () => {
    const { shortcuts, keys, clock, mic } = setup();
    shortcuts.apply(DEFAULT_SHORTCUTS);
    mic.muted = false;
    hold(keys, clock, MUTE, 1500);
    expect(mic.changes).toEqual([true]);
    clock.advance(RELEASE_GAP_MS);
    keys.press(MUTE);
    expect(mic.changes).toEqual([true, false]);
  });

  it('takes every call as a press on macOS (it never repeats)', () => {
    const { shortcuts, keys, clock, mic } = setup('darwin');
    shortcuts.apply(DEFAULT_SHORTCUTS);
    keys.press(MUTE);
    clock.advance(100);
    keys.press(MUTE);
    expect(mic.changes).toEqual([false, true]);
  });
});

describe('push-to-talk', () => {
  it('talks while the keys are held (auto-repeat) and mutes when they are let go', () => {
    const { shortcuts, keys, clock, mic } = setup('win32');
    shortcuts.apply(DEFAULT_SHORTCUTS);
    hold(keys, clock, TALK, 3000);
    expect(mic.changes).toEqual([false]);
    expect(shortcuts.pushToTalkState()).toBe('held');
    clock.advance(RELEASE_GAP_MS);
    expect(mic.changes).toEqual([false, true]);
    expect(shortcuts.pushToTalkState()).toBe('idle');
  });

  it('keeps the microphone open after a tap until the next press, whose repeats do not open it again', () => {
    const { shortcuts, keys, clock, mic } = setup('win32');
    shortcuts.apply(DEFAULT_SHORTCUTS);
    keys.press(TALK);
    clock.advance(HOLD_DETECT_MS);
    expect(shortcuts.pushToTalkState()).toBe('latched');
    expect(mic.muted).toBe(false);
    clock.advance(60_000);
    expect(mic.muted).toBe(false);
    keys.press(TALK);
    expect(mic.changes).toEqual([false, true]);
    // That press's own repeats do not open it again.
    clock.advance(500);
    keys.press(TALK);
    clock.advance(33);
    keys.press(TALK);
    expect(mic.changes).toEqual([false, true]);
  });

  it('latches on every press on macOS, which reports no repeats', () => {
    const { shortcuts, keys, clock, mic } = setup('darwin');
    shortcuts.apply(DEFAULT_SHORTCUTS);
    keys.press(TALK);
    clock.advance(HOLD_DETECT_MS);
    expect(shortcuts.pushToTalkState()).toBe('latched');
    keys.press(TALK);
    expect(mic.changes).toEqual([false, true]);
  });

  it('does nothing when the microphone is already open', () => {
    const { shortcuts, keys, clock, mic } = setup();
    shortcuts.apply(DEFAULT_SHORTCUTS);
    mic.muted = false;
    hold(keys, clock, TALK, 2000);
    clock.advance(HOLD_DETECT_MS);
    expect(mic.changes).toEqual([]);
  });
});

describe('shortcuts in the app', () => {
  let userData = '';
  let app: DesktopApp | null = null;
  afterEach(async () => {
    await app?.dispose();
    await rm(userData, { recursive: true, force: true });
  });

  it('registers the configured keys, and reports a conflict in a notification and the tray', async () => {
    userData = await mkdtemp(join(tmpdir(), 'steadycast-shortcuts-'));
    const safeStorage = new FakeSafeStorage(3);
    await new SettingsStore({ dir: userData, vault: createSafeStorageVault(safeStorage, 'linux'), now: Date.now }).save({
      ...defaultSettings(),
      shortcuts: { muteToggle: 'Alt+F1', pushToTalk: 'Alt+F2' },
    });
    const electron = createFakeElectron({ userData, safeStorage });
    electron.globalShortcut.takenByOthers.add('Alt+F2');
    const started = await startApp(electron, {
      version: '9.9.9',
      platform: 'linux',
      clock: new FakeClock(),
      prober: new FakeProber(),
      preloadPath: '/p.cjs',
      renderer: { kind: 'file', path: '/r/index.html' },
      launch: { argv: ['/s'], defaultApp: false, execPath: '/s' },
    });
    if (!started) throw new Error('not started');
    app = started;
    expect([...electron.globalShortcut.registered.keys()]).toEqual(['Alt+F1']);
    expect(electron.notifications[0]?.title).toBe('Some Steadycast shortcuts are not available');
    expect(electron.notifications[0]?.body).toMatch(/^Push-to-talk shortcut Alt\+F2: another application/);
    expect(electron.trays[0]?.menu?.item('shortcut-Push-to-talk shortcut')?.label).toMatch(/Alt\+F2: another application/);
    await started.dispose();
    expect(electron.globalShortcut.registered.size).toBe(0);
  });
});

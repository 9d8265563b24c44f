import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../electron/engine/engine';
import type { ConsoleMessageLike } from '../../../electron/main/electron-api';
import { MAX_RENDERER_RELOADS, MainWindow } from '../../../electron/main/main-window';
import type { EngineEvent } from '../../../electron/shared/contract';
import { createFakeElectron, type FakeBrowserWindow, type FakeElectron } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { desktopEngine } from '../../support/electron-app-support';

/*
 * The main window on its own, against the fake Electron and a real engine on a fake clock: it is
 * the engine's one bridge client, a loaded page gets the current state, a crashed page is reloaded
 * (until it crashes too often in a minute), and on air closing only hides it.
 */

interface Rig {
  electron: FakeElectron;
  engine: Engine;
  clock: FakeClock;
  main: MainWindow;
  notices: { title: string; body: string }[];
  loads: number;
  console: ConsoleMessageLike[];
  live: { on: boolean; quitting: boolean };
}

function rig(): Rig {
  const electron = createFakeElectron();
  const clock = new FakeClock();
  const engine = desktopEngine(clock);
  const live = { on: false, quitting: false };
  const result: Rig = {
    electron,
    engine,
    clock,
    notices: [],
    loads: 0,
    console: [],
    live,
    main: new MainWindow({
      electron,
      window: { preloadPath: '/app/out/preload/index.cjs', renderer: { kind: 'file', path: '/app/out/renderer/index.html' } },
      engine,
      clock,
      isLive: () => live.on,
      isQuitting: () => live.quitting,
      notify: (title, body) => result.notices.push({ title, body }),
      onPageLoaded: () => {
        result.loads += 1;
      },
      onConsoleMessage: (details) => result.console.push(details),
    }),
  };
  return result;
}

function opened(r: Rig): FakeBrowserWindow {
  r.main.open();
  const window = r.electron.windows.at(-1);
  if (!window) throw new Error('no window');
  return window;
}

describe('main window', () => {
  it('counts as the bridge client while open, and gives its loaded page the current state', () => {
    const r = rig();
    expect(r.main.current()).toBeNull();
    expect(r.main.page()).toBeNull();
    const window = opened(r);
    expect(r.main.current()).toBe(window);
    expect(window.options.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
    expect(r.engine.getState().bridge.clients).toBe(1);
    expect(r.main.page()).toBe('loading');

    const events: EngineEvent['channel'][] = [];
    r.engine.subscribe((event) => events.push(event.channel));
    window.webContents.finishLoading();
    expect(r.main.page()).toBe('ready');
    expect(events).toContain('engine:state');
    expect(r.loads).toBe(1);

    window.webContents.consoleMessage('hello', 'warning');
    expect(r.console.map((details) => details.message)).toEqual(['hello']);

    expect(window.close()).toBe(true);
    expect(r.main.current()).toBeNull();
    expect(r.engine.getState().bridge.clients).toBe(0);
  });

  it('reloads a crashed page while the engine goes on, and stops after too many crashes in a minute until shown', () => {
    const r = rig();
    const window = opened(r);
    window.webContents.finishLoading();
    for (let crash = 1; crash <= MAX_RENDERER_RELOADS; crash += 1) {
      window.webContents.crash('crashed');
      expect(window.webContents.reloads).toBe(crash);
      expect(r.main.page()).toBe('loading');
      expect(r.engine.getState().bridge.clients).toBe(0);
    }
    window.webContents.crash('oom');
    expect(window.webContents.reloads).toBe(MAX_RENDERER_RELOADS);
    expect(r.main.page()).toBe('stopped');
    expect(r.notices.at(-1)?.title).toBe('The Steadycast window stopped');
    expect(r.notices.at(-1)?.body).toMatch(/crashed 4 times in a minute/);

    r.main.show();
    expect(window.webContents.reloads).toBe(MAX_RENDERER_RELOADS + 1);
    expect(r.main.page()).toBe('loading');
    // The count starts again after showing it.
    window.webContents.crash('crashed');
    expect(window.webContents.reloads).toBe(MAX_RENDERER_RELOADS + 2);
  });

  it('keeps reloading crashes that are more than a minute apart', () => {
    const r = rig();
    const window = opened(r);
    for (let crash = 1; crash <= MAX_RENDERER_RELOADS * 2; crash += 1) {
      window.webContents.crash('crashed');
      r.clock.advance(30_001);
    }
    expect(window.webContents.reloads).toBe(MAX_RENDERER_RELOADS * 2);
    expect(r.notices).toEqual([]);
  });

  it('does not reload a page that ended cleanly', () => {
    const r = rig();
    const window = opened(r);
    window.webContents.finishLoading();
    window.webContents.crash('clean-exit', 0);
    expect(window.webContents.reloads).toBe(0);
    expect(r.main.page()).toBe('ended');
  });

  it('only hides on close while on air, and closes for real when quitting', () => {
    const r = rig();
    const window = opened(r);
    window.show();
    r.live.on = true;
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    expect(r.main.current()).toBe(window);
    expect(r.notices.map((notice) => notice.title)).toEqual(['Steadycast is still on air']);

    r.main.show();
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);

    r.live.quitting = true;
    expect(window.close()).toBe(true);
    expect(r.main.current()).toBeNull();
  });

  it('opens a new window when shown or activated without one, and ignores the old window from then on', () => {
    const r = rig();
    const first = opened(r);
    first.close();
    r.main.activate();
    expect(r.electron.windows).toHaveLength(2);
    const second = r.electron.windows[1];
    if (!second) throw new Error('no second window');
    second.webContents.finishLoading();
    expect(r.main.page()).toBe('ready');
    // A late event of the closed window changes nothing.
    first.webContents.crash('crashed');
    expect(first.webContents.reloads).toBe(0);
    expect(r.main.page()).toBe('ready');
    expect(r.engine.getState().bridge.clients).toBe(1);

    second.minimized = true;
    r.main.activate();
    expect(r.electron.windows).toHaveLength(2);
    expect(second.minimized).toBe(false);
    expect(second.focused).toBe(true);

    second.close();
    r.main.show();
    expect(r.electron.windows).toHaveLength(3);
  });
});

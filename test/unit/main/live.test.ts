import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startApp, type DesktopApp, type DesktopAppOptions } from '../../../electron/main/app';
import { MAX_RENDERER_RELOADS } from '../../../electron/main/main-window';
import { LIVE_MARKER_FILE, RESUME_BUTTONS } from '../../../electron/main/live-marker';
import { onAirShow } from '../../../electron/main/on-air';
import type { EngineState } from '../../../electron/shared/state';
import { createFakeElectron, FakeIpcRenderer, type FakeBrowserWindow, type FakeElectron } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';
import { FakeShow, liveStatus } from '../../fakes/fake-show';

/*
 * Staying live in the desktop app, against the fake Electron: the power-save blocker and the live
 * marker follow the show, quitting while live asks (both answers), closing the window hides it,
 * a crashed renderer is reloaded while the same engine keeps the show, and the reloaded page gets
 * the current state; a marker left by a crash is offered for resuming at the next start.
 */

let userData: string;
let clock: FakeClock;
const started: DesktopApp[] = [];

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'steadycast-live-'));
  clock = new FakeClock();
});
afterEach(async () => {
  for (const app of started.splice(0)) await app.dispose();
  vi.restoreAllMocks();
  await rm(userData, { recursive: true, force: true });
});

const options = (overrides: Partial<DesktopAppOptions> = {}): DesktopAppOptions => ({
  version: '9.9.9',
  platform: 'linux',
  clock,
  prober: new FakeProber(),
  preloadPath: '/app/out/preload/index.cjs',
  renderer: { kind: 'file', path: '/app/out/renderer/index.html' },
  launch: { argv: ['/opt/Steadycast/steadycast'], defaultApp: false, execPath: '/opt/Steadycast/steadycast' },
  formatTime: (at) => new Date(at).toISOString().slice(11, 16),
  ...overrides,
});

async function start(
  overrides: Partial<DesktopAppOptions> = {},
  electron = createFakeElectron({ userData }),
): Promise<{ electron: FakeElectron; app: DesktopApp; window: FakeBrowserWindow }> {
  const app = await startApp(electron, options(overrides));
  if (!app) throw new Error('the app did not start');
  started.push(app);
  const window = electron.windows[0];
  if (!window) throw new Error('no window');
  return { electron, app, window };
}

/** Puts a show on air; resolves once the live marker is written. */
async function goLive(app: DesktopApp): Promise<FakeShow> {
  const show = new FakeShow(liveStatus(clock.now(), join(userData, 'recordings', 'launch-night.opus')));
  app.engine.attachBroadcast(show);
  await app.liveMarker.update(onAirShow(app.engine.getState()));
  return show;
}

/** Lets pending callbacks (promises, file operations) run until `done()`; bounded, and asserts nothing about time. */
async function until(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200 && !done(); turn += 1) await new Promise<void>((resolve) => setTimeout(resolve, 5));
  expect(done()).toBe(true);
}

const markerPath = (): string => join(userData, LIVE_MARKER_FILE);

describe('on air', () => {
  it('keeps the system awake and writes the live marker while live, and undoes both when the show ends', async () => {
    const { electron, app } = await start();
    expect(electron.powerSaveBlocker.active.size).toBe(0);
    expect(existsSync(markerPath())).toBe(false);

    const show = await goLive(app);
    expect([...electron.powerSaveBlocker.active.values()]).toEqual(['prevent-app-suspension']);
    expect(app.powerSave.active).toBe(true);
    expect(JSON.parse(await readFile(markerPath(), 'utf8'))).toMatchObject({
      version: 1,
      space: 'Untitled space',
      startedAt: clock.now(),
      recordingPath: join(userData, 'recordings', 'launch-night.opus'),
      appVersion: '9.9.9',
    });

    show.end();
    await app.liveMarker.update(null);
    expect(electron.powerSaveBlocker.active.size).toBe(0);
    expect(existsSync(markerPath())).toBe(false);
  });

  it('asks before quitting while live, and keeps broadcasting when told to', async () => {
    const { electron, app, window } = await start();
    await goLive(app);
    electron.dialog.answers.push(0);
    electron.app.quit();
    const box = await electron.dialog.nextMessageBox(1);
    expect(box.message).toBe('End the show and quit Steadycast?');
    expect(box.buttons).toEqual(['Keep Broadcasting', 'End Show and Quit']);
    expect(box.cancelId).toBe(0);
    expect(box.detail).toContain(join(userData, 'recordings', 'launch-night.opus'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(electron.app.quitted).toBe(false);
    expect(app.engine.getState().broadcast?.status).toBe('live');
    expect(window.destroyed).toBe(false);
    expect(existsSync(markerPath())).toBe(true);
  });

  it('ends the show cleanly, then quits, when the host confirms', async () => {
    const { electron, app } = await start();
    const show = await goLive(app);
    const stop = vi.spyOn(app.engine, 'stopBroadcast').mockImplementation(() => {
      show.end();
      return Promise.resolve();
    });
    electron.dialog.answers.push(1);
    electron.app.quit();
    await until(() => electron.app.quitted);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.engine.getState().broadcast).toBeNull();
    expect(existsSync(markerPath())).toBe(false);
    expect(electron.powerSaveBlocker.active.size).toBe(0);
    expect(electron.app.quitCalls).toBe(2);
  });

  it('quits at once when off air', async () => {
    const { electron } = await start();
    electron.app.quit();
    expect(electron.app.quitted).toBe(true);
    expect(electron.dialog.messageBoxes).toEqual([]);
  });

  it('hides the window instead of closing it while live, and says the show goes on', async () => {
    const { electron, app, window } = await start();
    window.show();
    await goLive(app);
    expect(window.close()).toBe(false);
    expect(window.visible).toBe(false);
    expect(window.destroyed).toBe(false);
    expect(electron.notifications.at(-1)?.title).toBe('Steadycast is still on air');
    expect(app.engine.getState().bridge.clients).toBe(1);

    // The tray brings it back.
    electron.trays[0]?.menu?.click('show-window');
    expect(window.visible).toBe(true);
  });

  it('closes the window normally when off air', async () => {
    const { app, window } = await start();
    expect(window.close()).toBe(true);
    expect(app.mainWindow()).toBeNull();
  });
});

describe('the safety recording', () => {
  it('"Show in folder" reveals the file the engine is writing, and the last one after the show, never a path a window names', async () => {
    const { electron, app } = await start();
    await expect(app.engine.execute({ channel: 'recording:reveal', payload: {} })).rejects.toThrow(
      /No show has been recorded since the engine started/,
    );
    const show = await goLive(app);
    const path = join(userData, 'recordings', 'launch-night.opus');
    expect(await app.engine.execute({ channel: 'recording:reveal', payload: {} })).toEqual({ path });
    show.end();
    await app.engine.execute({ channel: 'recording:reveal', payload: {} });
    expect(electron.shell.revealed).toEqual([path, path]);
  });
});

describe('a renderer crash or reload', () => {
  it('keeps the same engine and show, reloads the page, and gives the reloaded page the current state', async () => {
    const { electron, app, window } = await start();
    const engine = app.engine;
    const first = new FakeIpcRenderer();
    first.connectToMain(electron.ipcMain, window.webContents);
    window.webContents.finishLoading();
    await goLive(app);

    window.webContents.crash('crashed');
    expect(app.engine).toBe(engine);
    expect(engine.getState().broadcast?.status).toBe('live');
    expect(engine.getState().bridge.clients).toBe(0);
    expect(window.webContents.reloads).toBe(1);
    expect(existsSync(markerPath())).toBe(true);
    expect(electron.powerSaveBlocker.active.size).toBe(1);

    // The new page attaches: a state snapshot arrives as soon as it loaded, and get-state answers the same.
    const reloaded = new FakeIpcRenderer();
    reloaded.connectToMain(electron.ipcMain, window.webContents);
    const states: EngineState[] = [];
    reloaded.on('engine:state', (_event, state) => states.push(state as EngineState));
    window.webContents.finishLoading();
    expect(states.at(-1)?.broadcast?.status).toBe('live');
    expect(states.at(-1)?.bridge.clients).toBe(1);
    const reply = (await reloaded.invoke('engine:get-state', {})) as { ok: boolean; result: EngineState };
    expect(reply.ok).toBe(true);
    expect(reply.result.broadcast?.recording?.path).toBe(join(userData, 'recordings', 'launch-night.opus'));
  });

  it('stops reloading a page that keeps crashing, says so, and reloads it from the tray', async () => {
    const { electron, window } = await start();
    for (let crash = 0; crash <= MAX_RENDERER_RELOADS; crash += 1) window.webContents.crash('oom');
    expect(window.webContents.reloads).toBe(MAX_RENDERER_RELOADS);
    expect(electron.notifications.at(-1)?.title).toBe('The Steadycast window stopped');
    electron.trays[0]?.menu?.click('show-window');
    expect(window.webContents.reloads).toBe(MAX_RENDERER_RELOADS + 1);
  });

  it('does not reload a page that ended cleanly', async () => {
    const { window } = await start();
    window.webContents.crash('clean-exit', 0);
    expect(window.webContents.reloads).toBe(0);
  });
});

describe('after a crash while live', () => {
  async function leaveMarker(recordingPath: string | null): Promise<void> {
    const marker = {
      version: 1,
      space: 'Launch night',
      startedAt: Date.UTC(2025, 0, 1, 20, 15),
      recordingPath,
      appVersion: '9.9.8',
      pid: 4242,
    };
    await writeFile(markerPath(), JSON.stringify(marker));
  }

  it('offers to resume and points to the intact recording; "Show the Recording" reveals it', async () => {
    const recording = join(userData, 'launch-night.opus');
    await writeFile(recording, 'OggS');
    await leaveMarker(recording);
    const electron = createFakeElectron({ userData });
    electron.dialog.answers.push(1);
    const { app } = await start({}, electron);
    await app.startupDone;
    const box = electron.dialog.messageBoxes[0];
    expect(box?.message).toBe('Steadycast stopped while “Launch night” was on air');
    expect(box?.detail).toContain('went live at 20:15');
    expect(box?.detail).toContain(`intact up to the moment Steadycast stopped:\n${recording}`);
    expect(box?.buttons).toEqual([...RESUME_BUTTONS]);
    expect(electron.shell.revealed).toEqual([recording]);
    expect(existsSync(markerPath())).toBe(false);
    expect(app.engine.getState().broadcast).toBeNull();
  });

  it('goes live again on "Resume the Show" (here the engine refuses: no mount), and says why it could not', async () => {
    await leaveMarker(null);
    const electron = createFakeElectron({ userData });
    electron.dialog.answers.push(0);
    const { app } = await start({}, electron);
    await app.startupDone;
    expect(electron.dialog.messageBoxes[0]?.detail).toContain('That show was not recorded.');
    expect(electron.dialog.messageBoxes[0]?.buttons).toEqual([RESUME_BUTTONS[0], RESUME_BUTTONS[2]]);
    expect(electron.dialog.errorBoxes).toEqual([
      { title: 'Steadycast could not resume the show', content: expect.stringMatching(/No Icecast mount is configured/) as unknown },
    ]);
  });

  it('sends broadcast:start with the window as source on "Resume the Show"', async () => {
    await leaveMarker(null);
    const electron = createFakeElectron({ userData });
    electron.dialog.answers.push(0);
    const app = await startApp(electron, options());
    if (!app) throw new Error('the app did not start');
    started.push(app);
    const execute = vi.spyOn(app.engine, 'execute');
    // The dialog was answered already; the command follows it.
    await app.startupDone;
    expect(execute.mock.calls.map(([command]) => command)).toEqual([
      // Channels, bitrate and recording come from the engine's saved settings, as for "Go live".
      { channel: 'broadcast:start', payload: { source: { kind: 'bridge' } } },
    ]);
  });

  it('says when the recording is not where it was, and forgets the marker on "Not Now"', async () => {
    await leaveMarker(join(userData, 'gone.opus'));
    const electron = createFakeElectron({ userData });
    electron.dialog.answers.push(1);
    const { app } = await start({}, electron);
    await app.startupDone;
    expect(electron.dialog.messageBoxes[0]?.detail).toContain('was not found where it was being written');
    expect(electron.shell.revealed).toEqual([]);
    expect(existsSync(markerPath())).toBe(false);
  });

  it('removes a marker it cannot read without asking', async () => {
    await writeFile(markerPath(), '{ broken');
    const electron = createFakeElectron({ userData });
    const { app } = await start({}, electron);
    await app.startupDone;
    expect(electron.dialog.messageBoxes).toEqual([]);
    expect(existsSync(markerPath())).toBe(false);
  });
});

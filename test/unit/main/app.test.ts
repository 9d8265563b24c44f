import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type DesktopApp, type DesktopAppOptions } from '../../../electron/main/app';
import { loadConfigFile } from '../../../electron/main/config-file';
import { commandChannels } from '../../../electron/shared/contract';
import { createFakeElectron, type FakeElectron } from '../../fakes/electron';
import { desktopAppOptions as options } from '../../support/electron-app-support';

let userData: string;
const started: DesktopApp[] = [];

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'steadycast-app-'));
});
afterEach(async () => {
  for (const app of started.splice(0)) await app.dispose();
  await rm(userData, { recursive: true, force: true });
});

async function start(
  overrides: Partial<DesktopAppOptions> = {},
  electron = createFakeElectron({ userData }),
): Promise<{ electron: FakeElectron; app: DesktopApp }> {
  const app = await startApp(electron, options(overrides));
  if (!app) throw new Error('the app did not start');
  started.push(app);
  return { electron, app };
}

const validConfig = {
  space: {
    name: 'Launch night',
    primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: 'http://source:s3cret@198.18.0.1:8000/live.opus' } },
  },
};

describe('desktop app lifecycle', () => {
  it('hands over to the running instance and quits when it is a second launch', async () => {
    const electron = createFakeElectron({ userData, gotSingleInstanceLock: false });
    expect(await startApp(electron, options())).toBeNull();
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.windows).toEqual([]);
    expect(electron.ipcMain.registeredChannels()).toEqual([]);
  });

  it('starts a desktop engine over IPC, wires every command and opens the window with the preload', async () => {
    const { electron, app } = await start();
    expect(app.engine.getState()).toMatchObject({ version: '9.9.9', mode: 'desktop', bridge: { kind: 'ipc', clients: 1 } });
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...commandChannels].sort());
    expect(electron.windows).toHaveLength(1);
    expect(electron.windows[0]?.options.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
    expect(electron.windows[0]?.loaded).toEqual({ kind: 'file', path: '/app/out/renderer/index.html' });
    expect(app.mainWindow()).toBe(electron.windows[0]);
  });

  it('sends engine events to the window it opened', async () => {
    const { electron, app } = await start();
    const sent = electron.windows[0]?.webContents.sent ?? [];
    sent.splice(0);
    app.engine.emitState();
    expect(sent.map((message) => message.channel)).toEqual(['engine:state']);
    expect(sent[0]?.args).toEqual([app.engine.getState()]);
  });

  it('quits when the last window closes, except on macOS', async () => {
    const linux = await start({ platform: 'linux' });
    linux.electron.app.emit('window-all-closed');
    expect(linux.electron.app.quitCalls).toBe(1);

    const mac = await start({ platform: 'darwin' }, createFakeElectron({ userData }));
    mac.electron.app.emit('window-all-closed');
    expect(mac.electron.app.quitCalls).toBe(0);
  });

  it('counts the window as the bridge client and reopens it on activate', async () => {
    const { electron, app } = await start({ platform: 'darwin' });
    electron.windows[0]?.close();
    expect(app.engine.getState().bridge.clients).toBe(0);
    expect(app.mainWindow()).toBeNull();

    electron.app.emit('activate');
    expect(electron.windows).toHaveLength(2);
    expect(app.engine.getState().bridge.clients).toBe(1);
    electron.app.emit('activate');
    expect(electron.windows).toHaveLength(2);
  });

  it('trusts only the window it currently shows', async () => {
    const { electron } = await start({ platform: 'darwin' });
    const first = electron.windows[0];
    if (!first) throw new Error('no window');
    first.close();
    electron.app.emit('activate');
    const second = electron.windows[1];
    if (!second) throw new Error('no second window');
    const ping = (event: ReturnType<typeof first.webContents.topFrameEvent>): Promise<unknown> =>
      electron.ipcMain.invoke('engine:ping', event, { nonce: 'n' });
    await expect(ping(first.webContents.topFrameEvent())).resolves.toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    await expect(ping(second.webContents.topFrameEvent())).resolves.toMatchObject({ ok: true });
  });

  it('brings the window back when Steadycast is launched again', async () => {
    const { electron } = await start();
    const window = electron.windows[0];
    if (!window) throw new Error('no window');
    window.minimized = true;
    electron.app.launchAgain(['/opt/Steadycast/steadycast']);
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
  });

  it('registers as the handler of steadycast:// links, with the whole command when run unpackaged', async () => {
    const packaged = await start();
    expect(packaged.electron.app.protocolClients).toEqual([{ protocol: 'steadycast', path: undefined, args: undefined }]);

    const dev = await start(
      {
        platform: 'win32',
        launch: { argv: ['C:\\dev\\electron.exe', '--inspect', '.'], defaultApp: true, execPath: 'C:\\dev\\electron.exe' },
      },
      createFakeElectron({ userData }),
    );
    expect(dev.electron.app.protocolClients).toEqual([{ protocol: 'steadycast', path: 'C:\\dev\\electron.exe', args: [resolve('.')] }]);
  });

  it('registers nothing in a second launch, and starts even when the system refuses the scheme', async () => {
    const second = createFakeElectron({ userData, gotSingleInstanceLock: false });
    await startApp(second, options());
    expect(second.app.protocolClients).toEqual([]);

    const refused = createFakeElectron({ userData });
    refused.app.registersProtocols = false;
    const { app } = await start({}, refused);
    expect(app.mainWindow()).not.toBeNull();
  });
});

describe('config file', () => {
  it('starts with the default config and no dialog when there is no file', async () => {
    const { electron, app } = await start();
    expect(app.engine.getState().space).toEqual({ name: 'Untitled space', endpoints: [] });
    expect(electron.dialog.messageBoxes).toEqual([]);
  });

  it('uses config.json from the user data folder', async () => {
    await writeFile(join(userData, 'config.json'), JSON.stringify(validConfig));
    const { electron, app } = await start();
    expect(app.engine.getState().space.name).toBe('Launch night');
    expect(app.engine.getState().space.endpoints.map((endpoint) => endpoint.name)).toEqual(['primary']);
    expect(electron.dialog.messageBoxes).toEqual([]);
  });

  it('names every problem of a bad file in a dialog and starts with the default config', async () => {
    const path = join(userData, 'config.json');
    await writeFile(
      path,
      JSON.stringify({ space: { name: '', primary: { janus: { url: 'http://janus' }, icecast: { mountUrl: 'ftp://x' } } } }),
    );
    const { electron, app } = await start();
    expect(app.engine.getState().space.name).toBe('Untitled space');
    expect(electron.dialog.messageBoxes).toHaveLength(1);
    const detail = electron.dialog.messageBoxes[0]?.detail ?? '';
    expect(detail).toContain(path);
    expect(detail).toContain('space.name');
    expect(detail).toContain('space.primary.janus.url');
    expect(detail).toContain('space.primary.icecast.mountUrl');
    expect(electron.dialog.messageBoxes[0]?.type).toBe('warning');
  });

  it('reports a file that is not JSON', async () => {
    const path = join(userData, 'config.json');
    await writeFile(path, '{ "space": ');
    const loaded = await loadConfigFile(path);
    expect(loaded.status).toBe('invalid');
    expect(loaded.status === 'invalid' && loaded.problems.join(' ')).toMatch(/not valid JSON/);
    expect(loaded.config.space.name).toBe('Untitled space');
  });

  it('reports a config path that cannot be read', async () => {
    const loaded = await loadConfigFile(userData);
    expect(loaded.status).toBe('invalid');
    expect(loaded.status === 'invalid' && loaded.problems.join(' ')).toMatch(/could not be read/);
  });

  it('tells a missing file from a loaded one', async () => {
    const path = join(userData, 'config.json');
    expect((await loadConfigFile(path)).status).toBe('missing');
    await writeFile(path, JSON.stringify(validConfig));
    expect(await loadConfigFile(path)).toMatchObject({ status: 'loaded', config: { space: { name: 'Launch night' } } });
  });
});

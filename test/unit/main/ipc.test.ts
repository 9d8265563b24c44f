import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEngineConfig } from '../../../electron/engine/config';
import { dispatchUntrusted } from '../../../electron/engine/dispatch';
import { Engine } from '../../../electron/engine/engine';
import { addLogSink, type LogRecord } from '../../../electron/engine/log/logger';
import { createSenderCheck, registerIpc } from '../../../electron/main/ipc';
import type { RendererLocation } from '../../../electron/main/renderer-location';
import { buildSteadycastApi } from '../../../electron/preload/api';
import { apiFromReplies, BridgeError, IPC_PCM_CHANNEL, IPC_PROGRAM_PORT_CHANNEL } from '../../../electron/shared/bridge';
import { commandChannels } from '../../../electron/shared/contract';
import { encodePcmFrame, PCM_FRAME_LENGTH, PCM_SAMPLE_RATE } from '../../../electron/shared/pcm-frame';
import {
  createFakeElectron,
  fakeIpcEvent,
  FakeFrame,
  FakeIpcRenderer,
  FakeMessageChannelMain,
  type FakeBrowserWindow,
  type FakeElectron,
} from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

const builtPage = '/opt/steadycast/out/renderer/index.html';
const renderer: RendererLocation = { kind: 'file', path: builtPage };
const appUrl = pathToFileURL(builtPage).href;

const config = parseEngineConfig(
  {
    space: {
      name: 'Launch night',
      primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: 'http://source:s3cret@198.18.0.1:8000/live.opus' } },
    },
  },
  'test config',
);

/** Spies on the engine's two entry points, so a test can prove what never reached them. */
function spyOnEngine(engine: Engine) {
  return { execute: vi.spyOn(engine, 'execute'), acceptPcm: vi.spyOn(engine, 'acceptPcm') };
}

type Rig = {
  electron: FakeElectron;
  window: FakeBrowserWindow;
  engine: Engine;
  prober: FakeProber;
  dispose: () => void;
} & ReturnType<typeof spyOnEngine>;

const rigs: Rig[] = [];
afterEach(() => {
  for (const rig of rigs.splice(0)) rig.dispose();
});

/** A real engine with a counting prober, wired to a fake ipcMain and a window showing the app page. */
function rig(): Rig {
  const electron = createFakeElectron();
  const window = new electron.BrowserWindow({});
  void window.loadFile(builtPage);
  const prober = new FakeProber();
  const engine = new Engine({ version: 'test', mode: 'desktop', bridgeKind: 'ipc', config, clock: new FakeClock(), prober });
  const { execute, acceptPcm } = spyOnEngine(engine);
  const dispose = registerIpc(electron.ipcMain, engine, {
    isTrustedSender: createSenderCheck(() => window.webContents, renderer),
    eventTarget: () => window.webContents,
  });
  const created = { electron, window, engine, prober, execute, acceptPcm, dispose };
  rigs.push(created);
  return created;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function pcmFrame(): ArrayBuffer {
  return encodePcmFrame({
    channels: 1,
    sampleRate: PCM_SAMPLE_RATE,
    sequence: 7,
    captureTime: 1234.5,
    samples: new Float32Array(PCM_FRAME_LENGTH).fill(0.25),
  });
}

describe('IPC handlers', () => {
  it('registers one handler per command of the contract, one PCM listener and one program-port listener, nothing else', () => {
    const { electron } = rig();
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...commandChannels].sort());
    expect([...electron.ipcMain.listeners.keys()]).toEqual([IPC_PCM_CHANNEL, IPC_PROGRAM_PORT_CHANNEL]);
    expect(electron.ipcMain.listeners.get(IPC_PCM_CHANNEL)?.size).toBe(1);
    expect(electron.ipcMain.listeners.get(IPC_PROGRAM_PORT_CHANNEL)?.size).toBe(1);
  });

  it('runs a valid command from the app page', async () => {
    const { electron, window, execute, prober } = rig();
    const reply = await electron.ipcMain.invoke('servers:check', window.webContents.topFrameEvent(), {});
    expect(reply).toEqual({ ok: true, result: { started: 2 } });
    expect(execute).toHaveBeenCalledTimes(1);
    expect(prober.calls).toHaveLength(2);
  });

  it.each([
    ['an endpoint that does not exist', 'servers:check', { endpoint: 'elsewhere' }],
    ['an unexpected field', 'servers:check', { endpoint: 'primary', force: true }],
    ['no payload', 'servers:check', undefined],
    ['an empty nonce', 'engine:ping', { nonce: '' }],
    ['a nonce that is not a string', 'engine:ping', { nonce: 42 }],
    ['a payload that is not an object', 'engine:get-state', 'state please'],
  ])('never lets an invalid payload reach the engine: %s', async (_name, channel, payload) => {
    const { electron, window, execute, prober } = rig();
    const reply = await electron.ipcMain.invoke(channel, window.webContents.topFrameEvent(), payload);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(execute).not.toHaveBeenCalled();
    expect(prober.calls).toHaveLength(0);
  });

  it('refuses more than one payload argument', async () => {
    const { electron, window, execute } = rig();
    const reply = await electron.ipcMain.invoke('engine:ping', window.webContents.topFrameEvent(), { nonce: 'a' }, { nonce: 'b' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(execute).not.toHaveBeenCalled();
  });

  it('turns an engine failure into an engine-error reply', async () => {
    const { electron, window, execute } = rig();
    execute.mockRejectedValueOnce(new Error('disk full'));
    const reply = await electron.ipcMain.invoke('engine:get-state', window.webContents.topFrameEvent(), {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'engine-error', message: expect.stringContaining('disk full') } });
  });
});

describe('sender check', () => {
  it.each([
    ['another web contents', (_window: FakeBrowserWindow) => fakeIpcEvent({ id: 99 }, new FakeFrame(appUrl))],
    [
      'an iframe of the app page',
      (window: FakeBrowserWindow) => fakeIpcEvent(window.webContents, new FakeFrame(appUrl, window.webContents.mainFrame)),
    ],
    [
      'the window after it navigated elsewhere',
      (window: FakeBrowserWindow) => fakeIpcEvent(window.webContents, new FakeFrame('https://evil.example/')),
    ],
    [
      'another local file',
      (window: FakeBrowserWindow) => fakeIpcEvent(window.webContents, new FakeFrame(pathToFileURL('/tmp/index.html').href)),
    ],
    ['a frame that is gone', (window: FakeBrowserWindow) => fakeIpcEvent(window.webContents, null)],
  ])('refuses commands from %s', async (_name, makeEvent) => {
    const { electron, window, execute } = rig();
    const reply = await electron.ipcMain.invoke('engine:ping', makeEvent(window), { nonce: 'n' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(execute).not.toHaveBeenCalled();
  });

  it('refuses everything while there is no window', () => {
    const electron = createFakeElectron();
    const page = new electron.BrowserWindow({});
    void page.loadFile(builtPage);
    const check = createSenderCheck(() => null, renderer);
    expect(check(page.webContents.topFrameEvent())).toBe(false);
    const trusting = createSenderCheck(() => page.webContents, renderer);
    expect(trusting(page.webContents.topFrameEvent())).toBe(true);
  });
});

describe('unknown channels', () => {
  it('find no handler in main', async () => {
    const { electron, window, execute } = rig();
    for (const channel of ['engine:shutdown', 'steadycast:anything', IPC_PCM_CHANNEL, '']) {
      expect(electron.ipcMain.handlers.has(channel)).toBe(false);
      await expect(electron.ipcMain.invoke(channel, window.webContents.topFrameEvent(), {})).rejects.toThrow(/No handler registered/);
    }
    expect(execute).not.toHaveBeenCalled();
  });

  it('are answered unknown-channel by the engine door itself', async () => {
    const { engine, execute } = rig();
    expect(await dispatchUntrusted(engine, 'engine:shutdown', {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await dispatchUntrusted(engine, { toString: () => 'engine:ping' }, {})).toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
    expect(execute).not.toHaveBeenCalled();
  });
});

describe('events', () => {
  it('reach the window as (channel, payload)', async () => {
    const { electron, window } = rig();
    await electron.ipcMain.invoke('engine:ping', window.webContents.topFrameEvent(), { nonce: 'n-1' });
    const pong = window.webContents.sent.find((message) => message.channel === 'engine:pong');
    expect(pong?.args).toEqual([{ nonce: 'n-1', engineTime: expect.any(Number) }]);
  });

  it('carry probe results and state', async () => {
    const { electron, window } = rig();
    await electron.ipcMain.invoke('servers:check', window.webContents.topFrameEvent(), {});
    await settle();
    const channels = window.webContents.sent.map((message) => message.channel);
    expect(channels.filter((channel) => channel === 'servers:probed')).toHaveLength(2);
    expect(channels).toContain('engine:state');
  });

  it('are dropped quietly once the window is destroyed (sending to it would throw)', () => {
    const { engine, window } = rig();
    const records: LogRecord[] = [];
    const removeSink = addLogSink((record) => records.push(record));
    try {
      window.close();
      engine.emitState();
    } finally {
      removeSink();
    }
    expect(window.webContents.sent).toEqual([]);
    expect(records.filter((record) => record.level === 'error')).toEqual([]);
  });
});

describe('PCM channel', () => {
  it('hands frames from the app page to the engine, as ArrayBuffer or Uint8Array', () => {
    const { electron, window, engine, acceptPcm } = rig();
    electron.ipcMain.send(IPC_PCM_CHANNEL, window.webContents.topFrameEvent(), pcmFrame());
    electron.ipcMain.send(IPC_PCM_CHANNEL, window.webContents.topFrameEvent(), new Uint8Array(pcmFrame()));
    expect(acceptPcm).toHaveBeenCalledTimes(2);
    expect(engine.getState().audio).toMatchObject({ framesReceived: 2, framesRejected: 0 });
  });

  it('counts garbage bytes as rejected frames', () => {
    const { electron, window, engine } = rig();
    electron.ipcMain.send(
      IPC_PCM_CHANNEL,
      window.webContents.topFrameEvent(),
      new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]),
    );
    electron.ipcMain.send(IPC_PCM_CHANNEL, window.webContents.topFrameEvent(), new ArrayBuffer(3));
    expect(engine.getState().audio).toMatchObject({ framesReceived: 0, framesRejected: 2 });
  });

  it('ignores frames from other senders and messages that are not bytes', () => {
    const { electron, window, acceptPcm, engine } = rig();
    electron.ipcMain.send(IPC_PCM_CHANNEL, fakeIpcEvent({ id: 99 }, new FakeFrame(appUrl)), pcmFrame());
    electron.ipcMain.send(
      IPC_PCM_CHANNEL,
      fakeIpcEvent(window.webContents, new FakeFrame(appUrl, window.webContents.mainFrame)),
      pcmFrame(),
    );
    for (const junk of ['SCPF', [1, 2, 3], { byteLength: 24 }, null, new Float32Array(8)]) {
      electron.ipcMain.send(IPC_PCM_CHANNEL, window.webContents.topFrameEvent(), junk);
    }
    electron.ipcMain.send(IPC_PCM_CHANNEL, window.webContents.topFrameEvent(), pcmFrame(), pcmFrame());
    expect(acceptPcm).not.toHaveBeenCalled();
    expect(engine.getState().audio.framesReceived).toBe(0);
  });
});

describe('program port', () => {
  /** What the preload does with the page's port: `ipcRenderer.postMessage(channel, null, [port])`, as main receives it. */
  function sendPort(r: Rig, event = r.window.webContents.topFrameEvent()): FakeMessageChannelMain {
    const channel = new FakeMessageChannelMain();
    r.electron.ipcMain.send(IPC_PROGRAM_PORT_CHANNEL, fakeIpcEvent(event.sender, event.senderFrame, [channel.port2]), null);
    return channel;
  }

  it("feeds every frame from the app page's port into the engine through the PCM intake", () => {
    const r = rig();
    const channel = sendPort(r);
    expect(channel.port2.started).toBe(true);
    channel.port1.postMessage(pcmFrame());
    channel.port1.postMessage(new Uint8Array(pcmFrame()));
    channel.port1.postMessage(pcmFrame());
    expect(r.acceptPcm).toHaveBeenCalledTimes(3);
    expect(r.engine.getState().audio).toMatchObject({ framesReceived: 3, framesRejected: 0 });
  });

  it('counts bad frames as rejected and drops messages that are not bytes, as the PCM channel does', () => {
    const r = rig();
    const channel = sendPort(r);
    channel.port1.postMessage(new ArrayBuffer(3));
    for (const junk of ['SCPF', [1, 2, 3], { byteLength: 24 }, null, new Float32Array(8)]) channel.port1.postMessage(junk);
    channel.port1.postMessage(pcmFrame());
    expect(r.acceptPcm).toHaveBeenCalledTimes(2);
    expect(r.engine.getState().audio).toMatchObject({ framesReceived: 1, framesRejected: 1 });
    expect(channel.port2.closed).toBe(false);
  });

  it('refuses and closes a port from another sender or from a frame inside the page', () => {
    const r = rig();
    const foreign = sendPort(r, fakeIpcEvent({ id: 99 }, new FakeFrame(appUrl)));
    const iframe = sendPort(r, fakeIpcEvent(r.window.webContents, new FakeFrame(appUrl, r.window.webContents.mainFrame)));
    for (const channel of [foreign, iframe]) {
      expect(channel.port2).toMatchObject({ started: false, closed: true });
      channel.port1.postMessage(pcmFrame());
    }
    expect(r.acceptPcm).not.toHaveBeenCalled();
    expect(r.engine.getState().audio.framesReceived).toBe(0);
  });

  it('ignores a message without exactly one port, closing any it carried', () => {
    const r = rig();
    const event = r.window.webContents.topFrameEvent();
    r.electron.ipcMain.send(IPC_PROGRAM_PORT_CHANNEL, event, null);
    const a = new FakeMessageChannelMain();
    const b = new FakeMessageChannelMain();
    r.electron.ipcMain.send(IPC_PROGRAM_PORT_CHANNEL, fakeIpcEvent(event.sender, event.senderFrame, [a.port2, b.port2]), null);
    expect(a.port2).toMatchObject({ started: false, closed: true });
    expect(b.port2).toMatchObject({ started: false, closed: true });
    a.port1.postMessage(pcmFrame());
    expect(r.acceptPcm).not.toHaveBeenCalled();
  });

  it('closes the port once the window that sent it is gone', () => {
    const r = rig();
    const channel = sendPort(r);
    channel.port1.postMessage(pcmFrame());
    r.window.destroy();
    channel.port1.postMessage(pcmFrame());
    expect(channel.port2.closed).toBe(true);
    expect(r.engine.getState().audio.framesReceived).toBe(1);
  });

  it('closes open ports on dispose', () => {
    const r = rig();
    const channel = sendPort(r);
    r.dispose();
    expect(channel.port2.closed).toBe(true);
    expect(r.electron.ipcMain.registeredChannels()).toEqual([]);
  });
});

describe('dispose', () => {
  it('removes every handler and listener and stops forwarding events', async () => {
    const { electron, window, engine, dispose } = rig();
    dispose();
    expect(electron.ipcMain.registeredChannels()).toEqual([]);
    await expect(electron.ipcMain.invoke('engine:ping', window.webContents.topFrameEvent(), { nonce: 'n' })).rejects.toThrow(
      /No handler registered/,
    );
    engine.emitState();
    expect(window.webContents.sent).toEqual([]);
    expect(() => dispose()).not.toThrow();
  });

  it('lets the wiring be registered again (as after a reload of main)', () => {
    const { electron, engine, dispose } = rig();
    dispose();
    const again = registerIpc(electron.ipcMain, engine, { isTrustedSender: () => true, eventTarget: () => null });
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual([...commandChannels].sort());
    again();
  });
});

describe('through the preload', () => {
  it('a command round-trips and an invalid one rejects with its code', async () => {
    const { electron, window, execute } = rig();
    const ipcRenderer = new FakeIpcRenderer();
    ipcRenderer.connectToMain(electron.ipcMain, window.webContents);
    // As the renderer uses it: window.steadycast wrapped by apiFromReplies.
    const api = apiFromReplies(buildSteadycastApi(ipcRenderer));

    const pongs: unknown[] = [];
    api.on('engine:pong', (payload) => pongs.push(payload));
    await expect(api.invoke('engine:ping', { nonce: 'round-trip' })).resolves.toEqual({
      nonce: 'round-trip',
      engineTime: expect.any(Number),
    });
    expect(pongs).toEqual([{ nonce: 'round-trip', engineTime: expect.any(Number) }]);

    const failure = await api.invoke('servers:check', { endpoint: 'elsewhere' as 'primary' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BridgeError);
    expect((failure as BridgeError).code).toBe('invalid-payload');
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('PCM frames sent by the page are counted by the engine', () => {
    const { electron, window, engine } = rig();
    const ipcRenderer = new FakeIpcRenderer();
    ipcRenderer.connectToMain(electron.ipcMain, window.webContents);
    buildSteadycastApi(ipcRenderer).sendPcm(pcmFrame());
    expect(engine.getState().audio.framesReceived).toBe(1);
  });
});

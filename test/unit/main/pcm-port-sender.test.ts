import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEngineConfig } from '../../../electron/engine/config';
import { Engine } from '../../../electron/engine/engine';
import type { MessagePortMainLike } from '../../../electron/main/electron-api';
import { createSenderCheck, registerIpc } from '../../../electron/main/ipc';
import type { RendererLocation } from '../../../electron/main/renderer-location';
import { IPC_PROGRAM_PORT_CHANNEL, PROGRAM_PORT_MESSAGE } from '../../../electron/shared/bridge';
import { decodePcmFrame, PCM_FRAME_LENGTH } from '../../../electron/shared/pcm-frame';
import { PcmPortSender } from '../../../renderer/bridge/pcm-port-sender';
import { openIpcPcmStream, type PcmPortStreamOptions } from '../../../renderer/bridge/pcm-stream';
import type { PcmStreamStatus } from '../../../renderer/bridge/pcm-stream-sender';
import { createFakeElectron, fakeIpcEvent } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

/*
 * The desktop app's program path from the worker's sender to the engine: a real MessageChannel
 * (Node's, standing in for the renderer-to-main channel Electron entangles), main's IPC wiring on
 * the fake `electron` module, and a real engine.
 */

const builtPage = '/opt/steadycast/out/renderer/index.html';
const renderer: RendererLocation = { kind: 'file', path: builtPage };
const config = parseEngineConfig(
  {
    space: {
      name: 'Launch night',
      primary: { janus: { url: 'ws://198.18.0.1:8188' }, icecast: { mountUrl: 'http://source:s3cret@198.18.0.1:8000/live.opus' } },
    },
  },
  'test config',
);

/** Node's MessagePort behind main's MessagePortMain interface (Electron hands listeners `{ data }`). */
class NodePortMain implements MessagePortMainLike {
  constructor(private readonly port: MessagePort) {}

  on(event: 'message', listener: (event: { readonly data: unknown }) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'message' | 'close', listener: ((event: { readonly data: unknown }) => void) | (() => void)): this {
    if (event === 'message') this.port.addEventListener('message', (message) => listener({ data: message.data }));
    else this.port.addEventListener('close', listener as () => void);
    return this;
  }

  start(): void {
    this.port.start();
  }

  close(): void {
    this.port.close();
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A port sender in the "worker", its channel's other end handed to main's wiring as the preload would. */
function wired() {
  const electron = createFakeElectron();
  const window = new electron.BrowserWindow({});
  void window.loadFile(builtPage);
  const engine = new Engine({
    version: 'test',
    mode: 'desktop',
    bridgeKind: 'ipc',
    config,
    clock: new FakeClock(),
    prober: new FakeProber(),
  });
  const acceptPcm = vi.spyOn(engine, 'acceptPcm');
  const dispose = registerIpc(electron.ipcMain, engine, {
    isTrustedSender: createSenderCheck(() => window.webContents, renderer),
    eventTarget: () => window.webContents,
  });
  const channel = new MessageChannel();
  cleanups.push(
    dispose,
    () => channel.port1.close(),
    () => channel.port2.close(),
  );
  const event = window.webContents.topFrameEvent();
  electron.ipcMain.send(IPC_PROGRAM_PORT_CHANNEL, fakeIpcEvent(event.sender, event.senderFrame, [new NodePortMain(channel.port2)]), null);
  const statuses: PcmStreamStatus[] = [];
  const sender = new PcmPortSender({ port: channel.port1, onStatus: (status) => statuses.push(status) });
  return { engine, acceptPcm, sender, statuses };
}

const stereo = (): Float32Array => new Float32Array(PCM_FRAME_LENGTH * 2).fill(0.25);

describe('PcmPortSender', () => {
  it('sends encoded frames on its port into the engine', async () => {
    const { engine, acceptPcm, sender, statuses } = wired();
    expect(statuses.map((status) => status.state)).toEqual(['sending']);
    sender.setClock(1_700_000_000_000);
    for (let i = 0; i < 3; i += 1) expect(sender.sendFrame(stereo(), i * 0.02)).toBe(true);
    await vi.waitFor(() => expect(engine.getState().audio.framesReceived).toBe(3));
    expect(engine.getState().audio.framesRejected).toBe(0);
    const decoded = acceptPcm.mock.calls.map(([bytes]) => decodePcmFrame(bytes));
    expect(
      decoded.map((frame) => (frame.ok ? [frame.frame.sequence, frame.frame.channels, frame.frame.captureTime] : frame.error)),
    ).toEqual([
      [0, 2, 1_700_000_000_000],
      [1, 2, 1_700_000_000_020],
      [2, 2, 1_700_000_000_040],
    ]);
    expect(sender.current).toMatchObject({ framesSent: 3, framesDropped: 0 });
  });

  it('drops frames until it knows the clock, and after it closed', () => {
    const { sender, statuses } = wired();
    expect(sender.sendFrame(stereo(), 0)).toBe(false);
    sender.setClock(Number.NaN);
    expect(sender.sendFrame(stereo(), 0)).toBe(false);
    sender.setClock(1_700_000_000_000);
    sender.close();
    expect(sender.sendFrame(stereo(), 0)).toBe(false);
    expect(sender.current).toMatchObject({ state: 'closed', framesSent: 0, framesDropped: 3 });
    expect(statuses.map((status) => status.state)).toEqual(['sending', 'closed']);
  });
});

describe('openIpcPcmStream', () => {
  it('posts one end of a channel to its own window for the preload, tagged, and starts the worker on the other', async () => {
    const posted: { message: unknown; targetOrigin: string; transfer: Transferable[] }[] = [];
    const started: PcmPortStreamOptions[] = [];
    const stream = { port: new MessageChannel().port1, setClock: vi.fn(), close: vi.fn() };
    cleanups.push(() => stream.port.close());
    const opened = openIpcPcmStream(
      { postMessage: (message, targetOrigin, transfer) => posted.push({ message, targetOrigin, transfer }) },
      (options) => {
        started.push(options);
        return stream;
      },
    );
    expect(opened).toBe(stream);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ message: PROGRAM_PORT_MESSAGE, targetOrigin: '*' });
    expect(posted[0]?.transfer).toHaveLength(1);
    const [mainEnd] = posted[0]?.transfer as MessagePort[];
    const workerEnd = started[0]?.port;
    if (!mainEnd || !workerEnd) throw new Error('expected both ends of the channel');
    cleanups.push(
      () => mainEnd.close(),
      () => workerEnd.close(),
    );
    // The two ends are one channel: what the worker posts arrives at main's end.
    const received = new Promise<unknown>((resolve) => mainEnd.addEventListener('message', (event) => resolve(event.data), { once: true }));
    mainEnd.start();
    workerEnd.postMessage('frame');
    await expect(received).resolves.toBe('frame');
  });
});

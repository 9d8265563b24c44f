import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Engine } from '../../../../electron/engine/engine';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { startBridgeServer, type BridgeServer } from '../../../../electron/cli/ws-bridge';
import { PCM_FRAME_LENGTH } from '../../../../electron/shared/pcm-frame';
import { BRIDGE_PATH } from '../../../../electron/shared/wire';
import { PcmStreamSender, RETRY_MS, type PcmStreamStatus } from '../../../../renderer/bridge/pcm-stream-sender';
import type { BridgeSocket, BridgeSocketHandlers } from '../../../../renderer/bridge/browser-socket';
import { FakeProber } from '../../../fakes/fake-prober';

/*
 * The program sender against the real bridge server and engine, over real sockets (the `ws`
 * client standing in for the worker's WebSocket). Only the retry timer is simulated.
 */

/** The `ws` client behind the renderer's socket interface. */
function openNodeSocket(url: string, handlers: BridgeSocketHandlers): BridgeSocket {
  const ws = new WebSocket(url);
  ws.on('open', () => handlers.open());
  ws.on('message', (data, isBinary) => handlers.message(isBinary ? data : (data as Buffer).toString('utf8')));
  ws.on('close', (code, reason) => handlers.close(code, reason.toString('utf8')));
  ws.on('error', () => undefined); // a close follows
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}

/** Retry timers that run only when the test says. */
class ManualTimers {
  private pending: (() => void)[] = [];
  readonly delays: number[] = [];

  setTimer = (callback: () => void, ms: number): (() => void) => {
    this.delays.push(ms);
    this.pending.push(callback);
    return () => {
      this.pending = this.pending.filter((candidate) => candidate !== callback);
    };
  };

  get count(): number {
    return this.pending.length;
  }

  runAll(): void {
    for (const callback of this.pending.splice(0)) callback();
  }
}

const until = async (condition: () => boolean, what: string): Promise<void> => {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('PcmStreamSender', () => {
  let engine: Engine;
  let server: BridgeServer;
  let url: string;
  let timers: ManualTimers;
  let statuses: PcmStreamStatus['state'][];
  const senders: PcmStreamSender[] = [];

  const start = async (port = 0): Promise<void> => {
    server = await startBridgeServer({ engine, port, token: 'program-token' });
    url = server.url.replace('http', 'ws') + BRIDGE_PATH;
  };

  const open = (token = 'program-token'): PcmStreamSender => {
    const sender = new PcmStreamSender({
      url,
      token,
      createSocket: openNodeSocket,
      setTimer: timers.setTimer,
      onStatus: (status) => statuses.push(status.state),
    });
    senders.push(sender);
    return sender;
  };

  const frame = (): Float32Array => new Float32Array(PCM_FRAME_LENGTH * 2).fill(0.25);

  beforeEach(async () => {
    engine = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({}),
      clock: {
        now: () => Date.now(),
        setTimeout: (callback, ms) => setTimeout(callback, ms),
        clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
      },
      prober: new FakeProber(),
    });
    timers = new ManualTimers();
    statuses = [];
    await start();
  });

  afterEach(async () => {
    for (const sender of senders.splice(0)) sender.close();
    await server.close();
  });

  it('authenticates for audio, then its frames reach the engine stamped with their capture time', async () => {
    const sender = open();
    sender.setClock(Date.now() - 10_000);
    // Not yet authenticated: dropped, not queued.
    expect(sender.sendFrame(frame(), 9.98)).toBe(false);
    await until(() => sender.current.state === 'sending', 'the engine to accept the token');
    expect(statuses).toEqual(['authenticating', 'sending']);
    // An audio connection is not a UI: the engine's count of attached windows stays at zero.
    expect(engine.getState().bridge.clients).toBe(0);

    for (let index = 0; index < 50; index += 1) expect(sender.sendFrame(frame(), 10 + index * 0.02)).toBe(true);
    await until(() => engine.getState().audio.framesReceived === 50, 'fifty frames at the engine');
    expect(engine.getState().audio.framesRejected).toBe(0);
    expect(sender.current).toMatchObject({ framesSent: 50, framesDropped: 1 });
    // Frames were stamped "captured up to a second ago" on the same clock, so the measured delay is a second or less.
    const delay = engine.getState().audio.inputDelay;
    expect(delay?.maxMs).toBeLessThan(1500);
  });

  it('drops frames until the window says what time its audio clock started', async () => {
    const sender = open();
    await until(() => sender.current.state === 'sending', 'the engine to accept the token');
    expect(sender.sendFrame(frame(), 1)).toBe(false);
    sender.setClock(Number.NaN);
    expect(sender.sendFrame(frame(), 1)).toBe(false);
    sender.setClock(Date.now());
    expect(sender.sendFrame(frame(), 0)).toBe(true);
    expect(sender.current).toMatchObject({ framesSent: 1, framesDropped: 2 });
  });

  it('stops for good on a wrong token and says so, without retrying', async () => {
    const sender = open('not-the-token');
    await until(() => sender.current.state === 'refused', 'the refusal');
    expect(sender.current.detail).toMatch(/token|link/i);
    expect(timers.count).toBe(0);
    sender.setClock(Date.now());
    expect(sender.sendFrame(frame(), 0)).toBe(false);
    expect(engine.getState().audio.framesReceived).toBe(0);
  });

  it('reconnects after the engine goes away and comes back, and sends again', async () => {
    const sender = open();
    sender.setClock(Date.now());
    await until(() => sender.current.state === 'sending', 'the first connection');
    const port = server.port;

    await server.close();
    await until(() => sender.current.state === 'connecting' && timers.count === 1, 'the sender to notice the closed connection');
    expect(timers.delays).toEqual([RETRY_MS]);
    expect(sender.current.detail).toMatch(/closed/);
    expect(sender.sendFrame(frame(), 0)).toBe(false);

    await start(port);
    timers.runAll();
    await until(() => sender.current.state === 'sending', 'the second connection');
    expect(sender.sendFrame(frame(), 0.02)).toBe(true);
    await until(() => engine.getState().audio.framesReceived === 1, 'a frame after the reconnection');
  });

  it('closes for good: no retry, and frames after it are dropped', async () => {
    const sender = open();
    sender.setClock(Date.now());
    await until(() => sender.current.state === 'sending', 'the connection');
    sender.close();
    expect(sender.current.state).toBe('closed');
    expect(sender.sendFrame(frame(), 0)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(timers.count).toBe(0);
  });
});

import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBridgeServer, type BridgeServer } from '../../electron/cli/ws-bridge';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema } from '../../electron/engine/config';
import { Engine } from '../../electron/engine/engine';
import { encodePcmFrame, PCM_FRAME_LENGTH } from '../../electron/shared/pcm-frame';
import { BRIDGE_PATH, ServerMessageSchema, type ServerMessage } from '../../electron/shared/wire';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { listenToMount } from '../env/listen';
import { FakeProber } from '../fakes/fake-prober';
import { channelOf, dominantFrequency } from '../support/audio-analysis';

const run = promisify(execFile);

/*
 * The desktop path without Electron: a UI sends `broadcast:start` and then its captured program
 * as binary PCM frames over the bridge; the engine encodes them and the audience hears them.
 */
describe('going live from a UI with PCM over the bridge', () => {
  let dir: string;
  let icecast: IcecastServer;
  let engine: Engine;
  let server: BridgeServer;
  let socket: WebSocket;
  const replies = new Map<string, (message: ServerMessage) => void>();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steadycast-bridge-live-'));
    icecast = await startIcecast();
    engine = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({
        space: {
          name: 'Bridge show',
          primary: {
            janus: { url: 'ws://127.0.0.1:9' },
            icecast: { mountUrl: `http://source:${icecast.sourcePassword}@${icecast.host}:${icecast.port}/bridge.opus` },
          },
        },
      }),
      clock: systemClock,
      prober: new FakeProber(),
      random: () => randomInt(0, 2 ** 32) / 2 ** 32,
      recordingsDir: dir,
    });
    server = await startBridgeServer({ engine, port: 0, token: 'token' });
    socket = new WebSocket(server.url.replace('http', 'ws') + BRIDGE_PATH);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = ServerMessageSchema.parse(JSON.parse((data as Buffer).toString('utf8')));
      if (message.type === 'result') replies.get(message.id)?.(message);
      if (message.type === 'auth-result') replies.get('auth')?.(message);
    });
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    await send('auth', { type: 'auth', token: 'token' });
  });

  afterEach(async () => {
    socket.close();
    await engine.stopBroadcast();
    await server.close();
    await icecast.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function send(id: string, message: unknown): Promise<ServerMessage> {
    return new Promise((resolve) => {
      replies.set(id, resolve);
      socket.send(JSON.stringify(message));
    });
  }

  const command = async (channel: string, payload: unknown): Promise<unknown> => {
    const id = `c${randomInt(1e9)}`;
    const reply = await send(id, { type: 'command', id, channel, payload });
    if (reply.type !== 'result') throw new Error(`unexpected ${reply.type}`);
    if (!reply.reply.ok) throw new Error(`${channel}: ${reply.reply.error.message}`);
    return reply.reply.result;
  };

  it('the audience hears the 440 Hz the UI sends, and the show is recorded', async () => {
    const status = (await command('broadcast:start', { source: { kind: 'bridge' }, channels: 1, bitrateKbps: 64 })) as {
      outputs: { id: string }[];
    };
    expect(status.outputs.map((output) => output.id)).toEqual(['primary']);
    await expect(command('broadcast:start', { source: { kind: 'bridge' } })).rejects.toThrow(/already on air/);

    // The UI's capture: a 440 Hz sine in 20 ms frames, paced like a real AudioWorklet.
    let sequence = 0;
    const sendFrame = (): void => {
      const samples = new Float32Array(PCM_FRAME_LENGTH);
      for (let index = 0; index < samples.length; index += 1) {
        samples[index] = 0.25 * Math.sin((2 * Math.PI * 440 * (sequence * PCM_FRAME_LENGTH + index)) / 48_000);
      }
      socket.send(
        new Uint8Array(encodePcmFrame({ channels: 1, sampleRate: 48_000, sequence: sequence++, captureTime: Date.now(), samples })),
      );
    };
    // Paced by the wall clock, as a worklet's frames are: a timer that fires late on a loaded machine
    // sends the frames that fell due meanwhile, so 2 s of listening always carries 2 s of audio.
    const pacingFrom = Date.now();
    const pacer = setInterval(() => {
      while (sequence < (Date.now() - pacingFrom) / 20) sendFrame();
    }, 20);
    try {
      await waitFor(() => engine.getState().broadcast?.outputs[0]?.state.status === 'live');
      const heard = await listenToMount(icecast, '/bridge.opus', 2000, dir);
      expect(Math.abs(dominantFrequency(channelOf(heard.samples, heard.channels, 0), 48_000) - 440)).toBeLessThan(3);
    } finally {
      clearInterval(pacer);
    }

    expect(await command('broadcast:stop', {})).toEqual({ stopped: true });
    expect(engine.getState().broadcast).toBeNull();
    const recordings = readdirSync(dir).filter((name) => name.endsWith('.opus') && name.startsWith('Bridge-show'));
    expect(recordings).toHaveLength(1);
    const info = await run('opusinfo', [join(dir, recordings[0] ?? '')]);
    expect(info.stdout + info.stderr).not.toMatch(/WARNING|ERROR/i);
    expect(engine.getState().audio.framesReceived).toBeGreaterThan(100);
  });

  it('says what to do when the space has no Icecast mount', async () => {
    const bare = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({ space: { name: 'No mounts' } }),
      clock: systemClock,
      prober: new FakeProber(),
    });
    await expect(
      bare.execute({
        channel: 'broadcast:start',
        payload: { source: { kind: 'tone', frequencyHz: 440 }, channels: 1, bitrateKbps: 64, record: false },
      }),
    ).rejects.toThrow(/No Icecast mount is configured/);
    expect(bare.getState().broadcast).toBeNull();
  });
});

async function waitFor(test: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

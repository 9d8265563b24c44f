/*
 * Bridge benchmark: how fast commands and PCM frames cross the headless WebSocket bridge into the
 * engine, on loopback. Prints figures; the PCM figure is a ratio against real time (50 frames/s of
 * 20 ms audio), measured in the same run. Bounded in count; stops by itself.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startBridgeServer } from '../../electron/cli/ws-bridge';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema } from '../../electron/engine/config';
import { Engine } from '../../electron/engine/engine';
import { encodePcmFrame, PCM_FRAME_LENGTH, PCM_SAMPLE_RATE } from '../../electron/shared/pcm-frame';
import { BRIDGE_PATH, ServerMessageSchema, type ServerMessage } from '../../electron/shared/wire';
import { FakeProber } from '../fakes/fake-prober';

const PINGS = 2000;
const FRAMES = 3000; // one minute of stereo program audio

const engine = new Engine({
  version: 'bench',
  mode: 'headless',
  bridgeKind: 'websocket',
  config: EngineConfigSchema.parse({}),
  clock: systemClock,
  prober: new FakeProber(),
});
const server = await startBridgeServer({ engine, port: 0, token: 'bench' });
const socket = new WebSocket(server.url.replace('http', 'ws') + BRIDGE_PATH);
await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));

const waiters = new Map<string, () => void>();
socket.on('message', (data) => {
  const message: ServerMessage = ServerMessageSchema.parse(JSON.parse((data as Buffer).toString('utf8')));
  if (message.type === 'result') waiters.get(message.id)?.();
  if (message.type === 'auth-result') waiters.get('auth')?.();
});
const request = (id: string, message: unknown): Promise<void> =>
  new Promise((resolve) => {
    waiters.set(id, () => {
      waiters.delete(id);
      resolve();
    });
    socket.send(JSON.stringify(message));
  });

await request('auth', { type: 'auth', token: 'bench' });

const latencies: number[] = [];
for (let index = 0; index < PINGS; index += 1) {
  const started = performance.now();
  await request(`p${index}`, { type: 'command', id: `p${index}`, channel: 'engine:ping', payload: { nonce: `n${index}` } });
  latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);
const percentile = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;

const frame = new Uint8Array(
  encodePcmFrame({
    channels: 2,
    sampleRate: PCM_SAMPLE_RATE,
    sequence: 0,
    captureTime: 0,
    samples: new Float32Array(PCM_FRAME_LENGTH * 2),
  }),
);
const pcmStarted = performance.now();
for (let index = 0; index < FRAMES; index += 1) socket.send(frame);
// A ping after the frames returns once the engine has read every frame before it (one ordered socket).
await request('fence', { type: 'command', id: 'fence', channel: 'engine:ping', payload: { nonce: 'fence' } });
const pcmSeconds = (performance.now() - pcmStarted) / 1000;
const received = engine.getState().audio.framesReceived;
const framesPerSecond = received / pcmSeconds;
const realTimeFramesPerSecond = PCM_SAMPLE_RATE / PCM_FRAME_LENGTH;

const lines = [
  `bridge command round trip (${PINGS} engine:ping): p50 ${percentile(50).toFixed(3)} ms, p99 ${percentile(99).toFixed(3)} ms`,
  `bridge PCM intake (${FRAMES} stereo 20 ms frames, ${frame.byteLength} B each): ${received} accepted, ` +
    `${framesPerSecond.toFixed(0)} frames/s = ${(framesPerSecond / realTimeFramesPerSecond).toFixed(1)}× real time`,
];
process.stdout.write(`${lines.join('\n')}\n`);

socket.close();
await server.close();
if (received !== FRAMES) {
  process.stderr.write(`bench: expected ${FRAMES} frames in the engine, got ${received}\n`);
  process.exit(1);
}

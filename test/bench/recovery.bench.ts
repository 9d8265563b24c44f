/*
 * Recovery benchmark: an Icecast output is live, Icecast is killed (SIGKILL), stays down for a
 * while (0.5–2 s, so the output's backoff has grown as in a real outage), and is restarted on the
 * same port. Measured: time from the restarted Icecast accepting TCP connections (a 2 ms connect
 * poll) to the output being `live` again (the server's 200 to the PUT). Prints median and worst
 * over ROUNDS restarts (targets: median ≤ 0.5 s, worst ≤ 1.2 s). Bounded; stops every process it
 * started, by PID. As root outside the test namespace it re-runs itself inside one.
 */
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../electron/engine/clock';
import { IcecastOutput } from '../../electron/engine/icecast/icecast-output';
import { ensureFixtures } from '../env/fixtures';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { insideTestNamespace } from '../env/network';
import { canCreateTestNamespace, runInTestNamespace } from '../env/netns';
import { encodeOpusPackets, pacePackets } from '../env/opus-packets';
import { canConnect, delay } from '../env/process';

const ROUNDS = 12;
const ROUND_TIMEOUT_MS = 10_000;

if (!insideTestNamespace() && canCreateTestNamespace()) {
  process.exit(await runInTestNamespace(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { log: () => undefined }));
}

const { toneWav } = await ensureFixtures();
const tone = await encodeOpusPackets(toneWav, 128);
let server: IcecastServer = await startIcecast({ sourceTimeout: 3 });
const { port } = server;
const passwords = server;

let liveAt = 0;
const output = new IcecastOutput({
  id: 'bench',
  url: `http://source:${server.sourcePassword}@${server.host}:${port}/bench.opus`,
  metadata: { name: 'recovery bench', audioInfo: { bitrate: 128, channels: tone.channels, samplerate: 48_000 } },
  channels: tone.channels,
  preSkip: tone.preSkip,
  clock: systemClock,
  random: Math.random,
  onChange: (state) => {
    if (state.kind === 'live') liveAt = performance.now();
  },
});
const pacer = pacePackets((index) => {
  const packet = tone.packets[index % tone.packets.length];
  if (packet) output.pushPacket(packet.data, packet.samples);
});

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + ROUND_TIMEOUT_MS;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`recovery bench: timed out waiting for ${what}`);
    await delay(2);
  }
}

const recoveries: number[] = [];
try {
  output.start();
  await until(() => output.state.kind === 'live', 'the first live');
  for (let round = 0; round < ROUNDS; round += 1) {
    await delay(500);
    process.kill(server.pid, 'SIGKILL');
    await until(() => output.state.kind === 'retrying', 'retrying after the kill');
    await server.stop(); // already dead: removes its files
    await delay(500 + Math.random() * 1500);
    let acceptingAt = 0;
    const polling = (async () => {
      while (acceptingAt === 0) {
        if (await canConnect(server.host, port)) acceptingAt = performance.now();
        else await delay(2);
      }
    })();
    liveAt = 0;
    server = await startIcecast({ port, passwords, sourceTimeout: 3 });
    await polling;
    await until(() => liveAt !== 0, 'live after the restart');
    recoveries.push(Math.max(0, liveAt - acceptingAt));
  }
} finally {
  pacer.stop();
  await output.stop();
  await server.stop();
}

const sorted = [...recoveries].sort((a, b) => a - b);
const median =
  sorted.length % 2 === 1
    ? (sorted[(sorted.length - 1) / 2] ?? NaN)
    : ((sorted[sorted.length / 2 - 1] ?? NaN) + (sorted[sorted.length / 2] ?? NaN)) / 2;
const worst = sorted.at(-1) ?? NaN;
const lines = [
  `icecast recovery (${recoveries.length} restarts, SIGKILL + restart on the same port, backoff cap 1 s with full jitter):`,
  `  restarted server accepting TCP → output live: median ${(median / 1000).toFixed(3)} s (target ≤ 0.5 s), worst ${(worst / 1000).toFixed(3)} s (target ≤ 1.2 s)`,
  `  all (ms): ${recoveries.map((value) => value.toFixed(0)).join(' ')}`,
];
process.stdout.write(`${lines.join('\n')}\n`);

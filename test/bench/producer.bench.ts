/*
 * Producer console benchmark (issue "Producer console"): how fast the producer's engine flags a
 * stray microphone, and whether it flags anyone who only speaks. Real Janus (AudioBridge + the
 * space channel's TextRoom) started here, real engines for the host, the producer and every
 * speaker, each speaker sending its microphone reports over the space channel in real time.
 * The reports are what the speaker's app computes: the app's own analysis (renderer/audio/
 * mic-analysis) run here over real audio (espeak-ng speech, sox pink noise), 200 ms per report.
 *   noise:  speech for 3 s, then steady pink noise → time from the noise onset to the noise flag;
 *   echo:   the speaker talks throughout; from 3 s on the room (another voice) comes back 120 ms
 *           late at half level → time from the echo onset to the echo flag;
 *   speech: speakers taking turns for 60 s against an independent room → flags raised (target 0).
 *   cost:   what the reports cost the engines that send, relay and judge them: CPU time and
 *           event-loop delay of this process (all the engines) over 10 s of a quiet room, then over
 *           the report phase; a busy event loop would delay the program's PCM in a host's engine.
 * The mute-to-silence latency in the program (a producer's mute) is in conversation.bench.ts.
 * Bounded: a fixed number of speakers and about 90 s; stops everything it started.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema, type EngineConfig } from '../../electron/engine/config';
import { Engine } from '../../electron/engine/engine';
import type { StrayFlagKind } from '../../electron/shared/conversation';
import type { MicReport } from '../../electron/shared/mic-report';
import { MicAnalyser } from '../../renderer/audio/mic-analysis/mic-analyser';
import { loadVad } from '../../renderer/audio/mic-analysis/vad';
import { ensureFixtures, ensureMicFixtures } from '../env/fixtures';
import { insideTestNamespace, testIceHostAddresses } from '../env/network';
import { canCreateTestNamespace, runInTestNamespace } from '../env/netns';
import { delay } from '../env/process';
import { startServers } from '../env/servers';
import { FakeProber } from '../fakes/fake-prober';
import { looped, mix, readMono } from '../support/mic-analysis-support';
import { formatFigure } from './conversation-support';

if (!insideTestNamespace() && canCreateTestNamespace()) {
  process.exit(await runInTestNamespace(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { log: () => undefined }));
}

const RATE = 48_000;
const BLOCK = 1024;
const REPORT_MS = 200;
const ONSET_S = 3;
const NOISE_SPEAKERS = 6;
const ECHO_SPEAKERS = 6;
const SPEECH_SPEAKERS = 3;
const SPEECH_S = 60;
const QUIET_S = 10;
const hardStop = setTimeout(() => {
  process.stderr.write('producer bench: over its time limit, stopping\n');
  process.exit(1);
}, 240_000);
const print = (line: string): void => void process.stdout.write(`${line}\n`);

/** The speaker app's reports over `mic` (and the room it plays), one per 200 ms of audio. */
function analyse(vad: Awaited<ReturnType<typeof loadVad>>, mic: Float32Array, room: Float32Array | null): MicReport[] {
  const reports: MicReport[] = [];
  let clock = 0;
  const analyser = new MicAnalyser({
    sampleRate: RATE,
    vad: vad.create(16_000, 3),
    now: () => (clock += REPORT_MS),
    onReport: (report) => reports.push(report),
  });
  for (let offset = 0; offset < mic.length; offset += BLOCK)
    analyser.push(mic.subarray(offset, offset + BLOCK), room ? room.subarray(offset, offset + BLOCK) : null);
  analyser.dispose();
  return reports;
}

function engineWith(config: EngineConfig): Engine {
  return new Engine({
    version: 'bench',
    mode: 'headless',
    bridgeKind: 'websocket',
    config,
    clock: systemClock,
    prober: new FakeProber(),
    iceHostAddresses: testIceHostAddresses(),
  });
}

async function until<T>(what: string, check: () => T | null, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await delay(20);
  }
}

/** CPU time and event-loop delay of this process while `during` runs. */
async function measureLoad(during: () => Promise<void>): Promise<{ cpuPerSecond: number; loopP99: number; loopMax: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await during();
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - startedAt) / 1000;
  histogram.disable();
  return { cpuPerSecond: (cpu.user + cpu.system) / 1000 / seconds, loopP99: histogram.percentile(99) / 1e6, loopMax: histogram.max / 1e6 };
}

/** A speaker: an engine in the room sending its precomputed reports in real time; `onsetAt` is when report ONSET_S×5 went out. */
interface Speaker {
  readonly engine: Engine;
  readonly name: string;
  feed: string;
  onsetAt: number | null;
}

const vad = await loadVad();
const { speechWav } = await ensureFixtures();
const fixtures = await ensureMicFixtures();
const speechA = readMono(speechWav).samples;
const speechB = readMono(fixtures.speechB).samples;
const length = 12 * RATE;
const onset = ONSET_S * RATE;
const noisy = new Float32Array(length);
noisy.set(speechA.subarray(0, onset));
noisy.set(looped(readMono(fixtures.pinkNoise).samples, length - onset), onset);
const noiseReports = analyse(vad, noisy, null);
const roomLate = new Float32Array(length);
roomLate.set(looped(speechB, length - onset), onset);
const echoReports = analyse(
  vad,
  mix(length, [{ signal: looped(speechA, length) }, { signal: roomLate, gain: 0.5, delay: Math.round(0.12 * RATE) }]),
  roomLate,
);
const turns = looped(speechA, SPEECH_S * RATE);
for (let start = 0; start < turns.length; start += 20 * RATE)
  turns.set(looped(speechB, 10 * RATE).subarray(0, Math.min(10 * RATE, turns.length - start)), start);
const speechReports = analyse(vad, turns, looped(readMono(fixtures.music).samples, turns.length));

const loadStart = loadavg()[0] ?? Number.NaN;
const engines: Engine[] = [];
const timers: ReturnType<typeof setInterval>[] = [];
const servers = await startServers();
try {
  print(`producer console against Janus AudioBridge + TextRoom (${insideTestNamespace() ? 'isolated namespace' : 'host network'})`);
  const host = engineWith(
    EngineConfigSchema.parse({
      space: {
        name: 'Producer bench',
        primary: {
          janus: { url: servers.janus.wsUrl, room: { id: randomInt(1_000_000, 2 ** 31), secret: randomBytes(12).toString('hex') } },
          icecast: {
            mountUrl: `http://source:${servers.icecast.sourcePassword}@${servers.icecast.host}:${servers.icecast.port}/producer-bench.opus`,
          },
        },
      },
    }),
  );
  engines.push(host);
  await host.execute({ channel: 'space:provision', payload: {} });
  await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
  const join = async (display: string, role: 'cohost' | 'producer'): Promise<Engine> => {
    const { code } = await host.execute({ channel: 'invites:create', payload: { role, label: display, expiresInMinutes: 30 } });
    const engine = engineWith(EngineConfigSchema.parse({ space: { name: display } }));
    engines.push(engine);
    await engine.execute({ channel: 'conversation:join', payload: { display, invite: code } });
    await until(`${display}'s space channel`, () => (engine.getState().conversation.channel.status === 'open' ? true : null));
    return engine;
  };
  const producer = await join('Pia Producer', 'producer');
  const speakers: Speaker[] = [];
  for (const [kind, count] of [
    ['noise', NOISE_SPEAKERS],
    ['echo', ECHO_SPEAKERS],
    ['speech', SPEECH_SPEAKERS],
  ] as const) {
    for (let index = 0; index < count; index += 1) {
      const name = `${kind}-${index}`;
      const engine = await join(name, 'cohost');
      const link = engine.getState().conversation.link;
      speakers.push({ engine, name, feed: link.status === 'joined' ? link.selfId : '', onsetAt: null });
    }
  }
  await until('the producer sees everyone', () =>
    producer.getState().conversation.participants.length === speakers.length + 2 ? true : null,
  );

  // Flags as the producer's engine raises them: participant → kind → first time seen.
  const raised = new Map<string, Map<StrayFlagKind, number>>();
  const flagEvents: { feed: string; kind: StrayFlagKind; at: number }[] = [];
  const seen = new Map<string, Set<StrayFlagKind>>();
  const unsubscribe = producer.subscribe((event) => {
    if (event.channel !== 'engine:state') return;
    const now = Date.now();
    for (const participant of event.payload.conversation.participants) {
      const before = seen.get(participant.id) ?? new Set<StrayFlagKind>();
      const after = new Set(participant.flags.map((flag) => flag.kind));
      for (const kind of after) {
        if (before.has(kind)) continue;
        flagEvents.push({ feed: participant.id, kind, at: now });
        const first = raised.get(participant.id) ?? new Map<StrayFlagKind, number>();
        if (!first.has(kind)) first.set(kind, now);
        raised.set(participant.id, first);
      }
      seen.set(participant.id, after);
    }
  });

  // The reference: the same engines in the same room, nobody reporting.
  const quiet = await measureLoad(() => delay(QUIET_S * 1000));

  // Every speaker sends its reports in real time, the noise and echo speakers staggered.
  const start = (speaker: Speaker, reports: readonly MicReport[], delayMs: number): void => {
    setTimeout(() => {
      let index = 0;
      const timer = setInterval(() => {
        const report = reports[index];
        if (report === undefined) {
          clearInterval(timer);
          return;
        }
        if (index === ONSET_S * (1000 / REPORT_MS)) speaker.onsetAt = Date.now();
        void speaker.engine.execute({ channel: 'conversation:report-mic', payload: { report: { ...report, at: Date.now() } } });
        index += 1;
      }, REPORT_MS);
      timers.push(timer);
    }, delayMs);
  };
  speakers.forEach((speaker, index) => {
    const reports = speaker.name.startsWith('noise') ? noiseReports : speaker.name.startsWith('echo') ? echoReports : speechReports;
    start(speaker, reports, speaker.name.startsWith('speech') ? 0 : (index % 6) * 700);
  });
  const reporting = await measureLoad(() => delay((SPEECH_S + 2) * 1000));
  unsubscribe();

  const detection = (kind: 'noise' | 'echo'): { times: number[]; missed: number } => {
    const group = speakers.filter((speaker) => speaker.name.startsWith(kind));
    const times = group.flatMap((speaker) => {
      const at = raised.get(speaker.feed)?.get(kind);
      return at !== undefined && speaker.onsetAt !== null ? [at - speaker.onsetAt] : [];
    });
    return { times, missed: group.length - times.length };
  };
  const noise = detection('noise');
  const echo = detection('echo');
  print(
    `\ndetection time, from the onset in the speaker's audio to the flag in the producer's engine (analysis window + the rule's hold + the space channel):`,
  );
  print(formatFigure(`noise flag (rule: non-speech > 5 s), ${NOISE_SPEAKERS} speakers`, noise.times));
  print(formatFigure(`echo flag (rule: echo score ≥ 0.3 for 2 s), ${ECHO_SPEAKERS} speakers`, echo.times));
  if (noise.missed + echo.missed > 0) print(`  not flagged: ${noise.missed} noise, ${echo.missed} echo`);
  const falseFlags = flagEvents.filter((event) =>
    speakers.some((speaker) => speaker.name.startsWith('speech') && speaker.feed === event.feed),
  );
  const earlyFlags = flagEvents.filter((event) => {
    const speaker = speakers.find((candidate) => candidate.feed === event.feed && !candidate.name.startsWith('speech'));
    return speaker !== undefined && (speaker.onsetAt === null || event.at < speaker.onsetAt);
  });
  print(
    `\nfalse flags on a speech-only room: ${falseFlags.length} in ${SPEECH_SPEAKERS} speakers × ${SPEECH_S} s = ${((falseFlags.length / (SPEECH_SPEAKERS * SPEECH_S)) * 60).toFixed(2)} per speaker-minute (target 0)${falseFlags.length > 0 ? `: ${JSON.stringify(falseFlags.map((event) => event.kind))}` : ''}`,
  );
  print(`flags before the onset (during the speech lead-in of the noise/echo speakers): ${earlyFlags.length}`);
  const senders = speakers.length;
  print(
    `\ncost of the reports in this process (${engines.length} engines: ${senders} speakers sending 5 reports/s, every engine receiving them all):`,
  );
  print(
    `  quiet room (${QUIET_S} s):      ${quiet.cpuPerSecond.toFixed(1)} ms CPU per s, event-loop delay p99 ${quiet.loopP99.toFixed(1)} ms, max ${quiet.loopMax.toFixed(1)} ms`,
  );
  print(
    `  reports flowing (${SPEECH_S} s): ${reporting.cpuPerSecond.toFixed(1)} ms CPU per s, event-loop delay p99 ${reporting.loopP99.toFixed(1)} ms, max ${reporting.loopMax.toFixed(1)} ms`,
  );
  print(
    `  per report received by one engine: ${((reporting.cpuPerSecond - quiet.cpuPerSecond) / (engines.length * senders * (1000 / REPORT_MS))).toFixed(3)} ms CPU (${(reporting.cpuPerSecond / Math.max(0.1, quiet.cpuPerSecond)).toFixed(1)}× the quiet room)`,
  );
  print(
    `\nmachine: ${cpus().length} CPUs, 1-min load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0]?.toFixed(1)} at the end`,
  );
} catch (error) {
  process.stderr.write(`producer bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  for (const timer of timers) clearInterval(timer);
  for (const engine of engines.reverse()) await engine.leaveConversation().catch(() => undefined);
  await servers.stop();
  clearTimeout(hardStop);
}

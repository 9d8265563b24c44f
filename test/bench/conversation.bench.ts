/*
 * Conversation benchmark (issue "Co-hosts join by invite"), against a real Janus AudioBridge and a
 * real Icecast started here, with real engines and real headless Chromium pages:
 *   1. join time: a co-host's `conversation:join` with a fresh invite → audio flowing both ways,
 *      split into join (engine + Janus), offer (getUserMedia + ICE gathering in the page),
 *      offer → answer through the engine and Janus, ICE connected, DTLS connected, first packet;
 *   2. mute latency in the room: the co-host's `conversation:set-muted` → the host's page hears
 *      silence (and unmute → audible again), measured in the page with a Web Audio analyser;
 *   3. mouth to program: a tone onset at a co-host's fake microphone → the same onset in the
 *      program on the Icecast mount, through the real control room (host's mix + bridge + encoder);
 *      then mute latency in the program: a co-host with a continuous tone mutes (by command, and the
 *      control room's way: sent track off, then the command) → silence in the program, and back.
 * Times in pages are `performance.timeOrigin + performance.now()`, compared with `Date.now()` in
 * Node (both the system's wall clock; the skew is measured and printed). Part 3 runs the built
 * headless engine (`npm run build` first). Bounded in count and time; stops every process and page
 * it started. As root outside the test namespace it re-runs itself inside one.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Locator } from 'playwright-core';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema, type EngineConfig } from '../../electron/engine/config';
import { Engine } from '../../electron/engine/engine';
import { launchChromium, startPeerPageServer, type PeerPage, type PeerPageServer } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { insideTestNamespace } from '../env/network';
import { canCreateTestNamespace, runInTestNamespace } from '../env/netns';
import { delay } from '../env/process';
import { startProgramListener } from '../env/program-listener';
import { startServers, type TestServers } from '../env/servers';
import { startHeadlessEngine } from '../support/e2e/headless-engine';
import { FakeProber } from '../fakes/fake-prober';
import { testIceHostAddresses } from '../env/network';
import {
  formatFigure,
  formatSeries,
  levelOnsets,
  microphoneOnsets,
  openProbedPeer,
  pairDelays,
  PageProbe,
  percentile,
  ProbeLog,
  ProgramLevels,
  programOnsets,
} from './conversation-support';

const JOINS = 12;
const MUTES = 12;
const STEP_TIMEOUT_MS = 10_000;
const HARD_LIMIT_MS = 4 * 60_000;
/**
 * RMS of ~5 ms of received audio: above AUDIBLE = audible, below SILENT = silence. The −6 dBFS
 * test tones arrive at 0.2–0.35 for the first seconds, then the co-host page's noise suppression
 * (Chromium's default, as in the app) takes a steady tone down by ≈ 19 dB to ≈ 0.037 (−29 dBFS);
 * silence is ≈ 0.0001. Both margins stay wide with these limits.
 */
const AUDIBLE_RMS = 0.01;
const SILENT_RMS = 0.001;
const audible = (rms: number): boolean => rms > AUDIBLE_RMS;
const silent = (rms: number): boolean => rms < SILENT_RMS;
/**
 * Part 3: the co-host's microphone file has an onset every SPACING_MS (silence, then TONE_MS of a
 * −6 dBFS sine), alternating between TONES, and loops: onsets pair unambiguously up to one loop.
 * The spacing is not a multiple of the engine's 100 ms Ogg pages (nor of 20 ms frames), so the
 * onsets fall at different points of a page and the page-fill wait is sampled, not fixed per run.
 */
const SPACING_MS = 2430;
const TONE_MS = 800;
const TONES = [880, 660] as const;
const LOOP_MS = SPACING_MS * TONES.length;
const ONSETS = 12;
/** Part 3, mutes: rounds of (mute, unmute) × (command, the control room's way). */
const PROGRAM_MUTES = 8;
/** How long a change (silence after mute, sound after unmute) must hold to count, and the steady state before each toggle. */
const HOLD_MS = 100;
const STEADY_MS = 300;
/** Sample amplitude that counts as the tone (silence is exactly 0 at the mic and ≈ 0 after Opus). */
const ONSET_THRESHOLD = 0.05;
/** Quiet before a sample above the threshold for it to count as an onset. */
const QUIET_MS = 1000;

if (!insideTestNamespace() && canCreateTestNamespace()) {
  process.exit(await runInTestNamespace(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { log: () => undefined }));
}

const run = promisify(execFile);
const print = (line: string): void => void process.stdout.write(`${line}\n`);

/** What one part of the bench started, stopped in reverse order when the part ends (or the bench gives up). */
class Scope {
  static readonly open = new Set<Scope>();
  private readonly steps: (() => Promise<unknown>)[] = [];

  constructor() {
    Scope.open.add(this);
  }

  defer(...steps: (() => Promise<unknown>)[]): void {
    this.steps.push(...steps);
  }

  async close(): Promise<void> {
    Scope.open.delete(this);
    for (const step of this.steps.splice(0).reverse()) await step().catch(() => undefined);
  }

  /** Runs `body` with a fresh scope and closes it afterwards. */
  static async run<T>(body: (scope: Scope) => Promise<T>): Promise<T> {
    const scope = new Scope();
    try {
      return await body(scope);
    } finally {
      await scope.close();
    }
  }
}

const hardStop = setTimeout(() => {
  process.stderr.write(`conversation bench: over ${HARD_LIMIT_MS / 60_000} minutes, giving up\n`);
  void Promise.all([...Scope.open].reverse().map((scope) => scope.close())).finally(() => process.exit(1));
}, HARD_LIMIT_MS);

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

/** Polls `check` every `everyMs` until it returns a value; throws after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => Promise<T | null> | T | null, timeoutMs = STEP_TIMEOUT_MS, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`conversation bench: ${what} not reached within ${timeoutMs} ms`);
    await delay(everyMs);
  }
}

/** Worst |page wall clock − page Date.now()| over the pages, in ms. */
async function clockSkew(probes: readonly PageProbe[]): Promise<number> {
  const readings = await Promise.all(probes.map((probe) => probe.clock()));
  return Math.max(...readings.map((reading) => Math.abs(reading.page - reading.date)));
}

interface JoinSample {
  join: number;
  offer: number;
  answer: number;
  ice: number;
  dtls: number;
  firstPacket: number;
  guestHears: number;
  hostHears: number;
  total: number;
}

interface Room {
  readonly host: Engine;
  readonly hostPeer: PeerPage;
  readonly hostLog: ProbeLog;
  readonly hostProbe: PageProbe;
}

async function setUpRoom(scope: Scope, servers: TestServers, browser: Browser, pageServer: PeerPageServer): Promise<Room> {
  const { icecast } = servers;
  const host = engineWith(
    EngineConfigSchema.parse({
      space: {
        name: 'Bench night',
        primary: {
          janus: { url: servers.janus.wsUrl, room: { id: randomInt(1_000_000, 2 ** 31), secret: randomBytes(12).toString('hex') } },
          icecast: { mountUrl: `http://source:${icecast.sourcePassword}@${icecast.host}:${icecast.port}/bench-room.opus` },
        },
      },
    }),
  );
  scope.defer(() => host.leaveConversation());
  await host.execute({ channel: 'space:provision', payload: {} });
  await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
  const { peer: hostPeer, probe: hostProbe } = await openProbedPeer(browser, pageServer);
  scope.defer(() => hostPeer.close());
  const offer = await hostPeer.createOffer();
  const { answer } = await host.execute({ channel: 'conversation:offer', payload: { offer, iceRestart: false } });
  await hostPeer.acceptAnswer(answer);
  await hostPeer.waitForIceConnected();
  await hostProbe.start(false);
  return { host, hostPeer, hostProbe, hostLog: new ProbeLog(hostProbe) };
}

/** One co-host: a fresh engine and page join with a new invite; returns the split and the connected guest. */
async function joinOnce(
  scope: Scope,
  room: Room,
  browser: Browser,
  pageServer: PeerPageServer,
  index: number,
): Promise<{ sample: JoinSample; guest: Engine; peer: PeerPage; probe: PageProbe }> {
  const { host, hostLog } = room;
  const { code } = await host.execute({
    channel: 'invites:create',
    payload: { role: 'cohost', label: `bench ${index}`, expiresInMinutes: 30 },
  });
  const guest = engineWith(EngineConfigSchema.parse({ space: { name: 'Guest' } }));
  const { peer, probe } = await openProbedPeer(browser, pageServer);
  scope.defer(
    () => guest.leaveConversation(),
    () => peer.close(),
  );
  await probe.start(true);
  const guestLog = new ProbeLog(probe);
  await hostLog.pull();
  hostLog.clear();

  const started = Date.now();
  await guest.execute({ channel: 'conversation:join', payload: { display: `Cole ${index}`, invite: code } });
  const joined = Date.now();
  const offer = await peer.createOffer();
  const offered = Date.now();
  const { answer } = await guest.execute({ channel: 'conversation:offer', payload: { offer, iceRestart: false } });
  const answered = Date.now();
  await peer.acceptAnswer(answer);

  const milestones = await waitFor(`co-host ${index}'s audio both ways`, async () => {
    await Promise.all([guestLog.pull(), hostLog.pull()]);
    const marks = await probe.marks();
    const firstPacket = guestLog.firstPacketAfter(started);
    const guestHears = guestLog.firstLevelAfter(started, audible);
    const hostHears = hostLog.firstLevelAfter(started, audible);
    if (
      !marks ||
      marks.iceConnectedAt === null ||
      marks.connectedAt === null ||
      firstPacket === null ||
      guestHears === null ||
      hostHears === null
    )
      return null;
    return { iceConnectedAt: marks.iceConnectedAt, connectedAt: marks.connectedAt, firstPacket, guestHears, hostHears };
  });
  const sample: JoinSample = {
    join: joined - started,
    offer: offered - joined,
    answer: answered - offered,
    ice: milestones.iceConnectedAt - answered,
    dtls: milestones.connectedAt - milestones.iceConnectedAt,
    firstPacket: milestones.firstPacket - milestones.connectedAt,
    guestHears: milestones.guestHears - milestones.connectedAt,
    hostHears: milestones.hostHears - milestones.connectedAt,
    total: Math.max(milestones.firstPacket, milestones.guestHears, milestones.hostHears) - started,
  };
  return { sample, guest, peer, probe };
}

async function leave(room: Room, guest: Engine, peer: PeerPage, probe: PageProbe): Promise<void> {
  await probe.stop();
  await guest.execute({ channel: 'conversation:leave', payload: {} });
  await peer.close();
  await waitFor('the host alone in the room', () => (room.host.getState().conversation.participants.length === 1 ? true : null));
  // The host's page is quiet again before the next join is timed.
  await waitFor('silence at the host after the leave', async () => {
    await room.hostLog.pull();
    return room.hostLog.holds(silent, STEADY_MS) ? true : null;
  });
}

async function measureJoins(
  scope: Scope,
  room: Room,
  browser: Browser,
  pageServer: PeerPageServer,
): Promise<{ guest: Engine; peer: PeerPage; probe: PageProbe }> {
  print(`\n1. join time: conversation:join with a new invite → audio both ways (fresh co-host engine and page each time)`);
  const samples: JoinSample[] = [];
  for (let index = 0; ; index += 1) {
    const joined = await joinOnce(scope, room, browser, pageServer, index);
    samples.push(joined.sample);
    if (index + 1 >= JOINS) {
      const figures: [string, keyof JoinSample][] = [
        ['join (engine + Janus: connect, session, join)', 'join'],
        ['offer (page: getUserMedia + ICE gathering)', 'offer'],
        ['offer → answer (engine + Janus)', 'answer'],
        ['answer → ICE connected', 'ice'],
        ['ICE connected → DTLS connected', 'dtls'],
        ['DTLS → first RTP packet at the co-host (±20 ms)', 'firstPacket'],
        ['DTLS → co-host hears the host', 'guestHears'],
        ['DTLS → host hears the co-host', 'hostHears'],
        ['total: join called → audio both ways', 'total'],
      ];
      for (const [label, key] of figures)
        print(
          formatFigure(
            label,
            samples.map((sample) => sample[key]),
          ),
        );
      print(formatSeries(samples.map((sample) => sample.total)));
      return joined;
    }
    await leave(room, joined.guest, joined.peer, joined.probe);
  }
}

async function measureMutes(room: Room, guest: Engine): Promise<void> {
  print(
    `\n2. mute latency in the room: co-host conversation:set-muted → the host's page hears it (Web Audio analyser, 5 ms polls; the change must hold ${HOLD_MS} ms)`,
  );
  const { host, hostLog } = room;
  const toSilent: number[] = [];
  const toAudible: number[] = [];
  const commandMs: number[] = [];
  const shownMuted: number[] = [];
  const cohostMuted = (): boolean | null => host.getState().conversation.participants.find((p) => p.role === 'cohost')?.muted ?? null;
  let shownAt = 0;
  const unsubscribe = host.subscribe((event) => {
    if (
      event.channel === 'engine:state' &&
      shownAt === 0 &&
      event.payload.conversation.participants.some((p) => p.role === 'cohost' && p.muted)
    )
      shownAt = Date.now();
  });
  try {
    const steady = (what: string, check: (rms: number) => boolean): Promise<boolean> =>
      waitFor(what, async () => {
        await hostLog.pull();
        return hostLog.holds(check, STEADY_MS) ? true : null;
      });
    const sustained = (what: string, since: number, check: (rms: number) => boolean): Promise<number> =>
      waitFor(what, async () => {
        await hostLog.pull();
        return hostLog.firstSustainedAfter(since, check, HOLD_MS);
      });
    for (let round = 0; round < MUTES; round += 1) {
      await delay(Math.random() * 300);
      await steady('the co-host steadily audible at the host', audible);
      hostLog.clear();
      shownAt = 0;
      const mutedAt = Date.now();
      await guest.execute({ channel: 'conversation:set-muted', payload: { muted: true } });
      commandMs.push(Date.now() - mutedAt);
      toSilent.push((await sustained('silence at the host', mutedAt, silent)) - mutedAt);
      await waitFor('the co-host shown muted at the host', () => (cohostMuted() === true ? true : null));
      shownMuted.push((shownAt || Date.now()) - mutedAt);

      await delay(Math.random() * 300);
      await steady('steady silence at the host', silent);
      hostLog.clear();
      const unmutedAt = Date.now();
      await guest.execute({ channel: 'conversation:set-muted', payload: { muted: false } });
      toAudible.push((await sustained('audio at the host after unmute', unmutedAt, audible)) - unmutedAt);
      await waitFor('the co-host shown unmuted at the host', () => (cohostMuted() === false ? true : null));
    }
  } finally {
    unsubscribe();
  }
  print(formatFigure('set-muted true: command resolved', commandMs));
  print(formatFigure('set-muted true → host engine shows muted', shownMuted));
  print(formatFigure('set-muted true → silence in the host page', toSilent));
  print(formatSeries(toSilent));
  print(formatFigure('set-muted false → audible in the host page', toAudible));
  print(formatSeries(toAudible));
}

async function measureRoom(servers: TestServers, pageServer: PeerPageServer): Promise<void> {
  await Scope.run(async (scope) => {
    const { toneWav, tone880Wav } = await ensureFixtures();
    // Host speaks 440 Hz, co-hosts 880 Hz (each Chromium has one fake microphone file, looped).
    const [hostBrowser, guestBrowser] = await Promise.all([launchChromium(toneWav), launchChromium(tone880Wav)]);
    scope.defer(
      () => hostBrowser.close(),
      () => guestBrowser.close(),
    );
    const room = await setUpRoom(scope, servers, hostBrowser, pageServer);
    const last = await measureJoins(scope, room, guestBrowser, pageServer);
    await measureMutes(room, last.guest);
    const received = await room.hostProbe.receiveDelay();
    if (received)
      print(
        `  host page jitter buffer (getStats, mean over the run): ${received.jitterBufferMs.toFixed(0)} ms (target ${received.targetMs.toFixed(0)} ms)`,
      );
    const skew = await clockSkew([room.hostProbe, last.probe]);
    print(`  clocks: page performance.timeOrigin + now() vs Date.now() differ by ≤ ${skew.toFixed(1)} ms`);
  });
}

/** Polls an element's attribute until it equals `value`. */
async function waitForAttribute(locator: Locator, name: string, value: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    `${name}="${value}"`,
    async () => ((await locator.getAttribute(name, { timeout: 1000 }).catch(() => null)) === value ? true : null),
    timeoutMs,
    100,
  );
}

async function measureMouthToProgram(servers: TestServers, pageServer: PeerPageServer, dir: string): Promise<void> {
  print(`\n3. mouth to program: tone onset at a co-host's microphone → in the program on the Icecast mount (real control room)`);
  await Scope.run(async (scope) => {
    const silentWav = join(dir, 'silent.wav');
    const onsetWav = join(dir, 'onset.wav');
    await run('sox', ['-D', '-n', '-r', '48000', '-c', '1', '-b', '16', silentWav, 'trim', '0', '5']);
    const quiet = ((SPACING_MS - TONE_MS) / 1000).toString();
    const tone = (TONE_MS / 1000).toString();
    const segments = TONES.flatMap((hz, index) => [
      ...(index > 0 ? [':'] : []),
      'synth',
      quiet,
      'sine',
      `${hz}`,
      'gain',
      '-200',
      ':',
      'synth',
      tone,
      'sine',
      `${hz}`,
      'gain',
      '-6',
    ]);
    await run('sox', ['-D', '-n', '-r', '48000', '-c', '1', '-b', '16', onsetWav, ...segments]);

    const { icecast } = servers;
    const mount = `/bench-program-${randomInt(1e6)}.opus`;
    const hostEngine = await startHeadlessEngine({
      space: {
        name: 'Bench program',
        primary: {
          janus: { url: servers.janus.wsUrl, room: { id: randomInt(1_000_000, 2 ** 31), secret: randomBytes(12).toString('hex') } },
          icecast: { mountUrl: `http://source:${icecast.sourcePassword}@${icecast.host}:${icecast.port}${mount}` },
        },
      },
    });
    scope.defer(() => hostEngine.stop());
    // The host's microphone is silent, so everything audible in the program is the co-host through the room.
    const [hostBrowser, cohostBrowser] = await Promise.all([launchChromium(silentWav), launchChromium(onsetWav)]);
    scope.defer(
      () => hostBrowser.close(),
      () => cohostBrowser.close(),
    );

    // ── The host joins in the real control room and creates an invite ──
    const hostPage = await (await hostBrowser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const hostProbe = await PageProbe.beforeLoad(hostPage);
    await hostPage.goto(hostEngine.openUrl);
    const hostJoin = hostPage.getByRole('form', { name: 'Join the room as host' });
    await hostJoin.getByLabel('Your name').fill('Ana Host');
    await hostJoin.getByRole('button', { name: 'Join the room' }).click();
    await waitForAttribute(hostPage.getByTestId('conversation-link'), 'data-status', 'joined');
    const invites = hostPage.getByTestId('invites-panel');
    await invites.getByLabel('Role').selectOption('cohost');
    await invites.getByLabel('Who is it for?').fill('Bo');
    await invites.getByRole('button', { name: 'Create invite' }).click();
    const codeField = invites.getByTestId('new-invite-code').getByRole('textbox');
    const code = await waitFor(
      'the new invite code',
      async () => (await codeField.inputValue({ timeout: 1000 }).catch(() => '')) || null,
      15_000,
      100,
    );
    // A producer too: part 3 times a producer's mute of the co-host (a locked, sticky mute).
    await invites.getByLabel('Role').selectOption('producer');
    await invites.getByLabel('Who is it for?').fill('Pia');
    await invites.getByRole('button', { name: 'Create invite' }).click();
    const producerCode = await waitFor(
      'the producer invite code',
      async () => {
        const value = await codeField.inputValue({ timeout: 1000 }).catch(() => '');
        return value !== '' && value !== code ? value : null;
      },
      15_000,
      100,
    );
    const producer = engineWith(EngineConfigSchema.parse({ space: { name: 'Producer' } }));
    scope.defer(() => producer.leaveConversation());
    await producer.execute({ channel: 'conversation:join', payload: { display: 'Pia Producer', invite: producerCode } });

    // ── The co-host: an engine in this process and a peer page whose microphone plays the onsets ──
    const cohost = engineWith(EngineConfigSchema.parse({ space: { name: 'Guest' } }));
    scope.defer(() => cohost.leaveConversation());
    const { peer, probe: cohostProbe } = await openProbedPeer(cohostBrowser, pageServer);
    scope.defer(() => peer.close());
    await cohost.execute({ channel: 'conversation:join', payload: { display: 'Bo Cohost', invite: code } });
    const offer = await peer.createOffer();
    const { answer } = await cohost.execute({ channel: 'conversation:offer', payload: { offer, iceRestart: false } });
    await peer.acceptAnswer(answer);
    await peer.waitForIceConnected();
    const onsetsMeasurable = await cohostProbe.hasTrackProcessor();
    if (onsetsMeasurable) await cohostProbe.watchMicrophone(ONSET_THRESHOLD);
    await hostProbe.start(false);

    // ── Go live from the control room: the program is the host's microphone plus the room ──
    await hostPage.getByTestId('go-live').click();
    await hostPage.getByTestId('preflight-go-live').click();
    await waitForAttribute(hostPage.getByTestId('on-air-lamp'), 'data-on-air', 'true');
    await waitForAttribute(hostPage.getByTestId('output-primary'), 'data-state', 'live');
    await delay(1000);
    if (onsetsMeasurable) await measureOnsets(icecast, mount, dir, hostProbe, cohostProbe);
    else print('  not measured yet: this Chromium has no MediaStreamTrackProcessor, so the onset at the microphone cannot be timestamped');

    // ── The tone co-host leaves; one whose microphone plays a continuous tone joins for the mutes ──
    await cohost.execute({ channel: 'conversation:leave', payload: {} });
    await peer.close();
    await cohostBrowser.close();
    const { tone880Wav } = await ensureFixtures();
    const toneBrowser = await launchChromium(tone880Wav);
    scope.defer(() => toneBrowser.close());
    const speaker = engineWith(EngineConfigSchema.parse({ space: { name: 'Guest' } }));
    scope.defer(() => speaker.leaveConversation());
    const { peer: speakerPeer, probe: speakerProbe } = await openProbedPeer(toneBrowser, pageServer);
    scope.defer(() => speakerPeer.close());
    await speaker.execute({ channel: 'conversation:join', payload: { display: 'Bo Cohost', invite: code } });
    const speakerOffer = await speakerPeer.createOffer();
    const { answer: speakerAnswer } = await speaker.execute({
      channel: 'conversation:offer',
      payload: { offer: speakerOffer, iceRestart: false },
    });
    await speakerPeer.acceptAnswer(speakerAnswer);
    await speakerPeer.waitForIceConnected();
    await measureProgramMutes(scope, icecast, mount, dir, hostProbe, speaker, speakerProbe, producer);

    const skew = await clockSkew([hostProbe, speakerProbe]);
    print(`  clocks: page performance.timeOrigin + now() vs Date.now() differ by ≤ ${skew.toFixed(1)} ms`);
  });
}

/** Part 3, onsets: tone onsets at the co-host's microphone → in the control room → in the program. */
async function measureOnsets(
  icecast: { host: string; port: number },
  mount: string,
  dir: string,
  hostProbe: PageProbe,
  cohostProbe: PageProbe,
): Promise<void> {
  const listener = await startProgramListener(icecast, mount, dir);
  await delay(ONSETS * SPACING_MS + 1500);
  const recording = await listener.stop();
  const micLog = new ProbeLog(cohostProbe);
  const roomLog = new ProbeLog(hostProbe);
  await Promise.all([micLog.pull(), roomLog.pull()]);

  const { onsets: atMicrophone, stampedMs } = microphoneOnsets(micLog.micChunks, TONES, QUIET_MS);
  const inRoom = levelOnsets(roomLog.levels, TONES, AUDIBLE_RMS, SILENT_RMS, QUIET_MS);
  const inProgram = programOnsets(recording, TONES, ONSET_THRESHOLD, QUIET_MS);
  const micToRoom = pairDelays(atMicrophone, inRoom, LOOP_MS);
  const micToProgram = pairDelays(atMicrophone, inProgram, LOOP_MS);
  const roomToProgram = pairDelays(inRoom, inProgram, LOOP_MS);
  print(formatFigure('microphone → program (Ogg page at a listener)', micToProgram));
  print(formatSeries(micToProgram));
  print(formatFigure('  of which: microphone → control room hears it', micToRoom));
  print(formatSeries(micToRoom));
  print(formatFigure('  of which: control room → program', roomToProgram));
  print(
    `  onsets: microphone ${atMicrophone.length}, control room ${inRoom.length}, program ${inProgram.length} in ${(recording.samples.length / recording.channels / 48_000).toFixed(1)} s of program; ` +
      `each paired with the latest earlier one of the same tone (${TONES.join('/')} Hz alternate) within one ${LOOP_MS} ms loop; mic chunks read ${stampedMs.toFixed(1)} ms after their timestamp (median)`,
  );
}

/**
 * How a part-3 mute is made: the co-host's engine command alone, as the control room does it (the
 * sent track off at once, then the command), or by a producer (moderation:set-muted: Janus's
 * moderator mute of the co-host's feed, locked on the space channel).
 */
type MuteWay = 'command' | 'ui' | 'producer';

/** One mute or unmute in part 3: when it was made (wall ms), how, and how long the control room took to hear it. */
interface Toggle {
  readonly way: MuteWay;
  readonly muted: boolean;
  readonly at: number;
  readonly roomMs: number;
  /** RMS the control room heard just before the toggle (to show the margin to the thresholds). */
  readonly roomLevel: number;
  /** UI way: from the track change in the page to the command leaving this process (the page round trip; the real UI has none). */
  readonly commandAfterMs: number;
}

/**
 * Part 3, mutes: the co-host (a continuous tone) mutes and unmutes, by command and the control
 * room's way in alternation; the control room's page gates each toggle on a steady state and times
 * what it hears; the program is recorded throughout and searched afterwards.
 */
async function measureProgramMutes(
  scope: Scope,
  icecast: { host: string; port: number },
  mount: string,
  dir: string,
  hostProbe: PageProbe,
  speaker: Engine,
  speakerProbe: PageProbe,
  producer: Engine,
): Promise<void> {
  const speakerId = await waitFor('the producer sees the speaking co-host', () => {
    const selfId = speaker.getState().conversation.link;
    const id = selfId.status === 'joined' ? selfId.selfId : null;
    return id !== null && producer.getState().conversation.participants.some((participant) => participant.id === id) ? id : null;
  });
  const roomLog = new ProbeLog(hostProbe);
  const steady = (what: string, check: (rms: number) => boolean): Promise<boolean> =>
    waitFor(what, async () => {
      await roomLog.pull();
      return roomLog.holds(check, STEADY_MS) ? true : null;
    });
  const sustained = (what: string, since: number, check: (rms: number) => boolean): Promise<number> =>
    waitFor(what, async () => {
      await roomLog.pull();
      return roomLog.firstSustainedAfter(since, check, HOLD_MS);
    });
  await steady('the continuous tone steadily audible in the control room', audible);

  const listener = await startProgramListener(icecast, mount, dir);
  let stopped = false;
  scope.defer(async () => {
    if (!stopped) await listener.stop();
  });
  const toggles: Toggle[] = [];
  const toggle = async (way: MuteWay, muted: boolean): Promise<void> => {
    await delay(Math.random() * 300);
    await steady(`the co-host steadily ${muted ? 'audible' : 'silent'} in the control room`, muted ? audible : silent);
    const roomLevel = roomLog.levels.at(-1)?.[1] ?? Number.NaN;
    roomLog.clear();
    let at = Date.now();
    if (way === 'ui') at = await speakerProbe.setSending(!muted);
    const commandAt = Date.now();
    if (way === 'producer') await producer.execute({ channel: 'moderation:set-muted', payload: { participantId: speakerId, muted } });
    else await speaker.execute({ channel: 'conversation:set-muted', payload: { muted } });
    const heard = await sustained(`${muted ? 'silence' : 'audio'} in the control room`, at, muted ? silent : audible);
    toggles.push({ way, muted, at, roomMs: heard - at, roomLevel, commandAfterMs: commandAt - at });
  };
  for (let round = 0; round < PROGRAM_MUTES; round += 1) {
    // Alternate which way goes first, so a drift in the machine's load weighs on both alike.
    const ways = ['command', 'ui', 'producer'] as const;
    for (const way of [...ways.slice(round % 3), ...ways.slice(0, round % 3)]) {
      await toggle(way, true);
      await toggle(way, false);
    }
  }
  // The program trails the control room by a page or so: let the last unmute reach it.
  await steady('the co-host steadily audible in the control room', audible);
  await delay(500);
  stopped = true;
  const recording = await listener.stop();

  const program = new ProgramLevels(recording);
  let unclean = 0;
  let missed = 0;
  const inProgram = new Map<string, number[]>();
  const levelBefore = { mute: [] as number[], unmute: [] as number[] };
  toggles.forEach((item, index) => {
    const before = item.muted ? audible : silent;
    const after = item.muted ? silent : audible;
    const level = program.levelAt(item.at);
    levelBefore[item.muted ? 'mute' : 'unmute'].push(level);
    if (!before(level)) {
      unclean += 1;
      return;
    }
    const heard = program.firstSustainedAfter(item.at, toggles[index + 1]?.at ?? Number.POSITIVE_INFINITY, after, HOLD_MS);
    if (heard === null) {
      missed += 1;
      return;
    }
    const key = `${item.way} ${item.muted}`;
    inProgram.set(key, [...(inProgram.get(key) ?? []), heard - item.at]);
  });
  const room = (way: MuteWay, muted: boolean): number[] =>
    toggles.filter((item) => item.way === way && item.muted === muted).map((item) => item.roomMs);
  const rows: [string, MuteWay, boolean][] = [
    ['set-muted true → silence in the program', 'command', true],
    ['UI way: track off + set-muted true → silence', 'ui', true],
    ['set-muted false → audible in the program', 'command', false],
    ['UI way: track on + set-muted false → audible', 'ui', false],
    ["producer's moderation:set-muted true → silence", 'producer', true],
    ["producer's unmute (lock lifted first) → audible", 'producer', false],
  ];
  print(
    `\n  mute latency in the program: the co-host's mute → its continuous 880 Hz tone gone from the Icecast program (unmute → back), the change held ${HOLD_MS} ms`,
  );
  print(
    `  (program time = arrival at a listener of the Ogg page holding the first silent/audible 5 ms window: an upper bound, the page leaves the engine up to 100 ms after that sample;`,
  );
  print(
    `  "UI way" = track.enabled on the co-host page's RTCRtpSender first, timed from then, then conversation:set-muted, as the control room does; each toggle waits for ${STEADY_MS} ms steady in the control room)`,
  );
  for (const [label, way, muted] of rows) {
    const values = inProgram.get(`${way} ${muted}`) ?? [];
    print(formatFigure(label, values));
    print(formatSeries(values));
    print(formatFigure(`  of which: → in the control room`, room(way, muted)));
  }
  const roomBefore = (muted: boolean): number[] => toggles.filter((item) => item.muted === muted).map((item) => item.roomLevel);
  const levels = (values: readonly number[]): string => {
    const median = percentile(values, 50);
    const outlier = median > AUDIBLE_RMS ? Math.min(...values) : Math.max(...values);
    return `${median.toFixed(4)}, ${outlier.toFixed(4)}`;
  };
  const commandAfter = toggles.filter((item) => item.way === 'ui').map((item) => item.commandAfterMs);
  print(
    `  toggles: ${toggles.length} (${PROGRAM_MUTES} rounds × 3 ways × mute + unmute, the ways rotating) in ${(recording.samples.length / recording.channels / 48_000).toFixed(1)} s of program; ` +
      `${unclean} not steady in the program at the command, ${missed} change not found before the next toggle; ` +
      `RMS before a mute (median, min): room ${levels(roomBefore(true))}, program ${levels(levelBefore.mute)}; before an unmute (median, max): room ${levels(roomBefore(false))}, program ${levels(levelBefore.unmute)} ` +
      `(audible > ${AUDIBLE_RMS}, silent < ${SILENT_RMS}); ` +
      `UI way: the command left ${percentile(commandAfter, 50).toFixed(0)} ms (max ${Math.max(...commandAfter).toFixed(0)} ms) after the track change (page round trip)`,
  );
}

const loadStart = loadavg()[0] ?? Number.NaN;
try {
  print(`conversation against Janus AudioBridge + Icecast (${insideTestNamespace() ? 'isolated namespace' : 'host network'})`);
  await Scope.run(async (scope) => {
    const servers = await startServers();
    scope.defer(() => servers.stop());
    const pageServer = await startPeerPageServer();
    scope.defer(() => pageServer.close());
    const dir = await mkdtemp(join(tmpdir(), 'steadycast-conversation-bench-'));
    scope.defer(() => rm(dir, { recursive: true, force: true }));
    await measureRoom(servers, pageServer);
    await measureMouthToProgram(servers, pageServer, dir);
    print(
      `\nmachine: ${cpus().length} CPUs, 1-min load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0]?.toFixed(1)} at the end (other jobs on the machine delay audio and inflate these figures)`,
    );
  });
} catch (error) {
  process.stderr.write(`conversation bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  clearTimeout(hardStop);
}
process.exit(process.exitCode ?? 0);

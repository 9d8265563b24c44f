import { randomInt } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { chromium, type Browser } from 'playwright-core';
import WebSocket from 'ws';
import { chromiumArgs } from '../env/browser';
import { findCommand } from '../env/deps';
import { ensureFixtures, ensureMicFixtures } from '../env/fixtures';
import { startServers, type TestServers } from '../env/servers';
import { hostSpaceConfig, startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';

/*
 * Issue "Producer console", end to end in the built app: four headless engines (host, two
 * co-hosts, a producer), each with its control room in its own Chromium whose fake microphone
 * plays a file (tone, steady pink noise, speech, speech). Every app analyses its own microphone
 * and reports on the space channel (the room's Janus TextRoom); the producer works from a
 * browser over the authenticated WebSocket bridge and does everything with clicks.
 */

let servers: TestServers | undefined;
const engines: HeadlessEngine[] = [];
const browsers: Browser[] = [];

test.afterEach(async () => {
  const testInfo = test.info();
  // A failed run keeps every engine's log with its report: which app stalled, and why.
  if (testInfo.status !== testInfo.expectedStatus) {
    for (const [index, engine] of engines.entries())
      await testInfo.attach(`engine-${index}.log`, { body: engine.log(), contentType: 'text/plain' });
  }
  await Promise.allSettled(browsers.splice(0).map((browser) => browser.close()));
  await Promise.allSettled(engines.splice(0).map((engine) => engine.stop()));
  await servers?.stop();
  servers = undefined;
});

/**
 * Makes the page an echoing speaker, as with loudspeakers and no echo cancellation: the microphone
 * the app gets is the fake microphone plus the room mix it receives, 120 ms late at half level.
 * Runs in the page before the app (Playwright init script); Chromium only.
 */
function echoingSpeaker(): void {
  const context = new AudioContext({ sampleRate: 48_000 });
  const room = new GainNode(context, { gain: 0.5 });
  const late = new DelayNode(context, { delayTime: 0.12, maxDelayTime: 1 });
  room.connect(late);
  // What the app plays (the room mix, set on its <audio> element) also reaches the microphone.
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    get(this: HTMLMediaElement) {
      return srcObject?.get?.call(this) as MediaProvider | null;
    },
    set(this: HTMLMediaElement, value: MediaProvider | null) {
      srcObject?.set?.call(this, value);
      if (value instanceof MediaStream && value.getAudioTracks().length > 0) context.createMediaStreamSource(value).connect(room);
    },
  });
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const captured = await getUserMedia(constraints);
    if (captured.getAudioTracks().length === 0) return captured;
    const out = new MediaStreamAudioDestinationNode(context, { channelCount: 1 });
    context.createMediaStreamSource(captured).connect(out);
    late.connect(out);
    await context.resume();
    return out.stream;
  };
}

/**
 * A control room in its own headless Chromium whose microphone plays `wav` (an echoing speaker with
 * `echoing`); with `sharing`, a new window of that page's browser instead (same fake microphone), which
 * saves a whole browser on a 2-core machine for an app that never needs its own voice.
 */
async function openControlRoom(wav: string, url: string, echoing = false, sharing?: Page): Promise<Page> {
  const executablePath = findCommand('chromium');
  if (executablePath === undefined) throw new Error('chromium not found: apt-get install chromium');
  const shared = sharing?.context().browser();
  const browser = shared ?? (await chromium.launch({ executablePath, headless: true, args: chromiumArgs(wav) }));
  if (!shared) browsers.push(browser);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  if (echoing) await page.addInitScript(echoingSpeaker);
  await page.goto(url);
  return page;
}

/** The host makes an invite in the invites panel; returns the code. */
async function createInvite(hostPage: Page, role: 'cohost' | 'producer', label: string): Promise<string> {
  const invites = hostPage.getByTestId('invites-panel');
  await invites.getByLabel('Role').selectOption(role);
  await invites.getByLabel('Who is it for?').fill(label);
  await invites.getByRole('button', { name: 'Create invite' }).click();
  const codeField = invites.getByTestId('new-invite-code').getByRole('textbox');
  await expect(codeField).not.toHaveValue('');
  const code = await codeField.inputValue();
  // The next invite must not read this one's code.
  await expect(invites.getByTestId('new-invite-code').getByRole('textbox')).toHaveValue(code);
  return code;
}

async function joinWithInvite(page: Page, code: string, name: string, roleWord: string): Promise<void> {
  await page.getByLabel('Invite link or code').fill(code);
  await page.getByRole('button', { name: 'Check invite' }).click();
  const form = page.getByRole('form', { name: 'Join with this invite' });
  await form.getByLabel('Your name').fill(name);
  await form.getByRole('button', { name: `Join as ${roleWord}` }).click();
  await expect(page.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 20_000 });
}

/** The feed id of the row named `name` in `page`'s participants list. */
async function rowId(page: Page, name: RegExp): Promise<string> {
  const testId = await page.getByTestId('participants').getByRole('listitem', { name }).getAttribute('data-testid');
  return (testId ?? '').replace('participant-', '');
}

test('a producer in a browser sees every microphone, flags the noisy one, and mutes with a lock that sticks', async () => {
  test.setTimeout(300_000);
  const { toneWav, speechWav } = await ensureFixtures();
  const { pinkNoise } = await ensureMicFixtures();
  servers = await startServers();
  const [host, noisy, speaker, producer] = await Promise.all([
    startHeadlessEngine(hostSpaceConfig(servers, 'Launch night', `/producer-${randomInt(1e6)}.opus`)),
    startHeadlessEngine({ space: { name: 'Noisy' } }),
    startHeadlessEngine({ space: { name: 'Speaker' } }),
    startHeadlessEngine({ space: { name: 'Producer' } }),
  ]);
  engines.push(host, noisy, speaker, producer);

  // ── The host opens the room and invites two co-hosts and a producer ───────────
  const hostPage = await openControlRoom(toneWav, host.openUrl);
  const hostJoin = hostPage.getByRole('form', { name: 'Join the room as host' });
  await hostJoin.getByLabel('Your name').fill('Ana Host');
  await hostJoin.getByRole('button', { name: 'Join the room' }).click();
  await expect(hostPage.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 15_000 });
  const producerCode = await createInvite(hostPage, 'producer', 'Pia');
  const noisyCode = await createInvite(hostPage, 'cohost', 'Nico');
  const speakerCode = await createInvite(hostPage, 'cohost', 'Sam');

  // The producer joins muted and never speaks here: a window in the host's browser is enough.
  const producerPage = await openControlRoom(toneWav, producer.openUrl, false, hostPage);
  await joinWithInvite(producerPage, producerCode, 'Pia Producer', 'Producer');
  const speakerPage = await openControlRoom(speechWav, speaker.openUrl);
  await joinWithInvite(speakerPage, speakerCode, 'Sam Speaker', 'Co-host');
  const noisyPage = await openControlRoom(pinkNoise, noisy.openUrl);
  await joinWithInvite(noisyPage, noisyCode, 'Nico Noisy', 'Co-host');

  const list = producerPage.getByTestId('participants');
  await expect(list.getByRole('listitem')).toHaveCount(4, { timeout: 20_000 });
  const noisyId = await rowId(producerPage, /^Nico Noisy/);
  const speakerId = await rowId(producerPage, /^Sam Speaker/);

  // ── Every speaker's level reaches the producer's meters (a speaker's pauses read as no level) ──
  const meterOf = (id: string) => producerPage.getByTestId(`mic-meter-${id}`);
  const levelOf = async (id: string): Promise<number> => Number(await meterOf(id).getAttribute('aria-valuenow'));
  // Budgets for a loaded 2-core machine: three browsers, four engines and two servers share it.
  await expect.poll(() => levelOf(speakerId), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(-60);
  await expect.poll(() => levelOf(noisyId), { timeout: 60_000, intervals: [100] }).toBeGreaterThan(-60);

  // ── The noisy microphone is flagged, with the reason; the speaking one is not ─
  // (detection times are measured by `npm run bench`, producer.bench.ts; here the flag must come.)
  const noiseFlag = producerPage.getByTestId(`participant-${noisyId}`).getByTestId('flag-noise');
  await expect(noiseFlag).toBeVisible({ timeout: 20_000 });
  await expect(noiseFlag).toContainText(/noise/i);
  await expect(producerPage.getByTestId(`participant-${speakerId}`).locator('.stray-flag')).toHaveCount(0);
  // The noisy co-host's own app warned them first.
  await expect(noisyPage.getByTestId('mic-warning')).toHaveAttribute('data-kind', 'noise');
  await producerPage.screenshot({ path: 'test-results/producer-console-flagged.png', fullPage: true });

  // ── One click mutes the noisy co-host; the flag clears by itself ──────────────
  await producerPage.getByTestId(`moderate-mute-${noisyId}`).click();
  await expect(producerPage.getByTestId(`moderate-mute-${noisyId}`)).toHaveAttribute('aria-pressed', 'true');
  await expect(noiseFlag).toHaveCount(0, { timeout: 10_000 });
  await expect(noisyPage.getByTestId('lock-reason')).toContainText('Pia Producer (producer)');

  // ── Sticky mute: the speaker is muted, locked, asks to speak, and is approved ─
  await producerPage.getByTestId(`moderate-mute-${speakerId}`).click();
  const selfMute = speakerPage.getByTestId('self-mute');
  await expect(selfMute).toHaveAttribute('aria-pressed', 'true');
  await expect(selfMute).toHaveAttribute('data-locked', 'true');
  await expect(speakerPage.getByTestId('lock-reason')).toContainText('muted you: Muted by a producer');
  await speakerPage.getByTestId('request-speak').click();
  await expect(speakerPage.getByTestId('request-speak')).toHaveAttribute('aria-pressed', 'true');
  const approve = producerPage.getByTestId(`approve-${speakerId}`);
  await expect(approve).toBeVisible({ timeout: 10_000 });
  await expect(hostPage.getByTestId(`approve-${speakerId}`)).toBeVisible();
  await producerPage.screenshot({ path: 'test-results/producer-console-request.png', fullPage: true });
  await speakerPage.screenshot({ path: 'test-results/producer-console-locked-cohost.png', fullPage: true });
  await approve.click();
  await expect(selfMute).toHaveAttribute('aria-pressed', 'false', { timeout: 10_000 });
  await expect(speakerPage.getByTestId('lock-reason')).toHaveCount(0);
  await expect.poll(() => levelOf(speakerId), { timeout: 10_000 }).toBeGreaterThan(-60);

  // ── Mute everyone except hosts ────────────────────────────────────────────────
  await producerPage.getByTestId('mute-all-but-hosts').click();
  await expect(selfMute).toHaveAttribute('aria-pressed', 'true', { timeout: 10_000 });
  await expect(speakerPage.getByTestId('lock-reason')).toContainText('Everyone except the hosts was muted');
  await expect(producerPage.getByTestId('participants').getByRole('listitem', { name: /^Ana Host, Host, (mic on|talking)/ })).toBeVisible();

  // ── Everything the producer did is in the log, with who did it ────────────────
  const log = producerPage.getByTestId('moderation-log');
  await expect(log).toContainText('Pia Producer (producer) muted Nico Noisy');
  await expect(log).toContainText('Pia Producer (producer) approved Sam Speaker');
  await expect(log).toContainText('Pia Producer (producer) muted all but hosts');
  await producerPage.screenshot({ path: 'test-results/producer-console.png', fullPage: true });

  // ── With a wrong bridge token nothing is allowed ──────────────────────────────
  const base = producer.openUrl.slice(0, producer.openUrl.indexOf('#'));
  const intruder = await (await browsers[0]?.newContext())?.newPage();
  if (intruder === undefined) throw new Error('no browser for the intruder page');
  await intruder.goto(`${base}#token=not-the-token`);
  await expect(intruder.getByText(/access token/i).first()).toBeVisible({ timeout: 10_000 });
  await expect(intruder.getByTestId('participants')).toHaveCount(0);
  const refused = await commandWithToken(base, 'not-the-token', 'moderation:set-muted', { participantId: speakerId, muted: false });
  expect(refused).toMatch(/unauthorized/);
  await expect(selfMute).toHaveAttribute('aria-pressed', 'true');
});

/** Sends one command over the bridge after authenticating with `token`; returns what came back. */
async function commandWithToken(base: string, token: string, channel: string, payload: unknown): Promise<string> {
  const socket = new WebSocket(`${base.replace(/^http/, 'ws').replace(/\/$/, '')}/bridge`);
  const replies: string[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('message', (data: Buffer) => replies.push(data.toString('utf8')));
  socket.send(JSON.stringify({ type: 'auth', token }));
  socket.send(JSON.stringify({ type: 'command', id: 'c1', channel, payload }));
  const deadline = Date.now() + 5000;
  while (!replies.some((reply) => reply.includes('"c1"') || reply.includes('unauthorized')) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  socket.close();
  return replies.join('\n');
}

test('a speaker whose microphone picks the room back up is flagged as echo, and warned first', async () => {
  test.setTimeout(180_000);
  const { speechWav } = await ensureFixtures();
  const { speechB } = await ensureMicFixtures();
  servers = await startServers();
  const [host, echoer] = await Promise.all([
    startHeadlessEngine(hostSpaceConfig(servers, 'Echo check', `/echo-${randomInt(1e6)}.opus`)),
    startHeadlessEngine({ space: { name: 'Echoer' } }),
  ]);
  engines.push(host, echoer);

  // The host talks (the room the echoer plays is the host's voice); the host's app moderates.
  const hostPage = await openControlRoom(speechB, host.openUrl);
  const hostJoin = hostPage.getByRole('form', { name: 'Join the room as host' });
  await hostJoin.getByLabel('Your name').fill('Ana Host');
  await hostJoin.getByRole('button', { name: 'Join the room' }).click();
  await expect(hostPage.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 15_000 });
  const code = await createInvite(hostPage, 'cohost', 'Eve');
  const echoPage = await openControlRoom(speechWav, echoer.openUrl, true);
  await joinWithInvite(echoPage, code, 'Eve Echo', 'Co-host');
  await expect(hostPage.getByTestId('participants').getByRole('listitem')).toHaveCount(2, { timeout: 20_000 });
  const echoId = await rowId(hostPage, /^Eve Echo/);
  // Audio flows both ways before the clock of the warning starts.
  await expect(hostPage.getByTestId(`participant-${echoId}`)).toHaveAttribute('data-connected', 'true', { timeout: 30_000 });
  await expect(echoPage.getByTestId(`participant-${echoId}`)).toHaveAttribute('data-connected', 'true', { timeout: 30_000 });

  // The echoing speaker's own app warns them; the host's engine flags them, with the reason.
  await expect(echoPage.getByTestId('mic-warning')).toHaveAttribute('data-kind', 'echo', { timeout: 30_000 });
  const echoFlag = hostPage.getByTestId(`participant-${echoId}`).getByTestId('flag-echo');
  await expect(echoFlag).toBeVisible({ timeout: 20_000 });
  await expect(echoFlag).toContainText(/echo/i);
  // The host, whose microphone is not fed back, is not flagged.
  await expect(
    hostPage
      .getByTestId('participants')
      .getByRole('listitem', { name: /^Ana Host/ })
      .locator('.stray-flag'),
  ).toHaveCount(0);
  await hostPage.screenshot({ path: 'test-results/producer-console-echo.png', fullPage: true });

  // Muting the echoing speaker stops the echo: the flag clears by itself.
  await hostPage.getByTestId(`moderate-mute-${echoId}`).click();
  await expect(echoFlag).toHaveCount(0, { timeout: 15_000 });
});

import { randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import type { Browser } from 'playwright-core';
import { ensureFixtures } from '../env/fixtures';
import { startProgramListener, type ProgramListener, type ProgramRecording } from '../env/program-listener';
import { startServers, type TestServers } from '../env/servers';
import {
  BLOCK_FRAMES,
  blockLevels,
  COHOST_HZ,
  describeTones,
  GONE_DB,
  joinHostAndCohost,
  launchParticipant,
  meterSettles,
  PRESENT_DB,
  round,
  sampleMeter,
  SAMPLE_RATE,
} from '../support/e2e/conversation-support';
import { hostSpaceConfig, startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';
import { goLiveThroughPreflight } from '../support/e2e/screen-check';

/*
 * Issue "Co-hosts join by invite", end to end: two real headless engines, two real Chromiums with
 * fake microphones (host 440 Hz, co-host 880 Hz; Chromium loops the files, and both hold whole
 * cycles, so the loop is seamless), one real Janus room and one real Icecast mount. The program
 * heard on the mount must carry both voices, and the co-host's self-mute must take theirs out of
 * it (and unmuting bring it back) while the host's stays.
 */

/*
 * When the muted voice must be gone from the program. Arrival time on the mount includes the whole
 * path (co-host → Janus → host's jitter buffer → program capture → bridge → encoder → Icecast),
 * which on these shared 2-vCPU machines under parallel load grows to seconds (the host's WebRTC
 * jitter buffer alone reaches 0.5–1 s) while the mute itself applies in the co-host's page at once.
 * So by default the reference is measured in the same run: the muted voice must be gone from the
 * audio that arrived 300 ms after the engine's own program meter showed the drop (the engine has
 * the muted audio then; the listener gets it within one Ogg page), up to the unmute. With
 * STEADYCAST_E2E_MUTE_DEADLINE_MS=300 the test instead holds the target from the click on,
 * for a quiet machine; `npm run bench` prints the mute latencies (conversation.bench.ts).
 */
const STRICT_MUTE_DEADLINE_MS =
  process.env.STEADYCAST_E2E_MUTE_DEADLINE_MS === undefined ? null : Number(process.env.STEADYCAST_E2E_MUTE_DEADLINE_MS);
/** Program audio after the engine saw the drop that may still be in flight to the listener. */
const METER_TO_LISTENER_MS = 300;
/** How much muted (and then unmuted) program audio the analysis needs once the change reached the engine. */
const HOLD_MS = 1500;

let servers: TestServers | undefined;
/** The program's Icecast mount, e.g. /cohost-123.opus (new for each run). */
let mount = '';
const engines: HeadlessEngine[] = [];
const browsers: Browser[] = [];
const listeners: ProgramListener[] = [];

test.afterEach(async () => {
  // Reverse order of start: listeners, browsers, engines, then the servers they talk to.
  await Promise.allSettled(listeners.splice(0).map((listener) => listener.stop()));
  await Promise.allSettled(browsers.splice(0).map((browser) => browser.close()));
  await Promise.allSettled(engines.splice(0).map((engine) => engine.stop()));
  await servers?.stop();
  servers = undefined;
});

/** A page in its own headless Chromium, whose microphone plays `wav`. */
async function launchWithUnplug(wav: string): Promise<Page> {
  const { browser, page } = await launchParticipant(wav, UNPLUG_SCRIPT);
  browsers.push(browser);
  return page;
}

/*
 * Chromium's fake microphone cannot be unplugged, so the page gets a switch that does to the app
 * what unplugging does to it: every open microphone track ends, the device list loses its
 * microphones and getUserMedia finds none, until `replug()` brings them back with a
 * `devicechange`. The app's own code (renderer/audio/microphone.ts) handles both events as it
 * would for a real device. Plain JavaScript: it runs in the page before the app.
 */
const UNPLUG_SCRIPT = `
(() => {
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  const enumerateDevices = devices.enumerateDevices.bind(devices);
  const opened = [];
  let unplugged = false;
  devices.getUserMedia = async (constraints) => {
    if (unplugged && constraints && constraints.audio) throw new DOMException('Requested device not found', 'NotFoundError');
    const stream = await getUserMedia(constraints);
    opened.push(...stream.getAudioTracks());
    return stream;
  };
  devices.enumerateDevices = async () => {
    const all = await enumerateDevices();
    return unplugged ? all.filter((device) => device.kind !== 'audioinput') : all;
  };
  window.steadycastTestMicrophone = {
    unplug() {
      unplugged = true;
      for (const track of opened.splice(0)) {
        if (track.readyState === 'live') {
          track.stop();
          track.dispatchEvent(new Event('ended'));
        }
      }
      devices.dispatchEvent(new Event('devicechange'));
    },
    replug() {
      unplugged = false;
      devices.dispatchEvent(new Event('devicechange'));
    },
  };
})();
`;

declare global {
  interface Window {
    steadycastTestMicrophone: { unplug(): void; replug(): void };
  }
}

/** Keeps the listener on the mount for `ms` more: this is how much audio is recorded, not a wait for a condition. */
function keepListening(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function listen(): Promise<ProgramListener> {
  if (!servers) throw new Error('servers are not running');
  const listener = await startProgramListener(servers.icecast, mount, test.info().outputPath('program'));
  listeners.push(listener);
  return listener;
}

/** Stops a listener and decodes what it heard, as one channel (the program is the same on both). */
async function stopListening(listener: ProgramListener): Promise<{ recording: ProgramRecording; signal: Float32Array }> {
  listeners.splice(listeners.indexOf(listener), 1);
  const recording = await listener.stop();
  const frames = Math.floor(recording.samples.length / recording.channels);
  const signal = new Float32Array(frames);
  for (let i = 0; i < frames; i += 1) signal[i] = recording.samples[i * recording.channels] ?? 0;
  return { recording, signal };
}

test('a co-host joins by invite, is heard in the program, and self-mute takes them out of it', async () => {
  // Join, go live, three listening windows, unplug and replug: about 1.5 min alone, more on a loaded 2-core machine.
  test.setTimeout(240_000);
  const { toneWav, tone880Wav } = await ensureFixtures();
  await mkdir(test.info().outputPath('program'), { recursive: true });

  servers = await startServers();
  mount = `/cohost-${randomInt(1e6)}.opus`;
  const [host, cohost] = await Promise.all([
    startHeadlessEngine(hostSpaceConfig(servers, 'Launch night', mount)),
    startHeadlessEngine({ space: { name: 'Guest' } }),
  ]);
  engines.push(host, cohost);
  const [hostPage, cohostPage] = await Promise.all([launchWithUnplug(toneWav), launchWithUnplug(tone880Wav)]);

  const { hostList, cohostList } = await joinHostAndCohost({
    hostPage,
    hostUrl: host.openUrl,
    cohostPage,
    cohostUrl: cohost.openUrl,
    space: 'Launch night',
  });

  // ── Go live: the program is the host's microphone plus the room ───────────────
  await goLiveThroughPreflight(hostPage);
  await expect(hostPage.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'true', { timeout: 15_000 });
  await expect(hostPage.getByTestId('output-primary')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  // The window's audio reaches the engine (its meter reads a level; off air or before the feed it has none).
  await meterSettles(hostPage, 'the window feeds the program', (db) => db > -40, 2, 30_000);
  await expect(hostPage.getByTestId('show-control-error')).toHaveCount(0);

  const first = await listen();
  await keepListening(5000);
  const onAir = await stopListening(first);
  const both = describeTones(onAir.signal, onAir.signal.length - 3 * SAMPLE_RATE, onAir.signal.length);
  console.log(
    `program, both live (last ${both.seconds} s of ${round(onAir.signal.length / SAMPLE_RATE)} s): 440 Hz ${both.host} dB, 880 Hz ${both.cohost} dB (median of 50 ms blocks)`,
  );
  expect(both.seconds, 'the listener heard 3 s of program').toBeGreaterThanOrEqual(3);
  expect(both.host, 'the host (440 Hz) is in the program').toBeGreaterThan(PRESENT_DB);
  expect(both.cohost, 'the co-host (880 Hz) is in the program').toBeGreaterThan(PRESENT_DB);

  // ── Self-mute, with a listener on the mount across both clicks ────────────────
  const across = await listen();
  // Two seconds of both voices; their program level is the reference for the mute below.
  const bothRms = await sampleMeter(hostPage, 2000);
  // How far the program's RMS falls when the co-host's tone leaves it, from the two tones' levels the
  // listener measured (equal tones: 3 dB; a co-host 5 dB quieter after the room's processing: 1.2 dB).
  // The meter waits sit halfway, so they hold whatever the mix's balance.
  const dropDb = 10 * Math.log10(1 + 10 ** ((both.cohost - both.host) / 10));
  const mutedBelow = round(bothRms - dropDb / 2);
  console.log(
    `co-host ${round(both.cohost - both.host)} dB against the host: the meter should fall ${round(dropDb)} dB when the co-host is muted`,
  );
  const muteButton = cohostPage.getByTestId('self-mute');
  const mutedAt = Date.now();
  await muteButton.click();
  await expect(muteButton).toHaveAttribute('aria-pressed', 'true');
  // The host sees it too (the row's accessible name ends with its mic state).
  await expect(hostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, muted/ })).toBeVisible();
  // The co-host's tone gone: the program's RMS drops by dropDb once the muted audio reaches the engine
  // (a reading in a concealment gap is why several in a row are needed).
  await meterSettles(hostPage, `the muted co-host leaves it (below ${mutedBelow} dBFS)`, (db) => db < mutedBelow);
  const engineMutedAt = Date.now();
  const checkMutedFrom = STRICT_MUTE_DEADLINE_MS === null ? engineMutedAt + METER_TO_LISTENER_MS : mutedAt + STRICT_MUTE_DEADLINE_MS;
  // Enough muted audio that arrived after that point to check.
  await keepListening(Math.max(HOLD_MS, checkMutedFrom + HOLD_MS - Date.now()));
  const unmutedAt = Date.now();
  await muteButton.click();
  await expect(muteButton).toHaveAttribute('aria-pressed', 'false');
  await expect(hostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, (mic on|talking)/ })).toBeVisible();
  await meterSettles(hostPage, `the co-host is back (above ${mutedBelow} dBFS)`, (db) => db > mutedBelow, 3);
  await keepListening(HOLD_MS);
  const { recording, signal } = await stopListening(across);

  // Where the 880 Hz blocks stop (and start again) in the audio that arrived after each click.
  const cohostBlocks = (from: number, to: number): { index: number; db: number }[] =>
    blockLevels(signal, COHOST_HZ, from, to).map((db, i) => ({ index: from + i * BLOCK_FRAMES, db }));
  const afterMute = cohostBlocks(recording.indexAt(mutedAt), recording.indexAt(unmutedAt));
  const lastHeard = afterMute.findLastIndex((block) => block.db >= GONE_DB);
  const goneFrom = afterMute[lastHeard + 1]?.index;
  const goneAfterMs = goneFrom === undefined ? null : Math.max(0, recording.arrivedAt(goneFrom) - mutedAt);
  const afterUnmute = cohostBlocks(recording.indexAt(unmutedAt), signal.length);
  const backFrom = afterUnmute.find((block) => block.db > PRESENT_DB)?.index;
  const backAfterMs = backFrom === undefined ? null : recording.arrivedAt(backFrom) - unmutedAt;

  const before = describeTones(signal, recording.indexAt(mutedAt) - 2 * SAMPLE_RATE, recording.indexAt(mutedAt));
  const mutedFrom = recording.indexAt(checkMutedFrom);
  const muted = describeTones(signal, mutedFrom, recording.indexAt(unmutedAt));
  const back = describeTones(signal, backFrom ?? signal.length, signal.length);
  console.log(`before mute (${before.seconds} s, meter ${bothRms} dBFS RMS): 440 Hz ${before.host} dB, 880 Hz ${before.cohost} dB`);
  console.log(`880 Hz gone from the program ${goneAfterMs ?? 'never'} ms after the mute click (arrival time: an upper bound)`);
  console.log(
    `muted (${muted.seconds} s arrived from click + ${checkMutedFrom - mutedAt} ms to the unmute; the engine's meter dropped ${engineMutedAt - mutedAt} ms after the click): 440 Hz ${muted.host} dB, 880 Hz ${muted.cohost} dB, loudest 880 Hz block ${muted.cohostMax} dB`,
  );
  console.log(
    `880 Hz back in the program ${backAfterMs ?? 'never'} ms after the unmute click; then (${back.seconds} s): 440 Hz ${back.host} dB, 880 Hz ${back.cohost} dB`,
  );

  test
    .info()
    .annotations.push(
      { type: 'mute → 880 Hz gone (arrival, ms)', description: String(goneAfterMs) },
      { type: 'unmute → 880 Hz back (arrival, ms)', description: String(backAfterMs) },
    );
  expect(before.cohost, 'the co-host is heard before muting').toBeGreaterThan(PRESENT_DB);
  expect(goneAfterMs, 'the co-host leaves the program after the mute').not.toBeNull();
  expect(muted.seconds, 'muted program audio to check').toBeGreaterThanOrEqual(1);
  expect(muted.cohostMax, `no 880 Hz in the program arriving from ${checkMutedFrom - mutedAt} ms after the mute click on`).toBeLessThan(
    GONE_DB,
  );
  expect(muted.host, 'the host stays on while the co-host is muted').toBeGreaterThan(PRESENT_DB);
  expect(back.seconds, 'unmuted program audio to check').toBeGreaterThanOrEqual(1);
  expect(back.cohost, 'the co-host is back after unmuting').toBeGreaterThan(PRESENT_DB);
  expect(back.host, 'the host is still on after the co-host unmuted').toBeGreaterThan(PRESENT_DB);

  // ── The co-host's microphone is unplugged and plugged back in ─────────────────
  const cohostFeed = await cohostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, you\b/ }).getAttribute('data-testid');
  await cohostPage.evaluate(() => window.steadycastTestMicrophone.unplug());
  // The co-host's app says what happened and what to do; the co-host stays in the room.
  await expect(cohostPage.locator('.microphone__problem')).toContainText(/No microphone was found/i);
  await meterSettles(hostPage, 'the unplugged co-host leaves the program', (db) => db < mutedBelow);
  await expect(cohostPage.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined');
  await cohostPage.evaluate(() => window.steadycastTestMicrophone.replug());
  await expect(cohostPage.locator('.microphone__problem')).toHaveCount(0);
  await meterSettles(hostPage, 'the co-host is back after plugging the microphone in', (db) => db > mutedBelow, 3);
  // Same feed, no rejoin: the new track went into the existing connection.
  await expect(cohostPage.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined');
  expect(await cohostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, you\b/ }).getAttribute('data-testid')).toBe(cohostFeed);
  await expect(hostList.getByRole('listitem')).toHaveCount(2);

  // ── For a person to look at (test-results/, kept with the run) ────────────────
  await hostPage.screenshot({ path: 'test-results/conversation-host.png', fullPage: true });
  await cohostPage.screenshot({ path: 'test-results/conversation-cohost.png', fullPage: true });

  // ── End of the show ───────────────────────────────────────────────────────────
  await hostPage.getByTestId('end-show').click();
  await hostPage.getByTestId('end-show-confirm').click();
  await expect(hostPage.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'false', { timeout: 15_000 });
  await hostPage.screenshot({ path: 'test-results/conversation-host-ended.png', fullPage: true });
});

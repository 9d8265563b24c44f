import { randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import type { Browser } from 'playwright-core';
import { ensureFixtures } from '../env/fixtures';
import { startProgramListener, type ProgramListener } from '../env/program-listener';
import { startServers, type TestServers } from '../env/servers';
import {
  blockLevels,
  describeTones,
  GONE_DB,
  HOST_HZ,
  joinHostAndCohost,
  launchParticipant,
  median,
  meterSettles,
  PRESENT_DB,
  round,
  SAMPLE_RATE,
} from '../support/e2e/conversation-support';
import { hostSpaceConfig, startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';
import { goLiveThroughPreflight } from '../support/e2e/screen-check';

/*
 * Issue "A real desktop app", staying live: a co-host's window reloads in the middle of a show (the
 * same path as a renderer crash: the page is gone, its engine stays in the room). The reloaded page
 * connects its own audio to the engine's seat: the host hears the co-host again (880 Hz back in the
 * program, which is the host's microphone plus the room as the host's window receives it), the
 * co-host hears the host (its page's received audio energy grows), the co-host keeps its feed and a
 * moderator's lock across a second reload, and the program on the Icecast mount never stops.
 */

let servers: TestServers | undefined;
const engines: HeadlessEngine[] = [];
const browsers: Browser[] = [];
const listeners: ProgramListener[] = [];

test.afterEach(async () => {
  await Promise.allSettled(listeners.splice(0).map((listener) => listener.stop()));
  await Promise.allSettled(browsers.splice(0).map((browser) => browser.close()));
  await Promise.allSettled(engines.splice(0).map((engine) => engine.stop()));
  await servers?.stop();
  servers = undefined;
});

/*
 * Keeps every RTCPeerConnection the page makes, so the test can read what the page receives
 * (getStats) without a hook in the app. Plain JavaScript: it runs in the page before the app.
 */
const PEER_STATS_SCRIPT = `
(() => {
  const Native = window.RTCPeerConnection;
  const made = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    made.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
  window.steadycastTestPeers = {
    async receivedEnergy() {
      let energy = 0;
      for (const pc of made) {
        if (pc.connectionState === 'closed') continue;
        for (const report of (await pc.getStats()).values()) if (report.type === 'inbound-rtp' && report.kind === 'audio') energy += report.totalAudioEnergy || 0;
      }
      return energy;
    },
  };
})();
`;

declare global {
  interface Window {
    steadycastTestPeers: { receivedEnergy(): Promise<number> };
  }
}

/*
 * Received audio energy that counts as hearing someone: a silent mix gains ≈ 1e-9 over 2 s; the
 * host's tone, after Chromium's capture processing (about −25 dBFS), ≈ 0.003–0.008.
 */
const HEARD_ENERGY = 1e-4;

/** Audio energy the page received from the room over `ms`. */
async function receivedEnergy(page: Page, ms: number): Promise<number> {
  const before = await page.evaluate(() => window.steadycastTestPeers.receivedEnergy());
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (await page.evaluate(() => window.steadycastTestPeers.receivedEnergy())) - before;
}

test('a co-host window reloads mid-show: it rejoins the audio both ways, keeps its feed and lock, and the program never stops', async () => {
  test.setTimeout(240_000);
  const { toneWav, tone880Wav } = await ensureFixtures();
  await mkdir(test.info().outputPath('program'), { recursive: true });
  servers = await startServers();
  const { icecast } = servers;
  const mount = `/reload-${randomInt(1e6)}.opus`;
  const [host, cohost] = await Promise.all([
    startHeadlessEngine(hostSpaceConfig(servers, 'Reload night', mount)),
    startHeadlessEngine({ space: { name: 'Guest' } }),
  ]);
  engines.push(host, cohost);
  const [hostWindow, cohostWindow] = await Promise.all([
    launchParticipant(toneWav, PEER_STATS_SCRIPT),
    launchParticipant(tone880Wav, PEER_STATS_SCRIPT),
  ]);
  browsers.push(hostWindow.browser, cohostWindow.browser);
  const hostPage = hostWindow.page;
  const cohostPage = cohostWindow.page;
  const { hostList, cohostList } = await joinHostAndCohost({
    hostPage,
    hostUrl: host.openUrl,
    cohostPage,
    cohostUrl: cohost.openUrl,
    space: 'Reload night',
  });
  const cohostRow = /^Bo Cohost, Co-host, you\b/;
  const feed = await cohostList.getByRole('listitem', { name: cohostRow }).getAttribute('data-testid');

  await goLiveThroughPreflight(hostPage);
  await expect(hostPage.getByTestId('output-primary')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  await meterSettles(hostPage, 'the window feeds the program', (db) => db > -40, 2, 30_000);

  // One listener on the mount from before the first reload to after the second.
  const listener = await startProgramListener(icecast, mount, test.info().outputPath('program'));
  listeners.push(listener);
  const listenedFrom = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 3000));

  // ── Reload 1: the co-host's window is gone and back; its engine stayed in the room ──
  const reloadedAt = Date.now();
  await cohostPage.reload();
  await expect(cohostPage.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 15_000 });
  await expect(cohostList.getByRole('listitem', { name: cohostRow })).toHaveAttribute('data-connected', 'true', { timeout: 30_000 });
  const reconnectedAt = Date.now();
  expect(
    await cohostList.getByRole('listitem', { name: cohostRow }).getAttribute('data-testid'),
    'the same feed: the engine kept the seat',
  ).toBe(feed);
  await expect(hostList.getByRole('listitem')).toHaveCount(2);
  const cohostHears = await receivedEnergy(cohostPage, 2000);
  console.log(
    `co-host window reloaded: audio connected ${reconnectedAt - reloadedAt} ms after the reload; received energy over 2 s ${cohostHears.toExponential(2)}`,
  );
  expect(cohostHears, 'the reloaded co-host hears the host').toBeGreaterThan(HEARD_ENERGY);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const backAt = Date.now();

  // ── The host mutes (and locks) the co-host; reload 2: still muted and locked ──
  await hostList
    .getByRole('listitem', { name: /^Bo Cohost, Co-host/ })
    .getByRole('button', { name: 'Mute Bo Cohost' })
    .click();
  const selfMute = cohostPage.getByTestId('self-mute');
  await expect(selfMute).toHaveAttribute('data-locked', 'true', { timeout: 15_000 });
  await cohostPage.reload();
  await expect(cohostList.getByRole('listitem', { name: cohostRow })).toHaveAttribute('data-connected', 'true', { timeout: 30_000 });
  await expect(selfMute).toHaveAttribute('aria-pressed', 'true');
  await expect(selfMute).toHaveAttribute('data-locked', 'true');
  await expect(selfMute).toBeDisabled();
  const lockedFrom = Date.now() + 1000;
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const lockedTo = Date.now();
  expect(await receivedEnergy(cohostPage, 2000), 'the muted co-host still hears the host').toBeGreaterThan(HEARD_ENERGY);

  listeners.splice(listeners.indexOf(listener), 1);
  const recording = await listener.stop();
  const frames = Math.floor(recording.samples.length / recording.channels);
  const signal = new Float32Array(frames);
  for (let i = 0; i < frames; i += 1) signal[i] = recording.samples[i * recording.channels] ?? 0;
  await cohostPage.screenshot({ path: 'test-results/conversation-reload-cohost.png', fullPage: true });

  // The program never stopped: as many seconds arrived as were listened to, and the host's
  // voice is in every second of it (a gap would be a silent second).
  const listenedSeconds = (Date.now() - listenedFrom) / 1000;
  const seconds = signal.length / SAMPLE_RATE;
  const perSecond: number[] = [];
  for (let start = 0; start + SAMPLE_RATE <= signal.length; start += SAMPLE_RATE)
    perSecond.push(round(median(blockLevels(signal, HOST_HZ, start, start + SAMPLE_RATE))));
  console.log(
    `program: ${round(seconds)} s heard in ${round(listenedSeconds)} s of listening; 440 Hz per second (dB): ${perSecond.join(' ')}`,
  );
  expect(seconds, 'the program kept arriving through both reloads').toBeGreaterThan(listenedSeconds - 3);
  expect(Math.min(...perSecond), 'the host is on air in every second').toBeGreaterThan(PRESENT_DB);

  const before = describeTones(signal, recording.indexAt(reloadedAt) - 2 * SAMPLE_RATE, recording.indexAt(reloadedAt));
  const back = describeTones(signal, recording.indexAt(reconnectedAt + 1000), recording.indexAt(backAt));
  const locked = describeTones(signal, recording.indexAt(lockedFrom), recording.indexAt(lockedTo));
  console.log(
    `880 Hz (co-host): before the reload ${before.cohost} dB; after ${back.cohost} dB (${back.seconds} s); locked across reload 2 ${locked.cohost} dB, loudest block ${locked.cohostMax} dB`,
  );
  expect(before.cohost, 'the co-host is heard before the reload').toBeGreaterThan(PRESENT_DB);
  expect(back.seconds).toBeGreaterThanOrEqual(1);
  expect(back.cohost, 'the host hears the reloaded co-host: 880 Hz back in the program').toBeGreaterThan(PRESENT_DB);
  expect(locked.seconds).toBeGreaterThanOrEqual(1);
  expect(locked.cohostMax, 'the locked co-host stays out of the program after reloading').toBeLessThan(GONE_DB);
  await expect(hostPage.getByTestId('output-primary')).toHaveAttribute('data-state', 'live');
});

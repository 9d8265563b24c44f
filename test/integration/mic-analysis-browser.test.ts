import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MicReport } from '../../electron/shared/mic-report';
import { launchChromium } from '../env/browser';
import { serveTestPage, type TestPage } from '../env/test-page';
import { ensureFixtures, ensureMicFixtures } from '../env/fixtures';
import type { MicTestSetup } from './mic-analysis-page/main';

/*
 * The microphone analysis in real Chromium: the page (mic-analysis-page/, bundled by Vite as the app
 * is, served under the app's own CSP) opens Chromium's fake microphone with the app's constraints —
 * the browser's echo cancellation, noise suppression and gain control included — and runs the real
 * worklet tap, libfvad in WebAssembly and the analyser. Each fake microphone plays one fixture
 * (one browser each). The echo case builds the echo in the page's graph: the room (a looped file,
 * another voice) is mixed back into the microphone 150 ms late, as a loudspeaker would, while the
 * speaker talks (their voice, after the browser's gain control, about as loud as the echo).
 */

/** Reports to collect per case: 7 s of microphone. */
const REPORTS = 35;
/** The first reports judge partly on start-up (context filling, the browser's processing settling). */
const WARM_UP = 8;

let testPage: TestPage | undefined;
const browsers: Browser[] = [];
let fixtures: { speechWav: string; pinkNoise: string; speechB: string };

beforeAll(async () => {
  const { speechWav } = await ensureFixtures();
  const mic = await ensureMicFixtures();
  fixtures = { speechWav, pinkNoise: mic.pinkNoise, speechB: mic.speechB };
  testPage = await serveTestPage(join(import.meta.dirname, 'mic-analysis-page'), { '/room.wav': fixtures.speechB });
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(browsers.splice(0).map((browser) => browser.close()));
  await testPage?.close();
});

/** A page in a Chromium whose fake microphone plays `wav`. */
async function openPage(wav: string): Promise<Page> {
  const browser = await launchChromium(wav);
  browsers.push(browser);
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(testPage?.url ?? '');
  await page
    .waitForFunction(() => 'steadycastMicTest' in window)
    .catch((error: unknown) => {
      throw new Error(`the test page did not load: ${problems.join('; ')}`, { cause: error });
    });
  return page;
}

/** Starts the analysis with `setup` and returns REPORTS reports (after the warm-up ones are dropped). */
async function collect(page: Page, setup: MicTestSetup): Promise<MicReport[]> {
  const started = await page.evaluate((options) => window.steadycastMicTest.start(options), setup);
  // Under the app's CSP, libfvad's WebAssembly must load: the classifier must not be running on its fallback.
  expect(started).toEqual({ sampleRate: 48_000, vadLoaded: true });
  await page.waitForFunction((count) => window.steadycastMicTest.reports().length >= count, REPORTS, { timeout: 30_000, polling: 200 });
  const reports = await page.evaluate(() => window.steadycastMicTest.reports());
  await page.evaluate(() => window.steadycastMicTest.stop());
  return reports.slice(WARM_UP, REPORTS);
}

const voices = (reports: readonly MicReport[]): string => JSON.stringify(reports.map((report) => `${report.voice} ${report.levelDbfs}`));
const share = (reports: readonly MicReport[], predicate: (report: MicReport) => boolean): number =>
  reports.filter(predicate).length / Math.max(1, reports.length);

describe('microphone analysis in Chromium (fake microphone, the app’s capture constraints)', () => {
  it('says noise, never speech, when the microphone plays steady pink noise', async () => {
    const page = await openPage(fixtures.pinkNoise);
    const reports = await collect(page, { roomFile: null, echo: null });
    expect(
      reports.filter((report) => report.voice === 'speech'),
      voices(reports),
    ).toEqual([]);
    expect(
      share(reports, (report) => report.voice === 'noise'),
      voices(reports),
    ).toBeGreaterThanOrEqual(0.8);
    expect(reports.every((report) => report.echoScore === 0 && report.echoDelayMs === null)).toBe(true);
  });

  describe('with a microphone that plays speech', () => {
    let page: Page;
    beforeAll(async () => {
      page = await openPage(fixtures.speechWav);
    }, 60_000);

    it('says speech', async () => {
      const reports = await collect(page, { roomFile: null, echo: null });
      const sounding = reports.filter((report) => report.voice !== 'silence');
      expect(sounding.length, voices(reports)).toBeGreaterThanOrEqual(15);
      expect(
        share(sounding, (report) => report.voice === 'speech'),
        voices(reports),
      ).toBeGreaterThanOrEqual(0.8);
    });

    it('scores the echo high, at its delay, when the room is mixed back into the microphone', async () => {
      await page.reload();
      await page.waitForFunction(() => 'steadycastMicTest' in window);
      const reports = await collect(page, { roomFile: 'room.wav', echo: { delaySeconds: 0.15, gain: 1 } });
      const scores = JSON.stringify(reports.map((report) => [report.echoScore, report.echoDelayMs]));
      expect(
        share(reports, (report) => report.echoScore >= 0.3),
        scores,
      ).toBeGreaterThanOrEqual(0.8);
      const delays = reports.flatMap((report) => (report.echoDelayMs === null ? [] : [report.echoDelayMs]));
      expect(delays.length, scores).toBeGreaterThanOrEqual(reports.length * 0.8);
      for (const delay of delays) expect(Math.abs(delay - 150), scores).toBeLessThanOrEqual(20);
    });

    it('scores an independent room low', async () => {
      await page.reload();
      await page.waitForFunction(() => 'steadycastMicTest' in window);
      const reports = await collect(page, { roomFile: 'room.wav', echo: null });
      expect(
        Math.max(...reports.map((report) => report.echoScore)),
        JSON.stringify(reports.map((report) => report.echoScore)),
      ).toBeLessThan(0.15);
    });
  });
});

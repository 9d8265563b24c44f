import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/cli/ws-bridge';
import type { MicReport } from '../../electron/shared/mic-report';
import { launchChromium } from '../env/browser';
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

let pageDir = '';
let server: Server | undefined;
let baseUrl = '';
const browsers: Browser[] = [];
let fixtures: { speechWav: string; pinkNoise: string; speechB: string };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
};

beforeAll(async () => {
  const { speechWav } = await ensureFixtures();
  const mic = await ensureMicFixtures();
  fixtures = { speechWav, pinkNoise: mic.pinkNoise, speechB: mic.speechB };
  pageDir = mkdtempSync(join(tmpdir(), 'steadycast-mic-page-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(import.meta.dirname, 'mic-analysis-page'),
    base: './',
    publicDir: false,
    build: { outDir: pageDir, emptyOutDir: true, assetsInlineLimit: 0, minify: false },
  });
  const roomFile = fixtures.speechB;
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = path === '/room.wav' ? roomFile : join(pageDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(pageDir) && file !== roomFile) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-store' });
      response.end(body);
    } catch {
      response.writeHead(404).end(`${basename(file)} not found`);
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(browsers.splice(0).map((browser) => browser.close()));
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (pageDir) rmSync(pageDir, { recursive: true, force: true });
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
  await page.goto(baseUrl);
  await page.waitForFunction(() => 'steadycastMicTest' in window).catch((error: unknown) => {
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
const share = (reports: readonly MicReport[], predicate: (report: MicReport) => boolean): number => reports.filter(predicate).length / Math.max(1, reports.length);

describe('microphone analysis in Chromium (fake microphone, the app’s capture constraints)', () => {
  it('says noise, never speech, when the microphone plays steady pink noise', async () => {
    const page = await openPage(fixtures.pinkNoise);
    const reports = await collect(page, { roomFile: null, echo: null });
    expect(reports.filter((report) => report.voice === 'speech'), voices(reports)).toEqual([]);
    expect(share(reports, (report) => report.voice === 'noise'), voices(reports)).toBeGreaterThanOrEqual(0.8);
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
      expect(share(sounding, (report) => report.voice === 'speech'), voices(reports)).toBeGreaterThanOrEqual(0.8);
    });

    it('scores the echo high, at its delay, when the room is mixed back into the microphone', async () => {
      await page.reload();
      await page.waitForFunction(() => 'steadycastMicTest' in window);
      const reports = await collect(page, { roomFile: 'room.wav', echo: { delaySeconds: 0.15, gain: 1 } });
      const scores = JSON.stringify(reports.map((report) => [report.echoScore, report.echoDelayMs]));
      expect(share(reports, (report) => report.echoScore >= 0.3), scores).toBeGreaterThanOrEqual(0.8);
      const delays = reports.flatMap((report) => (report.echoDelayMs === null ? [] : [report.echoDelayMs]));
      expect(delays.length, scores).toBeGreaterThanOrEqual(reports.length * 0.8);
      for (const delay of delays) expect(Math.abs(delay - 150), scores).toBeLessThanOrEqual(20);
    });

    it('scores an independent room low', async () => {
      await page.reload();
      await page.waitForFunction(() => 'steadycastMicTest' in window);
      const reports = await collect(page, { roomFile: 'room.wav', echo: null });
      expect(Math.max(...reports.map((report) => report.echoScore)), JSON.stringify(reports.map((report) => report.echoScore))).toBeLessThan(0.15);
    });
  });
});

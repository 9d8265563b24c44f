import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/cli/ws-bridge';
import type { MicrophoneSettingsChange } from '../../renderer/audio/microphone';
import { launchChromium } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import type { TrackReport } from './microphone-settings-page/main';

/*
 * The saved microphone settings in real Chromium: the app's Microphone (bundled by Vite, served
 * under the app's CSP) on Chromium's fake devices opens the saved device with the saved processing,
 * and opens again when they change while it is open — what the browser reports of the live track
 * is the check, not what the app asked for.
 */

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
const ALL_OFF = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const ALL_ON = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

let pageDir = '';
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  const { toneWav } = await ensureFixtures();
  pageDir = mkdtempSync(join(tmpdir(), 'steadycast-mic-settings-page-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(import.meta.dirname, 'microphone-settings-page'),
    base: './',
    publicDir: false,
    build: { outDir: pageDir, emptyOutDir: true, assetsInlineLimit: 0, minify: false },
  });
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(pageDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(pageDir)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-store' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  browser = await launchChromium(toneWav);
  page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'steadycastMicrophoneSettings' in window).catch((error: unknown) => {
    throw new Error(`the test page did not load: ${problems.join('; ')}`, { cause: error });
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (pageDir) rmSync(pageDir, { recursive: true, force: true });
});

const configure = (change: MicrophoneSettingsChange): Promise<TrackReport> => page.evaluate((value) => window.steadycastMicrophoneSettings.configure(value), change);

describe('the microphone captures with the saved settings (Chromium, fake devices)', () => {
  it('opens with the saved processing, opens again when it changes, and switches to the saved device', async () => {
    // Saved before the microphone opens: nothing opens yet.
    expect(await configure({ deviceId: null, processing: ALL_OFF })).toMatchObject({ tracks: 0 });
    const opened = await page.evaluate(() => window.steadycastMicrophoneSettings.start());
    expect(opened).toMatchObject({ ...ALL_OFF, tracks: 1, problem: null });

    // Saved while open: a new track with the new processing.
    expect(await configure({ processing: ALL_ON })).toMatchObject({ ...ALL_ON, tracks: 2, problem: null });
    // The same settings again (every engine state carries them): the track stays.
    expect(await configure({ deviceId: null, processing: ALL_ON })).toMatchObject({ tracks: 2 });

    // The saved device: Chromium's second fake input.
    const devices = await page.evaluate(() => window.steadycastMicrophoneSettings.devices());
    const other = devices.find((device) => device.id !== 'default' && device.id !== opened.deviceId);
    expect(other, JSON.stringify(devices)).toBeDefined();
    const switched = await configure({ deviceId: other?.id ?? null, processing: { ...ALL_ON, echoCancellation: false } });
    expect(switched).toMatchObject({ deviceId: other?.id, echoCancellation: false, noiseSuppression: true, autoGainControl: true, tracks: 3, problem: null });
    await page.evaluate(() => window.steadycastMicrophoneSettings.stop());
  });
});

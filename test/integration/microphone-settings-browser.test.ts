import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MicrophoneSettingsChange } from '../../renderer/audio/microphone';
import { launchChromium } from '../env/browser';
import { serveTestPage, type TestPage } from '../env/test-page';
import { ensureFixtures } from '../env/fixtures';
import type { TrackReport } from './microphone-settings-page/main';

/*
 * The saved microphone settings in real Chromium: the app's Microphone (bundled by Vite, served
 * under the app's CSP) on Chromium's fake devices opens the saved device with the saved processing,
 * and opens again when they change while it is open — what the browser reports of the live track
 * is the check, not what the app asked for.
 */

const ALL_OFF = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
const ALL_ON = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

let testPage: TestPage | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  const { toneWav } = await ensureFixtures();
  testPage = await serveTestPage(join(import.meta.dirname, 'microphone-settings-page'));
  browser = await launchChromium(toneWav);
  page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(testPage.url);
  await page
    .waitForFunction(() => 'steadycastMicrophoneSettings' in window)
    .catch((error: unknown) => {
      throw new Error(`the test page did not load: ${problems.join('; ')}`, { cause: error });
    });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await testPage?.close();
});

const configure = (change: MicrophoneSettingsChange): Promise<TrackReport> =>
  page.evaluate((value) => window.steadycastMicrophoneSettings.configure(value), change);

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
    expect(switched).toMatchObject({
      deviceId: other?.id,
      echoCancellation: false,
      noiseSuppression: true,
      autoGainControl: true,
      tracks: 3,
      problem: null,
    });
    await page.evaluate(() => window.steadycastMicrophoneSettings.stop());
  });
});

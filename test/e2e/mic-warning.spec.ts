import { randomInt } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs } from '../env/browser';
import { findCommand } from '../env/deps';
import { ensureFixtures, ensureMicFixtures } from '../env/fixtures';
import { startServers, type TestServers } from '../env/servers';
import { hostSpaceConfig, startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';

/*
 * Issue "Producer console", point 2, in the real app: the built UI (served by the headless engine
 * under its CSP) joins a real Janus room with Chromium's fake microphone; the app's own microphone
 * analysis runs on the captured microphone and warns the speaker. Steady noise raises the noise
 * warning; muting (the sent track goes silent) takes it away; a speaking microphone raises none.
 */

let servers: TestServers | undefined;
const engines: HeadlessEngine[] = [];
const browsers: Browser[] = [];

test.afterEach(async () => {
  await Promise.allSettled(browsers.splice(0).map((browser) => browser.close()));
  await Promise.allSettled(engines.splice(0).map((engine) => engine.stop()));
  await servers?.stop();
  servers = undefined;
});

/** A host in their own room, in a Chromium whose microphone plays `wav`. */
async function joinAsHost(wav: string): Promise<Page> {
  servers = await startServers();
  const host = await startHeadlessEngine(hostSpaceConfig(servers, 'Mic check', `/mic-${randomInt(1e6)}.opus`));
  engines.push(host);
  const executablePath = findCommand('chromium');
  if (executablePath === undefined) throw new Error('chromium not found: apt-get install chromium');
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs(wav) });
  browsers.push(browser);
  const page = await browser.newPage();
  await page.goto(host.openUrl);
  const form = page.getByRole('form', { name: 'Join the room as host' });
  await form.getByLabel('Your name').fill('Ana Host');
  await form.getByRole('button', { name: 'Join the room' }).click();
  await expect(page.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 15_000 });
  return page;
}

test('a microphone that plays steady noise warns its speaker, and muting ends the warning', async () => {
  test.setTimeout(90_000);
  await ensureFixtures();
  const { pinkNoise } = await ensureMicFixtures();
  const page = await joinAsHost(pinkNoise);
  const warning = page.getByTestId('mic-warning');
  // 3 s of noise raise it; the analysis needs about a second to judge first.
  await expect(warning).toHaveAttribute('data-kind', 'noise', { timeout: 15_000 });
  await expect(warning).toContainText('Your microphone is picking up steady noise');
  await page.getByTestId('self-mute').click();
  await expect(page.getByTestId('self-mute')).toHaveAttribute('aria-pressed', 'true');
  // Muted, the microphone sends silence: the warning goes after its 2 s hold.
  await expect(warning).toHaveCount(0, { timeout: 10_000 });
});

test('a microphone that plays speech raises no warning', async () => {
  test.setTimeout(90_000);
  const { speechWav } = await ensureFixtures();
  const page = await joinAsHost(speechWav);
  await expect(page.getByTestId('self-mute')).toHaveAttribute('aria-pressed', 'false');
  // Long enough for any warning to have been raised (noise needs 3 s, echo 2 s) after the analysis started.
  for (let second = 0; second < 8; second += 1) {
    await expect(page.getByTestId('mic-warning')).toHaveCount(0);
    await page.waitForTimeout(1000);
  }
});

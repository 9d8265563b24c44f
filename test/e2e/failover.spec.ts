import { expect, test } from '@playwright/test';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs } from '../env/browser';
import { findCommand } from '../env/deps';
import { ensureFixtures } from '../env/fixtures';
import { startSpaceServers, type SpaceServers } from '../env/space-servers';
import { startHeadlessEngine, type HeadlessEngine } from './headless-engine';

/*
 * Issue "Fallback to the backup space", end to end through the real control room: the built
 * headless engine with a primary and a backup endpoint (real Janus + Icecast on 198.18.0.1 and
 * 198.18.0.2), the host's window in Chromium with a fake microphone. The primary Janus is killed:
 * the banner counts down, the room moves, and the window's own media follows into the backup room
 * (the participant list shows the host's audio connected there). Then "Return to primary", with
 * its confirm, brings everyone back.
 */

let space: SpaceServers | undefined;
let engine: HeadlessEngine | undefined;
let browser: Browser | undefined;

test.afterEach(async () => {
  await browser?.close();
  await engine?.stop();
  await space?.stop();
  browser = undefined;
  engine = undefined;
  space = undefined;
});

test('primary Janus killed: the banner shows the move, the window follows into the backup room; Return to primary brings it back', async () => {
  test.setTimeout(120_000);
  const { toneWav } = await ensureFixtures();
  space = await startSpaceServers();
  engine = await startHeadlessEngine(space.config('Launch night'));
  const executablePath = findCommand('chromium');
  if (executablePath === undefined) throw new Error('chromium not found: apt-get install chromium');
  browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs(toneWav) });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();

  await page.goto(engine.openUrl);
  const banner = page.getByTestId('failover-banner');
  await expect(banner).toBeVisible();
  const join = page.getByRole('form', { name: 'Join the room as host' });
  await join.getByLabel('Your name').fill('Ana Host');
  await join.getByRole('button', { name: 'Join the room' }).click();
  const me = page.getByTestId('participants').getByRole('listitem', { name: /^Ana Host, Host, you\b/ });
  await expect(me).toHaveAttribute('data-connected', 'true', { timeout: 15_000 });
  await expect(page.getByTestId('failover-on-air')).toHaveText('Primary space');
  await expect(page.getByTestId('failover-health-backup')).toContainText('healthy', { timeout: 10_000 });

  space.kill('primary', 'janus');
  await expect(page.getByTestId('failover-status')).toContainText('moving everyone to the backup', { timeout: 5000 });
  await expect(page.getByTestId('failover-on-air')).toHaveText('Backup space', { timeout: 10_000 });
  await expect(page.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined');
  // The window renegotiated with the backup room by itself: Janus reports its audio up there.
  await expect(me).toHaveAttribute('data-connected', 'true', { timeout: 10_000 });
  await page.getByText(/What happened/).click();
  await expect(page.getByTestId('failover-history')).toContainText('On the backup');

  await space.restart('primary', 'janus');
  await expect(page.getByTestId('failover-health-primary')).toContainText('healthy', { timeout: 15_000 });
  await page.getByTestId('failover-return').click();
  await page.getByTestId('failover-confirm').click();
  await expect(page.getByTestId('failover-on-air')).toHaveText('Primary space', { timeout: 15_000 });
  await expect(me).toHaveAttribute('data-connected', 'true', { timeout: 10_000 });
});

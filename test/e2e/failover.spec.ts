import { expect, test } from '@playwright/test';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs } from '../env/browser';
import { findCommand } from '../env/deps';
import { ensureFixtures } from '../env/fixtures';
import { startSpaceServers, type SpaceServers } from '../env/space-servers';
import { startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';

/*
 * Issue "Fallback to the backup space", end to end through the real control room: the built
 * headless engine with a primary and a backup endpoint (real Janus + Icecast on 198.18.0.1 and
 * 198.18.0.2), the host's window in Chromium with a fake microphone. The primary Janus is killed:
 * the banner counts down, the room moves, and the window's own media follows into the backup room
 * (the participant list shows the host's audio connected there). Then "Return to primary", with
 * its confirm, brings everyone back. Second: a primary Janus restarted at once in a space without a
 * backup forgets the session and the room; the engine joins the room again and the window's media
 * follows with a fresh offer (its new row in the list shows its audio connected).
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

/** Opens the control room of `engine` in Chromium with a fake microphone, joins as host "Ana Host"; returns the page and the host's own row. */
async function joinAsHost(running: HeadlessEngine) {
  const { toneWav } = await ensureFixtures();
  const executablePath = findCommand('chromium');
  if (executablePath === undefined) throw new Error('chromium not found: apt-get install chromium');
  browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs(toneWav) });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(running.openUrl);
  const join = page.getByRole('form', { name: 'Join the room as host' });
  await join.getByLabel('Your name').fill('Ana Host');
  await join.getByRole('button', { name: 'Join the room' }).click();
  const me = page.getByTestId('participants').getByRole('listitem', { name: /^Ana Host, Host, you\b/ });
  await expect(me).toHaveAttribute('data-connected', 'true', { timeout: 15_000 });
  return { page, me };
}

test('primary Janus killed: the banner shows the move, the window follows into the backup room; Return to primary brings it back', async () => {
  test.setTimeout(120_000);
  space = await startSpaceServers();
  engine = await startHeadlessEngine(space.config('Launch night'));
  const { page, me } = await joinAsHost(engine);
  await expect(page.getByTestId('failover-banner')).toBeVisible();
  await expect(page.getByTestId('failover-conversation')).toHaveText('Primary space');
  await expect(page.getByTestId('failover-health-backup')).toContainText('healthy', { timeout: 10_000 });

  space.kill('primary', 'janus');
  await expect(page.getByTestId('failover-status')).toContainText('moving everyone to the backup', { timeout: 5000 });
  await expect(page.getByTestId('failover-conversation')).toHaveText('Backup space', { timeout: 10_000 });
  await expect(page.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined');
  // The window renegotiated with the backup room by itself: Janus reports its audio up there.
  await expect(me).toHaveAttribute('data-connected', 'true', { timeout: 10_000 });
  await page.getByText(/What happened/).click();
  await expect(page.getByTestId('failover-history')).toContainText('On the backup');

  await space.restart('primary', 'janus');
  await expect(page.getByTestId('failover-health-primary')).toContainText('healthy', { timeout: 15_000 });
  await page.getByTestId('failover-return').click();
  await page.getByTestId('failover-confirm').click();
  await expect(page.getByTestId('failover-conversation')).toHaveText('Primary space', { timeout: 15_000 });
  await expect(me).toHaveAttribute('data-connected', 'true', { timeout: 10_000 });
});

test('primary Janus restarted (no backup): the engine joins the room again and the window reconnects its audio with a fresh offer', async () => {
  test.setTimeout(120_000);
  space = await startSpaceServers();
  const full = space.config('Restart night');
  engine = await startHeadlessEngine({ space: { name: full.space.name, primary: full.space.primary } });
  const { page, me } = await joinAsHost(engine);
  const link = page.getByTestId('conversation-link');
  const feedBefore = await me.getAttribute('data-testid');
  expect(feedBefore).toMatch(/^participant-/);

  space.kill('primary', 'janus');
  await expect(link).toHaveAttribute('data-status', 'reconnecting', { timeout: 5000 });
  await space.restart('primary', 'janus');
  await expect(link).toHaveAttribute('data-status', 'joined', { timeout: 20_000 });
  // A new feed in the re-created room, with the window's audio connected to it: the media followed.
  await expect(me).toHaveAttribute('data-connected', 'true', { timeout: 15_000 });
  expect(await me.getAttribute('data-testid')).not.toBe(feedBefore);
});

import { expect, test, type Page } from '@playwright/test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { startSpaceServers, type SpaceServers } from '../env/space-servers';
import { startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';
import { checkScreen, chooseTheme, tabTo } from '../support/e2e/screen-check';

/*
 * Issue "The host's control room", quality: every screen of the host's control room, in both
 * themes, passes axe-core with no serious or critical violation, and the whole show is run from
 * the keyboard alone — join the room, make an invite, go live, mute with M, end the show through
 * its confirm — against the real headless engine, Janus and Icecast (primary and backup).
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

async function openControlRoom(viewport: { width: number; height: number }): Promise<Page> {
  const { toneWav } = await ensureFixtures();
  space = await startSpaceServers();
  engine = await startHeadlessEngine(space.config('Launch night'));
  browser = await launchChromium(toneWav);
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(engine.openUrl);
  await expect(page.getByTestId('bridge-status')).toContainText(/connected/i);
  return page;
}

/** The element that has the keyboard focus, as a locator-friendly test id or accessible name. */
const focusedName = (page: Page): Promise<string> =>
  page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');

test('every screen passes axe in both themes, and the show runs from the keyboard alone', async () => {
  // Nine screens × two themes of axe scans, some 150 key presses, joining and going live: 15 minutes at a load average of 20 on a shared 2-core machine.
  test.setTimeout(1_200_000);
  const page = await openControlRoom({ width: 1280, height: 720 });

  // ── Off air, before anything ─────────────────────────────────────────────────
  await expect(page.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'false');
  await checkScreen(page, 'off-air');

  // ── Servers checked (keyboard) ───────────────────────────────────────────────
  await page.locator('body').click({ position: { x: 1, y: 700 } });
  await tabTo(page, page.getByRole('button', { name: 'Check servers' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('endpoint-backup').getByTestId('server-icecast')).toContainText(/reachable|answered|Icecast/i, {
    timeout: 15_000,
  });
  await checkScreen(page, 'servers-checked');

  // ── The host joins the room (keyboard) ───────────────────────────────────────
  const join = page.getByRole('form', { name: 'Join the room as host' });
  await tabTo(page, join.getByLabel('Your name'));
  await page.keyboard.type('Ana Host');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 15_000 });
  const me = page.getByTestId('participants').getByRole('listitem', { name: /^Ana Host, Host, you\b/ });
  await expect(me).toHaveAttribute('data-connected', 'true', { timeout: 15_000 });
  await checkScreen(page, 'joined');

  // ── An invite (keyboard) ─────────────────────────────────────────────────────
  const invites = page.getByTestId('invites-panel');
  await tabTo(page, invites.getByLabel('Who is it for?'));
  await page.keyboard.type('Bo');
  await page.keyboard.press('Enter');
  await expect(invites.getByTestId('new-invite-code').getByRole('textbox')).not.toHaveValue('');
  await checkScreen(page, 'invite-created');

  // ── Preflight, then go live (keyboard) ───────────────────────────────────────
  await tabTo(page, page.getByTestId('go-live'));
  await page.keyboard.press('Enter');
  const preflight = page.getByTestId('preflight');
  await expect(preflight).toBeVisible();
  await expect(preflight.getByTestId('preflight-backup-icecast')).toHaveAttribute('data-verdict', /^(pass|warn)$/, { timeout: 30_000 });
  await checkScreen(page, 'preflight');
  // Focus stays in the modal dialog: Tab reaches its buttons.
  await tabTo(page, preflight.getByTestId('preflight-heard'), 20);
  await page.keyboard.press('Enter');
  await expect(preflight.getByTestId('preflight-headphones')).toHaveAttribute('data-verdict', 'pass');
  await tabTo(page, preflight.getByTestId('preflight-go-live'), 20);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'true', { timeout: 15_000 });
  await expect(page.getByTestId('output-primary')).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  await checkScreen(page, 'on-air');

  // ── Self-mute with the M shortcut, from anywhere but a text field ────────────
  await page.locator('body').click({ position: { x: 1, y: 700 } });
  const selfMute = page.getByTestId('self-mute');
  await expect(selfMute).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('m');
  await expect(selfMute).toHaveAttribute('aria-pressed', 'true');
  await expect(me).toHaveAccessibleName(/muted/);
  await checkScreen(page, 'on-air-muted');
  await page.keyboard.press('m');
  await expect(selfMute).toHaveAttribute('aria-pressed', 'false');

  // ── End show: the question takes the focus on the safe answer; Escape keeps the show ──
  await tabTo(page, page.getByTestId('end-show'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('end-show-cancel')).toBeFocused();
  await checkScreen(page, 'end-show-confirm');
  await page.getByTestId('end-show-cancel').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('end-show-confirm')).toHaveCount(0);
  await expect(page.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'true');

  // A second Enter right after the first must not end the show: it lands on "Keep broadcasting".
  await tabTo(page, page.getByTestId('end-show'));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'true');
  await tabTo(page, page.getByTestId('end-show'));
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  expect(await focusedName(page)).toBe('End show');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'false', { timeout: 15_000 });
  await checkScreen(page, 'show-ended');
});

test('Auto follows the system colour scheme; a chosen theme survives a reload', async () => {
  test.setTimeout(90_000);
  const page = await openControlRoom({ width: 1280, height: 720 });
  const html = page.locator('html');
  await chooseTheme(page, 'system');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveAttribute('data-theme', 'dark');
  // The background really changes with the theme (the tokens apply, not just the attribute).
  const darkBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  await chooseTheme(page, 'light');
  const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(lightBackground).not.toBe(darkBackground);
  // The access token leaves the address bar once used: reload through the original link.
  await page.goto(engine?.openUrl ?? '');
  await expect(page.getByTestId('bridge-status')).toContainText(/connected/i);
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(page.getByRole('radio', { name: 'Light theme' })).toBeChecked();
});

test('at 1920×1080 the control room passes axe in both themes', async () => {
  test.setTimeout(90_000);
  const page = await openControlRoom({ width: 1920, height: 1080 });
  await expect(page.getByTestId('failover-banner')).toBeVisible();
  await checkScreen(page, 'off-air-1080p');
});

import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { listenToMount } from '../env/listen';
import { insideTestNamespace, NAMESPACE_HOST_ADDRESS, NAMESPACE_INTERFACE, NAMESPACE_PEER_ADDRESS } from '../env/network';
import { toneLevelDb } from '../env/program-listener';
import { meterSettles } from '../support/e2e/conversation-support';
import { startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';

/*
 * Issue "From first start to a working show", as a new user: an empty home folder, no space file,
 * the built headless engine. The first screen offers the practice space; it starts a primary and a
 * backup Janus + Icecast on this computer. The host joins, goes live, and a listener of the primary
 * mount hears the host's (fake, 440 Hz) microphone. An invite brings a co-host in from a second
 * window (its own engine, also a new user's). "Simulate a failure" kills the primary's servers:
 * both windows move to the backup room, and the backup mount still carries the program.
 */

const engines: HeadlessEngine[] = [];
const homes: string[] = [];
let browser: Browser | undefined;

test.afterEach(async () => {
  // A failure on a loaded machine is explained by the engines' own logs.
  const testInfo = test.info();
  if (testInfo.status !== testInfo.expectedStatus) {
    for (const [index, engine] of engines.entries())
      await testInfo.attach(`engine-${index}.log`, { body: engine.log(), contentType: 'text/plain' });
  }
  await browser?.close();
  await Promise.allSettled(engines.splice(0).map((engine) => engine.stop()));
  await Promise.all(homes.splice(0).map((home) => rm(home, { recursive: true, force: true })));
  browser = undefined;
});

/** The test network's addresses for the practice servers (in the namespace Janus needs its veth for ICE). */
const PRACTICE_NETWORK_ARGS = insideTestNamespace()
  ? ['--practice-hosts', `${NAMESPACE_HOST_ADDRESS},${NAMESPACE_PEER_ADDRESS}`, '--practice-ice', `${NAMESPACE_INTERFACE},veth1`]
  : [];

/** A new user's engine: a fresh home folder and no config. */
async function newUsersEngine(): Promise<HeadlessEngine> {
  const home = await mkdtemp(join(tmpdir(), 'steadycast-e2e-home-'));
  homes.push(home);
  const engine = await startHeadlessEngine(null, { home, args: PRACTICE_NETWORK_ARGS });
  engines.push(engine);
  return engine;
}

async function openPage(url: string): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(url);
  await expect(page.getByTestId('bridge-status')).toContainText(/connected/i);
  return page;
}

/**
 * Listens to `url` like a player: the level (dBFS) of the host's 440 Hz tone in what arrived. On
 * a loaded machine the program may stall long enough for Icecast to drop the source for a moment,
 * so a listener that caught such a gap listens again once the host's output is live again (a
 * player reconnects too), until it hears the tone or `budgetMs` has passed.
 */
async function toneHeardAt(host: Page, output: 'primary' | 'backup', url: string, dir: string, budgetMs = 90_000): Promise<number> {
  const { hostname, port, pathname } = new URL(url);
  const deadline = Date.now() + budgetMs;
  let best = Number.NEGATIVE_INFINITY;
  for (let attempt = 1; best <= -30 && Date.now() < deadline; attempt += 1) {
    await expect(host.getByTestId(`output-${output}`)).toHaveAttribute('data-state', 'live', {
      timeout: Math.max(1000, deadline - Date.now()),
    });
    const heard = await listenToMount({ host: hostname, port: Number(port) }, pathname, 4000, dir).catch((error: unknown) => {
      console.log(`listener of ${url}, attempt ${attempt}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (heard === null) continue;
    const left = heard.samples.filter((_, index) => index % heard.channels === 0);
    // Skip the first second (the listener's connection, the decoder's start).
    const level = toneLevelDb(left, 440, 48_000, left.length);
    console.log(
      `listener of ${url}, attempt ${attempt}: ${(left.length / 48_000).toFixed(1)} s decoded, 440 Hz at ${level.toFixed(1)} dBFS`,
    );
    best = Math.max(best, level);
  }
  return best;
}

test('a new user: the practice space from the first screen, live with a listener, a co-host by invite, a simulated failure moves both', async () => {
  test.setTimeout(400_000);
  const { toneWav } = await ensureFixtures();
  const listenDir = await mkdtemp(join(tmpdir(), 'steadycast-e2e-listen-'));
  homes.push(listenDir);
  const [hostEngine, cohostEngine] = await Promise.all([newUsersEngine(), newUsersEngine()]);
  browser = await launchChromium(toneWav);

  // ── The first screen offers the practice space ────────────────────────────────
  const host = await openPage(hostEngine.openUrl);
  await expect(host.getByTestId('practice-offer')).toBeVisible();
  await host.getByTestId('practice-start').click();
  const bar = host.getByTestId('practice-bar');
  await expect(bar).toBeVisible({ timeout: 60_000 });
  await expect(host.getByTestId('practice-offer')).toHaveCount(0);
  const primaryUrl = await bar.getByTestId('practice-listen').getAttribute('href');
  const backupUrl = await bar.getByTestId('practice-listen-backup').getAttribute('href');
  expect(primaryUrl).toMatch(/^http:\/\/[\d.]+:\d+\/live\.opus$/);
  expect(backupUrl).toMatch(/^http:\/\/[\d.]+:\d+\/live\.opus$/);
  expect(backupUrl).not.toBe(primaryUrl);

  // ── The host joins the practice room and goes live ────────────────────────────
  const hostJoin = host.getByRole('form', { name: 'Join the room as host' });
  await hostJoin.getByLabel('Your name').fill('Ana Host');
  await hostJoin.getByRole('button', { name: 'Join the room' }).click();
  const hostList = host.getByTestId('participants');
  await expect(hostList.getByRole('listitem', { name: /^Ana Host, Host, you\b/ })).toHaveAttribute('data-connected', 'true', {
    timeout: 40_000,
  });
  await host.getByTestId('go-live').click();
  const goLiveNow = host.getByTestId('preflight').getByTestId('preflight-go-live');
  await expect(goLiveNow).toBeEnabled({ timeout: 60_000 });
  await goLiveNow.click();
  await expect(host.getByTestId('output-primary')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await expect(host.getByTestId('output-backup')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });

  // ── A listener of the primary mount hears the program ─────────────────────────
  // The window's audio reaches the engine first (its meter reads a level).
  await meterSettles(host, 'the window feeds the program', (db) => db > -40, 2, 60_000);
  expect.soft(await toneHeardAt(host, 'primary', primaryUrl ?? '', listenDir)).toBeGreaterThan(-30);

  // ── An invite, and a co-host joins from a second window ───────────────────────
  const invites = host.getByTestId('invites-panel');
  await invites.getByLabel('Role').selectOption('cohost');
  await invites.getByLabel('Who is it for?').fill('Bo');
  await invites.getByRole('button', { name: 'Create invite' }).click();
  const codeField = invites.getByTestId('new-invite-code').getByRole('textbox');
  await expect(codeField).toHaveAttribute('value', /.+/, { timeout: 60_000 });
  const code = await codeField.inputValue();

  const cohost = await openPage(cohostEngine.openUrl);
  await cohost.getByLabel('Invite link or code').fill(code);
  await cohost.getByRole('button', { name: 'Check invite' }).click();
  await expect(cohost.getByTestId('invite-preview')).toContainText('Co-host', { timeout: 30_000 });
  const cohostJoin = cohost.getByRole('form', { name: 'Join with this invite' });
  await cohostJoin.getByLabel('Your name').fill('Bo Cohost');
  await cohostJoin.getByRole('button', { name: 'Join as Co-host' }).click();
  await expect(cohost.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 60_000 });
  await expect(hostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, / })).toHaveAttribute('data-connected', 'true', {
    timeout: 60_000,
  });
  // The host mutes the co-host.
  await host.getByRole('button', { name: 'Mute Bo Cohost' }).click();
  await expect(hostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, muted/ })).toBeVisible({ timeout: 60_000 });

  // ── Simulate a failure: the primary's Janus and Icecast are killed ─────────────
  await expect(host.getByTestId('failover-conversation')).toHaveText('Primary space');
  await bar.getByTestId('practice-simulate-failure').click();
  await expect(bar.getByTestId('practice-failed-note')).toBeVisible({ timeout: 60_000 });
  await expect(host.getByTestId('failover-conversation')).toHaveText('Backup space', { timeout: 60_000 });
  await expect(cohost.getByTestId('failover-conversation')).toHaveText('Backup space', { timeout: 60_000 });
  await expect(hostList.getByRole('listitem', { name: /^Ana Host, Host, you\b/ })).toHaveAttribute('data-connected', 'true', {
    timeout: 60_000,
  });
  await expect(hostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, / })).toHaveAttribute('data-connected', 'true', {
    timeout: 60_000,
  });
  // The audience: the primary mount is gone with its server, the backup mount still carries the program.
  await expect(host.getByTestId('output-primary')).not.toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await expect(host.getByTestId('output-backup')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  expect.soft(await toneHeardAt(host, 'backup', backupUrl ?? '', listenDir)).toBeGreaterThan(-30);
});

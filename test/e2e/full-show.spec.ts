import { expect, test, type Page } from '@playwright/test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { startSpaceServers, type SpaceServers } from '../env/space-servers';
import { startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';
import { checkScreen } from '../support/e2e/screen-check';

/*
 * Issue "The host's control room", the whole show through the real control room: preflight, going
 * live, a co-host joining by invite, a producer muting the co-host, the primary Janus dying (the
 * failover banner and the move), and the end of the show — asserting what each window shows at
 * each step. Three headless engines (host, co-host, producer), the space's four real servers
 * (Janus + Icecast on 198.18.0.1 and 198.18.0.2), one Chromium with a fake microphone (440 Hz)
 * and a context per person. Every screen is checked with axe and photographed in both themes.
 */

let space: SpaceServers | undefined;
const engines: HeadlessEngine[] = [];
let browser: Browser | undefined;

test.afterEach(async () => {
  await browser?.close();
  await Promise.allSettled(engines.splice(0).map((engine) => engine.stop()));
  await space?.stop();
  browser = undefined;
  space = undefined;
});

async function openPage(url: string): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
  await page.goto(url);
  await expect(page.getByTestId('bridge-status')).toContainText(/connected/i);
  return page;
}

/** Makes an invite in the host's Invites panel and returns its code. */
async function invite(host: Page, role: 'cohost' | 'producer', label: string): Promise<string> {
  const invites = host.getByTestId('invites-panel');
  await invites.getByLabel('Role').selectOption(role);
  await invites.getByLabel('Who is it for?').fill(label);
  await invites.getByRole('button', { name: 'Create invite' }).click();
  const field = invites.getByTestId('new-invite-code').getByRole('textbox');
  await expect(field).toHaveAttribute('value', /.+/);
  await expect(invites.getByTestId('new-invite')).toContainText(label);
  return field.inputValue();
}

async function joinByInvite(page: Page, code: string, name: string, roleWord: string): Promise<void> {
  await page.getByLabel('Invite link or code').fill(code);
  await page.getByRole('button', { name: 'Check invite' }).click();
  await expect(page.getByTestId('invite-preview')).toContainText(roleWord);
  const form = page.getByRole('form', { name: 'Join with this invite' });
  await form.getByLabel('Your name').fill(name);
  await form.getByRole('button', { name: `Join as ${roleWord}` }).click();
  await expect(page.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 20_000 });
}

test('a full show: preflight, go live, a co-host joins, a producer mutes them, failover, end of show', async () => {
  // Three engines, three WebRTC windows, four servers, a failover and twelve axe scans: over 10 minutes on a loaded 2-core machine.
  test.setTimeout(900_000);
  const { toneWav } = await ensureFixtures();
  space = await startSpaceServers();
  const [hostEngine, cohostEngine, producerEngine] = await Promise.all([
    startHeadlessEngine(space.config('Launch night')),
    startHeadlessEngine({ space: { name: 'Guest' } }),
    startHeadlessEngine({ space: { name: 'Producer desk' } }),
  ]);
  engines.push(hostEngine, cohostEngine, producerEngine);
  browser = await launchChromium(toneWav);

  // ── The host joins their room ────────────────────────────────────────────────
  const host = await openPage(hostEngine.openUrl);
  const hostJoin = host.getByRole('form', { name: 'Join the room as host' });
  await hostJoin.getByLabel('Your name').fill('Ana Host');
  await hostJoin.getByRole('button', { name: 'Join the room' }).click();
  const hostList = host.getByTestId('participants');
  await expect(hostList.getByRole('listitem', { name: /^Ana Host, Host, you\b/ })).toHaveAttribute('data-connected', 'true', {
    timeout: 40_000,
  });

  // ── Preflight: every line answers, the headphones check is the host's word ──────
  await host.getByTestId('go-live').click();
  const preflight = host.getByTestId('preflight');
  await expect(preflight).toBeVisible();
  // Every server answers (a loaded machine may make one slow: a warning, never a failure).
  for (const id of ['primary-janus', 'primary-icecast', 'backup-janus', 'backup-icecast']) {
    await expect(preflight.getByTestId(`preflight-${id}`), id).toHaveAttribute('data-verdict', /^(pass|warn)$/, { timeout: 30_000 });
    await expect(preflight.getByTestId(`preflight-${id}`)).toContainText(/\d+ ms/);
  }
  // The fake microphone plays a −6 dBFS tone: its peak passes the voice check.
  await expect(preflight.getByTestId('preflight-microphone')).toHaveAttribute('data-verdict', 'pass', { timeout: 15_000 });
  await expect(preflight.getByTestId('preflight-headphones')).toHaveAttribute('data-verdict', 'warn');
  await preflight.getByTestId('preflight-play-tone').click();
  await expect(preflight.getByTestId('preflight-play-tone')).toBeEnabled({ timeout: 10_000 });
  await preflight.getByTestId('preflight-heard').click();
  await expect(preflight.getByTestId('preflight-headphones')).toHaveAttribute('data-verdict', 'pass');
  // A rehearsal: a few seconds of the (tone) microphone recorded, measured, and played back.
  const rehearsal = preflight.getByTestId('preflight-rehearsal');
  await expect(rehearsal).toHaveAttribute('data-verdict', 'warn');
  await rehearsal.getByTestId('rehearsal-record').click();
  await expect(rehearsal.getByTestId('rehearsal-clock')).toContainText(/^0:0[3-9] \/ 0:30$/, { timeout: 15_000 });
  await rehearsal.getByTestId('rehearsal-stop').click();
  await expect(rehearsal).toHaveAttribute('data-verdict', 'pass', { timeout: 15_000 });
  const [seconds, talkDb] = ((await rehearsal.locator('.preflight-line__figure').textContent()) ?? '')
    .split(' · ')
    .map((part) => Number.parseFloat(part));
  expect(seconds).toBeGreaterThanOrEqual(3);
  expect(talkDb).toBeGreaterThan(-30);
  const played = await rehearsal.getByTestId('rehearsal-playback').evaluate(async (element) => {
    const audio = element as HTMLAudioElement;
    await audio.play();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    audio.pause();
    return audio.currentTime;
  });
  expect(played).toBeGreaterThan(0.8);
  // Nothing failed: no override is offered, and "Go live now" is enabled.
  await expect(preflight.getByTestId('preflight-override')).toHaveCount(0);
  await expect(preflight.getByTestId('preflight-go-live')).toBeEnabled();
  await checkScreen(host, 'full-show-preflight');

  // ── Go live ──────────────────────────────────────────────────────────────────
  await preflight.getByTestId('preflight-go-live').click();
  // Toasts go by themselves (5–10 s): each is looked for first, the moment its transition happens.
  await expect(host.getByTestId('toast-show')).toContainText('You are on air', { timeout: 20_000 });
  await expect(preflight).toBeHidden();
  await expect(host.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'true');
  await expect(host.locator('.app')).toHaveAttribute('data-on-air', 'true');
  await expect(host.getByTestId('output-primary')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await expect(host.getByTestId('output-backup')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });

  // ── A co-host joins by invite ────────────────────────────────────────────────
  const cohostCode = await invite(host, 'cohost', 'Bo');
  const producerCode = await invite(host, 'producer', 'Pia');
  const cohost = await openPage(cohostEngine.openUrl);
  await joinByInvite(cohost, cohostCode, 'Bo Cohost', 'Co-host');
  const boOnHost = hostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, / });
  await expect(boOnHost).toHaveAttribute('data-connected', 'true', { timeout: 20_000 });
  await expect(host.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'true');
  // The co-host's window knows the host's show is on air (the host's app announces it on the space channel).
  await expect(cohost.getByTestId('on-air-lamp')).toHaveAttribute('data-source', 'host', { timeout: 15_000 });
  await expect(cohost.getByTestId('on-air-lamp')).toHaveAttribute('aria-label', /^On air: Ana Host's show, since \d\d:\d\d:\d\d$/);
  await expect(cohost.locator('.app')).toHaveAttribute('data-on-air', 'true');
  await expect(cohost.getByTestId('host-show-on-air')).toHaveText('Ana Host’s show is on air');
  await checkScreen(host, 'full-show-on-air');

  // ── A producer joins and mutes the co-host ───────────────────────────────────
  const producer = await openPage(producerEngine.openUrl);
  await joinByInvite(producer, producerCode, 'Pia Producer', 'Producer');
  const producerList = producer.getByTestId('participants');
  const boOnProducer = producerList.getByRole('listitem', { name: /^Bo Cohost, Co-host, / });
  await expect(boOnProducer).toHaveAttribute('data-connected', 'true', { timeout: 20_000 });
  await producer.getByRole('button', { name: 'Mute Bo Cohost' }).click();
  // The co-host's window: told who muted them, muted, and locked.
  await expect(cohost.getByTestId('toast-lock')).toContainText('Muted by Pia Producer', { timeout: 20_000 });
  await expect(cohost.getByTestId('self-mute')).toHaveAttribute('aria-pressed', 'true');
  await expect(cohost.getByTestId('self-mute')).toContainText(/A moderator muted you/);
  // Everyone else sees the co-host muted.
  await expect(hostList.getByRole('listitem', { name: /^Bo Cohost, Co-host, muted/ })).toBeVisible({ timeout: 15_000 });
  await expect(producerList.getByRole('listitem', { name: /^Bo Cohost, Co-host, muted/ })).toBeVisible();
  await checkScreen(cohost, 'full-show-cohost-muted');
  await checkScreen(producer, 'full-show-producer');

  // ── The primary Janus dies: the banner shows the move, everyone lands on the backup ──
  await expect(host.getByTestId('failover-conversation')).toHaveText('Primary space');
  space.kill('primary', 'janus');
  await expect(host.getByTestId('failover-status')).toContainText('moving everyone to the backup', { timeout: 10_000 });
  await expect(host.getByTestId('toast-failover')).toContainText('Moved to the backup space', { timeout: 30_000 });
  await expect(host.getByTestId('failover-conversation')).toHaveText('Backup space');
  await expect(cohost.getByTestId('failover-conversation')).toHaveText('Backup space', { timeout: 20_000 });
  // The show stayed on air through the move (the program goes to both Icecasts, which did not fail).
  await expect(host.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'true');
  await expect(hostList.getByRole('listitem', { name: /^Ana Host, Host, you\b/ })).toHaveAttribute('data-connected', 'true', {
    timeout: 20_000,
  });
  // The producer's lock followed the co-host into the backup room, and the host's show is still announced there.
  await expect(cohost.getByTestId('self-mute')).toHaveAttribute('aria-pressed', 'true');
  await expect(cohost.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'true');
  await checkScreen(host, 'full-show-failover');

  // ── End of the show ──────────────────────────────────────────────────────────
  await host.getByTestId('end-show').click();
  await expect(host.getByTestId('end-show-cancel')).toBeFocused();
  await host.getByTestId('end-show-confirm').click();
  await expect(host.getByTestId('toast-show')).toContainText('The show has ended', { timeout: 20_000 });
  await expect(host.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'false');
  await expect(host.locator('.app')).toHaveAttribute('data-on-air', 'false');
  await expect(host.getByTestId('program-off-air')).toBeVisible();
  await expect(cohost.getByTestId('on-air-lamp')).toHaveAttribute('data-on-air', 'false', { timeout: 15_000 });
  await checkScreen(host, 'full-show-ended');
});

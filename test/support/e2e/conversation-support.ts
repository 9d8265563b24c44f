import { expect, type Locator, type Page } from '@playwright/test';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs } from '../../env/browser';
import { findCommand } from '../../env/deps';
import { toneLevelDb } from '../../env/program-listener';

/*
 * Shared by the conversation e2e specs: tone analysis of the program heard on the mount, the
 * host's program meter, and the join of a host and a co-host through the real UI.
 */

/** The program's sample rate. */
export const SAMPLE_RATE = 48_000;
/** The host's fake microphone tone. */
export const HOST_HZ = 440;
/** The co-host's fake microphone tone. */
export const COHOST_HZ = 880;
/** Analysis block: short enough that a concealed packet or a phase jump spoils one block, not the window. */
export const BLOCK_FRAMES = SAMPLE_RATE / 20;
/*
 * Levels are Goertzel levels of a sine's peak, dBFS, per 50 ms block. The fixtures are −6 dBFS
 * sines; with the app's capture processing (Chromium's echo cancellation, noise suppression and
 * AGC) each arrives in the program at a steady −25.5 dB. Under CPU load the room audio has
 * concealment gaps (blocks at −30…−110 dB, up to ~0.5 s), so "present" is the median block above
 * −35 dB (10 dB margin), and "gone" is every block below −60 dB (a muted voice measured −98…−130 dB).
 */
/** A tone whose median block is above this is in the program. */
export const PRESENT_DB = -35;
/** A tone whose every block is below this is gone from the program. */
export const GONE_DB = -60;

/** Level of `hz` in each whole block of `[from, to)`. */
export function blockLevels(signal: Float32Array, hz: number, from: number, to: number): number[] {
  const levels: number[] = [];
  for (let start = Math.max(0, from); start + BLOCK_FRAMES <= Math.min(to, signal.length); start += BLOCK_FRAMES) {
    levels.push(toneLevelDb(signal, hz, start, start + BLOCK_FRAMES, SAMPLE_RATE));
  }
  return levels;
}

/** Median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** dB rounded to one decimal, for messages. */
export const round = (db: number): number => Math.round(db * 10) / 10;

/** Median block level of both tones over `[from, to)`, and the loudest 880 Hz block. */
export function describeTones(
  signal: Float32Array,
  from: number,
  to: number,
): { host: number; cohost: number; cohostMax: number; seconds: number } {
  const cohost = blockLevels(signal, COHOST_HZ, from, to);
  return {
    host: round(median(blockLevels(signal, HOST_HZ, from, to))),
    cohost: round(median(cohost)),
    cohostMax: round(Math.max(...cohost)),
    seconds: round((Math.min(to, signal.length) - Math.max(0, from)) / SAMPLE_RATE),
  };
}

/** The program level the engine reports (RMS of its latest frame, dBFS), from the host's meter. */
export async function programRmsDb(page: Page): Promise<number> {
  const value = await page.getByTestId('meter-rms').getAttribute('data-dbfs');
  return value === null ? Number.NEGATIVE_INFINITY : Number(value);
}

/** Reads the meter every 100 ms for `ms`; the loud end of the readings (one taken in a concealment gap of the room audio is lower). */
export async function sampleMeter(page: Page, ms: number): Promise<number> {
  const readings: number[] = [];
  for (const until = Date.now() + ms; Date.now() < until;) {
    readings.push(await programRmsDb(page));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return readings.toSorted((a, b) => a - b)[Math.floor(readings.length * 0.8)] ?? Number.NaN;
}

/** Waits until `count` meter readings in a row (10 a second) satisfy `ok`: one reading can be a dropout. */
export async function meterSettles(page: Page, what: string, ok: (db: number) => boolean, count = 5, timeout = 15_000): Promise<void> {
  let streak = 0;
  const seen: number[] = [];
  try {
    await expect
      .poll(
        async () => {
          const db = await programRmsDb(page);
          seen.push(db);
          streak = ok(db) ? streak + 1 : 0;
          return streak;
        },
        { message: `program meter: ${what}`, intervals: [100], timeout },
      )
      .toBeGreaterThanOrEqual(count);
  } catch (error) {
    throw new Error(`program meter: ${what}; last readings (dBFS): ${seen.slice(-20).join(', ')}`, { cause: error });
  }
}

/** A page in its own headless Chromium whose microphone plays `wav`, with `initScript` run before the app in every load. */
export async function launchParticipant(wav: string, initScript: string): Promise<{ browser: Browser; page: Page }> {
  const executablePath = findCommand('chromium');
  if (executablePath === undefined) throw new Error('chromium not found: apt-get install chromium');
  const browser = await chromium.launch({ executablePath, headless: true, args: chromiumArgs(wav) });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(initScript);
  return { browser, page };
}

/** Where the two windows of {@link joinHostAndCohost} are and what the space is called. */
export interface HostAndCohost {
  readonly hostPage: Page;
  readonly hostUrl: string;
  readonly cohostPage: Page;
  readonly cohostUrl: string;
  readonly space: string;
}

/** Through the UI: Ana Host joins her room and invites Bo, who joins as co-host; both connected in both lists. */
export async function joinHostAndCohost(options: HostAndCohost): Promise<{ hostList: Locator; cohostList: Locator }> {
  // The host joins their own room …
  await options.hostPage.goto(options.hostUrl);
  const hostJoin = options.hostPage.getByRole('form', { name: 'Join the room as host' });
  await hostJoin.getByLabel('Your name').fill('Ana Host');
  await hostJoin.getByRole('button', { name: 'Join the room' }).click();
  await expect(options.hostPage.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 15_000 });
  const hostList = options.hostPage.getByTestId('participants');
  await expect(hostList.getByRole('listitem', { name: /^Ana Host, Host, you\b/ })).toHaveAttribute('data-connected', 'true', {
    timeout: 15_000,
  });

  // … and invites a co-host,
  const invites = options.hostPage.getByTestId('invites-panel');
  await invites.getByLabel('Role').selectOption('cohost');
  await invites.getByLabel('Who is it for?').fill('Bo');
  await invites.getByRole('button', { name: 'Create invite' }).click();
  const codeField = invites.getByTestId('new-invite-code').getByRole('textbox');
  await expect(codeField).not.toHaveValue('');
  const code = await codeField.inputValue();

  // who joins with the code.
  await options.cohostPage.goto(options.cohostUrl);
  await options.cohostPage.getByLabel('Invite link or code').fill(code);
  await options.cohostPage.getByRole('button', { name: 'Check invite' }).click();
  const preview = options.cohostPage.getByTestId('invite-preview');
  await expect(preview).toContainText(options.space);
  await expect(preview).toContainText('Co-host');
  const cohostJoin = options.cohostPage.getByRole('form', { name: 'Join with this invite' });
  await cohostJoin.getByLabel('Your name').fill('Bo Cohost');
  await cohostJoin.getByRole('button', { name: 'Join as Co-host' }).click();
  await expect(options.cohostPage.getByTestId('conversation-link')).toHaveAttribute('data-status', 'joined', { timeout: 15_000 });

  // Both rooms list both people, each with their role and a connected audio link.
  const cohostList = options.cohostPage.getByTestId('participants');
  for (const [list, hostRow, cohostRow] of [
    [hostList, /^Ana Host, Host, you\b/, /^Bo Cohost, Co-host, (?!you)/],
    [cohostList, /^Ana Host, Host, (?!you)/, /^Bo Cohost, Co-host, you\b/],
  ] as const) {
    await expect(list.getByRole('listitem')).toHaveCount(2, { timeout: 15_000 });
    await expect(list.getByRole('listitem', { name: hostRow })).toHaveAttribute('data-connected', 'true', { timeout: 15_000 });
    await expect(list.getByRole('listitem', { name: cohostRow })).toHaveAttribute('data-connected', 'true', { timeout: 15_000 });
  }
  return { hostList, cohostList };
}

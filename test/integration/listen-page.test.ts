import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenLinkOf } from '../../electron/engine/failover/listen-link';
import { launchChromium } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { readListenState, serveListenPage, type ListenPageState, type StaticSite } from '../env/listen-page';
import { startOggSource, type OggSource } from '../env/ogg-source';
import { delay } from '../env/process';
import { startSpaceServers, type EndpointServers, type SpaceServers } from '../env/space-servers';
import { plainErrors, until } from '../support/integration/failover-support';

/*
 * The audience's listen page (renderer/listen, built by Vite as `npm run build` does) in real
 * Chromium against two real Icecast servers with the shipped fallback layout. The audio is
 * measured from the page itself: the worklet's output level and the audio it played. Press Play →
 * it plays (WebCodecs, and the WASM decoder when asked); a dropped primary source → Icecast's
 * fallback switch sends a new Ogg stream on the same connection and the page plays on; the primary
 * Icecast killed → the page moves to the backup by itself. Also: axe finds nothing serious at phone
 * and desktop sizes, and Play/Stop work from the keyboard.
 */

/** A steady tone through Opus at 16 kbit/s: well above this, silence is −∞. */
const AUDIBLE_DB = -40;
const SCREENSHOTS_DIR = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

let space: SpaceServers;
let browser: Browser;
let site: StaticSite;
const sources: OggSource[] = [];
const contexts: BrowserContext[] = [];

async function liveMounts(server: EndpointServers): Promise<string[]> {
  const body = (await (await fetch(`${server.icecast.baseUrl}/status-json.xsl`)).json()) as {
    icestats: { source?: { listenurl: string; stream_start?: string } | { listenurl: string; stream_start?: string }[] };
  };
  const list =
    body.icestats.source === undefined ? [] : Array.isArray(body.icestats.source) ? body.icestats.source : [body.icestats.source];
  return list.filter((entry) => entry.stream_start !== undefined).map((entry) => new URL(entry.listenurl).pathname);
}

/** Waits until each server relays the other's program (reloading once if a relay gave up before its source existed). */
async function relaysUp(): Promise<void> {
  const mounts = [space.mount, space.mount.replace('.opus', '-other.opus')];
  const deadline = Date.now() + 20_000;
  let reloaded = false;
  for (;;) {
    const [primary, backup] = await Promise.all([liveMounts(space.primary), liveMounts(space.backup)]);
    if (mounts.every((mount) => primary.includes(mount) && backup.includes(mount))) return;
    if (!reloaded && Date.now() > deadline - 17_000) {
      space.reloadIcecasts();
      reloaded = true;
    }
    if (Date.now() > deadline) throw new Error(`relays not up: primary ${primary.join(',')}, backup ${backup.join(',')}`);
    await delay(200);
  }
}

async function openPage(query = ''): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${site.url}listen.html${query}`);
  await page.getByRole('button', { name: /^Play/ }).waitFor();
  return page;
}

/** Waits until the page has played `seconds` more audio, audibly; resolves with its state. */
async function playsOn(page: Page, seconds: number, what: string): Promise<ListenPageState> {
  const from = (await readListenState(page)).currentTime;
  let last: ListenPageState | null = null;
  return until(
    async () => {
      last = await readListenState(page);
      return last.currentTime > from + seconds && last.levelDb > AUDIBLE_DB && last;
    },
    what,
    20_000,
    () => JSON.stringify({ ...last, history: undefined }),
  );
}

beforeAll(async () => {
  const { toneWav } = await ensureFixtures();
  space = await startSpaceServers();
  const mountUrl = (server: EndpointServers) => `http://${server.address}:${server.icecast.port}${space.mount}`;
  sources.push(await startOggSource({ mountUrl: mountUrl(space.primary), password: space.primary.icecast.sourcePassword }));
  sources.push(await startOggSource({ mountUrl: mountUrl(space.backup), password: space.backup.icecast.sourcePassword }));
  site = await serveListenPage(listenLinkOf(space.config('Listen page drill').space).config);
  browser = await launchChromium(toneWav);
  await relaysUp();
}, 90_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  for (const source of sources) await source.stop().catch(() => undefined);
  await site?.close();
  await space?.stop();
});

describe('the listen page (real Chromium, two real Icecast servers)', () => {
  it(
    'press Play → the primary plays (WebCodecs), measured from the page; the page is axe clean at phone and desktop sizes',
    plainErrors(async () => {
      const page = await openPage();
      const before = await readListenState(page);
      expect(before.levelDb).toBe(-Infinity);
      await page.getByRole('button', { name: /^Play/ }).click();
      const state = await playsOn(page, 2, 'the page plays the primary');
      expect(state).toMatchObject({ label: 'Primary', decoder: 'webcodecs', streams: 1, connections: 1, switches: 0 });
      process.stdout.write(
        `listen page: Play → first sound ${(state.firstSoundAt ?? Number.NaN) - state.playStartedAt} ms, buffer target ${state.targetMs.toFixed(0)} ms\n`,
      );
      await expect.poll(async () => page.getByRole('status').textContent(), { timeout: 5000 }).toMatch(/Playing the primary stream/);
      await expect.poll(async () => page.locator('#space-state').textContent(), { timeout: 10_000 }).toMatch(/^On air · \d+ listening/);
      await expect(page.getByRole('button', { name: /^Stop/ }).isVisible()).resolves.toBe(true);

      await mkdir(SCREENSHOTS_DIR, { recursive: true });
      for (const [width, height] of [
        [390, 844],
        [1280, 720],
      ] as const) {
        await page.setViewportSize({ width, height });
        const scan = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const serious = scan.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
        expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual(
          [],
        );
        await page.screenshot({ path: join(SCREENSHOTS_DIR, `listen-${width}x${height}.png`), fullPage: true });
      }
      // Keyboard: Space on the focused button stops and starts.
      await page.getByRole('button', { name: /^Stop/ }).focus();
      await page.keyboard.press('Space');
      await expect.poll(async () => (await readListenState(page)).state, { timeout: 5000 }).toBe('idle');
      await page.keyboard.press('Space');
      await playsOn(page, 1, 'the page plays again after Stop, Play from the keyboard');
    }),
  );

  it(
    'plays with the WASM decoder where WebCodecs is missing',
    plainErrors(async () => {
      const page = await openPage('?decoder=wasm');
      await page.getByRole('button', { name: /^Play/ }).click();
      const state = await playsOn(page, 3, 'the page plays with the WASM decoder');
      expect(state).toMatchObject({ decoder: 'wasm', label: 'Primary', switches: 0 });
    }),
  );

  it(
    'the primary source drops → Icecast’s fallback switch sends a new Ogg stream on the same connection → the page plays on (chained Ogg)',
    plainErrors(async () => {
      const page = await openPage();
      await page.getByRole('button', { name: /^Play/ }).click();
      await playsOn(page, 2, 'the page plays the primary');
      await sources[0]?.stop();
      await until(async () => (await readListenState(page)).streams >= 2, 'a new OpusHead on the connection', 10_000);
      const state = await playsOn(page, 3, 'the page plays the fallback');
      expect(state).toMatchObject({ label: 'Primary', connections: 1, switches: 0 });
    }),
  );

  it(
    'the primary Icecast killed → the page moves to the backup by itself and plays',
    plainErrors(async () => {
      const page = await openPage();
      await page.getByRole('button', { name: /^Play/ }).click();
      await playsOn(page, 2, 'the page plays the primary');
      space.kill('primary', 'icecast');
      const killedAt = Date.now();
      const moved = await until(
        async () => {
          const state = await readListenState(page);
          return state.label === 'Backup' && typeof state.moves[0]?.playingAt === 'number' && state;
        },
        'the page moves to the backup',
        20_000,
      );
      const move = moved.moves[0];
      process.stdout.write(
        `listen page: kill → switch ${(move?.switchedAt ?? 0) - killedAt} ms; silence heard ${(move?.playingAt ?? Number.NaN) - (move?.lastPlayedAt ?? Number.NaN)} ms\n`,
      );
      const state = await playsOn(page, 3, 'the page plays the backup');
      expect(state).toMatchObject({ label: 'Backup', switches: 1 });
      await expect.poll(async () => page.getByRole('status').textContent(), { timeout: 5000 }).toMatch(/Playing the backup stream/);
    }),
  );
});

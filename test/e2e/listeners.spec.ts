import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startIcecast, type IcecastServer } from '../env/icecast';
import { ListenerLoad } from '../env/listener-load';
import { freePort } from '../env/network';
import { startOggSource, type OggSource } from '../env/ogg-source';
import { startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';

const SCREENSHOT = join(import.meta.dirname, '..', '..', 'test-results', 'listeners-panel.png');

let icecast: IcecastServer;
let source: OggSource;
let load: ListenerLoad;
let engine: HeadlessEngine;

test.beforeAll(async () => {
  icecast = await startIcecast();
  source = await startOggSource({ mountUrl: `${icecast.baseUrl}/launch.opus`, password: icecast.sourcePassword });
  load = new ListenerLoad({ host: icecast.host, port: icecast.port, mount: '/launch.opus' });
  await load.add(24);
  // Nothing listens here: the backup's Icecast stands for a server that is down.
  const deadPort = await freePort();
  engine = await startHeadlessEngine({
    space: {
      name: 'Launch night rehearsal',
      primary: {
        janus: { url: `ws://127.0.0.1:${deadPort}` },
        icecast: { mountUrl: `http://source:${icecast.sourcePassword}@${icecast.host}:${icecast.port}/launch.opus` },
      },
      backup: {
        janus: { url: `ws://127.0.0.1:${deadPort}` },
        icecast: { mountUrl: `http://source:${icecast.sourcePassword}@127.0.0.1:${deadPort}/launch.opus` },
      },
    },
  });
});

test.afterAll(async () => {
  await engine?.stop();
  load?.closeAll();
  await source?.stop();
  await icecast?.stop();
});

test('the listener panel shows the live total, a stale outlet with its reason, and the sparkline', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(engine.openUrl);

  const total = page.getByTestId('listener-total');
  await expect(total).toContainText('24');
  await expect(total).toContainText('1 of 2 servers counted');
  await expect(page.getByTestId('listener-coverage')).toContainText('1 of 2 servers reporting');

  const primary = page.getByTestId('listener-outlet-primary');
  await expect(primary).toContainText('24');
  await expect(primary).toContainText(/Fresh/);
  const backup = page.getByTestId('listener-outlet-backup');
  await expect(backup).toContainText(/Stale/);
  await expect(backup.getByTestId('stale-reason')).toContainText(/server down: 127\.0\.0\.1:\d+ refused the connection/);

  // Listeners join: the total follows, and the sparkline grows with the show.
  await load.add(6);
  await expect(total).toContainText('30', { timeout: 3_000 });
  await expect(page.getByTestId('listener-peak')).toContainText('30');
  const sparkline = page.getByTestId('listener-sparkline');
  await expect(async () => expect(Number(await sparkline.getAttribute('data-points'))).toBeGreaterThanOrEqual(4)).toPass({
    timeout: 10_000,
  });
  await expect(sparkline.locator('path.listener-sparkline__line')).toHaveAttribute('d', /^M[\d.,L]+$/);

  // Credentials never reach the UI.
  expect(await page.content()).not.toContain(icecast.sourcePassword);
  await page.screenshot({ path: SCREENSHOT });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort } from '../env/network';
import { startServers, type TestServers } from '../env/servers';
import { startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };

let servers: TestServers;
let engine: HeadlessEngine;
let deadPort: number;

test.beforeAll(async () => {
  servers = await startServers();
  // Nothing listens here: the backup endpoint stands for a dead server.
  deadPort = await freePort();
  engine = await startHeadlessEngine({
    space: {
      name: 'Launch night rehearsal',
      primary: {
        janus: { url: servers.janus.wsUrl },
        icecast: { mountUrl: `http://source:${servers.icecast.sourcePassword}@${servers.hostAddress}:${servers.icecast.port}/launch.opus` },
      },
      backup: {
        janus: { url: `ws://127.0.0.1:${deadPort}` },
        icecast: { mountUrl: `http://127.0.0.1:${deadPort}/launch.opus` },
      },
    },
  });
});

test.afterAll(async () => {
  await engine?.stop();
  await servers?.stop();
});

test('the control room shows the engine state and round-trips commands through the real engine', async ({ page }) => {
  await page.goto(engine.openUrl);

  // State pushed by the engine over the WebSocket bridge.
  await expect(page.getByTestId('space-name')).toHaveText('Launch night rehearsal');
  await expect(page.getByTestId('bridge-status')).toContainText(/connected/i);
  await expect(page.getByTestId('on-air-lamp')).toContainText(/off air/i);
  // The token leaves the address bar once used.
  expect(new URL(page.url()).hash).toBe('');

  const primary = page.getByTestId('endpoint-primary');
  const backup = page.getByTestId('endpoint-backup');
  await expect(primary).toContainText(`${servers.hostAddress}:${servers.icecast.port}/launch.opus`);
  // Credentials never reach the UI.
  expect(await page.content()).not.toContain(servers.icecast.sourcePassword);

  // A command from the UI reaches the engine, which probes the real servers; events come back.
  await page.getByRole('button', { name: 'Check servers' }).click();
  await expect(primary.getByTestId('server-janus')).toContainText(/reachable/i, { timeout: 15_000 });
  await expect(primary.getByTestId('server-janus')).toContainText('1.1.2');
  await expect(primary.getByTestId('server-icecast')).toContainText('Icecast 2.4');
  await expect(backup.getByTestId('server-janus')).toContainText(/unreachable/i, { timeout: 15_000 });
  await expect(backup.getByTestId('server-icecast')).toContainText(/did not answer/i);

  // The host's screen carries no developer panels: the bridge and the engine log are in Diagnostics.
  await expect(page.getByText('PCM frames')).toHaveCount(0);
  await expect(page.getByTestId('log-lines')).toHaveCount(0);
  await page.getByTestId('open-diagnostics').click();
  const diagnostics = page.getByTestId('diagnostics');
  await expect(diagnostics).toBeVisible();
  await expect(diagnostics.getByTestId('engine-version')).toContainText(version);
  // Ping: command → engine → engine:pong event → UI.
  await diagnostics.getByRole('button', { name: 'Ping engine' }).click();
  await expect(diagnostics.getByTestId('ping-result')).toHaveText(/\d+(\.\d+)? ?ms/);
  await expect(diagnostics.getByTestId('log-lines')).toContainText(/janus/);
  await page.keyboard.press('Escape');
  await expect(diagnostics).toBeHidden();

  // Kept with the run's results, for a person to look at.
  await page.screenshot({ path: test.info().outputPath('control-room.png'), fullPage: true });

  // The engine really handled it: its log names the probes it ran.
  expect(engine.log()).toMatch(/primary janus reachable/);
  expect(engine.log()).toMatch(/backup icecast unreachable/);
});

test('a wrong access token is refused with a message that says what to do', async ({ page }) => {
  const wrong = new URL(engine.openUrl);
  wrong.hash = 'token=not-the-token';
  await page.goto(wrong.toString());
  await expect(page.getByTestId('bridge-status')).toContainText(/token|unauthori[sz]ed/i);
  await expect(page.getByRole('alert')).toContainText(/link/i);
});

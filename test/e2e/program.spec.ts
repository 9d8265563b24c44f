import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startIcecast, type IcecastServer } from '../env/icecast';

const cli = join(import.meta.dirname, '..', '..', 'out', 'cli', 'steadycast.js');

let icecast: IcecastServer | undefined;
let child: ChildProcess | undefined;

test.afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await icecast?.stop();
});

/** Starts `steadycast broadcast … --port 0 --json` and returns the control-room link it prints. */
async function broadcastWithControlRoom(args: string[]): Promise<string> {
  const started = spawn(process.execPath, [cli, 'broadcast', ...args, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = started;
  let stdout = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no control-room link within 15 s:\n${stdout}`)), 15_000);
    started.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /"event":"ui","url":"([^"]+)"/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    started.once('exit', (code) => reject(new Error(`steadycast broadcast exited with ${code}:\n${stdout}`)));
  });
}

test('the program panel follows an output through an outage: live, retrying with a countdown, live again', async ({ page }) => {
  icecast = await startIcecast({ sourceTimeout: 3 });
  const server = icecast;
  const url = await broadcastWithControlRoom([
    '--source',
    'tone:440',
    '--icecast',
    `http://source:${server.sourcePassword}@${server.host}:${server.port}/show.opus`,
    '--name',
    'Outage drill',
  ]);
  await page.goto(url);

  const output = page.getByTestId('output-0');
  await expect(page.getByTestId('on-air-lamp')).toContainText(/on air/i);
  await expect(output).toHaveAttribute('data-state', 'live', { timeout: 15_000 });

  // The server dies mid-show: the row says so and counts down to the next attempt.
  process.kill(server.pid, 'SIGKILL');
  await expect(output).toHaveAttribute('data-state', /retrying|connecting/, { timeout: 10_000 });
  await expect(output).toHaveAttribute('data-state', 'retrying');
  await expect(output.getByTestId('output-countdown')).toBeVisible();
  // The show still runs, but the lamp no longer says "on air": it says nobody hears it.
  await expect(page.getByTestId('on-air-lamp')).toHaveAttribute('data-lamp', 'unreached');
  await expect(page.getByTestId('on-air-lamp')).toContainText('NOT REACHING LISTENERS');
  await page.screenshot({ path: test.info().outputPath('program-retrying.png') });

  // Back up on the same port: the output recovers by itself.
  await server.stop();
  icecast = await startIcecast({ port: server.port, passwords: { sourcePassword: server.sourcePassword }, sourceTimeout: 3 });
  await expect(output).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  await expect(page.getByTestId('on-air-lamp')).toContainText(/on air/i);
  await page.screenshot({ path: test.info().outputPath('program-live.png') });
});

test('retry now reconnects an output at once from the UI', async ({ page }) => {
  icecast = await startIcecast();
  const server = icecast;
  // A dead backup whose retries are due every second at most; Retry now must start an attempt at once.
  const url = await broadcastWithControlRoom([
    '--source',
    'tone:440',
    '--icecast',
    `http://source:${server.sourcePassword}@${server.host}:${server.port}/main.opus`,
    '--icecast',
    'http://source:pw@127.0.0.1:9/dead.opus',
  ]);
  await page.goto(url);
  const dead = page.getByTestId('output-1');
  await expect(dead).toHaveAttribute('data-state', 'retrying', { timeout: 15_000 });
  await expect(dead).toContainText(/connection refused/i);
  await expect(page.getByTestId('output-0')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('on-air-lamp')).toContainText('LIVE · 1 of 2 outputs');
  await page
    .getByRole('button', { name: /Retry .* now/ })
    .first()
    .click();
  // The command reached the engine, which started an attempt at once (its log, in Diagnostics, says so) …
  await page.getByTestId('open-diagnostics').click();
  await expect(page.getByTestId('diagnostics').getByText(/dead\.opus: retry now/)).toBeVisible();
  await page.keyboard.press('Escape');
  // … and the row stays honest: the server is still down, so the output is still not live.
  await expect(dead).toHaveAttribute('data-state', /retrying|connecting/);
  await expect(page.getByTestId('output-0')).toHaveAttribute('data-state', 'live');
});

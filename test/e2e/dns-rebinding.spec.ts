import { expect, test } from '@playwright/test';
import { startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';

/*
 * DNS rebinding against the real headless engine in real Chromium: `rebound.example` resolves to
 * 127.0.0.1 (--host-resolver-rules), as an attacker's name would after rebinding. A page on that
 * name must neither load the control room nor open /bridge; the engine's own link still works.
 * Chromium's own Local Network Access checks are turned off: they block such requests in this
 * version, but not in other browsers or once a user grants the permission, and the test is about
 * what the engine does with them.
 */

const ATTACKER_NAME = 'rebound.example';

test.use({
  launchOptions: {
    executablePath: process.env.STEADYCAST_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${ATTACKER_NAME} 127.0.0.1`,
      '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests',
    ],
  },
});

let engine: HeadlessEngine;

test.beforeAll(async () => {
  engine = await startHeadlessEngine({ space: { name: 'Rebinding target' } });
});

test.afterAll(async () => {
  await engine?.stop();
});

test('a page on another name resolving to 127.0.0.1 gets neither the control room nor the bridge', async ({ page }) => {
  const own = new URL(engine.openUrl);
  const rebound = `http://${ATTACKER_NAME}:${own.port}`;

  // Straight to the engine under the attacker's name: refused, no UI.
  const direct = await page.goto(`${rebound}/#token=guess`);
  expect(direct?.status()).toBe(421);
  expect(await page.content()).toContain('answers only at its own address');
  await expect(page.getByTestId('space-name')).toHaveCount(0);

  // The rebinding attack proper: the attacker's page was served from its own server under this
  // origin (stood in for by a routed response); now the name points at 127.0.0.1 and the page
  // reads "its own" origin and opens "its own" /bridge.
  await page.route(`${rebound}/attack`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>attacker</title>' }),
  );
  await page.goto(`${rebound}/attack`);
  const attempt = await page.evaluate(async (origin) => {
    const read = await fetch(`${origin}/`).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      (error: unknown) => ({ status: -1, body: String(error) }),
    );
    const socket = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/bridge`);
      ws.onopen = () => resolve('open');
      ws.onerror = () => resolve('error');
      setTimeout(() => resolve('timeout'), 10_000);
    });
    return { read, socket };
  }, rebound);
  expect(attempt.read.status, JSON.stringify(attempt)).toBe(421);
  expect(attempt.read.body).not.toContain('<div id="root">');
  expect(attempt.socket).toBe('error');
  expect(engine.log()).toMatch(/refused a request for Host "rebound\.example:\d+"/);
  expect(engine.log()).toMatch(/refused WebSocket upgrade for \/bridge \(Host "rebound\.example:\d+"/);

  // The engine's own link still opens the control room, and its CSP (connect-src 'self') lets it reach /bridge.
  await page.goto(engine.openUrl);
  await expect(page.getByTestId('space-name')).toHaveText('Rebinding target');
  await expect(page.getByTestId('bridge-status')).toContainText(/connected/i);
  // So does localhost, one of the engine's own names.
  const token = new URL(engine.openUrl).hash;
  await page.goto(`http://localhost:${own.port}/${token}`);
  await expect(page.getByTestId('bridge-status')).toContainText(/connected/i);
});

import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startHeadlessEngine, type HeadlessEngine } from '../support/e2e/headless-engine';

/*
 * Issue "The host's control room", item 6: the settings screen against the real headless engine
 * in real Chromium. Spaces are created, edited, duplicated and deleted through the UI; bad input
 * gets a message on each field; audio, recording and shortcuts save; the screen passes axe.
 * Settings alone need no Janus or Icecast: the engine only stores them.
 */

let engine: HeadlessEngine;

test.beforeAll(async () => {
  engine = await startHeadlessEngine({ space: { name: 'Guest night' } });
});

test.afterAll(async () => {
  await engine?.stop();
});

/** The field labelled `label` inside `scope`. */
const field = (scope: Locator, label: string): Locator => scope.getByLabel(label, { exact: true });

async function openSettings(page: Page): Promise<Locator> {
  await page.goto(engine.openUrl);
  await expect(page.getByTestId('space-name')).toHaveText('Guest night');
  // Keyboard: the top bar's Settings button, then Enter.
  await page.getByRole('button', { name: 'Settings' }).focus();
  await page.keyboard.press('Enter');
  const screen = page.getByTestId('settings-screen');
  await expect(screen).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeFocused();
  await expect(page.getByRole('main', { name: 'Control room' })).toBeHidden();
  return screen;
}

test('spaces are created, edited, duplicated and deleted; bad input is named field by field', async ({ page }) => {
  // Many steps in one page; on a loaded 2-core machine each click can take seconds.
  test.setTimeout(180_000);
  const screen = await openSettings(page);
  const spaces = screen.getByRole('list', { name: 'Saved spaces' });
  await expect(spaces.getByRole('listitem')).toHaveCount(1);
  await expect(spaces.getByRole('listitem', { name: 'Guest night' })).toContainText('In use');
  await expect(spaces.getByRole('button', { name: 'Delete Guest night' }), 'the space in use cannot be deleted').toBeDisabled();

  // ── A new space with bad input: every bad field says what is wrong ───────────
  await screen.getByRole('button', { name: 'New space' }).click();
  const editor = screen.getByRole('form', { name: 'New space' });
  await field(editor, 'Primary Janus URL').fill('http://janus.example.org');
  await field(editor, 'Primary room number').fill('twelve');
  await field(editor, 'Primary room secret').fill('short');
  await field(editor, 'Primary Icecast mount URL').fill('http://source:pw@icecast.example.org:8000/morning.opus');
  await editor.getByRole('button', { name: 'Save space' }).click();
  await expect(editor.getByRole('alert').first()).toHaveText('6 fields need a fix before the space can be saved.');
  const expected: [string, string][] = [
    ['Space name', 'Space name: give the space a name.'],
    ['Primary Janus URL', 'Primary Janus URL: must start with ws:// or wss:// (the Janus WebSocket transport).'],
    ['Primary room number', 'Primary room number: must be a whole number such as 1234.'],
    ['Primary room secret', 'Primary room secret: use at least 8 characters.'],
    [
      'Primary Icecast mount URL',
      'Primary Icecast mount URL: leave the user name and password out of the URL: use the Source user and Source password fields.',
    ],
    ['Primary source password', 'Primary source password: give the source password.'],
  ];
  for (const [label, message] of expected) {
    const input = field(editor, label);
    await expect(input, `${label} is marked invalid`).toHaveAttribute('aria-invalid', 'true');
    // The message is tied to its input for screen readers.
    await expect(input).toHaveAccessibleDescription(new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await expect(editor.getByText(message, { exact: true })).toBeVisible();
  }
  await expect(field(editor, 'Primary source user')).not.toHaveAttribute('aria-invalid', 'true');
  await screen.screenshot({ path: 'test-results/settings-errors.png' });

  // ── Fixed: saved, and listed ──────────────────────────────────────────────────
  await field(editor, 'Space name').fill('Morning show');
  await field(editor, 'Primary Janus URL').fill('wss://janus.example.org:8989');
  await expect(field(editor, 'Primary Janus URL'), "typing clears that field's message").not.toHaveAttribute('aria-invalid', 'true');
  await field(editor, 'Primary room number').fill('4242');
  await field(editor, 'Primary room secret').fill('morning-secret-1');
  await field(editor, 'Primary Icecast mount URL').fill('https://icecast.example.org:8000/morning.opus');
  await field(editor, 'Primary source password').fill('source-pass');
  await editor.getByRole('button', { name: 'Save space' }).click();
  await expect(editor).toHaveCount(0);
  await expect(spaces.getByRole('listitem')).toHaveCount(2);
  const morning = spaces.getByRole('listitem', { name: 'Morning show' });
  await expect(morning).toContainText('https://icecast.example.org:8000/morning.opus');

  // ── Edit: the secrets are not shown, an empty secret field keeps them ─────────
  await morning.getByRole('button', { name: 'Edit Morning show' }).click();
  const editing = screen.getByRole('form', { name: 'Edit space' });
  await expect(field(editing, 'Space name')).toHaveValue('Morning show');
  await expect(field(editing, 'Primary room number')).toHaveValue('4242');
  await expect(field(editing, 'Primary room secret')).toHaveValue('');
  await expect(field(editing, 'Primary room secret')).toHaveAccessibleDescription(/Saved\. Leave empty to keep it\./);
  expect(await page.content(), 'no secret reaches the page').not.toMatch(/morning-secret-1|source-pass/);
  await field(editing, 'Space name').fill('Breakfast show');
  await editing.getByLabel('This space has a backup endpoint (another Janus and Icecast)').check();
  await field(editing, 'Backup Janus URL').fill('wss://janus-b.example.org:8989');
  await editing.getByRole('button', { name: 'Save space' }).click();
  // The backup's own fields are checked too (its mount and password are missing; an empty room
  // number is an audience-only endpoint, which the engine runs too).
  await expect(field(editing, 'Backup Icecast mount URL')).toHaveAttribute('aria-invalid', 'true');
  await expect(field(editing, 'Backup room number')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(
    editing.getByText('Backup Icecast mount URL: must be a URL such as http://source:password@icecast.example.org:8000/live.opus.'),
  ).toBeVisible();
  await editing.getByLabel('This space has a backup endpoint (another Janus and Icecast)').uncheck();
  await editing.getByRole('button', { name: 'Save space' }).click();
  await expect(editing).toHaveCount(0);
  await expect(spaces.getByRole('listitem', { name: 'Breakfast show' })).toBeVisible();
  await expect(spaces.getByRole('listitem', { name: 'Morning show' })).toHaveCount(0);

  // ── Duplicate, then delete the copy (with its confirm) ────────────────────────
  await spaces.getByRole('button', { name: 'Duplicate Breakfast show' }).click();
  const copy = spaces.getByRole('listitem', { name: 'Breakfast show (copy)' });
  await expect(copy).toBeVisible();
  await expect(spaces.getByRole('listitem')).toHaveCount(3);
  await copy.getByRole('button', { name: 'Delete Breakfast show (copy)' }).click();
  await copy.getByRole('button', { name: 'Keep it' }).click();
  await expect(spaces.getByRole('listitem')).toHaveCount(3);
  await copy.getByRole('button', { name: 'Delete Breakfast show (copy)' }).click();
  await copy.getByRole('button', { name: 'Delete Breakfast show (copy) for good' }).click();
  await expect(spaces.getByRole('listitem')).toHaveCount(2);
  await expect(spaces.getByRole('listitem', { name: 'Breakfast show (copy)' })).toHaveCount(0);

  // ── Audio, recording, shortcuts ───────────────────────────────────────────────
  const general = screen.getByRole('form', { name: 'Audio, recording and shortcuts' });
  await general.getByLabel('Program bitrate').selectOption('96');
  await general.getByLabel('Channels').selectOption('1');
  await general.getByLabel('Noise suppression').uncheck();
  await general.getByLabel('Record every show to a file').check();
  await field(general, 'Recording folder').fill('recordings');
  // Global shortcuts are the desktop app's: a headless engine's settings do not offer them (their checks: settings.test.ts).
  await expect(general.getByText('Global shortcuts')).toHaveCount(0);
  await expect(general.getByTestId('shortcut-mute')).toHaveCount(0);
  await general.getByRole('button', { name: 'Save audio, recording and shortcuts' }).click();
  await expect(general.getByText('Recording folder: must be a full path such as /home/you/Recordings or C:\\Recordings.')).toBeVisible();
  await field(general, 'Recording folder').fill('/srv/steadycast/recordings');
  await general.getByRole('button', { name: 'Save audio, recording and shortcuts' }).click();
  await expect(general.getByRole('status')).toHaveText('Saved.');

  // Saved in the engine: a fresh page reads the same.
  await page.getByRole('button', { name: 'Back to the control room' }).click();
  await expect(page.getByRole('main', { name: 'Control room' })).toBeVisible();
  await page.reload();
  const again = await openSettings(page);
  await expect(again.getByRole('list', { name: 'Saved spaces' }).getByRole('listitem')).toHaveCount(2);
  const reread = again.getByRole('form', { name: 'Audio, recording and shortcuts' });
  await expect(reread.getByLabel('Program bitrate')).toHaveValue('96');
  await expect(reread.getByLabel('Channels')).toHaveValue('1');
  await expect(reread.getByLabel('Noise suppression')).not.toBeChecked();
  await expect(field(reread, 'Recording folder')).toHaveValue('/srv/steadycast/recordings');

  const axe = await new AxeBuilder({ page }).include('[data-testid="settings-screen"]').analyze();
  const serious = axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  await page.screenshot({ path: 'test-results/settings.png', fullPage: true });
});

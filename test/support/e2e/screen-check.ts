import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

/*
 * What every screen of the control room must pass, in both themes: an axe-core scan (WCAG 2.x A
 * and AA rules) with no serious or critical violation, and a screenshot for a person to look at
 * (test-results/screenshots/<screen>-<theme>.png). Themes are chosen as the host would: the
 * theme switch in the top bar.
 */

/** Where the screenshots of every screen go. */
export const SCREENSHOTS_DIR = join(import.meta.dirname, '..', '..', '..', 'test-results', 'screenshots');

/** The themes a screen is checked in. */
export const THEMES = ['dark', 'light'] as const;

/**
 * Chooses a theme with the top bar's switch and waits for the page to draw in it. While a modal
 * dialog is open the switch is inert (as it should be), so the theme's attribute is set directly:
 * the colours come from it alone.
 */
export async function chooseTheme(page: Page, theme: 'dark' | 'light' | 'system'): Promise<void> {
  if (theme !== 'system' && (await page.locator('dialog[open]').count()) > 0) {
    await page.evaluate((chosen) => {
      document.documentElement.dataset.theme = chosen;
    }, theme);
    return;
  }
  const name = theme === 'system' ? /^Auto theme/ : `${theme === 'dark' ? 'Dark' : 'Light'} theme`;
  await page.getByRole('radio', { name }).check();
  if (theme !== 'system') await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** One line per node of each violation, for a failure message a person can act on. */
function describeViolations(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string {
  return violations
    .map(
      (violation) =>
        `${violation.impact ?? '?'} ${violation.id}: ${violation.help}\n${violation.nodes.map((node) => `  ${node.target.join(' ')}: ${node.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
}

/**
 * Scans the page with axe in both themes, asserts no serious/critical violation, screenshots each
 * (both columns scrolled to the top unless `keepScroll`); leaves the page in the dark theme.
 */
export async function checkScreen(page: Page, screen: string, options: { keepScroll?: boolean } = {}): Promise<void> {
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  if (!options.keepScroll) {
    await page.evaluate(() => {
      for (const column of document.querySelectorAll('.control-room__main, .control-room__room')) column.scrollTop = 0;
    });
  }
  for (const theme of THEMES) {
    await chooseTheme(page, theme);
    // Colour transitions (buttons, flags) finish before contrast is measured.
    await page.waitForTimeout(200);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(describeViolations(serious), `${screen} (${theme} theme): axe found serious or critical violations`).toBe('');
    await page.screenshot({ path: join(SCREENSHOTS_DIR, `${screen}-${theme}.png`) });
  }
  await chooseTheme(page, 'dark');
}

/** Presses Tab until `target` has the focus (at most `limit` times): proves it is reachable by keyboard alone. */
export async function tabTo(page: Page, target: Locator, limit = 120): Promise<void> {
  const element = await target.elementHandle();
  if (element === null) throw new Error('tabTo: the target is not in the page');
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press('Tab');
    if (await element.evaluate((node) => node === document.activeElement)) return;
  }
  throw new Error(`tabTo: ${String(target)} was not reached in ${limit} presses of Tab`);
}

/** Presses "Go live" and then, in the preflight, "Go live now" (checking the override first when `override`). */
export async function goLiveThroughPreflight(page: Page, options: { override?: boolean } = {}): Promise<void> {
  await page.getByTestId('go-live').click();
  const preflight = page.getByTestId('preflight');
  await expect(preflight).toBeVisible();
  if (options.override) await preflight.getByTestId('preflight-override').check();
  await preflight.getByTestId('preflight-go-live').click();
}

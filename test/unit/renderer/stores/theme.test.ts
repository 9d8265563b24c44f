import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { ThemeSwitch } from '../../../../renderer/features/top-bar/theme-switch';
import { createAppStore } from '../../../../renderer/stores/app-store';
import {
  parseThemePreference,
  selectTheme,
  THEME_STORAGE_KEY,
  type SystemTheme,
  type Theme,
  type ThemeStorage,
} from '../../../../renderer/stores/theme-slice';
import { render } from '../../../support/renderer-test-support';
import { FakeBridge } from '../../../fakes/fake-bridge';

/** A map standing in for localStorage. */
function memoryStorage(initial: Record<string, string> = {}): ThemeStorage & { values: Map<string, string> } {
  const values = new Map(Object.entries(initial));
  return { values, get: (key) => values.get(key) ?? null, set: (key, value) => void values.set(key, value) };
}

/** A system colour scheme the test changes by hand. */
function fakeSystem(initial: Theme): SystemTheme & { change(theme: Theme): void } {
  let theme = initial;
  const listeners = new Set<(theme: Theme) => void>();
  return {
    current: () => theme,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change(next) {
      theme = next;
      for (const listener of listeners) listener(next);
    },
  };
}

const storeWith = (themeStorage: ThemeStorage, systemTheme: SystemTheme) =>
  createAppStore({
    now: () => 0,
    randomNonce: () => 'nonce',
    setTimer: () => () => undefined,
    bridge: new FakeBridge().binding(),
    themeStorage,
    systemTheme,
  });

describe('theme', () => {
  it('follows the system by default, including a change while the window is open', () => {
    const system = fakeSystem('light');
    const store = storeWith(memoryStorage(), system);
    expect(store.getState().themePreference).toBe('system');
    expect(selectTheme(store.getState())).toBe('light');
    system.change('dark');
    expect(selectTheme(store.getState())).toBe('dark');
  });

  it('a chosen theme overrides the system, is kept, and is read back by the next window', () => {
    const system = fakeSystem('dark');
    const storage = memoryStorage();
    const store = storeWith(storage, system);
    store.getState().setThemePreference('light');
    expect(selectTheme(store.getState())).toBe('light');
    system.change('dark');
    expect(selectTheme(store.getState())).toBe('light');
    expect(storage.values.get(THEME_STORAGE_KEY)).toBe('light');

    const next = storeWith(storage, fakeSystem('dark'));
    expect(next.getState().themePreference).toBe('light');
    expect(selectTheme(next.getState())).toBe('light');
    next.getState().setThemePreference('system');
    expect(selectTheme(next.getState())).toBe('dark');
  });

  it('a damaged stored value means Auto', () => {
    expect(parseThemePreference('purple')).toBe('system');
    expect(parseThemePreference(null)).toBe('system');
    const store = storeWith(memoryStorage({ [THEME_STORAGE_KEY]: '{"x":1}' }), fakeSystem('light'));
    expect(selectTheme(store.getState())).toBe('light');
  });

  it('the switch offers three labelled radio buttons with the choice checked', () => {
    const store = storeWith(memoryStorage({ [THEME_STORAGE_KEY]: 'dark' }), fakeSystem('light'));
    const html = render(store, createElement(ThemeSwitch));
    expect(html).toContain('<legend class="visually-hidden">Theme</legend>');
    expect(html.match(/type="radio"/g)).toHaveLength(3);
    expect(html).toMatch(/<input[^>]*value="dark"[^>]*checked=""|<input[^>]*checked=""[^>]*value="dark"/);
    expect(html).toContain('aria-label="Auto theme (follows the system: light now)"');
  });
});

import type { AppSlice } from './store-types';

/*
 * Light or dark: the host's choice, or the system's ("Auto", the default). The choice is kept in the
 * window's storage; the system's setting is followed while the choice is Auto. The effective theme
 * is what `<html data-theme>` gets (main.tsx applies it), and every colour is a token of that theme.
 */

/** A theme the window draws in. */
export type Theme = 'dark' | 'light';

/** The host's choice: a theme, or follow the system. */
export type ThemePreference = 'system' | Theme;

/** Where the choice is kept across restarts (localStorage in a window). */
export interface ThemeStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** The system's colour scheme and its changes (matchMedia in a window). */
export interface SystemTheme {
  current(): Theme;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (theme: Theme) => void): () => void;
}

/** The storage key of the choice. */
export const THEME_STORAGE_KEY = 'steadycast.theme';

const PREFERENCES: readonly ThemePreference[] = ['system', 'dark', 'light'];

/** Reads a stored choice; anything else (nothing, an old or damaged value) is Auto. */
export function parseThemePreference(value: string | null): ThemePreference {
  return PREFERENCES.find((preference) => preference === value) ?? 'system';
}

/** The theme part of the store. */
export interface ThemeSlice {
  themePreference: ThemePreference;
  /** The system's colour scheme, kept current. */
  systemTheme: Theme;
  /** Chooses a theme (or Auto) and keeps the choice. */
  setThemePreference: (preference: ThemePreference) => void;
}

/** The theme the window draws in now. */
export const selectTheme = (state: ThemeSlice): Theme => (state.themePreference === 'system' ? state.systemTheme : state.themePreference);

/** The host's choice. */
export const selectThemePreference = (state: ThemeSlice): ThemePreference => state.themePreference;

/** Creates the theme slice; without storage or a system source it starts dark and keeps nothing. */
export const createThemeSlice =
  (deps: { themeStorage?: ThemeStorage; systemTheme?: SystemTheme }): AppSlice<ThemeSlice> =>
  (set) => {
    // The subscription lives as long as the window (one store per window).
    deps.systemTheme?.subscribe((systemTheme) => set({ systemTheme }));
    return {
      themePreference: parseThemePreference(deps.themeStorage?.get(THEME_STORAGE_KEY) ?? null),
      systemTheme: deps.systemTheme?.current() ?? 'dark',
      setThemePreference(preference) {
        deps.themeStorage?.set(THEME_STORAGE_KEY, preference);
        set({ themePreference: preference });
      },
    };
  };

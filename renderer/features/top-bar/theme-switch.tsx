import { useId, type ReactNode } from 'react';
import { selectTheme, selectThemePreference, type ThemePreference } from '../../stores/theme-slice';
import { useAppStore } from '../../stores/store-context';

const OPTIONS: readonly { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'Auto' },
  { value: 'dark', label: 'Dark' },
  { value: 'light', label: 'Light' },
];

/** Theme choice as native radio buttons (arrow keys move between them): Auto follows the system. */
export function ThemeSwitch(): ReactNode {
  const preference = useAppStore(selectThemePreference);
  const theme = useAppStore(selectTheme);
  const systemTheme = useAppStore((state) => state.systemTheme);
  const setThemePreference = useAppStore((state) => state.setThemePreference);
  const name = useId();
  return (
    <fieldset className="theme-switch" data-testid="theme-switch" data-theme-now={theme}>
      <legend className="visually-hidden">Theme</legend>
      {OPTIONS.map((option) => (
        <label key={option.value} className="theme-switch__option" data-checked={preference === option.value}>
          <input
            type="radio"
            className="theme-switch__input"
            name={name}
            value={option.value}
            checked={preference === option.value}
            aria-label={option.value === 'system' ? `Auto theme (follows the system: ${systemTheme} now)` : `${option.label} theme`}
            onChange={() => setThemePreference(option.value)}
          />
          <span aria-hidden="true">{option.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

import { createLogger, type Logger } from '../engine/log/logger';
import type { DialogLike } from './electron-api';
import type { SecretVault } from './secret-vault';
import { SettingsBookFile } from './settings-book-file';
import { settingsSecretValues, type DesktopSettings } from './settings-schema';
import { SettingsStore, type SettingsLoad } from './settings-store';
import { assertNever } from '../shared/assert-never';

/**
 * Every secret value the settings held during this run (also those since replaced): the log
 * files redact them. Empty until the settings are loaded.
 */
export class SecretValues {
  private values: readonly string[] = [];

  /** Adds the secrets of `settings`. */
  add(settings: DesktopSettings): void {
    this.values = [...new Set([...this.values, ...settingsSecretValues(settings)])];
  }

  /** The secrets known so far. */
  list(): readonly string[] {
    return this.values;
  }
}

/** What the app's settings are loaded with. */
export interface AppSettingsOptions {
  /** The user data folder. */
  dir: string;
  vault: SecretVault;
  now: () => number;
  secrets: SecretValues;
  logger?: Logger;
}

/**
 * The desktop settings of this run: loaded from settings.json (secrets sealed by the OS
 * keychain), and the file the engine's settings book writes to. What the settings screen saves is
 * written before the engine takes it; saved shortcuts reach {@link AppSettings.onShortcutsChanged}.
 */
export class AppSettings {
  private readonly shortcutListeners = new Set<(next: DesktopSettings['shortcuts']) => void>();
  readonly file: SettingsBookFile;

  private constructor(
    readonly store: SettingsStore,
    readonly loaded: SettingsLoad,
    secrets: SecretValues,
  ) {
    secrets.add(loaded.settings);
    this.file = new SettingsBookFile({
      store,
      settings: loaded.settings,
      onSaved: (next, previous) => {
        secrets.add(next);
        if (next.shortcuts.muteToggle === previous.shortcuts.muteToggle && next.shortcuts.pushToTalk === previous.shortcuts.pushToTalk)
          return;
        for (const listener of this.shortcutListeners) listener(next.shortcuts);
      },
    });
  }

  /** Loads the settings (defaults when there are none or they cannot be used) and logs how that went. */
  static async load(options: AppSettingsOptions): Promise<AppSettings> {
    const store = new SettingsStore({ dir: options.dir, vault: options.vault, now: options.now });
    const loaded = await store.load();
    logSettingsLoad(loaded, options.logger ?? createLogger('app'));
    return new AppSettings(store, loaded, options.secrets);
  }

  /** The settings in the file now. */
  current(): DesktopSettings {
    return this.file.settings;
  }

  /** Calls `listener` when the settings screen saved other shortcut keys; returns the unsubscribe function. */
  onShortcutsChanged(listener: (next: DesktopSettings['shortcuts']) => void): () => void {
    this.shortcutListeners.add(listener);
    return () => this.shortcutListeners.delete(listener);
  }
}

/** Tells the user that unusable settings were set aside, what is wrong with them and what to do; resolves when dismissed. */
export async function showUnusableSettings(dialog: DialogLike, loaded: Extract<SettingsLoad, { status: 'unusable' }>): Promise<void> {
  const where = loaded.damaged ? `It was moved aside, so nothing is lost:\n${loaded.keptAt}` : `It was left as it is:\n${loaded.keptAt}`;
  await dialog.showMessageBox({
    type: 'warning',
    title: 'Steadycast',
    message: 'Steadycast started with its default settings',
    detail: `Your settings cannot be used. ${where}\n\n${loaded.problems.map((p) => `• ${p}`).join('\n')}\n\nFix these fields and restart Steadycast, or import your space settings again (File › Import Space Settings).`,
  });
}

function logSettingsLoad(loaded: SettingsLoad, log: Logger): void {
  switch (loaded.status) {
    case 'new':
      log.info(`no settings at ${loaded.path} yet; starting with the default settings`);
      return;
    case 'loaded':
      log.info(
        `settings loaded from ${loaded.path}${loaded.migratedFrom === null ? '' : ` (migrated from version ${loaded.migratedFrom})`}`,
      );
      return;
    case 'unusable':
      log.warn(`the settings cannot be used (${loaded.keptAt}), starting with the default settings: ${loaded.problems.join('; ')}`);
      return;
    default:
      assertNever(loaded);
  }
}

import type { EngineConfig } from '../engine/config';
import type { SavedSettings, SettingsBookStore, SettingsSnapshot } from '../engine/settings/settings-book';
import type { DesktopSettings } from './settings-schema';
import type { SettingsStore } from './settings-store';

/*
 * The engine's settings book (what the settings screen edits) kept in the desktop settings file:
 * every change is written — secrets sealed by the system keychain, or not written at all — before
 * the book takes it, so saved spaces and audio, recording and shortcut settings survive a restart.
 * The book's first space is the one the app runs (`config.space` in the file). A space imported
 * with File › Import Space Settings replaces it in the file and stays there until the restart that
 * runs it: later saves from the settings screen keep it.
 */

/** What the file keeps is built from. */
export interface SettingsBookFileOptions {
  readonly store: Pick<SettingsStore, 'save'>;
  /** The settings loaded at start. */
  readonly settings: DesktopSettings;
  /** After every write: the settings now in the file, and those before. */
  readonly onSaved?: (next: DesktopSettings, previous: DesktopSettings) => void;
}

/** The settings book's store in the desktop app. */
export class SettingsBookFile implements SettingsBookStore {
  private current: DesktopSettings;
  /** True once a space was imported: the file keeps it rather than the book's running space. */
  private spaceImported = false;

  constructor(private readonly options: SettingsBookFileOptions) {
    this.current = options.settings;
  }

  /** The settings in the file now. */
  get settings(): DesktopSettings {
    return this.current;
  }

  /** What the engine's book starts from (the running space is the engine's config). */
  saved(): SavedSettings {
    const { savedSpaces, audio, recording, shortcuts } = this.current;
    return { spaces: savedSpaces ?? [], general: { shortcuts, ...(audio ? { audio } : {}), ...(recording ? { recording } : {}) } };
  }

  /** Writes the book (throws, writing nothing, when its secrets cannot be sealed or the file must be kept). */
  async save(snapshot: SettingsSnapshot): Promise<void> {
    await this.write({
      config: this.spaceImported ? this.current.config : { ...this.current.config, space: snapshot.running },
      shortcuts: snapshot.general.shortcuts,
      ...(snapshot.others.length > 0 ? { savedSpaces: [...snapshot.others] } : {}),
      audio: snapshot.general.audio,
      recording: snapshot.general.recording,
    });
  }

  /** Writes an imported space as the one the app runs from its next start; everything else is kept. */
  async importSpace(config: EngineConfig): Promise<DesktopSettings> {
    await this.write({ ...this.current, config });
    this.spaceImported = true;
    return this.current;
  }

  private async write(next: DesktopSettings): Promise<void> {
    await this.options.store.save(next);
    const previous = this.current;
    this.current = next;
    this.options.onSaved?.(next, previous);
  }
}

import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { parseEngineConfig } from '../engine/config';
import { createLogger, type Logger } from '../engine/log/logger';
import { asideName, writeFileAtomic } from './atomic-file';
import { loadConfigFile } from './config-file';
import { SecretsUnavailableError, type SecretVault } from './secret-vault';
import {
  defaultSettings,
  hasSecrets,
  migrateToCurrent,
  openSettings,
  sealSettings,
  SETTINGS_SCHEMA_VERSION,
  SettingsError,
  type DesktopSettings,
} from './settings-schema';
import { describeError } from '../shared/describe-error';

/** The settings file in the user data folder. */
export const SETTINGS_FILE = 'settings.json';
/** The hand-written config of earlier versions (settings version 1), migrated into {@link SETTINGS_FILE}. */
export const LEGACY_CONFIG_FILE = 'config.json';

/** What reading the settings came to; the app always gets usable settings. */
export type SettingsLoad =
  /** No settings yet: defaults. */
  | { status: 'new'; path: string; settings: DesktopSettings; notices: string[] }
  | { status: 'loaded'; path: string; settings: DesktopSettings; migratedFrom: number | null; notices: string[] }
  /**
   * The file cannot be used: defaults are loaded and nothing is lost. A damaged file was renamed
   * aside (`keptAt`); a sound one that cannot be used here (newer version, secrets of another
   * keychain) stays where it is and is never overwritten during this run.
   */
  | {
      status: 'unusable';
      path: string;
      settings: DesktopSettings;
      problems: string[];
      keptAt: string;
      damaged: boolean;
      notices: string[];
    };

/** What a store is built from. */
export interface SettingsStoreOptions {
  /** The user data folder. */
  dir: string;
  vault: SecretVault;
  now: () => number;
  logger?: Logger;
}

/**
 * Reads and writes settings.json: schema version and migration (settings-schema.ts), secrets
 * sealed with the OS keychain, atomic writes (mode 0600), a damaged file moved aside with a clear
 * message. Secrets are never written in plain text: without a usable keychain, settings that hold
 * secrets are not saved at all ({@link SecretsUnavailableError}).
 */
export class SettingsStore {
  readonly path: string;
  readonly legacyPath: string;
  private readonly log: Logger;
  /** Why the file on disk must not be replaced during this run, or null. */
  private protectedReason: string | null = null;

  constructor(private readonly options: SettingsStoreOptions) {
    this.path = join(options.dir, SETTINGS_FILE);
    this.legacyPath = join(options.dir, LEGACY_CONFIG_FILE);
    this.log = options.logger ?? createLogger('settings');
  }

  /** Reads the settings (migrating older versions and config.json); never throws. */
  async load(): Promise<SettingsLoad> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return this.loadLegacy();
      return this.unusable([`the file could not be read (${describeError(error)})`], this.path, false);
    }
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      return this.quarantine([`the file is not valid JSON (${describeError(error)})`]);
    }
    let migrated: ReturnType<typeof migrateToCurrent>;
    try {
      migrated = migrateToCurrent(input, this.options.vault);
    } catch (error) {
      if (error instanceof SecretsUnavailableError) return this.usePlainVersion1(input, error);
      if (error instanceof SettingsError)
        return error.damaged ? this.quarantine(error.problems) : this.unusable(error.problems, this.path, false);
      throw error;
    }
    let settings: DesktopSettings;
    try {
      settings = openSettings(migrated.stored, this.options.vault);
    } catch (error) {
      if (error instanceof SettingsError)
        return error.damaged ? this.quarantine(error.problems) : this.unusable(error.problems, this.path, false);
      throw error;
    }
    if (migrated.from === SETTINGS_SCHEMA_VERSION) return { status: 'loaded', path: this.path, settings, migratedFrom: null, notices: [] };
    await this.save(settings);
    if (migrated.from >= 2) {
      // Secrets were sealed already; the new version only adds what the settings screen saves.
      this.log.info(`settings migrated from version ${migrated.from} to version ${SETTINGS_SCHEMA_VERSION}`);
      return { status: 'loaded', path: this.path, settings, migratedFrom: migrated.from, notices: [] };
    }
    this.log.info(`settings migrated from version ${migrated.from} to the current version; secrets are now encrypted`);
    return {
      status: 'loaded',
      path: this.path,
      settings,
      migratedFrom: migrated.from,
      notices: [`Your settings were updated from version ${migrated.from}; their secrets are now encrypted by the system keychain.`],
    };
  }

  /**
   * Writes the settings, secrets sealed. Throws {@link SecretsUnavailableError} (nothing written)
   * when they hold secrets and the keychain cannot seal them, and refuses to replace a file that
   * this run could not use but must keep.
   */
  async save(settings: DesktopSettings): Promise<void> {
    if (this.protectedReason !== null) throw new Error(`Steadycast did not save the settings: ${this.protectedReason}`);
    if (hasSecrets(settings)) {
      const reason = this.options.vault.unavailableReason();
      if (reason !== null) throw new SecretsUnavailableError(reason);
    }
    const stored = sealSettings(settings, this.options.vault);
    await mkdir(this.options.dir, { recursive: true });
    await writeFileAtomic(this.path, `${JSON.stringify(stored, null, 2)}\n`);
  }

  /** No settings.json: migrate a hand-written config.json if there is one. */
  private async loadLegacy(): Promise<SettingsLoad> {
    const legacy = await loadConfigFile(this.legacyPath);
    switch (legacy.status) {
      case 'missing':
        return { status: 'new', path: this.path, settings: defaultSettings(), notices: [] };
      case 'invalid':
        // The user's own file: reported, left exactly where it is.
        return this.unusable(legacy.problems, this.legacyPath, false);
      case 'loaded':
        break;
      default:
        legacy satisfies never;
    }
    const settings: DesktopSettings = { ...defaultSettings(), config: legacy.config };
    const reason = this.options.vault.unavailableReason();
    if (reason !== null && hasSecrets(settings)) {
      this.log.warn(
        `${LEGACY_CONFIG_FILE} holds secrets in plain text and this system cannot encrypt them; it is used as it is and not migrated`,
      );
      return {
        status: 'loaded',
        path: this.legacyPath,
        settings,
        migratedFrom: null,
        notices: [
          `${this.legacyPath} keeps its secrets in plain text: Steadycast uses it as it is and writes no copy of them, because ${reason}`,
        ],
      };
    }
    await this.save(settings);
    const written = await this.readBack();
    if (!isDeepStrictEqual(written, settings)) {
      // The keychain did not give back what it sealed: config.json stays the settings, and no half-migrated copy is left.
      await rm(this.path, { force: true });
      this.log.error(
        `${this.path} did not read back as written (the keychain did not return what it sealed); ${LEGACY_CONFIG_FILE} is kept and used`,
      );
      return { status: 'loaded', path: this.legacyPath, settings, migratedFrom: null, notices: [] };
    }
    await rm(this.legacyPath, { force: true });
    this.log.info(`${LEGACY_CONFIG_FILE} migrated into ${this.path} with its secrets encrypted; the plain-text file was removed`);
    return {
      status: 'loaded',
      path: this.path,
      settings,
      migratedFrom: 1,
      notices: [
        `Your config file ${this.legacyPath} was moved into ${this.path}. Its secrets are now encrypted by the system keychain, and the plain-text file was removed.`,
      ],
    };
  }

  /** A settings.json of version 1 (plain secrets) on a system that cannot seal them: used as it is, not rewritten. */
  private usePlainVersion1(input: unknown, error: SecretsUnavailableError): SettingsLoad {
    const { schemaVersion: _ignored, ...config } = input as Record<string, unknown>;
    // migrateToCurrent validated this config before it tried to seal it.
    const settings = { ...defaultSettings(), config: parseEngineConfig(config, this.path) };
    this.protectedReason = 'it holds secrets in plain text that this system cannot encrypt';
    return {
      status: 'loaded',
      path: this.path,
      settings,
      migratedFrom: null,
      notices: [`${this.path} keeps its secrets in plain text and is used as it is. ${error.message}`],
    };
  }

  private async readBack(): Promise<DesktopSettings | null> {
    try {
      return openSettings(migrateToCurrent(JSON.parse(await readFile(this.path, 'utf8')), this.options.vault).stored, this.options.vault);
    } catch {
      return null;
    }
  }

  /** A damaged settings.json: renamed aside (never deleted), defaults loaded. */
  private async quarantine(problems: string[]): Promise<SettingsLoad> {
    const aside = asideName(this.path, 'corrupt', this.options.now());
    try {
      await rename(this.path, aside);
    } catch (error) {
      return this.unusable([...problems, `it could not be moved aside (${describeError(error)})`], this.path, true);
    }
    this.log.warn(`${this.path} cannot be used and was moved to ${aside}: ${problems.join('; ')}`);
    return { status: 'unusable', path: this.path, settings: defaultSettings(), problems, keptAt: aside, damaged: true, notices: [] };
  }

  private unusable(problems: string[], keptAt: string, damaged: boolean): SettingsLoad {
    // The file is still there: nothing this run saves may replace it.
    if (keptAt === this.path) this.protectedReason = `${this.path} could not be used and is kept as it is (${problems.join('; ')})`;
    this.log.warn(`${keptAt} cannot be used, starting with the default settings: ${problems.join('; ')}`);
    return { status: 'unusable', path: this.path, settings: defaultSettings(), problems, keptAt, damaged, notices: [] };
  }
}

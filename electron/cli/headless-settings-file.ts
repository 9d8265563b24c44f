import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { EngineConfigSchema, type EngineConfig } from '../engine/config';
import type { SavedSettings, SettingsBookStore, SettingsSnapshot } from '../engine/settings/settings-book';
import { GeneralSettingsSchema } from '../shared/settings';
import { describeError } from '../shared/describe-error';

/*
 * What the settings screen saves, kept by the headless engine across restarts: one JSON file,
 * owner-only (0600), written whole and atomically. There is no system keychain here, so the
 * secrets (room secrets, source passwords) are in the file as text: only the account that runs the
 * engine (and root) can read it, like the --config file itself. The file's running space is what
 * the engine runs next time it starts without --config.
 */

/** The file's own schema: the settings book's snapshot, validated with the engine's schemas. */
const SettingsFileSchema = z.strictObject({
  version: z.literal(1),
  running: EngineConfigSchema.shape.space,
  others: z.array(EngineConfigSchema.shape.space).max(100),
  general: GeneralSettingsSchema,
});

/** What a start reads from the file. */
export interface LoadedHeadlessSettings {
  /** The space saved as running, or null when there is no file. */
  readonly running: EngineConfig | null;
  readonly saved: SavedSettings;
}

/** A settings file that cannot be used: its message says where it is and what to do. */
export class HeadlessSettingsError extends Error {}

/** The headless engine's settings file. */
export class HeadlessSettingsFile implements SettingsBookStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Reads the file; a missing file is an empty start. */
  async load(): Promise<LoadedHeadlessSettings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return { running: null, saved: { spaces: [] } };
      throw new HeadlessSettingsError(`Cannot read the settings file ${this.path} (${describeError(error)}).`, { cause: error });
    }
    let parsed;
    try {
      parsed = SettingsFileSchema.safeParse(JSON.parse(text));
    } catch (error) {
      throw new HeadlessSettingsError(
        `The settings file ${this.path} is not valid JSON (${describeError(error)}): move it aside and start again.`,
        { cause: error },
      );
    }
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ');
      throw new HeadlessSettingsError(`The settings file ${this.path} cannot be used (${problems}): move it aside and start again.`);
    }
    return { running: { space: parsed.data.running }, saved: { spaces: parsed.data.others, general: parsed.data.general } };
  }

  /** Writes the whole book (0600, atomically); one write at a time. */
  save(snapshot: SettingsSnapshot): Promise<void> {
    const write = this.queue.then(() => this.write(snapshot));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async write(snapshot: SettingsSnapshot): Promise<void> {
    const text = `${JSON.stringify({ version: 1, running: snapshot.running, others: snapshot.others, general: snapshot.general }, null, 2)}\n`;
    const temporary = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const handle = await open(temporary, 'w', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new Error(`the settings could not be written to ${this.path} (${describeError(error)}); check that folder's permissions`, {
        cause: error,
      });
    }
  }
}

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `path` so that a crash at any moment leaves either the old file or the new one,
 * never half of either: a temporary file beside it (mode 0600), flushed to disk, then renamed over.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A name beside `path` for keeping a damaged copy: `settings.json` → `settings.corrupt-2025-01-01T10-00-00-000Z.json`. */
export function asideName(path: string, label: string, at: number): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  const aside = dot > 0 ? `${name.slice(0, dot)}.${label}-${stamp}${name.slice(dot)}` : `${name}.${label}-${stamp}`;
  return join(dirname(path), aside);
}

import { open, stat } from 'node:fs/promises';
import { describeError } from '../shared/describe-error';

/** Largest config file read: a space config is a few kilobytes; anything near this is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The text of a config file, or why it cannot be read (a phrase to put after the file's name). */
export type ConfigText =
  { ok: true; text: string } | { ok: false; reason: 'missing' | 'not-a-file' | 'too-large' | 'unreadable'; problem: string };

/**
 * Reads a JSON config file as text with its size checked first (a huge file is refused before it
 * is read, never after) and a UTF-8 byte order mark removed (editors on Windows write one). A FIFO
 * or device is refused before it is opened: opening a FIFO blocks until someone writes to it.
 */
export async function readConfigText(path: string): Promise<ConfigText> {
  const info = await stat(path).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (info instanceof Error) {
    if (info.code === 'ENOENT') return { ok: false, reason: 'missing', problem: 'does not exist' };
    return { ok: false, reason: 'unreadable', problem: `cannot be read (${describeError(info)})` };
  }
  if (!info.isFile()) return { ok: false, reason: 'not-a-file', problem: 'is not a regular file (give the path of a .json file)' };
  if (info.size > MAX_CONFIG_BYTES) return { ok: false, reason: 'too-large', problem: tooLarge(info.size) };
  let bytes: Buffer;
  try {
    const file = await open(path, 'r');
    try {
      // Read at most one byte past the limit: a file that grew since stat() is still refused.
      const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length === buffer.length) break;
      }
      bytes = buffer.subarray(0, length);
    } finally {
      await file.close();
    }
  } catch (error) {
    return { ok: false, reason: 'unreadable', problem: `cannot be read (${describeError(error)})` };
  }
  if (bytes.length > MAX_CONFIG_BYTES) return { ok: false, reason: 'too-large', problem: tooLarge(bytes.length) };
  const text = bytes.toString('utf8');
  return { ok: true, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

function tooLarge(size: number): string {
  return `is ${size > 10 * MAX_CONFIG_BYTES ? `${Math.round(size / MAX_CONFIG_BYTES)} MB` : `${size} bytes`}, more than a config can be (limit ${MAX_CONFIG_BYTES / 1024 / 1024} MB)`;
}

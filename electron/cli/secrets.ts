import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { constants } from 'node:fs';

/*
 * Passwords for the command line without putting them on it: any user of the machine can read a
 * process's arguments (`ps`, /proc/PID/cmdline). A password comes from a file only its owner can
 * read, or from an environment variable (readable only by the same user and root); one still
 * written into a URL on the command line works but is warned about once.
 */

/** Longest password file read: a password, not a document. */
const MAX_SECRET_FILE_BYTES = 4096;

/** A password source that cannot be used; the message names the file or variable, never the secret. */
export class SecretSourceError extends Error {}

/**
 * Reads a password from `path`: a regular file, not readable or writable by group or others
 * (mode 0600 or stricter), one line (a trailing newline is dropped).
 */
export function readSecretFile(path: string, option: string): string {
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new SecretSourceError(`${option} ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${String(code)})`}.`);
  }
  // A FIFO or device would block or never end: refuse it before opening.
  if (!info.isFile()) throw new SecretSourceError(`${option} ${path} is not a regular file; put the password alone in a file.`);
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    throw new SecretSourceError(
      `${option} ${path} can be read by other users (mode ${(info.mode & 0o777).toString(8).padStart(3, '0')}); run: chmod 600 ${path}`,
    );
  }
  let text: string;
  let fd: number | null = null;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    if (!fstatSync(fd).isFile()) throw new SecretSourceError(`${option} ${path} is not a regular file; put the password alone in a file.`);
    const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > MAX_SECRET_FILE_BYTES)
      throw new SecretSourceError(`${option} ${path} is longer than a password (over ${MAX_SECRET_FILE_BYTES} bytes).`);
    text = buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof SecretSourceError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new SecretSourceError(
      `${option} ${path} cannot be read (${code === 'ELOOP' ? 'it is a symbolic link; give the file itself' : String(code)}).`,
    );
  } finally {
    if (fd !== null) closeSync(fd);
  }
  const password = text.replace(/\r?\n$/u, '');
  if (password === '') throw new SecretSourceError(`${option} ${path} is empty; write the password into it.`);
  if (/[\r\n]/u.test(password)) throw new SecretSourceError(`${option} ${path} has more than one line; keep only the password in it.`);
  return password;
}

/** The password in environment variable `name`, or null when it is unset or empty. */
export function readSecretEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env[name];
  return value === undefined || value === '' ? null : value;
}

/** `url` with `password` (and user `source` when it names none) as its credentials, escaped as a URL needs. */
export function withPassword(url: string, password: string, defaultUser = 'source'): string {
  const parsed = new URL(url);
  if (!parsed.username) parsed.username = defaultUser;
  // The setter escapes some characters but leaves %, so escape everything ourselves.
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Whether a URL text carries a password in its user:password@ part. */
export function hasPasswordInUrl(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

/** The warning for a password given on the command line; never quotes the password. */
export function argvPasswordWarning(option: string, fileOption: string, envName: string): string {
  return `warning: the password in ${option} is visible to every user of this machine (ps); put it in a file (${fileOption} FILE, mode 0600) or in ${envName} instead.`;
}

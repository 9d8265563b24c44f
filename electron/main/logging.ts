import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger as ElectronLogger, LogFile, LogLevel as ElectronLogLevel } from 'electron-log';
import type { LogRecord, LogSink } from '../engine/log/logger';
import { redactText } from '../engine/redact';
import type { ConsoleMessageLike } from './electron-api';

/*
 * Log files in the user data folder, written by electron-log: main.log (the engine's scoped
 * loggers and main's own, through a sink) and renderer.log (the page's console, which main
 * receives). Every line goes through one redaction hook first (engine/redact.ts), so no secret
 * reaches a file whatever a message quotes. Each file rotates at `maxBytes` into numbered
 * archives (main.1.log is the newest), `keep` of them.
 */

/** Where and how the log files are written. */
export interface LogFilesOptions {
  dir: string;
  /** A new electron-log logger (`log.create({ logId })` of electron-log/node in the app). */
  create: (logId: string) => ElectronLogger;
  /** The configured secrets, redacted wherever they appear. */
  secrets: () => readonly string[];
  maxBytes?: number;
  keep?: number;
}

/** The app's log files. */
export interface LogFiles {
  readonly dir: string;
  /** The engine's and main's log records, for `addLogSink`. */
  readonly mainSink: LogSink;
  /** A console message of the page. */
  rendererConsole(details: ConsoleMessageLike): void;
  /** Every log file and archive written so far. */
  files(): string[];
}

const LEVELS: Record<LogRecord['level'], ElectronLogLevel> = { debug: 'debug', info: 'info', warn: 'warn', error: 'error' };
const CONSOLE_LEVELS: Record<ConsoleMessageLike['level'], ElectronLogLevel> = {
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
};

/** Sets up main.log and renderer.log. */
export function createLogFiles(options: LogFilesOptions): LogFiles {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keep = options.keep ?? 3;
  const names = ['main', 'renderer'] as const;
  const loggers = Object.fromEntries(
    names.map((name) => [name, configure(options.create(`steadycast-${name}`), join(options.dir, `${name}.log`))]),
  ) as Record<(typeof names)[number], ElectronLogger>;

  function configure(logger: ElectronLogger, path: string): ElectronLogger {
    const { file, console: consoleTransport } = logger.transports as Record<string, { level: unknown } | null | undefined>;
    for (const [name, transport] of Object.entries(logger.transports)) if (name !== 'file' && transport) transport.level = false;
    if (consoleTransport) consoleTransport.level = false;
    if (!file) throw new Error('electron-log has no file transport');
    Object.assign(file, {
      level: 'debug',
      maxSize: maxBytes,
      format: '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}',
      writeOptions: { flag: 'a', mode: 0o600, encoding: 'utf8' },
      resolvePathFn: () => path,
      archiveLogFn: (old: LogFile) => rotate(old.path, keep),
    });
    logger.hooks.push((message) => ({
      ...message,
      data: message.data.map((item: unknown) => redactText(typeof item === 'string' ? item : String(item), options.secrets())),
    }));
    return logger;
  }

  return {
    dir: options.dir,
    mainSink: (record) => loggers.main[LEVELS[record.level]](`[${record.scope}] ${record.message}`),
    rendererConsole: (details) =>
      loggers.renderer[CONSOLE_LEVELS[details.level]](`${details.message} (${shortSource(details.sourceId)}:${details.lineNumber})`),
    files: () =>
      names
        .flatMap((name) => [
          join(options.dir, `${name}.log`),
          ...Array.from({ length: keep }, (_, index) => join(options.dir, `${name}.${index + 1}.log`)),
        ])
        .filter((path) => existsSync(path)),
  };
}

/** main.log → main.1.log, main.1.log → main.2.log …, the oldest beyond `keep` removed. */
function rotate(path: string, keep: number): void {
  const numbered = (index: number): string => path.replace(/\.log$/, `.${index}.log`);
  rmSync(numbered(keep), { force: true });
  for (let index = keep - 1; index >= 1; index -= 1) if (existsSync(numbered(index))) renameSync(numbered(index), numbered(index + 1));
  renameSync(path, numbered(1));
}

/** The page's file name, not its whole file:// path (which names the user's home folder). */
function shortSource(sourceId: string): string {
  return sourceId.split(/[\\/]/).at(-1) || 'page';
}

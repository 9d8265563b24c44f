import { describeError } from '../../shared/describe-error';

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One structured log line. */
export interface LogRecord {
  at: number;
  level: LogLevel;
  scope: string;
  message: string;
}

/** Where log records go: a file, stderr, the UI. */
export type LogSink = (record: LogRecord) => void;

/** A logger bound to one scope, e.g. `createLogger('icecast')`. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, cause?: unknown): void;
  child(scope: string): Logger;
}

const sinks = new Set<LogSink>();

/** Adds a sink for every logger; returns the function that removes it. */
export function addLogSink(sink: LogSink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

/** Creates a scoped logger; `now` is injectable for tests. */
export function createLogger(scope: string, now: () => number = Date.now): Logger {
  const emit = (level: LogLevel, message: string): void => {
    const record: LogRecord = { at: now(), level, scope, message };
    for (const sink of sinks) sink(record);
  };
  return {
    debug: (message) => emit('debug', message),
    info: (message) => emit('info', message),
    warn: (message) => emit('warn', message),
    error: (message, cause) => emit('error', cause === undefined ? message : `${message}: ${describeError(cause)}`),
    child: (child) => createLogger(`${scope}/${child}`, now),
  };
}

/** Formats a record as one line for a terminal or a log file. */
export function formatLogRecord(record: LogRecord): string {
  return `${new Date(record.at).toISOString()} ${record.level.toUpperCase().padEnd(5)} [${record.scope}] ${record.message}`;
}

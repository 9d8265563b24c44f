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

/**
 * Describes any thrown value the same way everywhere: one line, no stack. Follows `cause` (fetch
 * wraps the socket error there) and reads `message`/`error` from event-like objects (WebSocket
 * error events), which JSON would print as `{}`.
 */
export function describeError(error: unknown, depth = 0): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const own = typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
    const cause = (error as { cause?: unknown }).cause;
    return cause !== undefined && depth < 3 ? `${own}: ${describeError(cause, depth + 1)}` : own;
  }
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null) {
    const { message, error: inner } = error as { message?: unknown; error?: unknown };
    if (inner instanceof Error && depth < 3) return describeError(inner, depth + 1);
    if (typeof message === 'string' && message.length > 0) return message;
  }
  try {
    const json = JSON.stringify(error);
    return json === undefined || json === '{}' ? String(error) : json;
  } catch {
    return String(error);
  }
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

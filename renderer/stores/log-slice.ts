import type { EventPayload } from '../../electron/shared/contract';
import type { AppSlice } from './store-types';

/** How many engine log lines the window keeps. */
export const LOG_LIMIT = 200;

/** One engine log line with a stable id for rendering. */
export type LogLine = EventPayload<'log:entry'> & { id: number };

/** The latest engine log lines, oldest first, never more than {@link LOG_LIMIT}. */
export interface LogSlice {
  log: LogLine[];
  /** What the log view is filtered by (empty: every line). */
  logQuery: string;
  setLogQuery: (query: string) => void;
  /** Takes a `log:entry` event, dropping the oldest line beyond the limit. */
  appendLog: (entry: EventPayload<'log:entry'>) => void;
  /** Merges the engine's recent lines (from `log:get-recent`) with what arrived as events, without repeats. */
  mergeRecentLog: (entries: EventPayload<'log:entry'>[]) => void;
}

/**
 * The lines matching `query`: every word of it (case-insensitive) appears in the line's level, scope
 * or message. An empty query keeps every line (and the same array).
 */
export function filterLog(lines: readonly LogLine[], query: string): readonly LogLine[] {
  const words = query.toLowerCase().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return lines;
  return lines.filter((line) => {
    const text = `${line.level} ${line.scope} ${line.message}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

const lineKey = (entry: EventPayload<'log:entry'>): string => `${entry.at}|${entry.level}|${entry.scope}|${entry.message}`;

/** Creates the log slice. */
export const createLogSlice: AppSlice<LogSlice> = (set) => {
  let nextId = 1;
  return {
    log: [],
    logQuery: '',
    setLogQuery(query) {
      set({ logQuery: query.slice(0, 200) });
    },
    appendLog(entry) {
      const line: LogLine = { ...entry, id: nextId++ };
      set((current) => {
        const kept = current.log.length >= LOG_LIMIT ? current.log.slice(current.log.length - LOG_LIMIT + 1) : current.log;
        return { log: [...kept, line] };
      });
    },
    mergeRecentLog(entries) {
      set((current) => {
        const known = new Set(current.log.map(lineKey));
        const missing = entries.filter((entry) => !known.has(lineKey(entry))).map((entry): LogLine => ({ ...entry, id: nextId++ }));
        if (missing.length === 0) return current;
        // Stable sort by time: lines with equal times keep the engine's order.
        const merged = [...missing, ...current.log].sort((a, b) => a.at - b.at);
        return { log: merged.slice(Math.max(0, merged.length - LOG_LIMIT)) };
      });
    },
  };
};

import { z } from 'zod';

/*
 * Listener counts as the UI sees them: read from the Icecast servers of the space, summed over
 * fresh outlets only (a stale outlet is shown as stale, never guessed), with every URL redacted.
 */

/** Most outlets one reading carries (a space has two; the CLI may watch a relay tree). */
export const MAX_LISTENER_OUTLETS = 64;
/** Most points `listeners:get-history` returns. */
export const MAX_HISTORY_POINTS = 2000;

/** How an outlet's count was read: client list (relays excluded), admin statistics, or public status-json. */
export const ListenerMethodSchema = z.enum(['client-list', 'admin-stats', 'public-status']);
export type ListenerMethod = z.infer<typeof ListenerMethodSchema>;

/** One outlet (an Icecast mount) in a reading. */
export const OutletReadingSchema = z.strictObject({
  id: z.string().max(64),
  label: z.string().max(200),
  /** Mount URL without credentials. */
  url: z.string().max(2048),
  /** Listeners of the last successful read (relays excluded when known); null before the first one. */
  listeners: z.number().int().nonnegative().nullable(),
  /** Relay servers pulling this mount that were not counted; null when the method cannot see them. */
  relaysExcluded: z.number().int().nonnegative().nullable(),
  /** Whether the mount had a live source at the last read (false: listeners may be on its fallback). */
  sourceLive: z.boolean().nullable(),
  method: ListenerMethodSchema.nullable(),
  /** True when not read successfully within the freshness window (3 s by default). */
  stale: z.boolean(),
  /** Why the outlet is stale (timeout, credentials, server down …); null while fresh. */
  staleReason: z.string().max(500).nullable(),
  /** Something degraded but still counted, e.g. credentials refused so public statistics are used. */
  notice: z.string().max(500).nullable(),
  /** Milliseconds since the last successful read; null before the first one. */
  ageMs: z.number().nonnegative().nullable(),
});
export type OutletReading = z.infer<typeof OutletReadingSchema>;

/** The listener count of the space at one moment. */
export const ListenerReadingSchema = z.strictObject({
  /** Engine time of this reading. */
  at: z.number(),
  /** Sum over fresh outlets, each mount counted once. */
  total: z.number().int().nonnegative(),
  /** How many outlets the total covers (fresh ones) out of all configured. */
  coveredOutlets: z.number().int().nonnegative(),
  totalOutlets: z.number().int().nonnegative(),
  /** Highest total so far (a lower bound while coverage was partial), and when. */
  peak: z.number().int().nonnegative(),
  peakAt: z.number().nullable(),
  /** Distinct address + user agent pairs over fresh outlets with a client list; null when none has one. */
  uniqueEstimate: z.number().int().nonnegative().nullable(),
  /** How many outlets the unique estimate covers. */
  uniqueCoveredOutlets: z.number().int().nonnegative(),
  outlets: z.array(OutletReadingSchema).max(MAX_LISTENER_OUTLETS),
});
export type ListenerReading = z.infer<typeof ListenerReadingSchema>;

/** The total at a fixed step: `values[i]` is the highest total in `[startAt + i·stepMs, +stepMs)`, null where nothing was read. */
export const ListenerHistorySchema = z.strictObject({
  startAt: z.number(),
  stepMs: z.number().int().positive(),
  values: z.array(z.number().int().nonnegative().nullable()).max(MAX_HISTORY_POINTS),
});
export type ListenerHistory = z.infer<typeof ListenerHistorySchema>;

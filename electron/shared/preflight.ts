import { z } from 'zod';
import { EndpointNameSchema, ServerKindSchema } from './state';

/*
 * Preflight before going live: the engine's part is the network — is each server of both
 * endpoints reachable, and how long does it take to answer. The renderer adds the lines only the
 * window can check (microphone, headphones).
 */

/** A preflight verdict: fine, worth a look, or a reason not to go live. */
export const PreflightVerdictSchema = z.enum(['pass', 'warn', 'fail']);
export type PreflightVerdict = z.infer<typeof PreflightVerdictSchema>;

/** One server's preflight line: reachability and round trip over a few probes. */
export const PreflightServerLineSchema = z.strictObject({
  endpoint: EndpointNameSchema,
  kind: ServerKindSchema,
  /** Redacted URL of the server. */
  url: z.string().max(2048),
  verdict: PreflightVerdictSchema,
  /** How many of the probes were answered. */
  answered: z.number().int().nonnegative(),
  probes: z.number().int().positive(),
  /** Median round trip of the answered probes, ms; null when none answered. */
  roundTripMs: z.number().nonnegative().nullable(),
  /** What the server said about itself, when it answered. */
  serverVersion: z.string().max(200).nullable(),
  /** Plain language, with what to do when it is not a pass. */
  detail: z.string().max(500),
});
export type PreflightServerLine = z.infer<typeof PreflightServerLineSchema>;

/** The engine's preflight answer. */
export const NetworkPreflightSchema = z.strictObject({
  checkedAt: z.number(),
  lines: z.array(PreflightServerLineSchema).max(8),
});
export type NetworkPreflight = z.infer<typeof NetworkPreflightSchema>;

/** How many probes per server, by default and at most. */
export const PREFLIGHT_PROBES = { default: 3, max: 10 } as const;

/**
 * A check slower than this is a warning: the conversation will feel late. A check is a connection
 * plus one request (Janus: WebSocket + info; Icecast: HTTP status), so two or three round trips.
 */
export const PREFLIGHT_SLOW_MS = 400;

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

/*
 * The uplink line: can this computer's upload carry the program to every Icecast output at once
 * (primary and backup) plus the host's own conversation audio? The engine measures the upload to
 * the primary Icecast with a short source connection to a throwaway mount.
 */

/** What the host's WebRTC uplink to Janus (Opus voice, RTP/UDP/IP overhead) takes beside the program, kbit/s. */
export const CONVERSATION_UPLINK_KBIT = 64;

/** An estimate at least this many times the need passes; from 1× it is a warning; below it fails. */
export const UPLINK_PASS_FACTOR = 2;

/** Asks the engine to measure the upload; `bitrateKbps` replaces the saved program bitrate (Settings › Audio) for the verdict. */
export const UplinkPreflightRequestSchema = z.strictObject({
  bitrateKbps: z.number().int().min(16).max(256).optional(),
});
export type UplinkPreflightRequest = z.infer<typeof UplinkPreflightRequestSchema>;

/** The engine's uplink answer. */
export const UplinkPreflightSchema = z.strictObject({
  checkedAt: z.number(),
  verdict: PreflightVerdictSchema,
  /** Measured upload to the Icecast server, kbit/s; null when it could not be measured. */
  kbitPerSecond: z.number().nonnegative().nullable(),
  /** The check stopped at its byte cap before its time was up: the upload is at least this fast. */
  atLeast: z.boolean(),
  /** Program bitrate × Icecast outputs + the conversation's allowance, kbit/s. */
  neededKbit: z.number().positive(),
  /** The program bitrate judged against, kbit/s. */
  bitrateKbps: z.number().int().positive(),
  /** How many Icecast servers the program goes to at once. */
  outputs: z.number().int().min(1).max(2),
  /** The server measured against, `host:port` (no credentials). */
  server: z.string().max(300),
  /** Plain language, with what to do when it is not a pass. */
  detail: z.string().max(500),
});
export type UplinkPreflight = z.infer<typeof UplinkPreflightSchema>;

/** The upload a show needs, kbit/s: the program to each Icecast output plus the conversation (pure). */
export function neededUplinkKbit(bitrateKbps: number, outputs: number): number {
  return bitrateKbps * outputs + CONVERSATION_UPLINK_KBIT;
}

/** Pass at twice the need or more, warn from the need itself, fail below it (pure). */
export function uplinkVerdict(kbitPerSecond: number, neededKbit: number): PreflightVerdict {
  if (kbitPerSecond >= UPLINK_PASS_FACTOR * neededKbit) return 'pass';
  if (kbitPerSecond >= neededKbit) return 'warn';
  return 'fail';
}

/** A rate for people: "850 kbit/s", "2.4 Mbit/s", "50 Mbit/s"; a lower bound reads "≥ 50 Mbit/s" and is rounded down (pure). */
export function formatUplinkRate(kbitPerSecond: number, atLeast = false): string {
  const round = atLeast ? Math.floor : Math.round;
  const prefix = atLeast ? '≥ ' : '';
  if (round(kbitPerSecond) < 1000) return `${prefix}${round(kbitPerSecond)} kbit/s`;
  const mbit = kbitPerSecond / 1000;
  if (round(mbit * 10) < 100) return `${prefix}${(round(mbit * 10) / 10).toFixed(1)} Mbit/s`;
  return `${prefix}${round(mbit)} Mbit/s`;
}

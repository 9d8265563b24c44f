import { z } from 'zod';
import { LoudnessMetersSchema } from './loudness';

/*
 * The program path as a UI sees it: each Icecast output's state machine, the encoder's bitrate,
 * meters and the safety recording. Mirrors electron/engine's broadcast types; URLs are redacted.
 */

/** Why an output failed, so the UI can say what to do. */
export const OutputErrorClassSchema = z.enum([
  'auth',
  'rejected',
  'mount-in-use',
  'refused',
  'server',
  'network',
  'timeout',
  'stalled',
  'behind',
  'protocol',
]);
export type OutputErrorClass = z.infer<typeof OutputErrorClassSchema>;

/** One output's state: `connecting → live → retrying → live … → stopped`. */
export const OutputStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('connecting'), attempt: z.number().int().positive(), since: z.number() }),
  z.object({
    status: z.literal('live'),
    since: z.number(),
    bytesSent: z.number().nonnegative(),
    /** Audio accepted by the output but not yet written to the network. */
    backlogMs: z.number().nonnegative(),
  }),
  z.object({
    status: z.literal('retrying'),
    attempt: z.number().int().nonnegative(),
    since: z.number(),
    /** When the next attempt starts (engine clock, ms since epoch). */
    nextAttemptAt: z.number(),
    errorClass: OutputErrorClassSchema,
    error: z.string().max(500),
  }),
  z.object({
    status: z.literal('stopped'),
    since: z.number(),
    /** `requested`: a clean stop; otherwise the failure that ended it, with what to do. */
    reason: z.enum(['requested', 'auth', 'fatal']),
    message: z.string().max(500),
  }),
]);
export type OutputState = z.infer<typeof OutputStateSchema>;

/** One Icecast output of the program. */
export const OutputStatusSchema = z.object({
  id: z.string().max(64),
  label: z.string().max(100),
  /** Mount URL without credentials. */
  url: z.string().max(2048),
  state: OutputStateSchema,
});
export type OutputStatus = z.infer<typeof OutputStatusSchema>;

/** Levels of the latest program audio. */
export const MetersSchema = z.object({
  peakDbfs: z.number(),
  rmsDbfs: z.number(),
  /** Samples at or beyond full scale since the show started. */
  clippedSamples: z.number().int().nonnegative(),
  silent: z.boolean(),
  /** Program loudness after the chain (absent from engines without a loudness meter). */
  loudness: LoudnessMetersSchema.optional(),
});
export type Meters = z.infer<typeof MetersSchema>;

/** The safety recording: every frame, no gaps. */
export const RecordingStatusSchema = z.object({
  path: z.string().max(4096),
  bytes: z.number().nonnegative(),
  durationMs: z.number().nonnegative(),
  files: z.number().int().positive(),
});
export type RecordingStatus = z.infer<typeof RecordingStatusSchema>;

/** The program as a whole; `null` in the engine state while nothing is on air. */
export const BroadcastStatusSchema = z.object({
  status: z.enum(['live', 'stopping']),
  startedAt: z.number(),
  source: z.string().max(300),
  channels: z.union([z.literal(1), z.literal(2)]),
  bitrateKbps: z.number().positive(),
  configuredBitrateKbps: z.number().positive(),
  outputs: z.array(OutputStatusSchema).max(16),
  recording: RecordingStatusSchema.nullable(),
  /** The program's loudness so far: the show's summary when it ends. */
  loudness: LoudnessMetersSchema.optional(),
});
export type BroadcastStatus = z.infer<typeof BroadcastStatusSchema>;

import { z } from 'zod';
import { RoleSchema } from './conversation';
import { EndpointNameSchema } from './endpoint';

/*
 * Failover as a UI sees it: the health of both endpoints of the space, which one the conversation
 * is on, the controller's phase (with the countdown before an automatic move) and a history of
 * what happened when. Also the "moving" announcement the space channel carries between apps.
 */

/** Health of one part or of a whole endpoint; `unknown` until something was observed. */
export const HealthStatusSchema = z.enum(['healthy', 'degraded', 'down', 'unknown']);
export type HealthStatus = z.infer<typeof HealthStatusSchema>;

/** One observed part of an endpoint (Janus session, WebRTC media, Icecast output, listener statistics). */
export const PartHealthSchema = z.strictObject({
  status: HealthStatusSchema,
  /** Plain language; null while healthy or unknown. */
  reason: z.string().max(500).nullable(),
});
export type PartHealth = z.infer<typeof PartHealthSchema>;

/** The health of one endpoint. */
export const EndpointHealthSchema = z.strictObject({
  endpoint: EndpointNameSchema,
  /** Worst of the parts observed. */
  status: HealthStatusSchema,
  /** The reason of the worst part. */
  reason: z.string().max(500).nullable(),
  /** Janus + media only: what decides a move of the conversation (the program is on both mounts anyway). */
  conversation: HealthStatusSchema,
  parts: z.strictObject({
    janus: PartHealthSchema,
    media: PartHealthSchema,
    icecast: PartHealthSchema,
    stats: PartHealthSchema,
  }),
});
export type EndpointHealth = z.infer<typeof EndpointHealthSchema>;

/** What started a move: the rule in this app, a host or producer's button, or another app's announcement. */
export const MoveTriggerSchema = z.enum(['automatic', 'manual', 'announced']);
export type MoveTrigger = z.infer<typeof MoveTriggerSchema>;

/**
 * The failover controller, a state machine (see electron/engine/failover/failover-controller.ts):
 *
 *   idle ──joined──► onPrimary ──primary down──► degraded ──down ≥ threshold──► failingOver ──joined backup──► onBackup
 *                       ▲            ◄──recovered──┘                              ▲   │ (retry)                   │
 *                       └──────────── joined primary ◄── returning ◄── return (manual, or automatic after hysteresis)
 */
export const FailoverPhaseSchema = z.discriminatedUnion('phase', [
  /** Not in a conversation: nothing to move. */
  z.strictObject({ phase: z.literal('idle') }),
  z.strictObject({ phase: z.literal('onPrimary'), since: z.number() }),
  z.strictObject({
    phase: z.literal('degraded'),
    since: z.number(),
    /** Since when the primary conversation has been down without a break; null while it is up again (clearing). */
    downSince: z.number().nullable(),
    /** When the automatic move happens if nothing changes; null while not counting down (or no backup). */
    moveAt: z.number().nullable(),
    reason: z.string().max(500),
  }),
  z.strictObject({
    phase: z.literal('failingOver'),
    since: z.number(),
    attempt: z.number().int().positive(),
    trigger: MoveTriggerSchema,
    reason: z.string().max(500),
    /** Why the last attempt failed, while retrying. */
    lastError: z.string().max(500).nullable(),
  }),
  z.strictObject({
    phase: z.literal('onBackup'),
    since: z.number(),
    trigger: MoveTriggerSchema,
    reason: z.string().max(500),
    /** Earliest automatic return (null: automatic return is off, or the primary is not healthy yet). */
    returnAt: z.number().nullable(),
  }),
  z.strictObject({
    phase: z.literal('returning'),
    since: z.number(),
    attempt: z.number().int().positive(),
    trigger: MoveTriggerSchema,
    reason: z.string().max(500),
  }),
]);
export type FailoverPhase = z.infer<typeof FailoverPhaseSchema>;
export type FailoverPhaseName = FailoverPhase['phase'];

/** One transition, for the log the banner shows. */
export const FailoverHistoryEntrySchema = z.strictObject({
  at: z.number(),
  from: z.string().max(32),
  to: z.string().max(32),
  message: z.string().max(500),
});
export type FailoverHistoryEntry = z.infer<typeof FailoverHistoryEntrySchema>;

/** Most history entries a state carries (newest last). */
export const MAX_FAILOVER_HISTORY = 50;

const DAY_MS = 24 * 3_600_000;

/**
 * The rule every participant's app applies: the host's space configuration sets it and every
 * invite carries it, so all apps move at the same moment.
 */
export const FailoverSettingsSchema = z.strictObject({
  /** The primary conversation must be down this long without a break before the move (default 3 s). */
  thresholdMs: z.number().int().min(500, 'at least 500 ms: shorter would move the show on a blip').max(120_000, 'at most 2 minutes'),
  /**
   * Shorter confirmation for the one unambiguous outage: the primary Janus refused every reconnection
   * (nothing listens: the process is not running) for this long (default 1.5 s).
   */
  goneThresholdMs: z.number().int().min(250, 'at least 250 ms').max(120_000, 'at most 2 minutes'),
  /** Return to the primary by itself (default off: the host decides). */
  autoReturn: z.boolean(),
  /** Least time on the backup before an automatic return. */
  minBackupMs: z.number().int().nonnegative().max(DAY_MS, 'at most a day'),
  /** The primary must be healthy this long without a break before an automatic return. */
  returnHealthyMs: z.number().int().nonnegative().max(DAY_MS, 'at most a day'),
});
export type FailoverSettings = z.infer<typeof FailoverSettingsSchema>;

/** The rule as a space file sets it: any of the fields; the others keep their defaults. */
export const FailoverRuleConfigSchema = FailoverSettingsSchema.partial();
export type FailoverRuleConfig = z.infer<typeof FailoverRuleConfigSchema>;

/** The failover part of the engine state. */
export const FailoverStateSchema = z.strictObject({
  phase: FailoverPhaseSchema,
  /** The endpoint whose room the conversation is in (or moving to); null when not in one. */
  onAir: EndpointNameSchema.nullable(),
  /** False when the space has no backup room (nothing to move to). */
  hasBackup: z.boolean(),
  health: z.array(EndpointHealthSchema).max(2),
  settings: FailoverSettingsSchema,
  /** Whether this app may move the room by hand (host and producer). */
  canSwitch: z.boolean(),
  history: z.array(FailoverHistoryEntrySchema).max(MAX_FAILOVER_HISTORY),
});
export type FailoverState = z.infer<typeof FailoverStateSchema>;

/**
 * "Moving to backup" / "returning to primary": announced by the app of a host or producer that
 * moves, carried by the space channel to every other app, which follows (stragglers included).
 */
export const FailoverMoveSchema = z.strictObject({
  /** Unique per move, so a message received twice is applied once. */
  id: z.string().min(1).max(64),
  to: EndpointNameSchema,
  trigger: MoveTriggerSchema,
  reason: z.string().max(500),
  /** The announcer's engine time. */
  at: z.number(),
  /** Who moved: only a host's or a producer's announcement is followed. */
  by: z.strictObject({ role: RoleSchema, name: z.string().max(200) }),
});
export type FailoverMove = z.infer<typeof FailoverMoveSchema>;

/** The space's listen link: playlists (primary first, then backup) and the listen page's configuration (JSON), as text. */
export const ListenLinkSchema = z.strictObject({
  m3u: z.string().max(64 * 1024),
  pls: z.string().max(64 * 1024),
  config: z.string().max(64 * 1024),
});
export type ListenLink = z.infer<typeof ListenLinkSchema>;

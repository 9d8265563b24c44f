import { z } from 'zod';
import { FailoverMoveSchema } from './failover';
import { RoleSchema } from './conversation';
import { MicReportSchema } from './mic-report';

/*
 * The space channel: messages among the participants' apps, carried by the space's own Janus
 * (a TextRoom beside the AudioBridge room, same id, same allowed tokens, same secret). Janus
 * stamps every message with the sender's TextRoom username, which each app sets to its own
 * AudioBridge feed id, so a message is tied to a participant of the room.
 *
 * Two kinds travel:
 * - participant messages (TextRoom `message`: anyone who joined with an invite token may send);
 * - moderator announcements (TextRoom `announcement`: Janus accepts them only with the room
 *   secret, which only the host and producers hold). An app believes a lock, an approval or a
 *   move only when it arrives as an announcement, so a co-host's app cannot forge one.
 */

/** Protocol version carried in every message; an app ignores versions it does not know. */
export const SPACE_CHANNEL_VERSION = 1;

/** Largest text of one channel message, bytes (TextRoom relays it as one SCTP message). */
export const MAX_CHANNEL_TEXT = 16 * 1024;

/** What a participant's app says on the channel. */
export const ParticipantMessageSchema = z.discriminatedUnion('type', [
  /** The sender's microphone report, several times a second while it has a microphone. */
  z.strictObject({ v: z.literal(SPACE_CHANNEL_VERSION), type: z.literal('mic'), report: MicReportSchema }),
  /** A participant muted by a moderator asks to speak (or withdraws the request). */
  z.strictObject({ v: z.literal(SPACE_CHANNEL_VERSION), type: z.literal('speak-request'), active: z.boolean() }),
  /** A moderator's app asks the others to announce their moderation state (sent when it joins). */
  z.strictObject({ v: z.literal(SPACE_CHANNEL_VERSION), type: z.literal('sync-request') }),
  /**
   * An invitee proves its invite to the host's engine: `proof` is an HMAC with the invite's key over
   * `hello:<sender feed>:<inviteId>` (see rosterHelloText), so it is good for this feed only.
   */
  z.strictObject({
    v: z.literal(SPACE_CHANNEL_VERSION),
    type: z.literal('hello'),
    inviteId: z.string().min(1).max(64),
    proof: z.string().min(1).max(100),
  }),
  /**
   * A producer's engine asks the host's engine (the only holder of the room secret) to moderate;
   * `proof` is an HMAC with the producer's invite key over moderateText(). The host's engine checks
   * it against its book and answers with a signed `moderated` announcement.
   */
  z.strictObject({
    v: z.literal(SPACE_CHANNEL_VERSION),
    type: z.literal('moderate'),
    id: z.string().min(1).max(40),
    at: z.number(),
    action: z.enum(['mute', 'unmute', 'remove', 'mute-all', 'lift-mute-all', 'answer']),
    feed: z.string().max(64).nullable(),
    reason: z.string().max(300).nullable(),
    approve: z.boolean().nullable(),
    proof: z.string().min(1).max(100),
  }),
]);
export type ParticipantMessage = z.infer<typeof ParticipantMessageSchema>;

/** One participant a moderator has muted and locked, keyed so it survives a move to the backup room. */
export const MuteLockSchema = z.strictObject({
  /** Stable identity of the participant (invite id and name), not the feed id, which changes between rooms. */
  key: z.string().min(1).max(300),
  /** Feed id in the room where the lock was set (for display; the key decides). */
  feed: z.string().max(64),
  display: z.string().max(200),
  /** Who locked it: the moderator's name and role. */
  by: z.string().max(200),
  reason: z.string().max(300),
  at: z.number(),
});
export type MuteLock = z.infer<typeof MuteLockSchema>;

/** What a moderator's engine announces (needs the room secret). */
export const ModeratorAnnouncementSchema = z.discriminatedUnion('type', [
  /**
   * The whole set of mute locks. Announced after every change and when a moderator joins; the
   * newest `revision` wins (revision = sender clock, so concurrent moderators converge on the latest).
   */
  z.strictObject({
    v: z.literal(SPACE_CHANNEL_VERSION),
    type: z.literal('locks'),
    revision: z.number(),
    by: z.string().max(200),
    locks: z.array(MuteLockSchema).max(200),
    /** "Mute all but hosts" is in force: whoever joins is locked too, until a moderator lifts it. */
    muteAll: z.boolean().optional(),
    /** Keys a moderator unmuted while mute-all is in force (approved to speak): not locked again. */
    exempt: z.array(z.string().min(1).max(300)).max(200).optional(),
  }),
  /** A moderator answered a request to speak. */
  z.strictObject({
    v: z.literal(SPACE_CHANNEL_VERSION),
    type: z.literal('speak-answer'),
    key: z.string().min(1).max(300),
    approved: z.boolean(),
    by: z.string().max(200),
  }),
  /** The conversation moves to another endpoint's room (failover); stragglers follow. */
  z.strictObject({ v: z.literal(SPACE_CHANNEL_VERSION), type: z.literal('moving'), move: FailoverMoveSchema }),
  /**
   * The host's show: on air since when, or off air. Announced by the host's engine when it starts
   * or ends the program, when someone joins, and again every few seconds while on air, so an app
   * that stops hearing it can say it no longer knows. The newest `revision` wins.
   */
  z.strictObject({
    v: z.literal(SPACE_CHANNEL_VERSION),
    type: z.literal('show'),
    revision: z.number(),
    onAir: z.boolean(),
    /** Host's clock, ms since the epoch; null when off air. */
    since: z.number().nullable(),
    by: z.string().max(200),
  }),
  /**
   * Who is who, as the host's engine verified it (invite proofs): feed id → role. Signed by the
   * host's key (invites carry its public half) over rosterText(); the newest `revision` wins. An app
   * shows a participant not in it as unverified, whatever its display name says.
   */
  /** The host's engine answers a producer's moderation request (`id`): done, or why not. */
  z.strictObject({
    v: z.literal(SPACE_CHANNEL_VERSION),
    type: z.literal('moderated'),
    id: z.string().min(1).max(40),
    ok: z.boolean(),
    message: z.string().max(500),
    muted: z.number().int().nonnegative().nullable(),
  }),
  z.strictObject({
    v: z.literal(SPACE_CHANNEL_VERSION),
    type: z.literal('roster'),
    revision: z.number(),
    entries: z.array(z.strictObject({ feed: z.string().min(1).max(64), role: RoleSchema })).max(200),
    signature: z.string().min(1).max(200),
  }),
]);
export type ModeratorAnnouncement = z.infer<typeof ModeratorAnnouncementSchema>;

/** The roster as signed: revision and entries in order. */
export function rosterText(roster: {
  readonly revision: number;
  readonly entries: readonly { readonly feed: string; readonly role: string }[];
}): string {
  return `steadycast roster ${roster.revision} ${roster.entries.map((entry) => `${entry.feed}=${entry.role}`).join(',')}`;
}

/** What a producer's moderation request's proof is over (the sender's feed included: good from that feed only). */
export function moderateText(
  from: string,
  request: Omit<Extract<ParticipantMessage, { type: 'moderate' }>, 'proof' | 'v' | 'type'>,
): string {
  return `steadycast moderate ${from} ${request.id} ${request.at} ${request.action} ${request.feed ?? '-'} ${String(request.approve)} ${request.reason ?? ''}`;
}

/** A moderator announcement as it travels: its JSON text and the host's signature over it. */
export const SignedAnnouncementSchema = z.strictObject({ signed: z.string().max(MAX_CHANNEL_TEXT), signature: z.string().min(1).max(200) });

/** Reads a signed announcement envelope; null for anything else (never throws). */
export function parseSignedAnnouncement(text: string): z.infer<typeof SignedAnnouncementSchema> | null {
  return parseJson(text, SignedAnnouncementSchema);
}

/** What a hello's proof is over. */
export function rosterHelloText(feed: string, inviteId: string): string {
  return `steadycast hello ${feed} ${inviteId}`;
}

/** Reads a participant message; null for anything malformed or of another version (never throws). */
export function parseParticipantMessage(text: string): ParticipantMessage | null {
  return parseJson(text, ParticipantMessageSchema);
}

/** Reads a moderator announcement; null for anything malformed or of another version (never throws). */
export function parseModeratorAnnouncement(text: string): ModeratorAnnouncement | null {
  return parseJson(text, ModeratorAnnouncementSchema);
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T | null {
  if (text.length > MAX_CHANNEL_TEXT) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** A participant's stable key for moderation: invite id and name (feed ids change between rooms). */
export function participantKey(participant: {
  readonly inviteId: string | null;
  readonly display: string;
  readonly role?: string | null;
  readonly id?: string;
}): string {
  // An unverified participant's invite and name are only claims: keyed by its feed, so a lock on
  // someone who copies another's display (the host's) never locks the one copied.
  if (participant.role === null && participant.id !== undefined) return `?:${participant.id}`.slice(0, 300);
  return `${participant.inviteId ?? '-'}:${participant.display}`.slice(0, 300);
}

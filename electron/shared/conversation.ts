import { z } from 'zod';
import { EndpointNameSchema } from './endpoint';

/*
 * The conversation as a UI sees it: the Janus AudioBridge room the host, co-hosts and producers
 * talk in. Media is WebRTC in the renderer; signalling goes through the engine's Janus session.
 * Room secrets, pins and invite tokens never appear here.
 */

/** What a participant may do: hosts own the space, co-hosts speak, producers moderate (mic off by default). */
export const RoleSchema = z.enum(['host', 'cohost', 'producer']);
export type Role = z.infer<typeof RoleSchema>;

/** Who muted a participant: themselves, or a moderator (host or producer). */
export const MutedBySchema = z.enum(['self', 'moderator']);
export type MutedBy = z.infer<typeof MutedBySchema>;

/** Why a moderator's engine flags a microphone. */
export const StrayFlagKindSchema = z.enum(['noise', 'echo', 'off-stage', 'self-unmuted']);
export type StrayFlagKind = z.infer<typeof StrayFlagKindSchema>;

/** A stray-microphone flag with its reason; it clears by itself when the cause stops. */
export const StrayFlagSchema = z.strictObject({
  kind: StrayFlagKindSchema,
  /** Engine clock time the flag was raised. */
  since: z.number(),
  message: z.string().max(300),
});
export type StrayFlag = z.infer<typeof StrayFlagSchema>;

/** A moderator's mute lock on a participant: only a moderator can lift it. */
export const ParticipantLockSchema = z.strictObject({
  /** The moderator's name and role, e.g. "Dana (producer)". */
  by: z.string().max(200),
  reason: z.string().max(300),
  at: z.number(),
});
export type ParticipantLock = z.infer<typeof ParticipantLockSchema>;

/** One participant of the room, from the engine's Janus session (resynced after every reconnect). */
export const ParticipantSchema = z.strictObject({
  /** AudioBridge feed id, as a string. */
  id: z.string().max(64),
  display: z.string().max(200),
  /** Null for a participant that did not join through Steadycast (role unknown). */
  role: RoleSchema.nullable(),
  /** True for this app's own participant. */
  self: z.boolean(),
  muted: z.boolean(),
  /** Null when not muted (or unknown: muted before we joined). */
  mutedBy: MutedBySchema.nullable(),
  /** Never true while muted. */
  talking: z.boolean(),
  /** WebRTC media up between this participant and Janus. */
  connected: z.boolean(),
  /** Invite the participant joined with, when the engine knows it (the host's own engine does). */
  inviteId: z.string().max(64).nullable(),
  /** A moderator's mute lock (sticky mute), as announced on the space channel. */
  lock: ParticipantLockSchema.nullable(),
  /** Stray-microphone flags (filled in a moderator's engine only). */
  flags: z.array(StrayFlagSchema).max(4),
  /** The participant asked to speak and no moderator has answered yet. */
  speakRequested: z.boolean(),
});
export type Participant = z.infer<typeof ParticipantSchema>;

/** The steps of joining a room, in order: reach the Janus server, open the room (a host creates or checks it), take a seat. */
export const JoinStepSchema = z.enum(['server', 'room', 'seat']);
export type JoinStep = z.infer<typeof JoinStepSchema>;

/**
 * The conversation link, a state machine:
 *
 *   idle ──join──► connecting ──joined──► joined ──transport lost──► reconnecting ──claimed + resynced──► joined
 *     ▲                │                    │                             │
 *     └──── leave ─────┴──── failed ◄───────┴───── session gone / refused ┘
 */
export const ConversationLinkSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('idle') }),
  z.strictObject({
    status: z.literal('connecting'),
    endpoint: EndpointNameSchema,
    since: z.number(),
    /** The steps this join goes through (a guest does not open the room) and the one under way. */
    steps: z.array(JoinStepSchema).min(1).max(3),
    step: JoinStepSchema,
  }),
  z.strictObject({
    status: z.literal('joined'),
    endpoint: EndpointNameSchema,
    since: z.number(),
    /** Our own feed id. */
    selfId: z.string().max(64),
    role: RoleSchema,
  }),
  z.strictObject({
    status: z.literal('reconnecting'),
    endpoint: EndpointNameSchema,
    since: z.number(),
    attempt: z.number().int().positive(),
    /** Engine clock time of the next attempt. */
    nextAttemptAt: z.number(),
    reason: z.string().max(500),
  }),
  z.strictObject({
    status: z.literal('failed'),
    endpoint: EndpointNameSchema.nullable(),
    at: z.number(),
    /** Plain language, with what to do. */
    reason: z.string().max(500),
  }),
]);
export type ConversationLink = z.infer<typeof ConversationLinkSchema>;

/**
 * The backup room as the host's engine prepares it (created beside the join, so a move finds it
 * ready): `none` where there is nothing to prepare (no backup, or not the host).
 */
export const BackupRoomStatusSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('none') }),
  z.strictObject({ status: z.literal('preparing'), since: z.number() }),
  z.strictObject({ status: z.literal('ready'), at: z.number() }),
  /** Plain language, with what to do. */
  z.strictObject({ status: z.literal('failed'), at: z.number(), reason: z.string().max(500) }),
]);
export type BackupRoomStatus = z.infer<typeof BackupRoomStatusSchema>;

/**
 * The show as the host's app announces it on the space channel: what lets a co-host's or producer's
 * window light its on-air lamp. `unknown` until heard, and again when the host's announcements stop.
 */
export const ShowStatusSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('unknown') }),
  /** `since` is the host's clock (ms since the epoch); `by` the host's name. */
  z.strictObject({ status: z.literal('on-air'), since: z.number(), by: z.string().max(200) }),
  z.strictObject({ status: z.literal('off-air'), by: z.string().max(200) }),
]);
export type ShowStatus = z.infer<typeof ShowStatusSchema>;

/** Most participants a state carries (an AudioBridge room of a space is a few dozen people at most). */
export const MAX_PARTICIPANTS = 200;

/** The space channel (TextRoom data channel among the apps) as this engine holds it. */
export const SpaceChannelStatusSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('closed') }),
  z.strictObject({ status: z.literal('connecting') }),
  z.strictObject({ status: z.literal('open'), since: z.number() }),
  /** Plain language: the conversation works, but locks, requests and mic reports do not travel. */
  z.strictObject({ status: z.literal('unavailable'), reason: z.string().max(500) }),
]);
export type SpaceChannelStatus = z.infer<typeof SpaceChannelStatusSchema>;

/** What a moderator did (or the engine did for them), for the moderation log. */
export const ModerationEventSchema = z.strictObject({
  at: z.number(),
  /** Who did it: "Dana (producer)", or "auto-mute" / "sticky mute" for the engine's own actions. */
  actor: z.string().max(200),
  action: z.enum(['mute', 'unmute', 'remove', 'mute-all', 're-mute', 'auto-mute', 'approve', 'decline', 'request', 'auto-mute-setting']),
  /** The participant concerned (display name), or null for room-wide actions. */
  target: z.string().max(200).nullable(),
  detail: z.string().max(300),
});
export type ModerationEvent = z.infer<typeof ModerationEventSchema>;

/** How many moderation events the state keeps (newest last). */
export const MODERATION_LOG_LIMIT = 100;

/** Moderation as this app sees it. */
export const ModerationStateSchema = z.strictObject({
  /** Mute stray microphones automatically when flagged (moderators only). */
  autoMute: z.boolean(),
  /** This app's own request to speak is pending. */
  selfSpeakRequested: z.boolean(),
  log: z.array(ModerationEventSchema).max(MODERATION_LOG_LIMIT),
});
export type ModerationState = z.infer<typeof ModerationStateSchema>;

/** The conversation part of the engine state. */
export const ConversationStateSchema = z.strictObject({
  link: ConversationLinkSchema,
  /** Space name as the invite or config gives it. */
  space: z.string().max(200).nullable(),
  /** Our own microphone state as Janus knows it. */
  selfMuted: z.boolean(),
  participants: z.array(ParticipantSchema).max(MAX_PARTICIPANTS),
  channel: SpaceChannelStatusSchema,
  moderation: ModerationStateSchema,
  backupRoom: BackupRoomStatusSchema,
  show: ShowStatusSchema,
});
export type ConversationState = z.infer<typeof ConversationStateSchema>;

/** One invite as the host sees it in the invite list (never the token). */
export const InviteSummarySchema = z.strictObject({
  id: z.string().max(64),
  role: RoleSchema,
  label: z.string().max(200),
  createdAt: z.number(),
  expiresAt: z.number(),
  status: z.enum(['active', 'expired', 'revoked']),
});
export type InviteSummary = z.infer<typeof InviteSummarySchema>;

/** The deep-link scheme of invites: `steadycast://join/<code>`. */
export const INVITE_LINK_PREFIX = 'steadycast://join/';

/** Largest invite code accepted (the code carries two endpoints and a token: ~1 KB). */
export const MAX_INVITE_CODE_LENGTH = 4096;

/** An invite code or link as a user pastes it (validated and decoded by the engine). */
export const InviteCodeInputSchema = z
  .string()
  .trim()
  .min(1, 'paste the invite link or code')
  .max(MAX_INVITE_CODE_LENGTH, 'this is longer than any invite code: paste only the link or code');

/** What a joining user sees of an invite before joining. */
export const InvitePreviewSchema = z.strictObject({
  id: z.string().max(64),
  space: z.string().max(200),
  role: RoleSchema,
  expiresAt: z.number(),
  /** Endpoints the invite carries (primary always; backup when the space has one). */
  endpoints: z.array(EndpointNameSchema).min(1).max(2),
  /**
   * The Janus server (host:port) of each endpoint, so the one joining sees where the invite leads
   * before joining: a forged invite to someone else's server shows a name the host never gave.
   */
  servers: z
    .array(z.strictObject({ endpoint: EndpointNameSchema, janus: z.string().max(300), secure: z.boolean() }))
    .max(2)
    .optional(),
});
export type InvitePreview = z.infer<typeof InvitePreviewSchema>;

/** A WebRTC session description crossing the bridge (audio only; non-trickle: every candidate inside). */
export const SessionDescriptionSchema = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z
    .string()
    .min(1)
    .max(64 * 1024),
});
export type SessionDescription = z.infer<typeof SessionDescriptionSchema>;

/** The renderer's RTCPeerConnection state, reported to the engine (health, ICE restart decisions). */
export const MediaConnectionStateSchema = z.enum(['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed']);
export type MediaConnectionState = z.infer<typeof MediaConnectionStateSchema>;

/*
 * AudioBridge knows a participant only by feed id and display name, so Steadycast apps append
 * their role and invite id to the display name after an invisible separator (U+2063). Other
 * Janus clients show the name with a short suffix; Steadycast shows only the name.
 */
const DISPLAY_SEPARATOR = '\u2063';

/** What a Steadycast participant publishes about itself in its AudioBridge display name. */
export interface DisplayIdentity {
  readonly name: string;
  readonly role: Role | null;
  readonly inviteId: string | null;
}

/** Display name for AudioBridge: `name` + separator + `role/inviteId`. */
export function encodeDisplayName(identity: DisplayIdentity): string {
  return `${identity.name}${DISPLAY_SEPARATOR}${identity.role ?? '-'}/${identity.inviteId ?? '-'}`;
}

/** Reads a display name back; a name without the suffix (another client) has no role. */
export function decodeDisplayName(display: string): DisplayIdentity {
  const at = display.lastIndexOf(DISPLAY_SEPARATOR);
  if (at < 0) return { name: display, role: null, inviteId: null };
  const [role = '-', inviteId = '-'] = display.slice(at + 1).split('/');
  const parsedRole = RoleSchema.safeParse(role);
  return {
    name: display.slice(0, at),
    role: parsedRole.success ? parsedRole.data : null,
    inviteId: inviteId === '-' || inviteId === '' ? null : inviteId.slice(0, 64),
  };
}

/** The conversation state of an app that has not joined a room. */
export function idleConversationState(): ConversationState {
  return {
    link: { status: 'idle' },
    space: null,
    selfMuted: false,
    participants: [],
    channel: { status: 'closed' },
    moderation: { autoMute: false, selfSpeakRequested: false, log: [] },
    backupRoom: { status: 'none' },
    show: { status: 'unknown' },
  };
}

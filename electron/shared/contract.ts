import { z } from 'zod';
import {
  COMMAND_CHANNELS,
  EVENT_CHANNELS,
  isCommandChannel,
  isEventChannel,
  type CommandChannel as CommandChannelName,
  type EventChannel as EventChannelName,
} from './channels';
import { BroadcastStatusSchema, MetersSchema } from './broadcast';
import { ListenerHistorySchema, ListenerReadingSchema, MAX_HISTORY_POINTS } from './listeners';
import { EngineStateSchema, EndpointNameSchema, ServerKindSchema, ServerProbeSchema } from './state';
import { MicReportSchema, MicVoiceSchema } from './mic-report';
import {
  ConversationStateSchema,
  InviteCodeInputSchema,
  InvitePreviewSchema,
  InviteSummarySchema,
  MediaConnectionStateSchema,
  RoleSchema,
  SessionDescriptionSchema,
} from './conversation';
import { FailoverMoveSchema, FailoverStateSchema, ListenLinkSchema } from './failover';
import { NetworkPreflightSchema, PREFLIGHT_PROBES, UplinkPreflightRequestSchema, UplinkPreflightSchema } from './preflight';
import { PracticeStateSchema } from './practice';
import { GeneralSettingsSchema, SettingsViewSchema, SpaceFormSchema } from './settings';

const SpaceIdSchema = z.string().min(1).max(64);

/*
 * The one contract between a UI and the engine. Every binding (Electron IPC through the preload,
 * the headless WebSocket bridge) carries exactly these channels, and every payload is parsed with
 * these schemas before the engine sees it. Channel names are `domain:verb`.
 */

const EmptySchema = z.strictObject({});

/** One line of the engine log as a UI sees it (already redacted). */
export const LogEntrySchema = z.strictObject({
  at: z.number(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  scope: z.string().max(64),
  message: z.string().max(2000),
});

/** How many recent log lines the engine keeps for a UI that attaches later. */
export const RECENT_LOG_LIMIT = 200;

/** Longest error message a window may write to the log (a window cuts longer ones before sending). */
export const RENDERER_ERROR_MESSAGE_MAX = 2000;
/** Longest "where" of such an error (a script position or a few component names). */
export const RENDERER_ERROR_WHERE_MAX = 500;

/** An unexpected error in a window, for the engine's log: `render` (an error boundary caught it), `uncaught` (window.onerror), `unhandled-rejection`. */
export const RendererErrorReportSchema = z.strictObject({
  kind: z.enum(['render', 'uncaught', 'unhandled-rejection']),
  message: z.string().min(1).max(RENDERER_ERROR_MESSAGE_MAX),
  where: z.string().max(RENDERER_ERROR_WHERE_MAX).optional(),
});
/** What `log:write` carries. */
export type RendererErrorReport = z.infer<typeof RendererErrorReportSchema>;

/** Commands a UI may send, with the payload the engine accepts and the result it returns. */
export const commandSchemas = {
  /** The whole engine state, e.g. when a UI (re)attaches. */
  'engine:get-state': { payload: EmptySchema, result: EngineStateSchema },
  /** Round trip through the bridge and the engine; answered by the result and an `engine:pong` event. */
  'engine:ping': {
    payload: z.strictObject({ nonce: z.string().min(1).max(64) }),
    result: z.strictObject({ nonce: z.string(), engineTime: z.number() }),
  },
  /** Probe the configured servers now; progress and results arrive as `servers:probed` events. */
  'servers:check': {
    payload: z.strictObject({ endpoint: EndpointNameSchema.optional() }),
    result: z.strictObject({ started: z.number().int().nonnegative() }),
  },
  /**
   * Go live with the space's Icecast mounts (primary and backup, hot standby). The program comes
   * from this UI's microphone over the binary PCM channel (`bridge`) or from a test tone. What the
   * request leaves out, the engine takes from its saved settings (`settings:save-general`), so
   * every UI and the headless engine go live the same way.
   */
  'broadcast:start': {
    payload: z.strictObject({
      source: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('bridge') }),
        z.strictObject({ kind: z.literal('tone'), frequencyHz: z.number().positive().max(20_000) }),
      ]),
      /** Omitted: the saved audio channels. */
      channels: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 (mono) or 2 (stereo)' }).optional(),
      /** Omitted: the saved audio bitrate. */
      bitrateKbps: z
        .number({ error: 'must be a number of kbit/s' })
        .int('must be a whole number of kbit/s')
        .min(16, 'must be at least 16 kbit/s')
        .max(256, 'must be at most 256 kbit/s')
        .optional(),
      /** Omitted: the saved safety-recording setting; true records only where a recording folder is saved. */
      record: z.boolean().optional(),
    }),
    result: BroadcastStatusSchema,
  },
  /** End the show: outputs close cleanly and the recording gets its last page. */
  'broadcast:stop': {
    payload: EmptySchema,
    result: z.strictObject({ stopped: z.boolean() }),
  },
  /**
   * Shows this show's safety recording (or the last one this engine wrote) in the system's file
   * manager: the desktop app only; the engine picks the file, a UI never names a path.
   */
  'recording:reveal': {
    payload: EmptySchema,
    result: z.strictObject({ path: z.string().max(4096) }),
  },
  /** Reconnect one output now instead of waiting for its next attempt. */
  'broadcast:retry-output': {
    payload: z.strictObject({ outputId: z.string().min(1).max(64) }),
    result: z.strictObject({ retried: z.boolean() }),
  },
  /** The latest listener reading of the space; null before the engine polls (no Icecast mount configured). */
  'listeners:get': { payload: EmptySchema, result: ListenerReadingSchema.nullable() },
  /** The show's listener history at 1 s resolution, folded into at most `maxPoints` points for a sparkline. */
  /** Preflight: probes every server of both endpoints `probes` times; answers each one's verdict and median round trip. */
  'preflight:network': {
    payload: z.strictObject({ probes: z.number().int().min(1).max(PREFLIGHT_PROBES.max).optional() }),
    result: NetworkPreflightSchema,
  },
  /**
   * Preflight: measures the upload to the primary Icecast for about 3 s (a source on a throwaway
   * mount) and judges it against the program bitrate × Icecast outputs + the conversation.
   */
  'preflight:uplink': {
    payload: UplinkPreflightRequestSchema,
    result: UplinkPreflightSchema,
  },
  'listeners:get-history': {
    payload: z.strictObject({ maxPoints: z.number().int().min(2).max(MAX_HISTORY_POINTS) }),
    result: ListenerHistorySchema,
  },
  /**
   * Creates the space's AudioBridge rooms (primary and backup) with the configured room ids and
   * secrets, `audiolevel_event` on and an allowed-token list; a room that already exists is used as it is.
   */
  'space:provision': {
    payload: EmptySchema,
    result: z.strictObject({
      rooms: z.array(z.strictObject({ endpoint: EndpointNameSchema, room: z.string().max(64), created: z.boolean() })).max(2),
    }),
  },
  /**
   * Joins the conversation: the host with the space's own configuration (no invite), anyone else
   * with an invite code or link. The media follows with `conversation:offer`.
   */
  'conversation:join': {
    payload: z.strictObject({
      display: z.string().trim().min(1, 'enter your name as others will see it').max(60),
      invite: InviteCodeInputSchema.optional(),
    }),
    result: ConversationStateSchema,
  },
  /** Sends this UI's WebRTC offer to the room (first join, or an ICE restart) and returns Janus's answer. */
  'conversation:offer': {
    payload: z.strictObject({ offer: SessionDescriptionSchema, iceRestart: z.boolean().default(false) }),
    result: z.strictObject({ answer: SessionDescriptionSchema }),
  },
  /** Leaves the room. */
  'conversation:leave': { payload: EmptySchema, result: z.strictObject({ left: z.boolean() }) },
  /** Self-mute or unmute this UI's microphone in the room (AudioBridge `configure muted`). */
  'conversation:set-muted': { payload: z.strictObject({ muted: z.boolean() }), result: ConversationStateSchema },
  /** A moderator (host or producer) mutes or unmutes another participant (AudioBridge `mute`/`unmute`, with the room secret). */
  'moderation:set-muted': {
    payload: z.strictObject({
      participantId: z.string().min(1).max(64),
      muted: z.boolean(),
      /** Shown to the muted participant beside their locked microphone button. */
      reason: z.string().trim().max(300).optional(),
    }),
    result: ConversationStateSchema,
  },
  /** A moderator removes a participant from the room (AudioBridge `kick`). */
  'moderation:remove': { payload: z.strictObject({ participantId: z.string().min(1).max(64) }), result: ConversationStateSchema },
  /**
   * A moderator mutes everyone who is not a host (hosts are the room's admins); returns the state and
   * how many were muted. It stays in force for people who join later until lifted (`lift: true`).
   */
  'moderation:mute-all': {
    payload: z.strictObject({ lift: z.boolean().optional() }),
    result: z.strictObject({ muted: z.number().int().nonnegative(), conversation: ConversationStateSchema }),
  },
  /** This app's microphone report (its own analysis, before sending), passed on to the space channel. */
  'conversation:report-mic': { payload: z.strictObject({ report: MicReportSchema }), result: z.strictObject({ sent: z.boolean() }) },
  /** A participant muted by a moderator asks to speak (active: true) or withdraws the request. */
  'moderation:request-speak': { payload: z.strictObject({ active: z.boolean() }), result: ConversationStateSchema },
  /** A moderator answers a request to speak: approve unmutes the participant and lifts the lock. */
  'moderation:answer-request': {
    payload: z.strictObject({ participantId: z.string().min(1).max(64), approve: z.boolean() }),
    result: ConversationStateSchema,
  },
  /** A moderator turns "auto-mute stray mics" on or off (this app's engine acts on its own flags). */
  'moderation:set-auto-mute': { payload: z.strictObject({ enabled: z.boolean() }), result: ConversationStateSchema },
  /** The renderer's RTCPeerConnection state, for health and logs. */
  'conversation:report-media': {
    payload: z.strictObject({ state: MediaConnectionStateSchema, detail: z.string().max(500).optional() }),
    result: z.strictObject({ accepted: z.boolean() }),
  },
  /** Creates an invite for a role: a `steadycast://join/<code>` link and the same code to paste. */
  'invites:create': {
    payload: z.strictObject({
      role: RoleSchema.exclude(['host']),
      label: z.string().trim().max(200).default(''),
      /** How long the invite can be used (default 24 h, at most 30 days). */
      expiresInMinutes: z
        .number()
        .int()
        .min(1)
        .max(30 * 24 * 60)
        .default(24 * 60),
    }),
    result: z.strictObject({ invite: InviteSummarySchema, code: z.string(), link: z.string() }),
  },
  /** Every invite of the space, newest first. */
  'invites:list': { payload: EmptySchema, result: z.strictObject({ invites: z.array(InviteSummarySchema).max(500) }) },
  /** Revokes an invite (its token leaves the rooms' allowed lists); optionally removes who joined with it. */
  'invites:revoke': {
    payload: z.strictObject({ id: z.string().min(1).max(64), removeParticipants: z.boolean().default(false) }),
    result: z.strictObject({ invite: InviteSummarySchema, removed: z.number().int().nonnegative() }),
  },
  /** Checks an invite code or link and says what it is for, before joining. */
  'invites:preview': { payload: z.strictObject({ invite: InviteCodeInputSchema }), result: InvitePreviewSchema },
  /**
   * Moves the conversation by hand: "Switch to backup now" (`to: backup`) or "Return to primary"
   * (`to: primary`). Host and producer only; the move is announced to the other apps.
   */
  'failover:switch': { payload: z.strictObject({ to: EndpointNameSchema }), result: FailoverStateSchema },
  /** Turns the automatic return to the primary on or off (off by default: the host decides). */
  'failover:set-auto-return': { payload: z.strictObject({ enabled: z.boolean() }), result: FailoverStateSchema },
  /** The space's listen link: `.m3u` and `.pls` playlists (primary, then backup) and the static listen page. */
  'failover:listen-link': { payload: EmptySchema, result: ListenLinkSchema },
  /** The saved spaces (secrets only as "set") and the audio, recording and shortcut settings. */
  'settings:get': { payload: EmptySchema, result: SettingsViewSchema },
  /**
   * Creates a space (`id` null) or saves one; a null secret keeps the saved one. Saving the space in
   * use applies it at once when off air and out of the room, else when you next go live or join
   * (the view's `pendingSpace` says so).
   */
  'settings:save-space': { payload: z.strictObject({ id: SpaceIdSchema.nullable(), space: SpaceFormSchema }), result: SettingsViewSchema },
  /** Copies a space, secrets included, as "<name> (copy)". */
  'settings:duplicate-space': { payload: z.strictObject({ id: SpaceIdSchema }), result: SettingsViewSchema },
  /** Deletes a space (not the one the engine runs). */
  'settings:delete-space': { payload: z.strictObject({ id: SpaceIdSchema }), result: SettingsViewSchema },
  /**
   * Runs a saved space from now on (the engine's conversation, failover, invites and outputs move to
   * it). Refused on air and in the room: a space changes between shows.
   */
  'settings:use-space': { payload: z.strictObject({ id: SpaceIdSchema }), result: SettingsViewSchema },
  /** Saves the audio, recording and shortcut settings. */
  'settings:save-general': { payload: GeneralSettingsSchema, result: SettingsViewSchema },
  /** Starts the practice space (both endpoints' servers on this computer) and runs it: resolves once it is running. */
  'practice:start': { payload: EmptySchema, result: PracticeStateSchema },
  /** In the practice space: stops the primary Janus and Icecast (by PID), to watch the failover. */
  'practice:simulate-failure': { payload: EmptySchema, result: PracticeStateSchema },
  /** The engine's latest log lines, oldest first, so a UI that attaches late sees what happened. */
  'log:get-recent': {
    payload: EmptySchema,
    result: z.strictObject({ entries: z.array(LogEntrySchema).max(RECENT_LOG_LIMIT) }),
  },
  /**
   * An unexpected error in this window, written to the engine's log (scope `renderer`). The engine
   * rate-limits these lines; `written` is false for one it left out.
   */
  'log:write': { payload: RendererErrorReportSchema, result: z.strictObject({ written: z.boolean() }) },
} as const satisfies Record<CommandChannelName, { payload: z.ZodType; result: z.ZodType }>;

/** Events the engine sends to every attached UI. */
export const eventSchemas = {
  /** The whole state after any change. */
  'engine:state': EngineStateSchema,
  /** Answer to `engine:ping`, proving the event path from engine to UI. */
  'engine:pong': z.strictObject({ nonce: z.string(), engineTime: z.number() }),
  /** One server probe finished. */
  'servers:probed': z.strictObject({
    endpoint: EndpointNameSchema,
    kind: ServerKindSchema,
    probe: ServerProbeSchema,
  }),
  /** Program levels, about ten times a second while on air. */
  'broadcast:meters': MetersSchema,
  /** Something a host should notice (bitrate stepped down, silence on air, an output changed state). */
  'broadcast:notice': z.strictObject({
    at: z.number(),
    kind: z.enum(['output-changed', 'bitrate-changed', 'silence-started', 'silence-ended', 'recording-split']),
    level: z.enum(['info', 'warn', 'error']),
    message: z.string().max(500),
  }),
  /** A listener reading: every poll interval, and at once when the total or an outlet's freshness changes. */
  'listeners:update': ListenerReadingSchema,
  /** A line of the engine log that the UI may show (already redacted). */
  'log:entry': LogEntrySchema,
  /** Every speaker's latest microphone report, about five times a second (in a moderator's app). */
  'conversation:mic-levels': z.strictObject({
    at: z.number(),
    levels: z
      .array(
        z.strictObject({
          participantId: z.string().max(64),
          levelDbfs: MicReportSchema.shape.levelDbfs,
          peakDbfs: MicReportSchema.shape.peakDbfs,
          voice: MicVoiceSchema,
          speechProbability: MicReportSchema.shape.speechProbability,
          echoScore: MicReportSchema.shape.echoScore,
        }),
      )
      .max(200),
  }),
  /**
   * A `steadycast:` link was opened outside the app (browser, mail, chat) and handed to this window
   * by the desktop app's main process: an invite link to check, or why the link is not one.
   */
  'invites:opened': z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('invite'), link: InviteCodeInputSchema }),
    z.strictObject({ kind: z.literal('not-an-invite'), problem: z.string().max(500) }),
  ]),
  /** This app moved the conversation (or follows a move): what the space channel carries to the other apps. */
  'failover:moving': FailoverMoveSchema,
} as const satisfies Record<EventChannelName, z.ZodType>;

export type CommandChannel = keyof typeof commandSchemas;
export type EventChannel = keyof typeof eventSchemas;
export type CommandPayload<C extends CommandChannel> = z.infer<(typeof commandSchemas)[C]['payload']>;
export type CommandResult<C extends CommandChannel> = z.infer<(typeof commandSchemas)[C]['result']>;
export type EventPayload<E extends EventChannel> = z.infer<(typeof eventSchemas)[E]>;

/** A command after validation: channel and payload belong together. */
export type ValidCommand = { [C in CommandChannel]: { channel: C; payload: CommandPayload<C> } }[CommandChannel];
/** An event as it travels: channel and payload belong together. */
export type EngineEvent = { [E in EventChannel]: { channel: E; payload: EventPayload<E> } }[EventChannel];

// The names live in channels.ts (zod-free, for the sandboxed preload); `satisfies` above keeps them in step.
export const commandChannels: CommandChannel[] = [...COMMAND_CHANNELS];
export const eventChannels: EventChannel[] = [...EVENT_CHANNELS];

export { isCommandChannel, isEventChannel };

/** Error codes a UI can act on; messages say what to do. */
export const BridgeErrorCodeSchema = z.enum([
  'unknown-channel',
  'invalid-payload',
  'malformed-message',
  'message-too-large',
  'unauthorized',
  'forbidden-sender',
  'engine-error',
  'disconnected',
]);
export type BridgeErrorCode = z.infer<typeof BridgeErrorCodeSchema>;

export const BridgeErrorSchema = z.strictObject({ code: BridgeErrorCodeSchema, message: z.string().max(2000) });
/** An expected failure crossing the bridge. */
export type BridgeErrorInfo = z.infer<typeof BridgeErrorSchema>;

/** How every command is answered on every binding, so failures keep their code and message. */
export const CommandReplySchema = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), result: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: BridgeErrorSchema }),
]);
export type CommandReply = z.infer<typeof CommandReplySchema>;

/** Outcome of validating an untrusted command. */
export type ParsedCommand = { ok: true; command: ValidCommand } | { ok: false; error: BridgeErrorInfo };

/** Validates an untrusted channel + payload against the contract; never throws. */
export function parseCommand(channel: unknown, payload: unknown): ParsedCommand {
  if (!isCommandChannel(channel)) {
    const shown = typeof channel === 'string' ? `"${channel.slice(0, 64)}"` : typeof channel;
    return {
      ok: false,
      error: {
        code: 'unknown-channel',
        message: `Unknown command channel ${shown}. Known commands: ${commandChannels.join(', ')}.`,
      },
    };
  }
  const parsed = commandSchemas[channel].payload.safeParse(payload);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'invalid-payload',
        message: `Invalid payload for ${channel}: ${z.prettifyError(parsed.error)}`.slice(0, 2000),
      },
    };
  }
  return { ok: true, command: { channel, payload: parsed.data } as ValidCommand };
}

/** Validates an event payload (used by UIs on what arrives from a bridge). */
export function parseEvent(channel: unknown, payload: unknown): EngineEvent | null {
  if (!isEventChannel(channel)) return null;
  const parsed = eventSchemas[channel].safeParse(payload);
  return parsed.success ? ({ channel, payload: parsed.data } as EngineEvent) : null;
}

import { randomBytes } from 'node:crypto';
import {
  decodeDisplayName,
  encodeDisplayName,
  MODERATION_LOG_LIMIT,
  type BackupRoomStatus,
  type ShowStatus,
  type ConversationLink,
  type ConversationState,
  type InviteSummary,
  type JoinStep,
  type ModerationEvent,
  type Participant,
  type Role,
  type SessionDescription,
  type SpaceChannelStatus,
  type StrayFlag,
} from '../../shared/conversation';
import type { MicReport } from '../../shared/mic-report';
import {
  parseModeratorAnnouncement,
  parseParticipantMessage,
  participantKey,
  SPACE_CHANNEL_VERSION,
  type ModeratorAnnouncement,
  type MuteLock,
  type ParticipantMessage,
} from '../../shared/space-channel';
import type { EventPayload } from '../../shared/contract';
import type { FailoverMove, FailoverSettings } from '../../shared/failover';
import type { EndpointName } from '../../shared/state';
import { assertNever } from '../assert-never';
import type { Clock } from '../clock';
import type { EndpointConfig, EngineConfig } from '../config';
import { EngineCommandError } from '../engine-errors';
import type { InviteBook } from '../invites/invite-book';
import { decodeInvite, type InvitePayload } from '../invites/invite-code';
import { AudioBridgeRoom, explainRoomError, type RoomParticipant } from '../janus/audiobridge-room';
import { JanusLink, type JanusLinkState, type RefusedRun } from '../janus/janus-link';
import { describeError, type Logger } from '../log/logger';
import { StrayMicDetector, type DetectorOptions } from '../moderation/stray-mic-detector';
import { TextRoomChannel, type ChannelDelivery } from '../space-channel/textroom-channel';

/*
 * The conversation controller: this app's place in the space's AudioBridge room. The host joins
 * with the space's own configuration, everyone else with an invite. Signalling, reconnection and
 * moderation run here; the media (RTCPeerConnection) runs in the renderer and reaches Janus
 * through `offer`. State changes go out through `onChange` as the shared ConversationState.
 */

/** Where and how to join one endpoint's room. */
interface RoomTarget {
  readonly endpoint: EndpointName;
  readonly janusUrl: string;
  readonly apiSecret?: string | undefined;
  readonly room: number;
  readonly pin?: string | undefined;
  readonly token?: string | undefined;
  /** Room secret: the host's and a producer's moderation. */
  readonly secret?: string | undefined;
  /** The AudioBridge admin key for creating rooms (the host's own config only). */
  readonly adminKey?: string | undefined;
}

/** What the controller is built from. */
export interface ConversationOptions {
  readonly config: EngineConfig;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  /** The host's invites (tokens to allow, who joined with which invite). */
  readonly invites: InviteBook | null;
  /** Called after every change of the state. */
  readonly onChange: (state: ConversationState) => void;
  /** Janus keepalive interval (default 5 s: the reclaim window counts from the last request). */
  readonly keepaliveSeconds?: number;
  /** Every speaker's latest microphone report, about five times a second while the space channel is open. */
  readonly onMicLevels?: (levels: EventPayload<'conversation:mic-levels'>) => void;
  /** A moderator announced on the space channel that the conversation moves to another endpoint. */
  readonly onMoveAnnounced?: (move: FailoverMove) => void;
  /** Extra ICE host addresses for the space channel (a veth test network; see TextRoomChannel). */
  readonly iceHostAddresses?: readonly string[];
  /** Stray-mic detection tunables (defaults: the issue's). */
  readonly detector?: DetectorOptions;
  /** How often a host's app repeats its show announcement, and when others stop believing it. */
  readonly showTimings?: ShowTimings;
}

/** Show announcement timings: repeated every `announceEveryMs` while on air; unknown after `staleMs` without one. */
export interface ShowTimings {
  readonly announceEveryMs: number;
  readonly staleMs: number;
}

/** How often the moderation tick runs: flags, enforcement, the mic-levels event (5 Hz). */
const MODERATION_TICK_MS = 200;
/** While on air the host's app says so again every 5 s; another app that has not heard it for 15 s no longer knows. */
const SHOW_TIMINGS: ShowTimings = { announceEveryMs: 5000, staleMs: 15_000 };

/** How long an unlocking moderator waits for its announcement to come back before unmuting. */
const LOCKS_ECHO_MS = 500;

/** How long an engine waits before enforcing a lock, for an unlock announcement still in flight. */
const ENFORCE_GRACE_MS = 60;

/** Fewest milliseconds between two of this app's microphone reports on the channel. */
const MIN_REPORT_INTERVAL_MS = 90;

/** How long the engine keeps joining the room again after its Janus restarted (then the link fails). */
const REJOIN_WINDOW_MS = 30_000;

/** Pause between two attempts to join the room again (a participant may wait for the host to re-create it). */
const REJOIN_RETRY_MS = 500;

/** Thrown by a join that a newer one (a move, a rejoin, a leave) replaced while it was under way. */
class SupersededError extends Error {
  constructor() {
    super('superseded by a newer join of the conversation');
  }
}

/** A token the host's own engine adds to its rooms' allowed lists for itself. */
function hostToken(): string {
  // A credential: from the CSPRNG like the invite tokens, never from the (seedable) jitter source.
  return `host-${randomBytes(18).toString('base64url')}`;
}

/** The conversation of this app in the space's room. */
export class Conversation {
  private link: ConversationLink = { status: 'idle' };
  private space: string | null = null;
  private selfMuted = false;
  private participants: Participant[] = [];
  private janus: JanusLink | null = null;
  private room: AudioBridgeRoom | null = null;
  private target: RoomTarget | null = null;
  private role: Role | null = null;
  private display = '';
  private inviteId: string | null = null;
  /** The invite this app joined with (both endpoints: a failover moves to the backup from it). */
  private invite: InvitePayload | null = null;
  /** The room the page's media was last negotiated with (an ICE restart is only for that one). */
  private negotiatedRoom: AudioBridgeRoom | null = null;
  /** The DTLS fingerprint of the page connection negotiated last (only that connection may restart ICE). */
  private negotiatedFingerprint: string | null = null;
  private mutedByModerator = new Set<string>();
  private readonly ownToken: string;
  private generation = 0;
  // The space channel and moderation (sticky mute, requests to speak, stray-mic flags).
  private channel: TextRoomChannel | null = null;
  private channelStatus: SpaceChannelStatus = { status: 'closed' };
  private locks = new Map<string, MuteLock>();
  private locksRevision = 0;
  /** Pending requests to speak: participant key → feed id. */
  private readonly speakRequests = new Map<string, string>();
  private selfSpeakRequested = false;
  private autoMute = false;
  private moderationLog: ModerationEvent[] = [];
  private flags = new Map<string, StrayFlag[]>();
  private readonly enforcing = new Set<string>();
  private readonly detector: StrayMicDetector;
  private tickTimer: unknown = null;
  private lastReportSentAt = -Infinity;
  private levelsShown = false;
  /** Resolves when our own locks announcement comes back on the channel (the other moderators have it too by then). */
  private locksEcho: { readonly revision: number; readonly resolve: () => void } | null = null;
  /** Each participant's mute state at the previous enforcement pass. */
  private lastMuted = new Map<string, boolean>();

  /** The backup room as this (host's) engine prepares it. */
  private backupRoom: BackupRoomStatus = { status: 'none' };
  /** This engine's own program (the host's show): on air since, or null. */
  private programSince: number | null = null;
  /** The show as the space channel last told it, with the newest revision heard and when. */
  private show: ShowStatus = { status: 'unknown' };
  private showRevisionHeard = 0;
  private showHeardAt = 0;
  /** The last show revision this (host's) engine sent, and when. */
  private showRevisionSent = 0;
  private showAnnouncedAt = 0;

  constructor(private readonly options: ConversationOptions) {
    this.ownToken = hostToken();
    this.detector = new StrayMicDetector(options.detector);
  }

  /** The state as the UI sees it. */
  state(): ConversationState {
    return {
      link: this.link,
      space: this.space,
      selfMuted: this.selfMuted,
      participants: this.participants.map((participant) => ({ ...participant, flags: [...participant.flags] })),
      channel: this.channelStatus,
      moderation: { autoMute: this.autoMute, selfSpeakRequested: this.selfSpeakRequested, log: [...this.moderationLog] },
      backupRoom: this.backupRoom,
      show: this.show,
    };
  }

  /** The failover rule of the invite this app joined with; null for the host (its own rule applies) or before joining. */
  inviteFailoverRule(): FailoverSettings | null {
    return this.invite?.failover ?? null;
  }

  /** The token the host's engine allows for itself in its rooms. */
  get hostToken(): string {
    return this.ownToken;
  }

  /** Joins the room: with an invite (co-host, producer) or as the host of the configured space. */
  async join(request: { display: string; invite?: string | undefined }): Promise<ConversationState> {
    if (this.link.status === 'connecting' || this.link.status === 'joined' || this.link.status === 'reconnecting') {
      throw new EngineCommandError('Already in the conversation: leave it before joining again.');
    }
    let target: RoomTarget;
    let role: Role;
    if (request.invite !== undefined) {
      const invite = decodeInvite(request.invite, this.options.clock.now());
      target = this.targetFromInvite(invite);
      role = invite.role;
      this.space = invite.space;
      this.inviteId = invite.id;
      this.invite = invite;
    } else {
      target = this.hostTarget('primary');
      role = 'host';
      this.space = this.options.config.space.name;
      this.inviteId = null;
      this.invite = null;
    }
    this.role = role;
    this.display = request.display;
    this.target = target;
    const generation = ++this.generation;
    this.setLink({ status: 'connecting', endpoint: target.endpoint, since: this.options.clock.now(), ...this.joinSteps(target) });
    try {
      await this.connect(target, generation);
    } catch (error) {
      if (generation === this.generation) {
        await this.teardown();
        this.setLink({ status: 'failed', endpoint: target.endpoint, at: this.options.clock.now(), reason: describeError(error) });
      }
      throw error;
    }
    return this.state();
  }

  /**
   * Failover: moves this app to `endpoint`'s room with the same role, name, invite token and mute
   * (a muted microphone joins muted, so nobody is heard in between). The page renegotiates its media
   * when it sees the link joined on the other endpoint. A failed attempt leaves the link
   * `reconnecting` (never `failed`, which would end the page's media) until the next attempt.
   */
  async switchEndpoint(endpoint: EndpointName, retry: { attempt: number; nextAttemptAt: number }): Promise<ConversationState> {
    const role = this.role;
    // From `failed` too: a primary that restarted forgot our session, and the backup room is the way back in.
    if (role === null || this.link.status === 'idle') throw new EngineCommandError('Not in the conversation: join first.');
    const target = this.invite === null ? this.hostTarget(endpoint) : this.targetFromInvite(this.invite, endpoint);
    const muted = this.selfMuted || this.participants.some((participant) => participant.self && participant.muted);
    const selfMuted = this.selfMuted;
    const generation = ++this.generation;
    await this.teardownQuickly();
    this.participants = [];
    this.target = target;
    this.setLink({ status: 'connecting', endpoint, since: this.options.clock.now(), ...this.joinSteps(target) });
    try {
      await this.connect(target, generation, { muted, selfMuted });
    } catch (error) {
      if (generation === this.generation) {
        await this.teardown();
        this.setLink({ status: 'reconnecting', endpoint, since: this.options.clock.now(), attempt: retry.attempt, nextAttemptAt: retry.nextAttemptAt, reason: describeError(error).slice(0, 500) });
      }
      throw error;
    }
    return this.state();
  }

  /** The Janus server of `endpoint` as this app knows it (config or invite), for health probes; null without one. */
  janusEndpoint(endpoint: EndpointName): { url: string; apiSecret?: string | undefined } | null {
    if (this.invite !== null) {
      const known = this.invite.endpoints[endpoint];
      return known === undefined ? null : { url: known.janusUrl, apiSecret: known.apiSecret };
    }
    const janus = this.options.config.space[endpoint]?.janus;
    return janus?.room === undefined ? null : { url: janus.url, apiSecret: janus.apiSecret };
  }

  /**
   * The unambiguous "server gone" signal of the endpoint the conversation is on: its Janus link lost
   * the transport and every reconnection since was refused (nothing listens: the process is not
   * running). Null otherwise, including every ambiguous outage (timeouts, resets, lost keepalives).
   */
  serverGone(): (RefusedRun & { readonly endpoint: EndpointName }) | null {
    const state = this.janus?.state;
    const endpoint = this.target?.endpoint;
    if (state?.kind !== 'reconnecting' || state.refused === null || endpoint === undefined) return null;
    return { ...state.refused, endpoint };
  }

  /** Sends the renderer's offer (first negotiation or ICE restart) and returns Janus's answer. */
  async offer(offer: SessionDescription, iceRestart: boolean): Promise<SessionDescription> {
    const room = this.room;
    if (room === null || this.link.status !== 'joined') throw new EngineCommandError('Not in the conversation: join first, then connect the microphone.');
    if (offer.type !== 'offer') throw new EngineCommandError('Expected an SDP offer from the page.');
    // After a failover the old room's connection may still try an ICE restart: it belongs to no room here.
    if (iceRestart && this.negotiatedRoom !== room) throw new EngineCommandError('The conversation moved to another room: the audio connects again with a new offer.');
    // The connection of a window whose seat a newer one took over (reload, second window) must not take it back.
    if (iceRestart && dtlsFingerprint(offer.sdp) !== this.negotiatedFingerprint) throw new EngineCommandError('Another window took over this conversation\'s audio: reload this window to bring the audio back here.');
    // A first offer on a handle that already carried media comes from a new page (reload, renderer
    // crash): the participant keeps its feed, its mute (its own or a moderator's) and its locks.
    const muted = this.selfMuted || this.selfLock() !== null || this.participants.some((participant) => participant.self && participant.muted);
    const sdp = !iceRestart && this.negotiatedRoom === room ? await room.renewMedia(offer.sdp, { muted }) : await room.offer(offer.sdp, { iceRestart });
    this.negotiatedRoom = room;
    this.negotiatedFingerprint = dtlsFingerprint(offer.sdp);
    return { type: 'answer', sdp };
  }

  /** Self-mute in the room. */
  async setMuted(muted: boolean): Promise<ConversationState> {
    const room = this.room;
    if (room === null || this.link.status !== 'joined') throw new EngineCommandError('Not in the conversation: join first.');
    if (!muted && (this.selfLock() !== null || this.participants.some((participant) => participant.self && participant.mutedBy === 'moderator'))) {
      throw new EngineCommandError('A moderator muted you: only the host or a producer can unmute you. Use "Request to speak", then wait for their answer.');
    }
    await room.setMuted(muted);
    this.selfMuted = muted;
    this.refreshParticipants();
    return this.state();
  }

  /**
   * A moderator mutes or unmutes another participant. A mute is locked (sticky): announced on
   * the space channel so the participant's app locks its button, and enforced by every
   * moderator's engine; an unmute lifts the lock first, so no engine mutes it again.
   */
  async moderateMute(participantId: string, muted: boolean, reason?: string, action: 'mute' | 'auto-mute' = 'mute'): Promise<ConversationState> {
    const { room, participant } = this.moderatorTarget(participantId, muted ? 'mute' : 'unmute');
    const key = participantKey(participant);
    if (muted) {
      this.lockParticipant(participant, reason);
      await this.announceLocks();
      await room.moderate(participant.id, true);
      this.mutedByModerator.add(participant.id);
    } else {
      this.locks.delete(key);
      this.locksRevision = this.nextRevision();
      this.speakRequests.delete(key);
      await this.announceUnlock();
      await room.moderate(participant.id, false);
      this.mutedByModerator.delete(participant.id);
    }
    this.record(muted ? action : 'unmute', participant.display, muted ? (reason ?? 'muted and locked') : 'unmuted; lock lifted', action === 'auto-mute' ? 'auto-mute' : undefined);
    this.refreshParticipants();
    return this.state();
  }

  /** A moderator answers a request to speak: approve unmutes the participant and lifts the lock. */
  async answerSpeakRequest(participantId: string, approve: boolean): Promise<ConversationState> {
    const { participant } = this.moderatorTarget(participantId, approve ? 'approve a request to speak from' : 'decline a request to speak from');
    const key = participantKey(participant);
    if (!this.speakRequests.has(key) && !participant.speakRequested) throw new EngineCommandError(`${participant.display} has not asked to speak (or the request was already answered).`);
    this.speakRequests.delete(key);
    await this.announce({ v: SPACE_CHANNEL_VERSION, type: 'speak-answer', key, approved: approve, by: this.actorName() });
    this.record(approve ? 'approve' : 'decline', participant.display, approve ? 'request to speak approved: unmuted' : 'request to speak declined');
    if (approve) return this.moderateMute(participantId, false);
    this.refreshParticipants();
    return this.state();
  }

  /** This participant asks to speak (only while a moderator's lock holds its microphone), or withdraws. */
  async requestToSpeak(active: boolean): Promise<ConversationState> {
    if (this.link.status !== 'joined') throw new EngineCommandError('Not in the conversation: join first.');
    if (active && this.selfLock() === null) throw new EngineCommandError('No moderator has muted you: unmute your microphone yourself.');
    const channel = this.channel;
    if (channel === null || this.channelStatus.status !== 'open') {
      throw new EngineCommandError('The space channel is not connected, so the request cannot reach the host or producers. Ask them another way, or wait for the channel to reconnect.');
    }
    await channel.send(JSON.stringify({ v: SPACE_CHANNEL_VERSION, type: 'speak-request', active } satisfies ParticipantMessage));
    this.selfSpeakRequested = active;
    this.record('request', this.display, active ? 'asked to speak' : 'withdrew the request to speak');
    this.refreshParticipants();
    return this.state();
  }

  /** A moderator turns automatic muting of flagged microphones on or off. */
  setAutoMute(enabled: boolean): ConversationState {
    this.requireModerator('switch auto-mute');
    this.autoMute = enabled;
    this.record('auto-mute-setting', null, enabled ? 'auto-mute stray mics: on' : 'auto-mute stray mics: off');
    this.options.onChange(this.state());
    return this.state();
  }

  /** This app's own microphone report: kept for its own row, sent on the space channel. */
  reportMic(report: MicReport): boolean {
    const room = this.room;
    const selfId = room?.selfId ?? null;
    if (selfId === null) return false;
    const now = this.options.clock.now();
    this.detector.observe(selfId, report, now);
    const channel = this.channel;
    if (channel === null || this.channelStatus.status !== 'open' || now - this.lastReportSentAt < MIN_REPORT_INTERVAL_MS) return false;
    this.lastReportSentAt = now;
    channel.post(JSON.stringify({ v: SPACE_CHANNEL_VERSION, type: 'mic', report } satisfies ParticipantMessage));
    return true;
  }

  /** Tells every app on the space channel that the conversation moves (failover); moderators only. */
  async announceMove(move: FailoverMove): Promise<void> {
    await this.announce({ v: SPACE_CHANNEL_VERSION, type: 'moving', move });
  }

  /** A moderator removes a participant from the room. */
  async moderateRemove(participantId: string): Promise<ConversationState> {
    const { room, participant } = this.moderatorTarget(participantId, 'remove');
    try {
      await room.kick(participant.id);
    } catch (error) {
      throw new EngineCommandError(`Janus refused to remove ${participant.display}: ${explainRoomError(error)}`);
    }
    this.record('remove', participant.display, `removed from the room (${participant.role ?? 'guest'})`);
    return this.state();
  }

  /** A moderator mutes everyone who is not a host and not already muted; returns how many. */
  async muteAllButHosts(): Promise<{ muted: number; conversation: ConversationState }> {
    this.requireModerator('mute everyone');
    const room = this.room;
    if (room === null) throw new EngineCommandError('Not in the conversation: join first.');
    const targets = this.participants.filter((participant) => !participant.self && participant.role !== 'host' && !participant.muted);
    const failures: string[] = [];
    for (const participant of targets) this.lockParticipant(participant, 'Everyone except the hosts was muted');
    await this.announceLocks();
    for (const participant of targets) {
      try {
        await room.moderate(participant.id, true);
        this.mutedByModerator.add(participant.id);
      } catch (error) {
        failures.push(`${participant.display}: ${describeError(error)}`);
      }
    }
    this.record('mute-all', null, `muted everyone except the hosts: ${targets.length - failures.length} muted`);
    this.refreshParticipants();
    if (failures.length > 0) throw new EngineCommandError(`Some participants could not be muted (${failures.join('; ')}). Try again, or remove them.`);
    return { muted: targets.length, conversation: this.state() };
  }

  /** Leaves the room and closes the Janus session. */
  async leave(): Promise<boolean> {
    if (this.link.status === 'idle') return false;
    this.generation += 1;
    await this.teardown();
    this.participants = [];
    this.selfMuted = false;
    this.locks.clear();
    this.locksRevision = 0;
    this.speakRequests.clear();
    this.selfSpeakRequested = false;
    this.flags.clear();
    this.show = { status: 'unknown' };
    this.showRevisionHeard = 0;
    this.setLink({ status: 'idle' });
    return true;
  }

  /** Creates (or checks) the space's rooms on both endpoints with the allowed tokens; the host only. */
  async provision(): Promise<{ endpoint: EndpointName; room: string; created: boolean }[]> {
    const results: { endpoint: EndpointName; room: string; created: boolean }[] = [];
    const endpoints = (['primary', 'backup'] as const).filter((name) => this.options.config.space[name]?.janus.room !== undefined);
    if (endpoints.length === 0) {
      throw new EngineCommandError('No conversation room is configured: add janus.room { id, secret } to the primary (and backup) endpoint in the space settings.');
    }
    for (const endpoint of endpoints) {
      const target = this.hostTarget(endpoint);
      if (endpoint === 'backup') this.setBackupRoom({ status: 'preparing', since: this.options.clock.now() });
      try {
        const created = await this.provisionOne(endpoint);
        results.push({ endpoint, room: String(target.room), created });
      } catch (error) {
        if (endpoint === 'backup') this.setBackupRoom({ status: 'failed', at: this.options.clock.now(), reason: `The backup room could not be prepared: ${describeError(error)}`.slice(0, 500) });
        throw error;
      }
      if (endpoint === 'backup') this.setBackupRoom({ status: 'ready', at: this.options.clock.now() });
    }
    return results;
  }

  /** Creates one endpoint's room (or updates its allowed list); true when created. */
  private async provisionOne(endpoint: EndpointName): Promise<boolean> {
    const target = this.hostTarget(endpoint);
    const created = await this.withModerator(target, async (room, janus) => {
      const request = {
        room: target.room,
        secret: target.secret ?? '',
        pin: target.pin,
        description: this.options.config.space.name,
        allowed: this.allowedTokens(),
        adminKey: target.adminKey,
      };
      const made = await room.createRoom(request);
      // The space channel's TextRoom: same id, secret, PIN and allowed tokens as the AudioBridge room.
      await TextRoomChannel.provision(janus, request);
      return made;
    });
    this.options.logger.info(`${endpoint} room ${target.room} ${created ? 'created' : 'already existed'}; allowed list set (audio room and space channel)`);
    return created;
  }

  /** Adds (or removes) invite tokens in the allowed lists of every configured room. */
  async updateAllowed(action: 'add' | 'remove', tokens: readonly string[]): Promise<void> {
    if (tokens.length === 0) return;
    const endpoints = (['primary', 'backup'] as const).filter((name) => this.options.config.space[name]?.janus.room !== undefined);
    const failures: string[] = [];
    for (const endpoint of endpoints) {
      const target = this.hostTarget(endpoint);
      try {
        await this.withModerator(target, async (room, janus) => {
          await room.allowTokens(target.room, target.secret ?? '', action, [...tokens]);
          if (action === 'add') {
            await TextRoomChannel.provision(janus, { room: target.room, secret: target.secret ?? '', pin: target.pin, description: this.options.config.space.name, allowed: tokens, adminKey: target.adminKey });
          } else {
            await TextRoomChannel.allowTokens(janus, target.room, target.secret ?? '', 'remove', tokens);
          }
        });
      } catch (error) {
        failures.push(`${endpoint}: ${describeError(error)}`);
      }
    }
    if (failures.length > 0) {
      throw new EngineCommandError(`Could not ${action === 'add' ? 'allow' : 'remove'} the invite in every room (${failures.join('; ')}). Check that the Janus servers are reachable, then try again.`);
    }
  }

  /** Removes every participant who joined with `inviteId`; returns how many. */
  async removeInvitees(inviteId: string): Promise<number> {
    const room = this.room;
    const target = this.target;
    if (room === null || target === null || target.secret === undefined) return 0;
    let removed = 0;
    for (const participant of this.participants) {
      if (participant.inviteId !== inviteId || participant.self) continue;
      await room.kick(participant.id);
      removed += 1;
    }
    return removed;
  }

  private requireModerator(action: string): void {
    if (this.link.status !== 'joined') throw new EngineCommandError(`Not in the conversation: join first, then ${action}.`);
    if ((this.role !== 'host' && this.role !== 'producer') || this.target?.secret === undefined) {
      throw new EngineCommandError(`Only the host or a producer can ${action}: co-hosts can mute only themselves.`);
    }
  }

  private moderatorTarget(participantId: string, action: string): { room: AudioBridgeRoom; participant: Participant } {
    this.requireModerator(`${action} others`);
    const room = this.room;
    const participant = this.participants.find((candidate) => candidate.id === participantId);
    if (room === null || participant === undefined) throw new EngineCommandError('That participant is no longer in the room.');
    if (participant.self) throw new EngineCommandError(action === 'remove' ? 'To leave the room yourself, use Leave.' : 'Use your own microphone button to mute or unmute yourself.');
    return { room, participant };
  }

  /** The summaries of invites the UI shows, for log lines. */
  describeInvite(invite: InviteSummary): string {
    return `${invite.role} invite ${invite.id}${invite.label ? ` (${invite.label})` : ''}`;
  }

  private allowedTokens(): string[] {
    return [this.ownToken, ...(this.options.invites?.tokensToAllow() ?? [])];
  }

  private targetFromInvite(invite: InvitePayload, name: EndpointName = 'primary'): RoomTarget {
    const endpoint = invite.endpoints[name];
    if (endpoint === undefined) throw new EngineCommandError(`The invite has no ${name} room: ask the host for a new invite.`);
    return {
      endpoint: name,
      janusUrl: endpoint.janusUrl,
      apiSecret: endpoint.apiSecret,
      room: endpoint.room,
      pin: endpoint.pin,
      token: invite.token,
      secret: endpoint.roomSecret,
    };
  }

  private hostTarget(endpoint: EndpointName): RoomTarget {
    const config: EndpointConfig | undefined = this.options.config.space[endpoint];
    const room = config?.janus.room;
    if (config === undefined || room === undefined) {
      throw new EngineCommandError(`The ${endpoint} endpoint has no conversation room: add janus.room { id, secret } to it in the space settings.`);
    }
    return { endpoint, janusUrl: config.janus.url, apiSecret: config.janus.apiSecret, adminKey: config.janus.adminKey, room: room.id, pin: room.pin, token: this.ownToken, secret: room.secret };
  }

  private async connect(target: RoomTarget, generation: number, carried?: { muted: boolean; selfMuted: boolean }): Promise<void> {
    if (generation !== this.generation) throw new SupersededError();
    const janus = new JanusLink({
      url: target.janusUrl,
      apiSecret: target.apiSecret,
      clock: this.options.clock,
      random: this.options.random,
      logger: this.options.logger.child('janus'),
      keepaliveSeconds: this.options.keepaliveSeconds ?? 5,
    });
    this.janus = janus;
    janus.onChange((state) => this.onLinkChange(state, generation));
    await janus.start();
    // A move, a rejoin or a leave took over meanwhile: this session is nobody's.
    if (generation !== this.generation) {
      await janus.close();
      throw new SupersededError();
    }
    const opensRoom = this.opensRoom(target);
    this.advanceJoin(opensRoom ? 'room' : 'seat', generation);
    const room = new AudioBridgeRoom(janus, { logger: this.options.logger.child('room'), clock: this.options.clock });
    this.room = room;
    room.useSecret(target.secret);
    room.onChange(() => {
      if (generation === this.generation) this.refreshParticipants();
    });
    room.onRemoved((reason) => {
      if (generation !== this.generation) return;
      this.generation += 1;
      void this.teardown();
      this.participants = [];
      this.setLink({
        status: 'failed',
        endpoint: target.endpoint,
        at: this.options.clock.now(),
        reason: reason === 'kicked' ? 'You were removed from the room by the host or a producer.' : 'The host closed the conversation room.',
      });
    });
    if (opensRoom && target.secret !== undefined) {
      // The host opens the room: created when missing, else our token (new each run) joins its allowed list.
      const request = { room: target.room, secret: target.secret, pin: target.pin, description: this.options.config.space.name, allowed: this.allowedTokens(), adminKey: target.adminKey };
      const created = await room.createRoom(request);
      // The space channel's TextRoom beside it: same id, secret, PIN and allowed tokens.
      await TextRoomChannel.provision(janus, request);
      this.options.logger.info(`${target.endpoint} room ${target.room} ${created ? 'created' : 'found'}; host token allowed`);
      // The backup room must be ready before it is needed: provision it beside the join.
      // Every time (it is idempotent): a backup Janus that restarted since has forgotten the room.
      if (target.endpoint === 'primary') void this.prepareBackupRoom();
      this.advanceJoin('seat', generation);
    }
    // Producers start muted; so does anyone a moderator locked (e.g. after a move to the backup room).
    const muted = (carried?.muted ?? this.role === 'producer') || this.selfLock() !== null;
    const joined = await room.join({
      room: target.room,
      display: encodeDisplayName({ name: this.display, role: this.role, inviteId: this.inviteId }),
      token: target.token,
      pin: target.pin,
      muted,
    });
    if (generation !== this.generation) return;
    this.selfMuted = carried?.selfMuted ?? muted;
    this.refreshParticipants();
    this.setLink({ status: 'joined', endpoint: target.endpoint, since: this.options.clock.now(), selfId: joined.selfId, role: this.role ?? 'cohost' });
    void this.openChannel(janus, target, generation, joined.selfId);
    this.startTick(generation);
  }

  private onLinkChange(state: JanusLinkState, generation: number): void {
    if (generation !== this.generation || this.target === null) return;
    const endpoint = this.target.endpoint;
    switch (state.kind) {
      case 'connecting':
      case 'connected':
        return;
      case 'reconnecting':
        if (this.link.status === 'joined' || this.link.status === 'reconnecting') {
          this.setLink({ status: 'reconnecting', endpoint, since: this.options.clock.now(), attempt: state.attempt, nextAttemptAt: state.nextAttemptAt, reason: state.reason });
        }
        return;
      case 'reclaimed':
        this.channel?.resync();
        void this.afterReclaim(generation);
        return;
      case 'closed':
        // A close this engine asked for (a rejoin's next attempt tearing down the last) is no failure.
        if (this.link.status === 'idle' || state.cause === 'left') return;
        // Janus answers again but restarted: it forgot the session and the room. Join it again.
        if (state.cause === 'session-gone') {
          void this.rejoin(this.target, state.reason);
          return;
        }
        void this.teardown();
        this.setLink({ status: 'failed', endpoint, at: this.options.clock.now(), reason: state.reason });
        return;
      default:
        assertNever(state);
    }
  }

  /**
   * The room's Janus restarted within the reclaim window: the session, the handle and (for a room
   * the host created) the room are gone, so the claim failed. Join the same room again with the same
   * role, name, token and mute, in a new session; the host's app creates the room again, the others
   * retry until it is there. The link stays `reconnecting` (never `failed`, which would end the
   * page's media); the new feed id tells the page to negotiate again with a fresh offer. A move (the
   * failover rule) or a leave meanwhile takes over.
   */
  private async rejoin(target: RoomTarget, reason: string): Promise<void> {
    const generation = ++this.generation;
    const since = this.options.clock.now();
    const muted = this.selfMuted || this.participants.some((participant) => participant.self && participant.muted);
    const carried = { muted, selfMuted: this.selfMuted };
    this.options.logger.warn(`${reason}: joining the ${target.endpoint} room again`);
    let lastError = reason;
    for (let attempt = 1; generation === this.generation; attempt += 1) {
      await this.teardownQuickly();
      if (generation !== this.generation) return;
      this.participants = [];
      this.setLink({ status: 'reconnecting', endpoint: target.endpoint, since, attempt, nextAttemptAt: this.options.clock.now(), reason: `${lastError.replace(/\.$/, '')}: joining the room again`.slice(0, 500) });
      try {
        await this.connect(target, generation, carried);
        if (generation === this.generation) this.options.logger.info(`joined the ${target.endpoint} room again after its Janus restarted (${this.options.clock.now() - since} ms, attempt ${attempt})`);
        return;
      } catch (error) {
        if (generation !== this.generation || error instanceof SupersededError) return;
        lastError = describeError(error);
        if (this.options.clock.now() - since + REJOIN_RETRY_MS > REJOIN_WINDOW_MS) {
          await this.teardown();
          this.setLink({ status: 'failed', endpoint: target.endpoint, at: this.options.clock.now(), reason: `Janus restarted and the room could not be joined again within ${REJOIN_WINDOW_MS / 1000} s (${lastError}). Join the conversation again.`.slice(0, 500) });
          return;
        }
        await this.wait(REJOIN_RETRY_MS);
      }
    }
  }

  private async afterReclaim(generation: number): Promise<void> {
    const room = this.room;
    if (room === null) return;
    try {
      await room.resync();
      if (generation !== this.generation) return;
      this.refreshParticipants();
      const selfId = room.selfId;
      if (selfId !== null && this.target !== null) {
        this.setLink({ status: 'joined', endpoint: this.target.endpoint, since: this.options.clock.now(), selfId, role: this.role ?? 'cohost' });
        this.options.logger.info('conversation session claimed back after a transport outage; participants resynced');
      }
    } catch (error) {
      this.options.logger.error('resync after reclaim failed', error);
    }
  }

  private refreshParticipants(): void {
    const room = this.room;
    if (room === null) return;
    const selfId = room.selfId;
    this.participants = room.participants().map((participant: RoomParticipant) => {
      const identity = decodeDisplayName(participant.display);
      const self = participant.id === selfId;
      const muted = self ? this.selfMuted || participant.muted : participant.muted;
      if (!participant.muted) this.mutedByModerator.delete(participant.id);
      const display = identity.name.slice(0, 200);
      const key = participantKey({ inviteId: identity.inviteId, display });
      const lock = this.locks.get(key);
      return {
        id: participant.id,
        display,
        role: identity.role,
        self,
        muted,
        // Janus tells a participant it was muted by a moderator only as a `configured` event it did not ask for.
        mutedBy: muted ? (lock !== undefined ? 'moderator' : self ? (this.selfMuted ? 'self' : 'moderator') : this.mutedByModerator.has(participant.id) ? 'moderator' : null) : null,
        talking: participant.talking && !muted,
        connected: participant.connected,
        inviteId: identity.inviteId,
        lock: lock === undefined ? null : { by: lock.by, reason: lock.reason, at: lock.at },
        flags: this.flags.get(participant.id) ?? [],
        speakRequested: self ? this.selfSpeakRequested && lock !== undefined : this.speakRequests.has(key),
      };
    });
    this.enforceLocks();
    this.options.onChange(this.state());
  }

  // ── The space channel and moderation ───────────────────────────────────────────────────────

  /** Opens this app's end of the space channel in the room it just joined; the conversation works without it. */
  private async openChannel(janus: JanusLink, target: RoomTarget, generation: number, selfId: string): Promise<void> {
    const channel = new TextRoomChannel(janus, {
      logger: this.options.logger.child('channel'),
      clock: this.options.clock,
      ...(this.options.iceHostAddresses !== undefined ? { iceHostAddresses: this.options.iceHostAddresses } : {}),
    });
    this.channel = channel;
    this.setChannelStatus({ status: 'connecting' });
    channel.onDelivery((delivery) => {
      if (generation === this.generation) this.onChannel(delivery);
    });
    channel.onClosed((reason) => {
      if (generation !== this.generation || this.channel !== channel) return;
      this.channel = null;
      this.setChannelStatus({ status: 'unavailable', reason: `${reason}: mutes still work, but locks, requests to speak and microphone reports do not travel until you rejoin.` });
    });
    try {
      await channel.join({
        room: target.room,
        username: selfId,
        display: encodeDisplayName({ name: this.display, role: this.role, inviteId: this.inviteId }),
        token: target.token,
        pin: target.pin,
      });
    } catch (error) {
      if (generation !== this.generation || this.channel !== channel) return;
      this.channel = null;
      void channel.close();
      this.options.logger.warn(`space channel unavailable: ${describeError(error)}`);
      this.setChannelStatus({
        status: 'unavailable',
        reason: `The space channel could not open (${describeError(error)}). Mutes still work, but locks, requests to speak and microphone reports do not travel. Check that the Janus server loads the TextRoom plugin, then rejoin.`,
      });
      return;
    }
    if (generation !== this.generation || this.channel !== channel) {
      await channel.close();
      return;
    }
    this.setChannelStatus({ status: 'open', since: this.options.clock.now() });
    this.options.logger.info('space channel open');
    // A moderator who joins asks the others for the room's moderation state.
    if (this.isModerator()) channel.post(JSON.stringify({ v: SPACE_CHANNEL_VERSION, type: 'sync-request' } satisfies ParticipantMessage));
    // The host says whether the show is on air (to whoever is here, and to itself).
    this.announceShow();
  }

  private onChannel(delivery: ChannelDelivery): void {
    switch (delivery.kind) {
      case 'message': {
        const message = parseParticipantMessage(delivery.text);
        if (message === null) return;
        this.onParticipantMessage(delivery.from, message);
        return;
      }
      case 'announcement': {
        const announcement = parseModeratorAnnouncement(delivery.text);
        if (announcement !== null) this.onAnnouncement(announcement);
        return;
      }
      case 'joined':
        // Whoever joins (again, or in the backup room) learns the locks and the show at once.
        if (this.isModerator() && this.locks.size > 0) void this.announceLocks().catch((error: unknown) => this.options.logger.warn(`could not announce the mute locks: ${describeError(error)}`));
        this.announceShow();
        return;
      case 'left':
        return;
      default:
        assertNever(delivery);
    }
  }

  private onParticipantMessage(from: string, message: ParticipantMessage): void {
    switch (message.type) {
      case 'mic':
        this.detector.observe(from, message.report, this.options.clock.now());
        return;
      case 'speak-request': {
        if (!this.isModerator()) return;
        const participant = this.participants.find((candidate) => candidate.id === from);
        if (participant === undefined) return;
        const key = participantKey(participant);
        if (message.active && this.locks.has(key)) this.speakRequests.set(key, from);
        else this.speakRequests.delete(key);
        this.record('request', participant.display, message.active ? 'asks to speak' : 'withdrew the request to speak', participant.display);
        this.refreshParticipants();
        return;
      }
      case 'sync-request':
        if (this.isModerator() && this.locksRevision > 0) void this.announceLocks().catch((error: unknown) => this.options.logger.warn(`could not answer a moderation sync: ${describeError(error)}`));
        this.announceShow();
        return;
      default:
        assertNever(message);
    }
  }

  private onAnnouncement(announcement: ModeratorAnnouncement): void {
    switch (announcement.type) {
      case 'locks': {
        if (this.locksEcho !== null && announcement.revision >= this.locksEcho.revision) this.locksEcho.resolve();
        if (announcement.revision <= this.locksRevision) return;
        const before = this.selfLock();
        this.locks = new Map(announcement.locks.map((lock) => [lock.key, lock]));
        this.locksRevision = announcement.revision;
        for (const key of this.speakRequests.keys()) if (!this.locks.has(key)) this.speakRequests.delete(key);
        const after = this.selfLock();
        if (after === null) this.selfSpeakRequested = false;
        if (before === null && after !== null) this.options.logger.warn(`${after.by} muted you: ${after.reason}`);
        this.refreshParticipants();
        return;
      }
      case 'speak-answer':
        if (announcement.key === this.selfKey()) {
          this.selfSpeakRequested = false;
          this.record(announcement.approved ? 'approve' : 'decline', this.display, announcement.approved ? `${announcement.by} approved your request to speak` : `${announcement.by} declined your request to speak`, announcement.by);
        }
        this.speakRequests.delete(announcement.key);
        this.refreshParticipants();
        return;
      case 'moving': {
        const { move } = announcement;
        // Only a moderator can announce (Janus checked the room secret); a co-host role in it is not one.
        if (move.by.role === 'cohost') return;
        this.options.logger.warn(`${move.by.name} (${move.by.role}) announced a move to the ${move.to} room: ${move.reason}`);
        this.options.onMoveAnnounced?.(move);
        return;
      }
      case 'show': {
        if (announcement.revision <= this.showRevisionHeard) return;
        this.showRevisionHeard = announcement.revision;
        this.showHeardAt = this.options.clock.now();
        const by = announcement.by.slice(0, 200);
        const next: ShowStatus = announcement.onAir && announcement.since !== null ? { status: 'on-air', since: announcement.since, by } : { status: 'off-air', by };
        if (JSON.stringify(next) === JSON.stringify(this.show)) return;
        this.show = next;
        this.options.logger.info(next.status === 'on-air' ? `${by} is on air (since ${new Date(next.since).toISOString()})` : `${by} is off air`);
        this.options.onChange(this.state());
        return;
      }
      default:
        assertNever(announcement);
    }
  }

  /**
   * Sticky mute: a locked participant that is unmuted in the mix (an old or modified client that
   * unmuted itself) is muted again at once by every moderator's engine, and flagged.
   */
  private enforceLocks(): void {
    const room = this.room;
    if (room === null || !this.isModerator() || this.link.status !== 'joined') return;
    const wasMuted = this.lastMuted;
    this.lastMuted = new Map(this.participants.map((participant) => [participant.id, participant.muted]));
    for (const participant of this.participants) {
      if (participant.self || participant.muted || participant.lock === null || this.enforcing.has(participant.id)) continue;
      // Only an unmute (or a locked participant arriving unmuted) breaks a lock; a participant
      // that was open when the lock was announced is being muted by the moderator who set it.
      if (wasMuted.get(participant.id) === false) continue;
      const id = participant.id;
      const key = participantKey(participant);
      this.enforcing.add(id);
      const startedAt = this.options.clock.now();
      // A short grace for an unlock announcement still on its way (another moderator's approval).
      this.wait(ENFORCE_GRACE_MS)
        .then(async () => {
          if (!this.locks.has(key) || this.room !== room) return;
          await room.moderate(id, true);
          this.mutedByModerator.add(id);
          this.detector.markSelfUnmuted(id, startedAt);
          this.record('re-mute', participant.display, 'unmuted itself while locked: muted again', 'sticky mute');
        })
        .catch((error: unknown) => this.options.logger.warn(`could not mute ${participant.display} again: ${describeError(error)}`))
        .finally(() => {
          this.enforcing.delete(id);
          this.refreshParticipants();
        });
    }
  }

  /** Runs every MODERATION_TICK_MS while in a room: stray-mic flags, auto-mute, the mic-levels event. */
  private startTick(generation: number): void {
    this.options.clock.clearTimeout(this.tickTimer);
    const tick = (): void => {
      if (generation !== this.generation || this.room === null) return;
      this.moderationTick();
      this.tickTimer = this.options.clock.setTimeout(tick, MODERATION_TICK_MS);
    };
    this.tickTimer = this.options.clock.setTimeout(tick, MODERATION_TICK_MS);
  }

  private moderationTick(): void {
    const now = this.options.clock.now();
    const levels: EventPayload<'conversation:mic-levels'>['levels'] = [];
    for (const participant of this.participants) {
      const report = this.detector.latest(participant.id, now);
      if (report === null) continue;
      levels.push({ participantId: participant.id, levelDbfs: report.levelDbfs, peakDbfs: report.peakDbfs, voice: report.voice, speechProbability: report.speechProbability, echoScore: report.echoScore });
    }
    // An empty set once when the last report goes stale, so meters drop instead of freezing.
    if (levels.length > 0 || this.levelsShown) this.options.onMicLevels?.({ at: now, levels });
    this.levelsShown = levels.length > 0;
    this.showTick(now);
    if (!this.isModerator()) return;
    const flags = this.detector.evaluate(
      this.participants.map((participant) => ({
        id: participant.id,
        muted: participant.muted,
        talking: participant.talking,
        onStage: (participant.role === 'host' || participant.role === 'cohost') && participant.lock === null,
      })),
      now,
    );
    if (!sameFlags(this.flags, flags)) {
      for (const [id, list] of flags) {
        const before = this.flags.get(id) ?? [];
        const participant = this.participants.find((candidate) => candidate.id === id);
        for (const flag of list) {
          if (!before.some((old) => old.kind === flag.kind)) this.options.logger.warn(`flag on ${participant?.display ?? id}: ${flag.message}`);
        }
      }
      this.flags = flags;
      this.refreshParticipants();
    }
    if (this.autoMute) this.autoMuteFlagged();
  }

  private autoMuteFlagged(): void {
    for (const participant of this.participants) {
      if (participant.self || participant.muted || participant.role === 'host' || this.enforcing.has(participant.id)) continue;
      const flag = participant.flags.find((candidate) => candidate.kind !== 'self-unmuted');
      if (flag === undefined) continue;
      this.enforcing.add(participant.id);
      void this.moderateMute(participant.id, true, `Auto-muted: ${flag.message}`, 'auto-mute')
        .catch((error: unknown) => this.options.logger.warn(`auto-mute of ${participant.display} failed: ${describeError(error)}`))
        .finally(() => this.enforcing.delete(participant.id));
    }
  }

  private lockParticipant(participant: Participant, reason: string | undefined): void {
    const now = this.options.clock.now();
    const key = participantKey(participant);
    this.locks.set(key, {
      key,
      feed: participant.id,
      display: participant.display,
      by: this.actorName(),
      reason: (reason ?? `Muted by ${this.role === 'host' ? 'the host' : 'a producer'}`).slice(0, 300),
      at: now,
    });
    this.locksRevision = this.nextRevision();
    this.speakRequests.delete(key);
  }

  /** The engine's program started (on air since `since`) or ended (null): a host's app tells the room. */
  setProgram(since: number | null): void {
    if (since === this.programSince) return;
    this.programSince = since;
    this.announceShow();
  }

  /** The host's app announces its show (on air since …, or off air); anyone else's does nothing. */
  private announceShow(): void {
    if (this.role !== 'host' || !this.isModerator() || this.channelStatus.status !== 'open') return;
    const now = this.options.clock.now();
    this.showRevisionSent = Math.max(now, this.showRevisionSent + 1);
    this.showAnnouncedAt = now;
    const since = this.programSince;
    void this.announce({ v: SPACE_CHANNEL_VERSION, type: 'show', revision: this.showRevisionSent, onAir: since !== null, since, by: this.display.slice(0, 200) }).catch((error: unknown) =>
      this.options.logger.warn(`could not announce the show: ${describeError(error)}`),
    );
  }

  /** While on air the host says so again; a show not heard of for a while is no longer known. */
  private showTick(now: number): void {
    const timings = this.options.showTimings ?? SHOW_TIMINGS;
    if (this.role === 'host' && this.programSince !== null && now - this.showAnnouncedAt >= timings.announceEveryMs) this.announceShow();
    if (this.show.status === 'on-air' && now - this.showHeardAt > timings.staleMs) {
      this.options.logger.warn(`no word of the show from ${this.show.by} for ${Math.round((now - this.showHeardAt) / 1000)} s: whether it is on air is not known`);
      this.show = { status: 'unknown' };
      this.options.onChange(this.state());
    }
  }

  /** Announces the whole lock set (newest revision wins everywhere). No channel: the locks still hold here. */
  private async announceLocks(): Promise<void> {
    await this.announce({ v: SPACE_CHANNEL_VERSION, type: 'locks', revision: this.locksRevision, by: this.actorName(), locks: [...this.locks.values()] });
  }

  /**
   * Announces a lifted lock and waits (at most LOCKS_ECHO_MS) until the announcement comes back to
   * us: Janus relays it to every app at once, so the other moderators' engines know the lock is
   * gone before the unmute that follows reaches them, and do not enforce it.
   */
  private async announceUnlock(): Promise<void> {
    const revision = this.locksRevision;
    let timer: unknown = null;
    const echoed = new Promise<void>((resolve) => {
      this.locksEcho = { revision, resolve };
      timer = this.options.clock.setTimeout(resolve, LOCKS_ECHO_MS);
    });
    try {
      await this.announceLocks();
      if (this.channelStatus.status === 'open') await echoed;
    } finally {
      this.options.clock.clearTimeout(timer);
      this.locksEcho = null;
    }
  }

  private async announce(announcement: ModeratorAnnouncement): Promise<void> {
    const channel = this.channel;
    const secret = this.target?.secret;
    if (channel === null || this.channelStatus.status !== 'open' || secret === undefined || !this.isModerator()) {
      if (this.isModerator()) this.options.logger.warn(`space channel not open: the ${announcement.type} announcement was not sent`);
      return;
    }
    await channel.announce(JSON.stringify(announcement), secret);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.clock.setTimeout(resolve, ms));
  }

  private nextRevision(): number {
    return Math.max(this.options.clock.now(), this.locksRevision + 1);
  }

  private selfKey(): string {
    return participantKey({ inviteId: this.inviteId, display: this.display.slice(0, 200) });
  }

  private selfLock(): MuteLock | null {
    return this.locks.get(this.selfKey()) ?? null;
  }

  private isModerator(): boolean {
    return (this.role === 'host' || this.role === 'producer') && this.target?.secret !== undefined;
  }

  private actorName(): string {
    return `${this.display} (${this.role ?? 'guest'})`;
  }

  /** Adds a moderation event to the log the UI shows, and to the engine log. */
  private record(action: ModerationEvent['action'], target: string | null, detail: string, actor: string = this.actorName()): void {
    const event: ModerationEvent = { at: this.options.clock.now(), actor: actor.slice(0, 200), action, target: target?.slice(0, 200) ?? null, detail: detail.slice(0, 300) };
    this.moderationLog = [...this.moderationLog, event].slice(-MODERATION_LOG_LIMIT);
    this.options.logger.info(`${event.actor}: ${action}${target !== null ? ` ${target}` : ''} (${detail})`);
  }

  private setChannelStatus(status: SpaceChannelStatus): void {
    this.channelStatus = status;
    this.options.onChange(this.state());
  }

  /** True when joining `target` opens the room first: the host, with the room secret. */
  private opensRoom(target: RoomTarget): boolean {
    return this.role === 'host' && target.secret !== undefined;
  }

  /** The steps of joining `target`, starting at the first. */
  private joinSteps(target: RoomTarget): { steps: JoinStep[]; step: JoinStep } {
    return { steps: this.opensRoom(target) ? ['server', 'room', 'seat'] : ['server', 'seat'], step: 'server' };
  }

  /** Moves a join under way to its next step (nothing when another join or a leave took over). */
  private advanceJoin(step: JoinStep, generation: number): void {
    if (generation !== this.generation || this.link.status !== 'connecting' || this.link.step === step) return;
    this.setLink({ ...this.link, step });
  }

  /** Creates (or checks) the backup room, showing how it went; never throws. */
  private async prepareBackupRoom(): Promise<void> {
    if (this.options.config.space.backup?.janus.room === undefined) return;
    if (this.backupRoom.status === 'preparing') return;
    this.setBackupRoom({ status: 'preparing', since: this.options.clock.now() });
    try {
      await this.provisionOne('backup');
      this.setBackupRoom({ status: 'ready', at: this.options.clock.now() });
    } catch (error) {
      const reason = `The backup room could not be prepared: ${describeError(error)} A move to the backup would have to create it then; check the backup Janus, then prepare it again.`;
      this.options.logger.warn(reason);
      this.setBackupRoom({ status: 'failed', at: this.options.clock.now(), reason: reason.slice(0, 500) });
    }
  }

  private setBackupRoom(status: BackupRoomStatus): void {
    this.backupRoom = status;
    this.options.onChange(this.state());
  }

  private setLink(link: ConversationLink): void {
    this.link = link;
    this.options.onChange(this.state());
  }

  private async withModerator<T>(target: RoomTarget, run: (room: AudioBridgeRoom, janus: JanusLink) => Promise<T>): Promise<T> {
    if (this.room !== null && this.janus !== null && this.target?.endpoint === target.endpoint) return run(this.room, this.janus);
    const janus = new JanusLink({
      url: target.janusUrl,
      apiSecret: target.apiSecret,
      clock: this.options.clock,
      random: this.options.random,
      logger: this.options.logger.child(`janus-${target.endpoint}`),
      keepaliveSeconds: this.options.keepaliveSeconds ?? 5,
      reconnect: false,
    });
    try {
      await janus.start();
      const room = new AudioBridgeRoom(janus, { logger: this.options.logger.child('moderation'), clock: this.options.clock });
      return await run(room, janus);
    } finally {
      await janus.close();
    }
  }

  /** Teardown before joining elsewhere: the old server may be frozen, so its goodbye (leave, destroy) gets a second, not the join's time. */
  private async teardownQuickly(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = this.options.clock.setTimeout(resolve, 1000);
      void this.teardown().finally(() => {
        this.options.clock.clearTimeout(timer);
        resolve();
      });
    });
  }

  private async teardown(): Promise<void> {
    const room = this.room;
    const janus = this.janus;
    const channel = this.channel;
    this.room = null;
    this.janus = null;
    this.channel = null;
    this.channelStatus = { status: 'closed' };
    this.options.clock.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.enforcing.clear();
    this.mutedByModerator.clear();
    await channel?.close().catch(() => undefined);
    await room?.leave().catch(() => undefined);
    await janus?.close().catch(() => undefined);
  }
}

/** The `a=fingerprint` of an SDP (one per connection: Chromium's certificate lives as long as its RTCPeerConnection). */
function dtlsFingerprint(sdp: string): string | null {
  return /^a=fingerprint:(.+)$/mu.exec(sdp)?.[1]?.trim().toLowerCase() ?? null;
}

function sameFlags(a: ReadonlyMap<string, readonly StrayFlag[]>, b: ReadonlyMap<string, readonly StrayFlag[]>): boolean {
  const ids = new Set([...a.keys(), ...b.keys()]);
  for (const id of ids) {
    const left = a.get(id) ?? [];
    const right = b.get(id) ?? [];
    if (left.length !== right.length || left.some((flag, index) => flag.kind !== right[index]?.kind || flag.since !== right[index]?.since)) return false;
  }
  return true;
}

import { randomBytes } from 'node:crypto';
import {
  decodeDisplayName,
  encodeDisplayName,
  type ConversationLink,
  type ConversationState,
  type InviteSummary,
  type Participant,
  type Role,
  type SessionDescription,
} from '../../shared/conversation';
import type { EndpointName } from '../../shared/state';
import { assertNever } from '../assert-never';
import type { Clock } from '../clock';
import type { EndpointConfig, EngineConfig } from '../config';
import { EngineCommandError } from '../engine-errors';
import type { InviteBook } from '../invites/invite-book';
import { decodeInvite, type InvitePayload } from '../invites/invite-code';
import { AudioBridgeRoom, explainRoomError, type RoomParticipant } from '../janus/audiobridge-room';
import { JanusLink, type JanusLinkState } from '../janus/janus-link';
import { describeError, type Logger } from '../log/logger';

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
  private mutedByModerator = new Set<string>();
  private readonly ownToken: string;
  private generation = 0;

  constructor(private readonly options: ConversationOptions) {
    this.ownToken = hostToken();
  }

  /** The state as the UI sees it. */
  state(): ConversationState {
    return { link: this.link, space: this.space, selfMuted: this.selfMuted, participants: this.participants.map((participant) => ({ ...participant })) };
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
    this.setLink({ status: 'connecting', endpoint: target.endpoint, since: this.options.clock.now() });
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
    // The old server may be frozen: its goodbye (leave, destroy) gets a second, not the move's time.
    await new Promise<void>((resolve) => {
      const timer = this.options.clock.setTimeout(resolve, 1000);
      void this.teardown().finally(() => {
        this.options.clock.clearTimeout(timer);
        resolve();
      });
    });
    this.participants = [];
    this.target = target;
    this.setLink({ status: 'connecting', endpoint, since: this.options.clock.now() });
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

  /** Sends the renderer's offer (first negotiation or ICE restart) and returns Janus's answer. */
  async offer(offer: SessionDescription, iceRestart: boolean): Promise<SessionDescription> {
    const room = this.room;
    if (room === null || this.link.status !== 'joined') throw new EngineCommandError('Not in the conversation: join first, then connect the microphone.');
    if (offer.type !== 'offer') throw new EngineCommandError('Expected an SDP offer from the page.');
    // After a failover the old room's connection may still try an ICE restart: it belongs to no room here.
    if (iceRestart && this.negotiatedRoom !== room) throw new EngineCommandError('The conversation moved to another room: the audio connects again with a new offer.');
    const sdp = await room.offer(offer.sdp, { iceRestart });
    this.negotiatedRoom = room;
    return { type: 'answer', sdp };
  }

  /** Self-mute in the room. */
  async setMuted(muted: boolean): Promise<ConversationState> {
    const room = this.room;
    if (room === null || this.link.status !== 'joined') throw new EngineCommandError('Not in the conversation: join first.');
    if (!muted && this.participants.some((participant) => participant.self && participant.mutedBy === 'moderator')) {
      throw new EngineCommandError('A moderator muted you: only the host or a producer can unmute you. Ask them to, then speak.');
    }
    await room.setMuted(muted);
    this.selfMuted = muted;
    this.refreshParticipants();
    return this.state();
  }

  /** A moderator mutes or unmutes another participant. */
  async moderateMute(participantId: string, muted: boolean): Promise<ConversationState> {
    const { room, participant } = this.moderatorTarget(participantId, muted ? 'mute' : 'unmute');
    await room.moderate(participant.id, muted);
    if (muted) this.mutedByModerator.add(participant.id);
    else this.mutedByModerator.delete(participant.id);
    this.options.logger.info(`${this.display} (${this.role ?? '?'}) ${muted ? 'muted' : 'unmuted'} ${participant.display} (${participant.role ?? 'guest'})`);
    this.refreshParticipants();
    return this.state();
  }

  /** A moderator removes a participant from the room. */
  async moderateRemove(participantId: string): Promise<ConversationState> {
    const { room, participant } = this.moderatorTarget(participantId, 'remove');
    try {
      await room.kick(participant.id);
    } catch (error) {
      throw new EngineCommandError(`Janus refused to remove ${participant.display}: ${explainRoomError(error)}`);
    }
    this.options.logger.info(`${this.display} (${this.role ?? '?'}) removed ${participant.display} (${participant.role ?? 'guest'}) from the room`);
    return this.state();
  }

  /** A moderator mutes everyone who is not a host and not already muted; returns how many. */
  async muteAllButHosts(): Promise<{ muted: number; conversation: ConversationState }> {
    this.requireModerator('mute everyone');
    const room = this.room;
    if (room === null) throw new EngineCommandError('Not in the conversation: join first.');
    const targets = this.participants.filter((participant) => !participant.self && participant.role !== 'host' && !participant.muted);
    const failures: string[] = [];
    for (const participant of targets) {
      try {
        await room.moderate(participant.id, true);
        this.mutedByModerator.add(participant.id);
      } catch (error) {
        failures.push(`${participant.display}: ${describeError(error)}`);
      }
    }
    this.options.logger.info(`${this.display} (${this.role ?? '?'}) muted everyone except hosts: ${targets.length - failures.length} muted`);
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
      const created = await this.provisionOne(endpoint);
      results.push({ endpoint, room: String(target.room), created });
    }
    return results;
  }

  /** Creates one endpoint's room (or updates its allowed list); true when created. */
  private async provisionOne(endpoint: EndpointName): Promise<boolean> {
    const target = this.hostTarget(endpoint);
    const created = await this.withModerator(target, (room) =>
      room.createRoom({
        room: target.room,
        secret: target.secret ?? '',
        pin: target.pin,
        description: this.options.config.space.name,
        allowed: this.allowedTokens(),
        adminKey: target.adminKey,
      }),
    );
    this.options.logger.info(`${endpoint} room ${target.room} ${created ? 'created' : 'already existed'}; allowed list set`);
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
        await this.withModerator(target, (room) => room.allowTokens(target.room, target.secret ?? '', action, [...tokens]));
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
    const room = new AudioBridgeRoom(janus, { logger: this.options.logger.child('room') });
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
    if (this.role === 'host' && target.secret !== undefined) {
      // The host opens the room: created when missing, else our token (new each run) joins its allowed list.
      const created = await room.createRoom({
        room: target.room,
        secret: target.secret,
        pin: target.pin,
        description: this.options.config.space.name,
        allowed: this.allowedTokens(),
        adminKey: target.adminKey,
      });
      this.options.logger.info(`${target.endpoint} room ${target.room} ${created ? 'created' : 'found'}; host token allowed`);
      // The backup room must be ready before it is needed: provision it beside the join.
      if (target.endpoint === 'primary' && this.options.config.space.backup?.janus.room !== undefined) {
        void this.provisionOne('backup').catch((error: unknown) => {
          this.options.logger.warn(`the backup room could not be prepared: ${describeError(error)}`);
        });
      }
    }
    const muted = carried?.muted ?? this.role === 'producer';
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
        void this.afterReclaim(generation);
        return;
      case 'closed':
        if (this.link.status !== 'idle') {
          void this.teardown();
          this.setLink({ status: 'failed', endpoint, at: this.options.clock.now(), reason: state.reason });
        }
        return;
      default:
        assertNever(state);
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
      return {
        id: participant.id,
        display: identity.name.slice(0, 200),
        role: identity.role,
        self,
        muted,
        // Janus tells a participant it was muted by a moderator only as a `configured` event it did not ask for.
        mutedBy: muted ? (self ? (this.selfMuted ? 'self' : 'moderator') : this.mutedByModerator.has(participant.id) ? 'moderator' : null) : null,
        talking: participant.talking && !muted,
        connected: participant.connected,
        inviteId: identity.inviteId,
      };
    });
    this.options.onChange(this.state());
  }

  private setLink(link: ConversationLink): void {
    this.link = link;
    this.options.onChange(this.state());
  }

  private async withModerator<T>(target: RoomTarget, run: (room: AudioBridgeRoom) => Promise<T>): Promise<T> {
    if (this.room !== null && this.target?.endpoint === target.endpoint) return run(this.room);
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
      const room = new AudioBridgeRoom(janus, { logger: this.options.logger.child('moderation') });
      return await run(room);
    } finally {
      await janus.close();
    }
  }

  private async teardown(): Promise<void> {
    const room = this.room;
    const janus = this.janus;
    this.room = null;
    this.janus = null;
    this.mutedByModerator.clear();
    await room?.leave().catch(() => undefined);
    await janus?.close().catch(() => undefined);
  }
}

import { randomBytes } from 'node:crypto';
import {
  encodeDisplayName,
  type ConversationState,
  type InviteSummary,
  type JoinStep,
  type Participant,
  type Role,
  type SessionDescription,
} from '../../shared/conversation';
import type { EventPayload } from '../../shared/contract';
import type { FailoverMove, FailoverSettings } from '../../shared/failover';
import type { MicReport } from '../../shared/mic-report';
import {
  parseModeratorAnnouncement,
  parseSignedAnnouncement,
  SPACE_CHANNEL_VERSION,
  type ModeratorAnnouncement,
  type ParticipantMessage,
} from '../../shared/space-channel';
import type { EndpointName } from '../../shared/state';
import type { Clock } from '../clock';
import type { EngineConfig } from '../config';
import { EngineCommandError } from '../engine-errors';
import type { InviteBook } from '../invites/invite-book';
import { decodeInvite, type InvitePayload } from '../invites/invite-code';
import { hostKeyOf, inviteKeyOf, signText, verifyText, type HostKey } from '../invites/space-keys';
import { AudioBridgeRoom } from '../janus/audiobridge-room';
import { JanusLink, type JanusLinkState, type RefusedRun } from '../janus/janus-link';
import type { Logger } from '../log/logger';
import type { DetectorOptions } from '../moderation/stray-mic-detector';
import { TextRoomChannel } from '../space-channel/textroom-channel';
import { Attempts, SupersededError, type Attempt } from './attempt';
import { Moderation, type ModerationSelf, type RelayRequest } from './moderation';
import { buildParticipants, dtlsFingerprint, selfMutedNow } from './participant-list';
import { RoomLink } from './room-link';
import { ProducerRelay } from './producer-relay';
import { Roster } from './roster';
import { RoomProvisioning, type RoomServer } from './room-provisioning';
import { hostTarget, inviteTarget, joinSteps, opensRoom, type RoomTarget } from './room-target';
import { ShowAnnouncements, type ShowTimings } from './show-announcements';
import { SpaceChannelSession } from './space-channel-session';
import { assertNever } from '../../shared/assert-never';
import { describeError } from '../../shared/describe-error';

export type { ShowTimings } from './show-announcements';

/*
 * The conversation: this app's place in the space's AudioBridge room. The host joins with the
 * space's own configuration, everyone else with an invite. This facade joins, moves and rejoins
 * the room and composes the parts, which do not know each other:
 *   - RoomLink: the link state machine, one transition that checks and logs;
 *   - RoomProvisioning: the host's rooms on both endpoints and their allowed lists;
 *   - Moderation: locks, requests to speak, flags and auto-mute (through a room and an announcer port);
 *   - SpaceChannelSession: this app's end of the space channel;
 *   - ShowAnnouncements: the host's show on the channel;
 *   - participant-list: the UI's participants, as pure functions.
 * Stale async work is dropped by attempt tokens (a join, a move, a rejoin or a leave starts a new
 * attempt). The media (RTCPeerConnection) runs in the renderer and reaches Janus through `offer`.
 */

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

/** How often the moderation tick runs: flags, enforcement, the mic-levels event (5 Hz). */
const MODERATION_TICK_MS = 200;

/** How long the engine keeps joining the room again after its Janus restarted (then the link fails). */
const REJOIN_WINDOW_MS = 30_000;

/** Pause between two attempts to join the room again (a participant may wait for the host to re-create it). */
const REJOIN_RETRY_MS = 500;

/** A token the host's own engine adds to its rooms' allowed lists for itself. */
function newHostToken(): string {
  // A credential: from the CSPRNG like the invite tokens, never from the (seedable) jitter source.
  return `host-${randomBytes(18).toString('base64url')}`;
}

/** The conversation of this app in the space's room. */
export class Conversation {
  private readonly link: RoomLink;
  private readonly attempts = new Attempts();
  private readonly provisioning: RoomProvisioning;
  private readonly moderation: Moderation;
  private readonly channel: SpaceChannelSession;
  private readonly show: ShowAnnouncements;
  private readonly roster: Roster;
  /** The host's signing key (the host's engine only, with a primary room). */
  private readonly hostKey: HostKey | null;
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
  private readonly ownToken: string;
  private tickTimer: unknown = null;
  private readonly relay: ProducerRelay;
  private readonly now = (): number => this.options.clock.now();

  constructor(private readonly options: ConversationOptions) {
    this.ownToken = newHostToken();
    const publish = (): void => this.publish();
    this.link = new RoomLink({ logger: options.logger.child('link'), onChange: publish });
    this.hostKey = hostKeyOf(options.config.space);
    this.relay = new ProducerRelay({ clock: options.clock, logger: options.logger.child('relay') });
    this.roster = new Roster({
      clock: options.clock,
      logger: options.logger.child('roster'),
      hostPublicKey: () => (this.invite === null ? (this.hostKey?.publicKey ?? null) : this.invite.hostKey),
      host: () => {
        const key = this.hostKey;
        if (this.role !== 'host' || this.invite !== null || key === null) return null;
        // Before the channel opens there is nobody to tell: the roster goes out when it opens (and on every join).
        return {
          key,
          invites: { activeInvite: (id) => this.activeInvite(id) },
          announce: (announcement) => (this.channel.isOpen ? this.announce(announcement) : Promise.resolve()),
        };
      },
      onChange: () => this.refreshParticipants(),
    });
    this.provisioning = new RoomProvisioning({
      config: options.config,
      clock: options.clock,
      logger: options.logger,
      hostToken: this.ownToken,
      allowedTokens: () => [this.ownToken, ...(options.invites?.tokensToAllow() ?? [])],
      openServer: <T>(target: RoomTarget, run: (server: RoomServer) => Promise<T>) => this.withServer(target, run),
      onChange: publish,
    });
    this.channel = new SpaceChannelSession({
      clock: options.clock,
      logger: options.logger,
      onChange: publish,
      handlers: {
        message: (from, message) => {
          if (message.type === 'moderate') {
            void this.performRelayed(from, message);
            return;
          }
          if (message.type === 'hello') {
            const listed = this.participants.find((participant) => participant.id === from);
            this.roster.heardHello(from, listed === undefined ? undefined : listed.inviteId, message);
            return;
          }
          this.moderation.heardMessage(from, message);
          if (message.type === 'sync-request') {
            this.show.announce();
            this.roster.repeat();
          }
        },
        announcement: (text) => {
          const announcement = this.verifiedAnnouncement(text);
          if (announcement !== null) this.heardAnnouncement(announcement);
        },
        // Whoever joins (again, or in the backup room) learns the locks and the show at once.
        joined: () => {
          this.moderation.someoneJoined();
          this.show.announce();
          this.roster.repeat();
        },
        // A moderator who joins asks the others for the moderation state; the host says whether the show is on air.
        opened: () => {
          this.moderation.channelOpened();
          this.show.announce();
          this.roster.repeat();
          this.introduce(true);
        },
      },
    });
    const channel = this.channel;
    this.moderation = new Moderation({
      clock: options.clock,
      logger: options.logger,
      detector: options.detector,
      port: {
        self: () => this.moderationSelf(),
        participants: () => this.participants,
        refresh: () => this.refreshParticipants(),
        changed: publish,
        levels: (levels) => this.options.onMicLevels?.(levels),
        relay: (request) => this.askHost(request),
      },
      announcer: {
        get open() {
          return channel.isOpen;
        },
        announce: (announcement) => this.announce(announcement),
        send: async (message) => {
          await channel.send(JSON.stringify(message));
        },
        post: (message) => {
          channel.post(JSON.stringify(message));
        },
      },
    });
    this.show = new ShowAnnouncements({
      clock: options.clock,
      logger: options.logger,
      timings: options.showTimings,
      onChange: publish,
      port: {
        canAnnounce: () => this.role === 'host' && this.isModerator() && this.channel.isOpen,
        isHost: () => this.role === 'host',
        display: () => this.display,
        announce: (announcement) => this.announce(announcement),
      },
    });
  }

  /** The state as the UI sees it. */
  state(): ConversationState {
    return {
      link: this.link.current,
      space: this.space,
      selfMuted: this.selfMuted,
      participants: this.participants.map((participant) => ({ ...participant, flags: [...participant.flags] })),
      channel: this.channel.status,
      moderation: this.moderation.summary(),
      backupRoom: this.provisioning.backupRoom,
      show: this.show.status,
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
    const status = this.link.current.status;
    if (status === 'connecting' || status === 'joined' || status === 'reconnecting') {
      throw new EngineCommandError('Already in the conversation: leave it before joining again.');
    }
    let target: RoomTarget;
    if (request.invite !== undefined) {
      const invite = decodeInvite(request.invite, this.options.clock.now());
      target = inviteTarget(invite);
      this.role = invite.role;
      this.space = invite.space;
      this.inviteId = invite.id;
      this.invite = invite;
    } else {
      target = hostTarget(this.options.config, 'primary', this.ownToken, this.now);
      this.role = 'host';
      this.space = this.options.config.space.name;
      this.inviteId = null;
      this.invite = null;
    }
    this.display = request.display;
    this.target = target;
    const attempt = this.attempts.begin();
    this.link.transition(
      { status: 'connecting', endpoint: target.endpoint, since: this.options.clock.now(), ...joinSteps(this.role, target) },
      'join',
    );
    try {
      await this.connect(target, attempt);
    } catch (error) {
      if (attempt.current) {
        await this.teardown();
        this.link.transition(
          { status: 'failed', endpoint: target.endpoint, at: this.options.clock.now(), reason: describeError(error) },
          'the join failed',
        );
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
    // From `failed` too: a primary that restarted forgot our session, and the backup room is the way back in.
    if (this.role === null || this.link.current.status === 'idle') throw new EngineCommandError('Not in the conversation: join first.');
    const target =
      this.invite === null ? hostTarget(this.options.config, endpoint, this.ownToken, this.now) : inviteTarget(this.invite, endpoint);
    const carried = { muted: selfMutedNow(this.participants, this.selfMuted), selfMuted: this.selfMuted };
    const attempt = this.attempts.begin();
    await this.teardownQuickly();
    this.participants = [];
    this.target = target;
    this.link.transition(
      { status: 'connecting', endpoint, since: this.options.clock.now(), ...joinSteps(this.role, target) },
      `move to the ${endpoint} room`,
    );
    try {
      await this.connect(target, attempt, carried);
    } catch (error) {
      if (attempt.current) {
        await this.teardown();
        this.link.transition(
          {
            status: 'reconnecting',
            endpoint,
            since: this.options.clock.now(),
            attempt: retry.attempt,
            nextAttemptAt: retry.nextAttemptAt,
            reason: describeError(error).slice(0, 500),
          },
          'the move failed; the failover rule tries again',
        );
      }
      throw error;
    }
    return this.state();
  }

  /** The Janus server of `endpoint` as this app knows it (config or invite), for health probes; null without one. */
  janusEndpoint(endpoint: EndpointName): { url: string; apiSecret?: string | undefined } | null {
    if (this.invite !== null) {
      const known = this.invite.endpoints[endpoint];
      return known === undefined ? null : { url: known.janusUrl };
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
    if (room === null || this.link.current.status !== 'joined')
      throw new EngineCommandError('Not in the conversation: join first, then connect the microphone.');
    if (offer.type !== 'offer') throw new EngineCommandError('Expected an SDP offer from the page.');
    // After a failover the old room's connection may still try an ICE restart: it belongs to no room here.
    if (iceRestart && this.negotiatedRoom !== room)
      throw new EngineCommandError('The conversation moved to another room: the audio connects again with a new offer.');
    // The connection of a window whose seat a newer one took over (reload, second window) must not take it back.
    if (iceRestart && dtlsFingerprint(offer.sdp) !== this.negotiatedFingerprint)
      throw new EngineCommandError("Another window took over this conversation's audio: reload this window to bring the audio back here.");
    // A first offer on a handle that already carried media comes from a new page (reload, renderer
    // crash): the participant keeps its feed, its mute (its own or a moderator's) and its locks.
    const muted = this.moderation.selfLock() !== null || selfMutedNow(this.participants, this.selfMuted);
    const sdp =
      !iceRestart && this.negotiatedRoom === room
        ? await room.renewMedia(offer.sdp, { muted })
        : await room.offer(offer.sdp, { iceRestart });
    this.negotiatedRoom = room;
    this.negotiatedFingerprint = dtlsFingerprint(offer.sdp);
    return { type: 'answer', sdp };
  }

  /** Self-mute in the room. */
  async setMuted(muted: boolean): Promise<ConversationState> {
    const room = this.room;
    if (room === null || this.link.current.status !== 'joined') throw new EngineCommandError('Not in the conversation: join first.');
    if (
      !muted &&
      (this.moderation.selfLock() !== null ||
        this.participants.some((participant) => participant.self && participant.mutedBy === 'moderator'))
    ) {
      throw new EngineCommandError(
        'A moderator muted you: only the host or a producer can unmute you. Use "Request to speak", then wait for their answer.',
      );
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
  async moderateMute(
    participantId: string,
    muted: boolean,
    reason?: string,
    action: 'mute' | 'auto-mute' = 'mute',
  ): Promise<ConversationState> {
    await this.moderation.mute(participantId, muted, reason, action);
    return this.state();
  }

  /** A moderator answers a request to speak: approve unmutes the participant and lifts the lock. */
  async answerSpeakRequest(participantId: string, approve: boolean): Promise<ConversationState> {
    await this.moderation.answerSpeakRequest(participantId, approve);
    return this.state();
  }

  /** This participant asks to speak (only while a moderator's lock holds its microphone), or withdraws. */
  async requestToSpeak(active: boolean): Promise<ConversationState> {
    await this.moderation.requestToSpeak(active);
    return this.state();
  }

  /** A moderator turns automatic muting of flagged microphones on or off. */
  setAutoMute(enabled: boolean): ConversationState {
    this.moderation.setAutoMute(enabled);
    return this.state();
  }

  /** This app's own microphone report: kept for its own row, sent on the space channel. */
  reportMic(report: MicReport): boolean {
    return this.moderation.reportMic(report);
  }

  /** Tells every app on the space channel that the conversation moves (failover); moderators only. */
  async announceMove(move: FailoverMove): Promise<void> {
    await this.announce({ v: SPACE_CHANNEL_VERSION, type: 'moving', move });
  }

  /** A moderator removes a participant from the room. */
  async moderateRemove(participantId: string): Promise<ConversationState> {
    await this.moderation.remove(participantId);
    return this.state();
  }

  /** A moderator mutes everyone who is not a host and not already muted; returns how many. */
  async muteAllButHosts(): Promise<{ muted: number; conversation: ConversationState }> {
    const muted = await this.moderation.muteAllButHosts();
    return { muted, conversation: this.state() };
  }

  /** A moderator lifts "mute all": people who join later are no longer muted. */
  async liftMuteAll(): Promise<{ muted: number; conversation: ConversationState }> {
    await this.moderation.liftMuteAll();
    return { muted: 0, conversation: this.state() };
  }

  /** The engine's program started (on air since `since`) or ended (null): a host's app tells the room. */
  setProgram(since: number | null): void {
    this.show.setProgram(since);
  }

  /** Leaves the room and closes the Janus session. */
  async leave(): Promise<boolean> {
    if (this.link.current.status === 'idle') return false;
    this.attempts.cancel();
    await this.teardown();
    this.participants = [];
    this.selfMuted = false;
    this.moderation.reset();
    this.show.reset();
    this.link.transition({ status: 'idle' }, 'left');
    return true;
  }

  /** Creates (or checks) the space's rooms on both endpoints with the allowed tokens; the host only. */
  async provision(): Promise<{ endpoint: EndpointName; room: string; created: boolean }[]> {
    return this.provisioning.provision();
  }

  /** Adds (or removes) invite tokens in the allowed lists of every configured room. */
  async updateAllowed(action: 'add' | 'remove', tokens: readonly string[]): Promise<void> {
    await this.provisioning.updateAllowed(action, tokens);
  }

  /** Removes every participant who joined with `inviteId` (a revoked invite); returns how many. Their roles go from the roster. */
  async removeInvitees(inviteId: string): Promise<number> {
    const removed = await this.moderation.removeInvitees(inviteId);
    this.refreshParticipants();
    return removed;
  }

  /** The summaries of invites the UI shows, for log lines. */
  describeInvite(invite: InviteSummary): string {
    return `${invite.role} invite ${invite.id}${invite.label ? ` (${invite.label})` : ''}`;
  }

  // ── Joining, moving and rejoining ──────────────────────────────────────────────────────────

  private async connect(target: RoomTarget, attempt: Attempt, carried?: { muted: boolean; selfMuted: boolean }): Promise<void> {
    if (!attempt.current) throw new SupersededError();
    const janus = new JanusLink({
      url: target.janusUrl,
      apiSecret: target.apiSecret,
      token: target.janusToken,
      clock: this.options.clock,
      random: this.options.random,
      logger: this.options.logger.child('janus'),
      keepaliveSeconds: this.options.keepaliveSeconds ?? 5,
    });
    this.janus = janus;
    janus.onChange((state) => this.onJanusChange(state, attempt));
    await janus.start();
    // A move, a rejoin or a leave took over meanwhile: this session is nobody's.
    if (!attempt.current) {
      await janus.close();
      throw new SupersededError();
    }
    const opens = opensRoom(this.role, target);
    this.advance(opens ? 'room' : 'seat', attempt);
    const room = new AudioBridgeRoom(janus, { logger: this.options.logger.child('room'), clock: this.options.clock });
    this.room = room;
    room.useSecret(target.secret);
    room.onChange(() => {
      if (attempt.current) this.refreshParticipants();
    });
    room.onRemoved((reason) => {
      if (!attempt.current) return;
      this.attempts.cancel();
      void this.teardown();
      this.participants = [];
      const why =
        reason === 'kicked' ? 'You were removed from the room by the host or a producer.' : 'The host closed the conversation room.';
      this.link.transition({ status: 'failed', endpoint: target.endpoint, at: this.options.clock.now(), reason: why }, reason);
    });
    if (opens && target.secret !== undefined) {
      // The host opens the room: created when missing, else our token (new each run) joins its allowed list.
      const request = this.provisioning.createRequest(target);
      const created = await room.createRoom(request);
      // The space channel's TextRoom beside it: same id, secret, PIN and allowed tokens.
      await TextRoomChannel.provision(janus, request);
      this.options.logger.info(`${target.endpoint} room ${target.room} ${created ? 'created' : 'found'}; host token allowed`);
      // The backup room must be ready before it is needed: provision it beside the join.
      // Every time (it is idempotent): a backup Janus that restarted since has forgotten the room.
      if (target.endpoint === 'primary') void this.provisioning.prepareBackup();
      this.advance('seat', attempt);
    }
    // Producers start muted; so does anyone a moderator locked (e.g. after a move to the backup room).
    const muted = (carried?.muted ?? this.role === 'producer') || this.moderation.selfLock() !== null;
    const joined = await room.join({ room: target.room, display: this.encodedDisplay(), token: target.token, pin: target.pin, muted });
    if (!attempt.current) return;
    this.selfMuted = carried?.selfMuted ?? muted;
    this.refreshParticipants();
    this.roster.seatHost(joined.selfId);
    this.link.transition(
      { status: 'joined', endpoint: target.endpoint, since: this.options.clock.now(), selfId: joined.selfId, role: this.role ?? 'cohost' },
      'seated in the room',
    );
    void this.openChannel(janus, target, attempt, joined.selfId);
    this.startTick(attempt);
  }

  /** Moves a join under way to its next step (nothing when another join or a leave took over). */
  private advance(step: JoinStep, attempt: Attempt): void {
    if (attempt.current) this.link.advance(step);
  }

  private onJanusChange(state: JanusLinkState, attempt: Attempt): void {
    if (!attempt.current || this.target === null) return;
    const endpoint = this.target.endpoint;
    const link = this.link.current;
    switch (state.kind) {
      case 'connecting':
      case 'connected':
        return;
      case 'reconnecting':
        if (link.status === 'joined' || link.status === 'reconnecting') {
          this.link.transition(
            {
              status: 'reconnecting',
              endpoint,
              since: this.options.clock.now(),
              attempt: state.attempt,
              nextAttemptAt: state.nextAttemptAt,
              reason: state.reason,
            },
            'Janus transport lost',
          );
        }
        return;
      case 'reclaimed':
        this.channel.resync();
        void this.afterReclaim(attempt);
        return;
      case 'closed':
        // A close this engine asked for (a rejoin's next attempt tearing down the last) is no failure.
        if (link.status === 'idle' || state.cause === 'left') return;
        // Janus answers again but restarted: it forgot the session and the room. Join it again.
        if (state.cause === 'session-gone') {
          void this.rejoin(this.target, state.reason);
          return;
        }
        void this.teardown();
        this.link.transition(
          { status: 'failed', endpoint, at: this.options.clock.now(), reason: state.reason },
          `Janus link closed (${state.cause})`,
        );
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
    const attempt = this.attempts.begin();
    const since = this.options.clock.now();
    const carried = { muted: selfMutedNow(this.participants, this.selfMuted), selfMuted: this.selfMuted };
    this.options.logger.warn(`${reason}: joining the ${target.endpoint} room again`);
    let lastError = reason;
    for (let tries = 1; attempt.current; tries += 1) {
      await this.teardownQuickly();
      if (!attempt.current) return;
      this.participants = [];
      this.link.transition(
        {
          status: 'reconnecting',
          endpoint: target.endpoint,
          since,
          attempt: tries,
          nextAttemptAt: this.options.clock.now(),
          reason: `${lastError.replace(/\.$/, '')}: joining the room again`.slice(0, 500),
        },
        'Janus restarted: joining the room again',
      );
      try {
        await this.connect(target, attempt, carried);
        if (attempt.current)
          this.options.logger.info(
            `joined the ${target.endpoint} room again after its Janus restarted (${this.options.clock.now() - since} ms, attempt ${tries})`,
          );
        return;
      } catch (error) {
        if (!attempt.current || error instanceof SupersededError) return;
        lastError = describeError(error);
        if (this.options.clock.now() - since + REJOIN_RETRY_MS > REJOIN_WINDOW_MS) {
          await this.teardown();
          this.link.transition(
            {
              status: 'failed',
              endpoint: target.endpoint,
              at: this.options.clock.now(),
              reason:
                `Janus restarted and the room could not be joined again within ${REJOIN_WINDOW_MS / 1000} s (${lastError}). Join the conversation again.`.slice(
                  0,
                  500,
                ),
            },
            'rejoin window over',
          );
          return;
        }
        await this.wait(REJOIN_RETRY_MS);
      }
    }
  }

  private async afterReclaim(attempt: Attempt): Promise<void> {
    const room = this.room;
    if (room === null) return;
    try {
      await room.resync();
      if (!attempt.current) return;
      this.refreshParticipants();
      const selfId = room.selfId;
      if (selfId !== null && this.target !== null) {
        this.link.transition(
          { status: 'joined', endpoint: this.target.endpoint, since: this.options.clock.now(), selfId, role: this.role ?? 'cohost' },
          'session claimed back',
        );
        this.options.logger.info('conversation session claimed back after a transport outage; participants resynced');
      }
    } catch (error) {
      this.options.logger.error('resync after reclaim failed', error);
    }
  }

  /** Opens this app's end of the space channel in the room it just joined; the conversation works without it. */
  private async openChannel(janus: JanusLink, target: RoomTarget, attempt: Attempt, selfId: string): Promise<void> {
    const channel = new TextRoomChannel(janus, {
      logger: this.options.logger.child('channel'),
      clock: this.options.clock,
      ...(this.options.iceHostAddresses !== undefined ? { iceHostAddresses: this.options.iceHostAddresses } : {}),
    });
    await this.channel.open(
      channel,
      { room: target.room, username: selfId, display: this.encodedDisplay(), token: target.token, pin: target.pin },
      attempt,
    );
  }

  /** Runs every MODERATION_TICK_MS while in a room: the mic-levels event, the show, stray-mic flags and auto-mute. */
  private startTick(attempt: Attempt): void {
    this.options.clock.clearTimeout(this.tickTimer);
    const tick = (): void => {
      if (!attempt.current || this.room === null) return;
      const now = this.options.clock.now();
      this.moderation.tick(now);
      this.show.tick(now);
      this.moderation.moderateTick(now);
      this.tickTimer = this.options.clock.setTimeout(tick, MODERATION_TICK_MS);
    };
    this.tickTimer = this.options.clock.setTimeout(tick, MODERATION_TICK_MS);
  }

  // ── Composition ────────────────────────────────────────────────────────────────────────────

  private heardAnnouncement(announcement: ModeratorAnnouncement): void {
    switch (announcement.type) {
      case 'locks':
      case 'speak-answer':
        this.moderation.heardAnnouncement(announcement);
        return;
      case 'moving': {
        const { move } = announcement;
        // Only a moderator can announce (Janus checked the room secret); a co-host role in it is not one.
        if (move.by.role === 'cohost') return;
        this.options.logger.warn(`${move.by.name} (${move.by.role}) announced a move to the ${move.to} room: ${move.reason}`);
        this.options.onMoveAnnounced?.(move);
        return;
      }
      case 'show':
        this.show.heard(announcement);
        return;
      case 'moderated':
        this.relay.answered(announcement);
        return;
      case 'roster':
        // A roster without us: the host's engine has not heard our proof (it joined later, or restarted).
        // The host's engine re-announces only on a change, so this hello is not rate-limited (no loop: a proof it refuses changes nothing).
        if (!this.roster.heard(announcement, this.room?.selfId ?? null)) this.introduce(true);
        return;
      default:
        assertNever(announcement);
    }
  }

  /** Sends a moderator announcement on the space channel (Janus checks the room secret); nothing without one. */
  private async announce(announcement: ModeratorAnnouncement): Promise<void> {
    const secret = this.target?.secret;
    if (!this.channel.isOpen || secret === undefined || !this.isModerator()) {
      if (this.isModerator()) this.options.logger.warn(`space channel not open: the ${announcement.type} announcement was not sent`);
      return;
    }
    const text = JSON.stringify(announcement);
    // Signed by the host's key: apps believe only what the host's engine said, whoever else holds the room secret.
    const key = this.hostKey;
    await this.channel.announce(
      key === null || this.role !== 'host' ? text : JSON.stringify({ signed: text, signature: signText(key, text) }),
      secret,
    );
  }

  /** An announcement's text, when the host signed it (with the key the invite names, or our own); null otherwise. */
  private verifiedAnnouncement(text: string): ModeratorAnnouncement | null {
    const envelope = parseSignedAnnouncement(text);
    const publicKey = this.invite === null ? (this.hostKey?.publicKey ?? null) : this.invite.hostKey;
    if (envelope === null || publicKey === null || !verifyText(publicKey, envelope.signed, envelope.signature)) {
      this.options.logger.warn('ignored a moderator announcement the host did not sign');
      return null;
    }
    return parseModeratorAnnouncement(envelope.signed);
  }

  /** True for a producer's engine: it moderates through the host's engine, which holds the room secret. */
  private relaysModeration(): boolean {
    return this.role === 'producer' && this.invite !== null && this.target?.secret === undefined;
  }

  /** A producer's engine asks the host's engine to moderate, with a proof by its invite key; waits for the answer. */
  private async askHost(request: RelayRequest): Promise<number | null> {
    const invite = this.invite;
    const selfId = this.room?.selfId ?? null;
    if (!this.relaysModeration() || invite === null || selfId === null)
      throw new EngineCommandError('Only the host or a producer can moderate: co-hosts can mute only themselves.');
    if (!this.channel.isOpen)
      throw new EngineCommandError(
        "The space channel is not connected, so the request cannot reach the host's app. Wait for the channel to reconnect, then try again.",
      );
    const { message, answer } = this.relay.ask(request, selfId, invite.key);
    this.channel.post(JSON.stringify(message));
    return answer;
  }

  /** The host's engine checks a producer's request (see ProducerRelay.check) and does it in the producer's name. */
  private async performRelayed(from: string, message: Extract<ParticipantMessage, { type: 'moderate' }>): Promise<void> {
    if (!this.isModerator() || this.role !== 'host') return;
    const answer = (ok: boolean, text: string, muted: number | null = null): void => {
      void this.announce({ v: SPACE_CHANNEL_VERSION, type: 'moderated', id: message.id, ok, message: text.slice(0, 500), muted }).catch(
        (error: unknown) => this.options.logger.warn(`could not answer a producer's request: ${describeError(error)}`),
      );
    };
    const inviteId = this.roster.inviteOf(from);
    const refused = this.relay.check(
      from,
      message,
      inviteId === null ? null : this.activeInvite(inviteId),
      this.participants.some((participant) => participant.id === from),
    );
    if (refused !== null) {
      answer(false, refused);
      return;
    }
    const actor = `${this.participants.find((participant) => participant.id === from)?.display ?? 'A producer'} (producer)`;
    try {
      const muted = await this.moderation.perform(message, actor);
      answer(true, 'done', muted);
    } catch (error) {
      answer(false, describeError(error));
    }
  }

  private refreshParticipants(): void {
    const room = this.room;
    if (room === null) return;
    const { participants, unmuted } = buildParticipants(room.participants(), {
      selfId: room.selfId,
      selfMuted: this.selfMuted,
      selfRole: this.role,
      roleOf: (feed) => this.roster.roleOf(feed),
      ...this.moderation.view(),
    });
    this.moderation.forgetMuted(unmuted);
    this.participants = participants;
    this.roster.prune(new Map(participants.map((participant) => [participant.id, participant.inviteId])));
    this.moderation.enforceLocks();
    this.publish();
  }

  private moderationSelf(): ModerationSelf {
    return {
      role: this.role,
      display: this.display,
      inviteId: this.inviteId,
      moderator: this.isModerator() || this.relaysModeration(),
      roomControl: this.isModerator(),
      joined: this.link.current.status === 'joined',
      room: this.room,
      selfId: this.room?.selfId ?? null,
    };
  }

  /** An invitee's engine proves its invite to the host's (on opening the channel, and when a roster lacks it). */
  private introduce(force: boolean): void {
    const selfId = this.room?.selfId ?? null;
    const invite = this.invite;
    if (selfId === null || invite === null) return;
    const hello = this.roster.hello(selfId, { id: invite.id, key: invite.key }, force);
    if (hello !== null) this.channel.post(JSON.stringify(hello));
  }

  /** An active invite of the host's book with its key (the host's engine only). */
  private activeInvite(id: string): { role: 'cohost' | 'producer'; key: string } | null {
    const role = this.options.invites?.activeRole(id) ?? null;
    const key = inviteKeyOf(this.options.config.space, id);
    return role === null || key === null ? null : { role, key };
  }

  private isModerator(): boolean {
    return (this.role === 'host' || this.role === 'producer') && this.target?.secret !== undefined;
  }

  private encodedDisplay(): string {
    return encodeDisplayName({ name: this.display, role: this.role, inviteId: this.inviteId });
  }

  private publish(): void {
    this.options.onChange(this.state());
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.clock.setTimeout(resolve, ms));
  }

  /** A moderator's session on `target`'s server: the one the conversation is in, or a short one of its own. */
  private async withServer<T>(target: RoomTarget, run: (server: RoomServer) => Promise<T>): Promise<T> {
    if (this.room !== null && this.janus !== null && this.target?.endpoint === target.endpoint)
      return run(roomServer(this.room, this.janus));
    const janus = new JanusLink({
      url: target.janusUrl,
      apiSecret: target.apiSecret,
      token: target.janusToken,
      clock: this.options.clock,
      random: this.options.random,
      logger: this.options.logger.child(`janus-${target.endpoint}`),
      keepaliveSeconds: this.options.keepaliveSeconds ?? 5,
      reconnect: false,
    });
    try {
      await janus.start();
      return await run(
        roomServer(new AudioBridgeRoom(janus, { logger: this.options.logger.child('moderation'), clock: this.options.clock }), janus),
      );
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
    this.room = null;
    this.janus = null;
    const channelClosed = this.channel.close();
    this.options.clock.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.moderation.leftRoom();
    this.roster.reset();
    await channelClosed;
    await room?.leave().catch(() => undefined);
    await janus?.close().catch(() => undefined);
  }
}

/** A room and its Janus session as provisioning's server port. */
function roomServer(room: AudioBridgeRoom, janus: JanusLink): RoomServer {
  return {
    createRoom: (request) => room.createRoom(request),
    createChannelRoom: async (request) => {
      await TextRoomChannel.provision(janus, request);
    },
    allowTokens: (id, secret, action, tokens) => room.allowTokens(id, secret, action, [...tokens]),
    allowChannelTokens: (id, secret, action, tokens) => TextRoomChannel.allowTokens(janus, id, secret, action, tokens),
  };
}

import { MODERATION_LOG_LIMIT, type ModerationEvent, type Participant, type Role, type StrayFlag } from '../../shared/conversation';
import type { EventPayload } from '../../shared/contract';
import type { MicReport } from '../../shared/mic-report';
import {
  participantKey,
  SPACE_CHANNEL_VERSION,
  type ModeratorAnnouncement,
  type MuteLock,
  type ParticipantMessage,
} from '../../shared/space-channel';
import type { Clock } from '../clock';
import { EngineCommandError } from '../engine-errors';
import { explainRoomError } from '../janus/audiobridge-room';
import type { Logger } from '../log/logger';
import { StrayMicDetector, type DetectorOptions } from '../moderation/stray-mic-detector';
import { assertNever } from '../../shared/assert-never';
import { describeError } from '../../shared/describe-error';

/*
 * Moderation and locks: sticky mutes announced on the space channel and enforced by every
 * moderator's engine, requests to speak, stray-mic flags and auto-mute, and the moderation log.
 * It reaches the room and the channel only through two small ports.
 */

/** How long an unlocking moderator waits for its announcement to come back before unmuting. */
const LOCKS_ECHO_MS = 500;

/** How long an engine waits before enforcing a lock, for an unlock announcement still in flight. */
const ENFORCE_GRACE_MS = 60;

/** The reason a mute-all lock gives. */
const MUTE_ALL_REASON = 'Everyone except the hosts was muted';

/** Fewest milliseconds between two of this app's microphone reports on the channel. */
const MIN_REPORT_INTERVAL_MS = 90;

/** The room as moderation uses it (the AudioBridge room with the room secret). */
export interface ModerationRoom {
  moderate(feed: string, muted: boolean): Promise<void>;
  kick(feed: string): Promise<void>;
}

/** The space channel as moderation uses it. */
export interface Announcer {
  /** True while the channel is open. */
  readonly open: boolean;
  /** Sends a moderator announcement (nothing, with a warning, where this app cannot). */
  announce(announcement: ModeratorAnnouncement): Promise<void>;
  /** Sends a participant message and waits for Janus to take it. */
  send(message: ParticipantMessage): Promise<void>;
  /** Posts a participant message without waiting (microphone reports). */
  post(message: ParticipantMessage): void;
}

/** Who this app is in the conversation, and what it sees of the room. */
export interface ModerationSelf {
  readonly role: Role | null;
  readonly display: string;
  readonly inviteId: string | null;
  /** Host or producer: sees flags and requests, may moderate. */
  readonly moderator: boolean;
  /** Holds the room secret (the host's engine): mutes, kicks and announces itself; a producer's engine relays to it. */
  readonly roomControl: boolean;
  /** The link is joined. */
  readonly joined: boolean;
  /** The room this app sits in, or null. */
  readonly room: ModerationRoom | null;
  /** Our own feed id in it, or null. */
  readonly selfId: string | null;
}

/** What moderation needs from the conversation. */
export interface ModerationPort {
  self(): ModerationSelf;
  /** The participant list as last computed. */
  participants(): readonly Participant[];
  /** Recomputes the participant list from the room and this state, enforces the locks and publishes. */
  refresh(): void;
  /** Publishes the state (nothing in the list changed). */
  changed(): void;
  /** Every speaker's latest microphone report (the mic-levels event). */
  levels?(levels: EventPayload<'conversation:mic-levels'>): void;
  /** A producer's engine: asks the host's engine to do `request`; resolves with how many it muted, rejects with why not. */
  relay?(request: RelayRequest): Promise<number | null>;
}

/** A moderation a producer's engine asks the host's engine for. */
export interface RelayRequest {
  readonly action: 'mute' | 'unmute' | 'remove' | 'mute-all' | 'lift-mute-all' | 'answer';
  readonly feed: string | null;
  readonly reason: string | null;
  readonly approve: boolean | null;
}

/** What the participant list is computed from, as moderation holds it. */
export interface ModerationView {
  readonly locks: ReadonlyMap<string, MuteLock>;
  readonly flags: ReadonlyMap<string, readonly StrayFlag[]>;
  readonly mutedByModerator: ReadonlySet<string>;
  readonly speakRequests: ReadonlySet<string>;
  readonly selfSpeakRequested: boolean;
}

/** Moderation state and actions of one app in the conversation. */
export class Moderation {
  private locks = new Map<string, MuteLock>();
  private locksRevision = 0;
  /** Pending requests to speak: participant key → feed id. */
  private readonly speakRequests = new Map<string, string>();
  private selfSpeakRequested = false;
  private autoMute = false;
  private log: ModerationEvent[] = [];
  private flags = new Map<string, StrayFlag[]>();
  private readonly enforcing = new Set<string>();
  private readonly mutedByModerator = new Set<string>();
  private readonly detector: StrayMicDetector;
  private lastReportSentAt = -Infinity;
  private levelsShown = false;
  /** Resolves when our own locks announcement comes back on the channel (the other moderators have it too by then). */
  private locksEcho: { readonly revision: number; readonly resolve: () => void } | null = null;
  /** Each participant's mute state at the previous enforcement pass. */
  private lastMuted = new Map<string, boolean>();
  /** "Mute all but hosts" in force (locks whoever joins), and the keys a moderator let speak since. */
  private muteAll = false;
  private readonly muteAllExempt = new Set<string>();

  constructor(
    private readonly options: {
      readonly clock: Clock;
      readonly logger: Logger;
      readonly port: ModerationPort;
      readonly announcer: Announcer;
      readonly detector?: DetectorOptions | undefined;
    },
  ) {
    this.detector = new StrayMicDetector(options.detector);
  }

  /** What the participant list needs from moderation. */
  view(): ModerationView {
    return {
      locks: this.locks,
      flags: this.flags,
      mutedByModerator: this.mutedByModerator,
      speakRequests: new Set(this.speakRequests.keys()),
      selfSpeakRequested: this.selfSpeakRequested,
    };
  }

  /** The moderation part of the state the UI sees. */
  summary(): { autoMute: boolean; selfSpeakRequested: boolean; log: ModerationEvent[] } {
    return { autoMute: this.autoMute, selfSpeakRequested: this.selfSpeakRequested, log: [...this.log] };
  }

  /** The lock a moderator set on this app's own microphone, or null. */
  selfLock(): MuteLock | null {
    return this.locks.get(this.selfKey()) ?? null;
  }

  /** Feeds the list found open again: no longer "muted by a moderator". */
  forgetMuted(ids: readonly string[]): void {
    for (const id of ids) this.mutedByModerator.delete(id);
  }

  /**
   * A moderator mutes or unmutes another participant. A mute is locked (sticky): announced on
   * the space channel so the participant's app locks its button, and enforced by every
   * moderator's engine; an unmute lifts the lock first, so no engine mutes it again.
   */
  async mute(
    participantId: string,
    muted: boolean,
    reason?: string,
    action: 'mute' | 'auto-mute' = 'mute',
    actor: string = this.actorName(),
  ): Promise<void> {
    const { room, participant } = this.moderatorTarget(participantId, muted ? 'mute' : 'unmute');
    const key = participantKey(participant);
    if (!this.options.port.self().roomControl) {
      await this.relay({ action: muted ? 'mute' : 'unmute', feed: participant.id, reason: reason ?? null, approve: null });
    } else if (muted) {
      this.lockParticipant(participant, reason, actor);
      await this.announceLocks();
      await room.moderate(participant.id, true);
      this.mutedByModerator.add(participant.id);
    } else {
      this.locks.delete(key);
      if (this.muteAll) this.muteAllExempt.add(key);
      this.locksRevision = this.nextRevision();
      this.speakRequests.delete(key);
      await this.announceUnlock();
      await room.moderate(participant.id, false);
      this.mutedByModerator.delete(participant.id);
    }
    this.record(
      muted ? action : 'unmute',
      participant.display,
      muted ? (reason ?? 'muted and locked') : 'unmuted; lock lifted',
      action === 'auto-mute' ? 'auto-mute' : actor,
    );
    this.options.port.refresh();
  }

  /** A moderator answers a request to speak: approve unmutes the participant and lifts the lock. */
  async answerSpeakRequest(participantId: string, approve: boolean, actor: string = this.actorName()): Promise<void> {
    const { participant } = this.moderatorTarget(
      participantId,
      approve ? 'approve a request to speak from' : 'decline a request to speak from',
    );
    const key = participantKey(participant);
    if (!this.speakRequests.has(key) && !participant.speakRequested)
      throw new EngineCommandError(`${participant.display} has not asked to speak (or the request was already answered).`);
    this.speakRequests.delete(key);
    if (!this.options.port.self().roomControl) {
      await this.relay({ action: 'answer', feed: participant.id, reason: null, approve });
      this.record(
        approve ? 'approve' : 'decline',
        participant.display,
        approve ? 'request to speak approved: unmuted' : 'request to speak declined',
      );
      if (approve) this.record('unmute', participant.display, 'unmuted; lock lifted');
      this.options.port.refresh();
      return;
    }
    await this.options.announcer.announce({ v: SPACE_CHANNEL_VERSION, type: 'speak-answer', key, approved: approve, by: actor });
    this.record(
      approve ? 'approve' : 'decline',
      participant.display,
      approve ? 'request to speak approved: unmuted' : 'request to speak declined',
      actor,
    );
    if (approve) return this.mute(participantId, false, undefined, 'mute', actor);
    this.options.port.refresh();
  }

  /** This participant asks to speak (only while a moderator's lock holds its microphone), or withdraws. */
  async requestToSpeak(active: boolean): Promise<void> {
    const self = this.options.port.self();
    if (!self.joined) throw new EngineCommandError('Not in the conversation: join first.');
    if (active && this.selfLock() === null) throw new EngineCommandError('No moderator has muted you: unmute your microphone yourself.');
    if (!this.options.announcer.open) {
      throw new EngineCommandError(
        'The space channel is not connected, so the request cannot reach the host or producers. Ask them another way, or wait for the channel to reconnect.',
      );
    }
    await this.options.announcer.send({ v: SPACE_CHANNEL_VERSION, type: 'speak-request', active });
    this.selfSpeakRequested = active;
    this.record('request', self.display, active ? 'asked to speak' : 'withdrew the request to speak');
    this.options.port.refresh();
  }

  /** A moderator turns automatic muting of flagged microphones on or off. */
  setAutoMute(enabled: boolean): void {
    this.requireModerator('switch auto-mute');
    this.autoMute = enabled;
    this.record('auto-mute-setting', null, enabled ? 'auto-mute stray mics: on' : 'auto-mute stray mics: off');
    this.options.port.changed();
  }

  /** This app's own microphone report: kept for its own row, sent on the space channel; true when sent. */
  reportMic(report: MicReport): boolean {
    const selfId = this.options.port.self().selfId;
    if (selfId === null) return false;
    const now = this.options.clock.now();
    this.detector.observe(selfId, report, now);
    if (!this.options.announcer.open || now - this.lastReportSentAt < MIN_REPORT_INTERVAL_MS) return false;
    this.lastReportSentAt = now;
    this.options.announcer.post({ v: SPACE_CHANNEL_VERSION, type: 'mic', report });
    return true;
  }

  /** A moderator removes a participant from the room. */
  async remove(participantId: string, actor: string = this.actorName()): Promise<void> {
    const { room, participant } = this.moderatorTarget(participantId, 'remove');
    if (!this.options.port.self().roomControl) {
      await this.relay({ action: 'remove', feed: participant.id, reason: null, approve: null });
    } else {
      try {
        await room.kick(participant.id);
      } catch (error) {
        throw new EngineCommandError(`Janus refused to remove ${participant.display}: ${explainRoomError(error)}`);
      }
    }
    this.record('remove', participant.display, `removed from the room (${participant.role ?? 'unverified'})`, actor);
    this.options.port.changed();
  }

  /**
   * A moderator mutes everyone who is not a verified host and not already muted; returns how many.
   * It stays in force: whoever joins later is locked too, until a moderator lifts it.
   */
  async muteAllButHosts(actor: string = this.actorName()): Promise<number> {
    this.requireModerator('mute everyone');
    const room = this.options.port.self().room;
    if (room === null) throw new EngineCommandError('Not in the conversation: join first.');
    if (!this.options.port.self().roomControl) {
      const count = (await this.relay({ action: 'mute-all', feed: null, reason: null, approve: null })) ?? 0;
      this.record('mute-all', null, `muted everyone except the hosts: ${count} muted; whoever joins is muted too until it is lifted`);
      this.options.port.changed();
      return count;
    }
    const targets = this.options.port
      .participants()
      .filter((participant) => !participant.self && participant.role !== 'host' && !participant.muted);
    const failures: string[] = [];
    this.muteAll = true;
    this.muteAllExempt.clear();
    for (const participant of targets) this.lockParticipant(participant, MUTE_ALL_REASON, actor);
    await this.announceLocks();
    for (const participant of targets) {
      try {
        await room.moderate(participant.id, true);
        this.mutedByModerator.add(participant.id);
      } catch (error) {
        failures.push(`${participant.display}: ${describeError(error)}`);
      }
    }
    this.record(
      'mute-all',
      null,
      `muted everyone except the hosts: ${targets.length - failures.length} muted; whoever joins is muted too until it is lifted`,
      actor,
    );
    this.options.port.refresh();
    if (failures.length > 0)
      throw new EngineCommandError(`Some participants could not be muted (${failures.join('; ')}). Try again, or remove them.`);
    return targets.length;
  }

  /** A moderator lifts "mute all": later joiners are no longer locked (those locked stay locked until unmuted). */
  async liftMuteAll(actor: string = this.actorName()): Promise<void> {
    this.requireModerator('lift mute all');
    if (!this.options.port.self().roomControl) {
      await this.relay({ action: 'lift-mute-all', feed: null, reason: null, approve: null });
      this.record('mute-all', null, 'lifted: people who join are no longer muted');
      this.options.port.changed();
      return;
    }
    if (!this.muteAll) return;
    this.muteAll = false;
    this.muteAllExempt.clear();
    this.locksRevision = this.nextRevision();
    await this.announceLocks();
    this.record('mute-all', null, 'lifted: people who join are no longer muted', actor);
    this.options.port.changed();
  }

  /** Whether "mute all but hosts" is in force. */
  get muteAllInForce(): boolean {
    return this.muteAll;
  }

  /** Removes every participant who joined with `inviteId` (host with the room secret); returns how many. */
  async removeInvitees(inviteId: string): Promise<number> {
    const { room, roomControl } = this.options.port.self();
    if (room === null || !roomControl) return 0;
    let removed = 0;
    for (const participant of this.options.port.participants()) {
      if (participant.inviteId !== inviteId || participant.self) continue;
      await room.kick(participant.id);
      removed += 1;
    }
    return removed;
  }

  /**
   * Sticky mute: a locked participant that is unmuted in the mix (an old or modified client that
   * unmuted itself) is muted again at once by every moderator's engine, and flagged.
   */
  enforceLocks(): void {
    const self = this.options.port.self();
    const room = self.room;
    if (room === null || !self.roomControl || !self.joined) return;
    const participants = this.options.port.participants();
    if (this.muteAll) this.lockNewcomers(room, participants);
    const wasMuted = this.lastMuted;
    this.lastMuted = new Map(participants.map((participant) => [participant.id, participant.muted]));
    for (const participant of participants) {
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
          if (!this.locks.has(key) || this.options.port.self().room !== room) return;
          await room.moderate(id, true);
          this.mutedByModerator.add(id);
          this.detector.markSelfUnmuted(id, startedAt);
          this.record('re-mute', participant.display, 'unmuted itself while locked: muted again', 'sticky mute');
        })
        .catch((error: unknown) => this.options.logger.warn(`could not mute ${participant.display} again: ${describeError(error)}`))
        .finally(() => {
          this.enforcing.delete(id);
          this.options.port.refresh();
        });
    }
  }

  /** The 5 Hz tick: the mic-levels event; in a moderator's engine also stray-mic flags and auto-mute. */
  tick(now: number): void {
    const participants = this.options.port.participants();
    const levels: EventPayload<'conversation:mic-levels'>['levels'] = [];
    for (const participant of participants) {
      const report = this.detector.latest(participant.id, now);
      if (report === null) continue;
      levels.push({
        participantId: participant.id,
        levelDbfs: report.levelDbfs,
        peakDbfs: report.peakDbfs,
        voice: report.voice,
        speechProbability: report.speechProbability,
        echoScore: report.echoScore,
      });
    }
    // An empty set once when the last report goes stale, so meters drop instead of freezing.
    if (levels.length > 0 || this.levelsShown) this.options.port.levels?.({ at: now, levels });
    this.levelsShown = levels.length > 0;
  }

  /** The moderator's half of the tick (after the show's): flags and auto-mute. */
  moderateTick(now: number): void {
    if (!this.options.port.self().moderator) return;
    const participants = this.options.port.participants();
    const flags = this.detector.evaluate(
      participants.map((participant) => ({
        id: participant.id,
        muted: participant.muted,
        talking: participant.talking,
        onStage: (participant.role === 'host' || participant.role === 'cohost') && participant.lock === null,
      })),
      now,
    );
    if (!sameFlagSets(this.flags, flags)) {
      for (const [id, list] of flags) {
        const before = this.flags.get(id) ?? [];
        const participant = participants.find((candidate) => candidate.id === id);
        for (const flag of list) {
          if (!before.some((old) => old.kind === flag.kind))
            this.options.logger.warn(`flag on ${participant?.display ?? id}: ${flag.message}`);
        }
      }
      this.flags = flags;
      this.options.port.refresh();
    }
    if (this.autoMute) this.autoMuteFlagged();
  }

  /** A participant message from feed `from` on the space channel. */
  heardMessage(from: string, message: ParticipantMessage): void {
    switch (message.type) {
      case 'mic':
        this.detector.observe(from, message.report, this.options.clock.now());
        return;
      case 'speak-request': {
        if (!this.options.port.self().moderator) return;
        const participant = this.options.port.participants().find((candidate) => candidate.id === from);
        if (participant === undefined) return;
        const key = participantKey(participant);
        if (message.active && this.locks.has(key)) this.speakRequests.set(key, from);
        else this.speakRequests.delete(key);
        this.record(
          'request',
          participant.display,
          message.active ? 'asks to speak' : 'withdrew the request to speak',
          participant.display,
        );
        this.options.port.refresh();
        return;
      }
      case 'sync-request':
        if (this.options.port.self().roomControl && this.locksRevision > 0) this.announceLocksQuietly('could not answer a moderation sync');
        return;
      case 'hello':
      case 'moderate':
        // The roster's and the relay's business.
        return;
      default:
        assertNever(message);
    }
  }

  /** A lock set or a request answer announced on the space channel. */
  heardAnnouncement(announcement: Extract<ModeratorAnnouncement, { type: 'locks' | 'speak-answer' }>): void {
    if (announcement.type === 'locks') {
      if (this.locksEcho !== null && announcement.revision >= this.locksEcho.revision) this.locksEcho.resolve();
      if (announcement.revision <= this.locksRevision) return;
      const before = this.selfLock();
      this.locks = new Map(announcement.locks.map((lock) => [lock.key, lock]));
      this.locksRevision = announcement.revision;
      this.muteAll = announcement.muteAll === true;
      this.muteAllExempt.clear();
      for (const key of announcement.exempt ?? []) this.muteAllExempt.add(key);
      for (const key of this.speakRequests.keys()) if (!this.locks.has(key)) this.speakRequests.delete(key);
      const after = this.selfLock();
      if (after === null) this.selfSpeakRequested = false;
      if (before === null && after !== null) this.options.logger.warn(`${after.by} muted you: ${after.reason}`);
      this.options.port.refresh();
      return;
    }
    const self = this.options.port.self();
    if (announcement.key === this.selfKey()) {
      this.selfSpeakRequested = false;
      this.record(
        announcement.approved ? 'approve' : 'decline',
        self.display,
        announcement.approved ? `${announcement.by} approved your request to speak` : `${announcement.by} declined your request to speak`,
        announcement.by,
      );
    }
    this.speakRequests.delete(announcement.key);
    this.options.port.refresh();
  }

  /** Someone joined the channel: a moderator tells them the locks. */
  someoneJoined(): void {
    if (this.options.port.self().roomControl && this.locks.size > 0) this.announceLocksQuietly('could not announce the mute locks');
  }

  /** Our end of the channel opened: a moderator asks the others for the room's moderation state. */
  channelOpened(): void {
    if (this.options.port.self().moderator) this.options.announcer.post({ v: SPACE_CHANNEL_VERSION, type: 'sync-request' });
  }

  /** The room was left (or the app moves to another): enforcement in flight and who-muted-whom are gone. */
  leftRoom(): void {
    this.enforcing.clear();
    this.mutedByModerator.clear();
  }

  /** The conversation ended: locks, requests and flags are forgotten (the log and auto-mute stay). */
  reset(): void {
    this.muteAll = false;
    this.muteAllExempt.clear();
    this.locks.clear();
    this.locksRevision = 0;
    this.speakRequests.clear();
    this.selfSpeakRequested = false;
    this.flags.clear();
  }

  /**
   * Mute-all in force: whoever is neither a verified host or producer (the moderators), nor locked,
   * nor let speak since, is locked and muted; an unverified participant is no moderator.
   */
  private lockNewcomers(room: ModerationRoom, participants: readonly Participant[]): void {
    const newcomers = participants.filter(
      (participant) =>
        !participant.self &&
        participant.role !== 'host' &&
        participant.role !== 'producer' &&
        participant.lock === null &&
        !this.enforcing.has(participant.id) &&
        !this.muteAllExempt.has(participantKey(participant)),
    );
    if (newcomers.length === 0) return;
    for (const participant of newcomers) {
      this.enforcing.add(participant.id);
      this.lockParticipant(participant, MUTE_ALL_REASON);
    }
    void this.announceLocks()
      .then(async () => {
        for (const participant of newcomers) {
          await room.moderate(participant.id, true);
          this.mutedByModerator.add(participant.id);
          this.record('mute-all', participant.display, 'joined while everyone except the hosts is muted: muted and locked', 'mute all');
        }
      })
      .catch((error: unknown) => this.options.logger.warn(`could not mute a newcomer while mute-all is in force: ${describeError(error)}`))
      .finally(() => {
        for (const participant of newcomers) this.enforcing.delete(participant.id);
        this.options.port.refresh();
      });
  }

  private autoMuteFlagged(): void {
    for (const participant of this.options.port.participants()) {
      if (participant.self || participant.muted || participant.role === 'host' || this.enforcing.has(participant.id)) continue;
      const flag = participant.flags.find((candidate) => candidate.kind !== 'self-unmuted');
      if (flag === undefined) continue;
      this.enforcing.add(participant.id);
      void this.mute(participant.id, true, `Auto-muted: ${flag.message}`, 'auto-mute')
        .catch((error: unknown) => this.options.logger.warn(`auto-mute of ${participant.display} failed: ${describeError(error)}`))
        .finally(() => this.enforcing.delete(participant.id));
    }
  }

  private lockParticipant(participant: Participant, reason: string | undefined, actor: string = this.actorName()): void {
    const key = participantKey(participant);
    this.locks.set(key, {
      key,
      feed: participant.id,
      display: participant.display,
      by: actor.slice(0, 200),
      reason: (reason ?? `Muted by ${actor.endsWith('(host)') ? 'the host' : 'a producer'}`).slice(0, 300),
      at: this.options.clock.now(),
    });
    this.locksRevision = this.nextRevision();
    this.speakRequests.delete(key);
  }

  /** Announces the whole lock set (newest revision wins everywhere). No channel: the locks still hold here. */
  private async announceLocks(): Promise<void> {
    await this.options.announcer.announce({
      v: SPACE_CHANNEL_VERSION,
      type: 'locks',
      revision: this.locksRevision,
      by: this.actorName(),
      locks: [...this.locks.values()],
      muteAll: this.muteAll,
      exempt: [...this.muteAllExempt].slice(0, 200),
    });
  }

  private announceLocksQuietly(what: string): void {
    void this.announceLocks().catch((error: unknown) => this.options.logger.warn(`${what}: ${describeError(error)}`));
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
      if (this.options.announcer.open) await echoed;
    } finally {
      this.options.clock.clearTimeout(timer);
      this.locksEcho = null;
    }
  }

  private async relay(request: RelayRequest): Promise<number | null> {
    const port = this.options.port;
    if (port.relay === undefined)
      throw new EngineCommandError('Only the host or a producer can moderate: co-hosts can mute only themselves.');
    return port.relay(request);
  }

  /**
   * The host's engine does what a verified producer's engine asked (the facade checked the proof),
   * in the producer's name; resolves with how many mute-all muted.
   */
  async perform(request: RelayRequest, actor: string): Promise<number | null> {
    const feed = request.feed ?? '';
    switch (request.action) {
      case 'mute':
      case 'unmute':
        await this.mute(feed, request.action === 'mute', request.reason ?? undefined, 'mute', actor);
        return null;
      case 'remove':
        await this.remove(feed, actor);
        return null;
      case 'mute-all':
        return this.muteAllButHosts(actor);
      case 'lift-mute-all':
        await this.liftMuteAll(actor);
        return null;
      case 'answer':
        await this.answerSpeakRequest(feed, request.approve === true, actor);
        return null;
      default:
        return assertNever(request.action);
    }
  }

  private requireModerator(action: string): void {
    const self = this.options.port.self();
    if (!self.joined) throw new EngineCommandError(`Not in the conversation: join first, then ${action}.`);
    if (!self.moderator) throw new EngineCommandError(`Only the host or a producer can ${action}: co-hosts can mute only themselves.`);
  }

  private moderatorTarget(participantId: string, action: string): { room: ModerationRoom; participant: Participant } {
    this.requireModerator(`${action} others`);
    const room = this.options.port.self().room;
    const participant = this.options.port.participants().find((candidate) => candidate.id === participantId);
    if (room === null || participant === undefined) throw new EngineCommandError('That participant is no longer in the room.');
    if (participant.self)
      throw new EngineCommandError(
        action === 'remove' ? 'To leave the room yourself, use Leave.' : 'Use your own microphone button to mute or unmute yourself.',
      );
    return { room, participant };
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.options.clock.setTimeout(resolve, ms));
  }

  private nextRevision(): number {
    return Math.max(this.options.clock.now(), this.locksRevision + 1);
  }

  private selfKey(): string {
    const self = this.options.port.self();
    return participantKey({ inviteId: self.inviteId, display: self.display.slice(0, 200) });
  }

  private actorName(): string {
    const self = this.options.port.self();
    return `${self.display} (${self.role ?? 'guest'})`;
  }

  /** Adds a moderation event to the log the UI shows, and to the engine log. */
  private record(action: ModerationEvent['action'], target: string | null, detail: string, actor: string = this.actorName()): void {
    const event: ModerationEvent = {
      at: this.options.clock.now(),
      actor: actor.slice(0, 200),
      action,
      target: target?.slice(0, 200) ?? null,
      detail: detail.slice(0, 300),
    };
    this.log = [...this.log, event].slice(-MODERATION_LOG_LIMIT);
    this.options.logger.info(`${event.actor}: ${action}${target !== null ? ` ${target}` : ''} (${detail})`);
  }
}

function sameFlagSets(a: ReadonlyMap<string, readonly StrayFlag[]>, b: ReadonlyMap<string, readonly StrayFlag[]>): boolean {
  const ids = new Set([...a.keys(), ...b.keys()]);
  for (const id of ids) {
    const left = a.get(id) ?? [];
    const right = b.get(id) ?? [];
    if (left.length !== right.length || left.some((flag, index) => flag.kind !== right[index]?.kind || flag.since !== right[index]?.since))
      return false;
  }
  return true;
}

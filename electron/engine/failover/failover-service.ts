import type { BroadcastStatus } from '../../shared/broadcast';
import type { ConversationState, MediaConnectionState, Participant } from '../../shared/conversation';
import type { EndpointName } from '../../shared/endpoint';
import type { EndpointHealth, FailoverMove, FailoverSettings, FailoverState } from '../../shared/failover';
import type { ListenerReading } from '../../shared/listeners';
import type { Clock } from '../clock';
import type { Conversation } from '../conversation/conversation';
import type { Logger } from '../log/logger';
import type { ServerProber } from '../servers/prober';
import { combineHealth, type HealthLimits, type JanusLinkSignal, type JanusProbeSignal, type MediaSignal } from './endpoint-health';
import { canMove, FailoverController, type ConversationView, type FailoverControllerOptions } from './failover-controller';
import { describeError } from '../../shared/describe-error';
import { assertNever } from '../../shared/assert-never';

/*
 * The engine's failover component: gathers the signals of both endpoints (the conversation's Janus
 * link, the page's media reports, the program's Icecast outputs, the listener statistics, and a
 * Janus probe of the endpoint the conversation is not on), turns them into health, runs the
 * controller on them, and moves the conversation with `Conversation.switchEndpoint`.
 *
 * Carried over by a move: the role, name and invite token (the backup room was provisioned with the
 * same allowed list), a muted microphone (it joins the backup muted), and moderators' mutes: a host's
 * or producer's app mutes again, in the new room, whoever it had muted in the old one.
 *
 * For the space channel (built beside this): `onMove` gives every move this app announces,
 * `applyMove` takes one another app announced.
 */

/** What the service is built from. */
export interface FailoverServiceOptions {
  readonly conversation: Conversation;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly prober: ServerProber;
  /** Called whenever the failover state changed (phase, health, history). */
  readonly onChange: (state: FailoverState) => void;
  readonly settings?: Partial<FailoverSettings>;
  /** How often the endpoint the conversation is not on is probed (default 2 s). */
  readonly probeEveryMs?: number;
  readonly limits?: HealthLimits;
  /** Controller tuning (tests). */
  readonly controller?: Pick<FailoverControllerOptions, 'tickMs' | 'clearAfterMs' | 'strayReturnMs' | 'retryDelayMs'>;
}

/** How long after a move a moderator's app keeps re-applying the mutes of the old room. */
const REMUTE_WINDOW_MS = 60_000;

/** Failure reasons of the conversation that are not the server's fault: nothing to move. */
const REMOVED = /removed from the room|closed the conversation room/i;

const ENDPOINTS: readonly EndpointName[] = ['primary', 'backup'];

/** The identity a participant keeps across rooms (its feed id changes). */
function identityOf(participant: Participant): string {
  return `${participant.inviteId ?? '-'}|${participant.role ?? '-'}|${participant.display}`;
}

/** Endpoint health, the failover controller and the moves, for one engine. */
export class FailoverService {
  private readonly controller: FailoverController;
  private readonly moveListeners = new Set<(move: FailoverMove) => void>();
  private conversationState: ConversationState;
  private role: ConversationView['role'] = null;
  private name = '';
  private media: MediaSignal | null = null;
  /** The room the media reports are about: the endpoint, and once joined our feed id there. */
  private mediaEndpoint: EndpointName | null = null;
  private mediaSelfId: string | null = null;
  private broadcast: BroadcastStatus | null = null;
  private listeners: ListenerReading | null = null;
  private readonly probes = new Map<EndpointName, JanusProbeSignal>();
  private readonly probing = new Set<EndpointName>();
  private readonly lastProbeAt = new Map<EndpointName, number>();
  private remute: { identities: Set<string>; until: number; inFlight: Set<string> } | null = null;
  private signature = '';

  constructor(private readonly options: FailoverServiceOptions) {
    this.conversationState = options.conversation.state();
    this.controller = new FailoverController({
      ...options.controller,
      clock: options.clock,
      logger: options.logger,
      settings: options.settings,
      port: {
        conversation: () => this.view(),
        hasBackup: () => options.conversation.janusEndpoint('backup') !== null,
        health: (endpoint) => this.health(endpoint),
        serverGone: (endpoint) => {
          const gone = options.conversation.serverGone();
          return gone?.endpoint === endpoint ? gone : null;
        },
        move: (to, retry) => this.move(to, retry),
      },
      announce: (move) => {
        for (const listener of this.moveListeners) listener(move);
      },
      onChange: () => this.publish(true),
      onEvaluated: () => {
        this.probeIdle();
        this.publish(false);
      },
    });
    this.controller.start();
  }

  /** The failover part of the engine state. */
  state(): FailoverState {
    return this.controller.state();
  }

  /** Stops the rule's timer (engine shutdown). */
  stop(): void {
    this.controller.stop();
  }

  /** Every move this app announces (as host or producer), for the space channel; returns the unsubscribe function. */
  onMove(listener: (move: FailoverMove) => void): () => void {
    this.moveListeners.add(listener);
    return () => this.moveListeners.delete(listener);
  }

  /** A move another app announced on the space channel; true when this app follows it. */
  applyMove(move: FailoverMove): boolean {
    const started = this.controller.applyAnnouncement(move);
    if (started) this.publish(true);
    return started;
  }

  /** "Switch to backup now" / "Return to primary" (host and producer). */
  requestSwitch(to: EndpointName): FailoverState {
    this.controller.requestSwitch(to);
    return this.state();
  }

  /** Applies the rule an invite carries (null: back to this app's own), so every app moves alike. */
  useRule(rule: FailoverSettings | null): void {
    this.controller.useRule(rule);
  }

  setAutoReturn(enabled: boolean): FailoverState {
    this.controller.setAutoReturn(enabled);
    return this.state();
  }

  /** The conversation changed (every `onChange` of the Conversation). */
  observeConversation(state: ConversationState): void {
    const previous = this.conversationState.link;
    this.conversationState = state;
    const link = state.link;
    if (link.status === 'joined') {
      this.role = link.role;
      this.name = state.participants.find((participant) => participant.self)?.display ?? this.name;
    }
    if (link.status === 'idle') {
      this.role = null;
      this.remute = null;
    }
    const endpoint = 'endpoint' in link ? link.endpoint : null;
    // The page's media belongs to the room it negotiated with: a new room (another endpoint, or a new
    // feed after joining again) starts without a report; a reclaimed session keeps its feed and media.
    const newFeed = link.status === 'joined' && (link.selfId !== this.mediaSelfId || previous.status === 'connecting');
    if (endpoint !== this.mediaEndpoint || newFeed) {
      this.media = null;
      this.mediaEndpoint = endpoint;
    }
    if (link.status === 'joined') this.mediaSelfId = link.selfId;
    this.remuteMatching();
    this.controller.evaluate();
    this.publish(false);
  }

  /** The renderer's RTCPeerConnection state (`conversation:report-media`). */
  reportMedia(state: MediaConnectionState, detail: string | null): void {
    const now = this.options.clock.now();
    const everConnected = (this.media?.everConnected ?? false) || state === 'connected';
    if (this.media?.state !== state) this.media = { state, since: now, detail, everConnected };
    else this.media = { ...this.media, detail, everConnected };
    this.controller.evaluate();
    this.publish(false);
  }

  /** The program's status (null while off air). */
  observeBroadcast(status: BroadcastStatus | null): void {
    this.broadcast = status;
  }

  /** A listener reading of the space's outlets. */
  observeListeners(reading: ListenerReading): void {
    this.listeners = reading;
  }

  /** The health of one endpoint now. */
  health(endpoint: EndpointName): EndpointHealth {
    const now = this.options.clock.now();
    const link = this.conversationState.link;
    const onIt = 'endpoint' in link && link.endpoint === endpoint;
    return combineHealth(
      endpoint,
      {
        janusLink: onIt ? linkSignal(link, now, this.options.conversation.serverGone() !== null) : null,
        janusProbe: this.probes.get(endpoint) ?? null,
        media: onIt ? this.media : null,
        icecast: this.broadcast?.outputs.find((output) => output.id === endpoint)?.state ?? null,
        stats: this.listeners?.outlets.find((outlet) => outlet.id === endpoint) ?? null,
      },
      now,
      this.options.limits,
    );
  }

  private view(): ConversationView {
    const state = this.conversationState;
    const link = state.link;
    return {
      status: link.status,
      endpoint: 'endpoint' in link ? link.endpoint : null,
      role: link.status === 'joined' ? link.role : this.role,
      name: this.name,
      removed: link.status === 'failed' && REMOVED.test(link.reason),
      hostPresent: state.participants.some((participant) => participant.role === 'host'),
    };
  }

  /** One move: remember whom a moderator muted and locked, switch rooms, mute them again there. */
  private async move(to: EndpointName, retry: { attempt: number; nextAttemptAt: number }): Promise<void> {
    // The lock set decides, not the last mute event seen: a moderator lifts a lock everywhere before
    // unmuting, so a participant just unmuted by another moderator is not muted again by a move
    // that starts before this app saw the unmute.
    const muted = canMove(this.view().role)
      ? this.conversationState.participants
          .filter((participant) => !participant.self && participant.mutedBy === 'moderator' && participant.lock !== null)
          .map(identityOf)
      : [];
    if (muted.length > 0) {
      const carried = new Set([...(this.remute?.identities ?? []), ...muted]);
      this.remute = { identities: carried, until: this.options.clock.now() + REMUTE_WINDOW_MS, inFlight: new Set() };
    }
    await this.options.conversation.switchEndpoint(to, retry);
    if (this.remute !== null) this.remute.until = this.options.clock.now() + REMUTE_WINDOW_MS;
    this.remuteMatching();
  }

  /** Mutes again, in the room we are in now, each participant a moderator had muted before the move. */
  private remuteMatching(): void {
    const remute = this.remute;
    if (remute === null) return;
    const link = this.conversationState.link;
    if (this.options.clock.now() > remute.until) {
      if (remute.identities.size > 0)
        this.options.logger.warn(
          `${remute.identities.size} muted participant(s) did not come to the new room within ${REMUTE_WINDOW_MS / 1000} s`,
        );
      this.remute = null;
      return;
    }
    if (link.status !== 'joined') return;
    for (const participant of this.conversationState.participants) {
      const identity = identityOf(participant);
      if (participant.self || !remute.identities.has(identity) || remute.inFlight.has(identity)) continue;
      remute.inFlight.add(identity);
      this.options.conversation
        .moderateMute(participant.id, true)
        .then(() => {
          remute.identities.delete(identity);
          this.options.logger.info(
            `muted ${participant.display} again in the ${link.endpoint} room (a moderator had muted them before the move)`,
          );
        })
        .catch((error: unknown) =>
          this.options.logger.warn(`could not mute ${participant.display} again after the move: ${describeError(error)}`),
        )
        .finally(() => remute.inFlight.delete(identity));
    }
  }

  /** Probes the Janus of every endpoint the conversation is not on, every `probeEveryMs`, while in a room. */
  private probeIdle(): void {
    if (this.controller.current.phase === 'idle') return;
    const now = this.options.clock.now();
    const link = this.conversationState.link;
    const every = this.options.probeEveryMs ?? 2000;
    for (const endpoint of ENDPOINTS) {
      const janus = this.options.conversation.janusEndpoint(endpoint);
      if (janus === null || this.probing.has(endpoint)) continue;
      if (link.status === 'joined' && link.endpoint === endpoint) continue;
      if (now - (this.lastProbeAt.get(endpoint) ?? Number.NEGATIVE_INFINITY) < every) continue;
      this.lastProbeAt.set(endpoint, now);
      this.probing.add(endpoint);
      void this.options.prober
        .probeJanus({ url: janus.url, ...(janus.apiSecret !== undefined ? { apiSecret: janus.apiSecret } : {}) })
        .then(
          (probe) => ({
            ok: probe.status === 'reachable',
            at: this.options.clock.now(),
            error: probe.status === 'unreachable' ? probe.error : null,
          }),
          (error: unknown) => ({ ok: false, at: this.options.clock.now(), error: describeError(error) }),
        )
        .then((signal) => {
          this.probes.set(endpoint, signal);
          this.probing.delete(endpoint);
        });
    }
  }

  /** Publishes the state when it changed (always after a phase change; else when health or the countdown did). */
  private publish(force: boolean): void {
    const state = this.state();
    const signature = JSON.stringify([state.phase, state.onAir, state.canSwitch, state.health, state.settings, state.history.length]);
    if (!force && signature === this.signature) return;
    this.signature = signature;
    this.options.onChange(state);
  }
}

function linkSignal(link: ConversationState['link'], now: number, refused: boolean): JanusLinkSignal | null {
  switch (link.status) {
    case 'joined':
      return { kind: 'joined' };
    case 'connecting':
      return { kind: 'connecting', since: Math.min(link.since, now) };
    case 'reconnecting':
      return { kind: 'reconnecting', since: link.since, reason: link.reason, refused };
    case 'failed':
      return { kind: 'failed', reason: link.reason };
    case 'idle':
      return null;
    default:
      return assertNever(link);
  }
}

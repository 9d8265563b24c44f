import type { Role } from '../../shared/conversation';
import type { EndpointName } from '../../shared/endpoint';
import {
  MAX_FAILOVER_HISTORY,
  type EndpointHealth,
  type FailoverHistoryEntry,
  type FailoverMove,
  type FailoverPhase,
  type FailoverSettings,
  type FailoverState,
  type MoveTrigger,
} from '../../shared/failover';
import type { Clock } from '../clock';
import { EngineCommandError } from '../engine-errors';
import type { Logger } from '../log/logger';
import { describeError } from '../../shared/describe-error';
import { assertNever } from '../../shared/assert-never';

/*
 * The failover controller of one app. Every participant's app runs one with the same rule and the
 * same two endpoints (the host's from its config, everyone else's from the invite), so nobody waits
 * for the host's app to move; a host's or producer's app also announces its moves, and the others
 * follow an announcement they receive (the space channel carries it).
 *
 *                   primary conversation down
 *   ┌───────────┐ ─────────────────────────────► ┌──────────┐  down without a break ≥ threshold   ┌─────────────┐
 *   │ onPrimary │                                │ degraded │ ───────────────────────────────────► │ failingOver │ ◄─┐ attempt failed:
 *   └───────────┘ ◄───────────────────────────── └──────────┘  (and the backup is not known down) └─────────────┘ ──┘ retry (backoff)
 *     ▲    ▲        up for clearAfterMs (hysteresis: a      ▲                                    │   manual "Switch to backup now",
 *     │    │        recovery only stops the countdown)      │ (no backup: stays degraded)        │   or an announcement
 *     │    │                                                                                     ▼ joined the backup room
 *     │    │  joined the primary room    ┌───────────┐   manual "Return to primary", an announcement,  ┌──────────┐
 *     │    └──────────────────────────── │ returning │ ◄──── automatic return (off by default: after ── │ onBackup │
 *     │                                  └───────────┘       minBackupMs on the backup and the primary  └──────────┘
 *     │                                        │             healthy for returnHealthyMs), the backup down,
 *     │                                        │             or a stray (not the host) alone on the backup
 *     │                                        └── return failed 3 times ──► failingOver (back to the backup)
 *   idle ◄── left the room / removed from it (from any phase); idle ──joined──► onPrimary
 *
 * "Down" is the conversation's health (Janus session + the page's WebRTC media), see
 * endpoint-health.ts. The countdown runs only while the primary is down without a break, so a
 * primary that flaps (down 1 s, up 1 s) never moves the room; leaving `degraded` needs the primary
 * up for `clearAfterMs`. Every transition is logged, kept in the history and published.
 */

/** The conversation as the controller needs it. */
export interface ConversationView {
  readonly status: 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'failed';
  readonly endpoint: EndpointName | null;
  readonly role: Role | null;
  /** This app's participant name, for announcements and the log. */
  readonly name: string;
  /** Failed because a moderator removed us or the room was closed: nothing to move. */
  readonly removed: boolean;
  /** Whether a host is in the room with us (a stray on the backup returns when none came). */
  readonly hostPresent: boolean;
}

/** What the controller acts on; the engine's failover service implements it. */
export interface FailoverPort {
  conversation(): ConversationView;
  hasBackup(): boolean;
  health(endpoint: EndpointName): EndpointHealth;
  /**
   * The unambiguous "server gone" evidence of `endpoint` while the conversation is on it: every
   * reconnection since `since` was refused, the last at `lastAt`. Null for any other outage.
   */
  serverGone?(endpoint: EndpointName): { readonly since: number; readonly lastAt: number } | null;
  /** Moves this app's conversation to `to`'s room; rejects when that did not work. */
  move(to: EndpointName, retry: { attempt: number; nextAttemptAt: number }): Promise<void>;
}

/** What a controller is built from. */
export interface FailoverControllerOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly port: FailoverPort;
  readonly settings?: Partial<FailoverSettings>;
  /** How often the rule is evaluated (default 250 ms). */
  readonly tickMs?: number;
  /** Hysteresis: the primary must be up this long before `degraded` ends (default 5 s). */
  readonly clearAfterMs?: number;
  /** A participant other than the host alone on the backup returns after this long if the primary answers (default 10 s). */
  readonly strayReturnMs?: number;
  /** Delay before move attempt `attempt + 1` (default 1 s, 2 s, 3 s … 5 s). */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Called with each move this app starts as host or producer, for the space channel. */
  readonly announce?: (move: FailoverMove) => void;
  /** Called after every change of the phase, the settings or the history. */
  readonly onChange?: () => void;
  /** Called after every evaluation of the rule (health may have changed without a phase change). */
  readonly onEvaluated?: () => void;
  /** Ids of announcements (default: time + counter + random). */
  readonly newId?: () => string;
}

/** The defaults of the rule. */
export const DEFAULT_FAILOVER_SETTINGS: FailoverSettings = {
  thresholdMs: 3000,
  goneThresholdMs: 1500,
  autoReturn: false,
  minBackupMs: 60_000,
  returnHealthyMs: 30_000,
};

const SEEN_MOVES_KEPT = 200;
/** Attempts to return to the primary (its room may be re-created a moment later by the host's app) before going back to the backup. */
const RETURN_ATTEMPTS = 3;
const LABEL: Record<EndpointName, string> = { primary: 'primary', backup: 'backup' };

/** One app's failover controller; see the diagram above. */
export class FailoverController {
  private phase: FailoverPhase = { phase: 'idle' };
  private readonly history: FailoverHistoryEntry[] = [];
  private settings: FailoverSettings;
  /** This app's own rule (defaults, then its options), to come back to after an invite's. */
  private readonly ownSettings: FailoverSettings;
  private readonly tickMs: number;
  private readonly clearAfterMs: number;
  private readonly strayReturnMs: number;
  private tickTimer: unknown = null;
  private retryTimer: unknown = null;
  private running = false;
  /** Trackers of the conversation health of each endpoint (null: not in that condition now). */
  private primaryDownSince: number | null = null;
  private backupDownSince: number | null = null;
  private primaryHealthySince: number | null = null;
  private lastPrimaryDownAt = Number.NEGATIVE_INFINITY;
  private hostMissingSince: number | null = null;
  private moveSeq = 0;
  private idCounter = 0;
  private readonly seenMoves: string[] = [];

  constructor(private readonly options: FailoverControllerOptions) {
    this.settings = { ...DEFAULT_FAILOVER_SETTINGS, ...options.settings };
    this.ownSettings = this.settings;
    this.tickMs = options.tickMs ?? 250;
    this.clearAfterMs = options.clearAfterMs ?? 5000;
    this.strayReturnMs = options.strayReturnMs ?? 10_000;
  }

  /** Starts evaluating the rule every tick. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleTick();
  }

  /** Stops the ticks and any pending retry. */
  stop(): void {
    this.running = false;
    this.options.clock.clearTimeout(this.tickTimer);
    this.options.clock.clearTimeout(this.retryTimer);
    this.tickTimer = null;
    this.retryTimer = null;
  }

  /** The phase now. */
  get current(): FailoverPhase {
    return this.phase;
  }

  /** The state as the UI sees it. */
  state(): FailoverState {
    const conversation = this.options.port.conversation();
    const hasBackup = this.options.port.hasBackup();
    return {
      phase: { ...this.phase },
      onAir: this.phase.phase === 'idle' ? null : conversation.endpoint,
      hasBackup,
      health: hasBackup ? [this.options.port.health('primary'), this.options.port.health('backup')] : [this.options.port.health('primary')],
      settings: { ...this.settings },
      canSwitch: canMove(conversation.role) && hasBackup,
      history: this.history.map((entry) => ({ ...entry })),
    };
  }

  /** Turns the automatic return on or off. */
  /** Takes the rule an invite carries (null: this app's own again); a change is recorded in the history. */
  useRule(rule: FailoverSettings | null): void {
    const next = rule ?? this.ownSettings;
    if (JSON.stringify(next) === JSON.stringify(this.settings)) return;
    this.settings = { ...next };
    this.record(
      this.phase.phase,
      this.phase.phase,
      `${rule === null ? 'This app’s own failover rule' : 'The failover rule from the invite'}: move after ${next.thresholdMs / 1000} s down (${next.goneThresholdMs / 1000} s when the server is gone), automatic return ${next.autoReturn ? 'on' : 'off'}.`,
    );
    this.changed();
  }

  setAutoReturn(enabled: boolean): void {
    if (this.settings.autoReturn === enabled) return;
    this.settings = { ...this.settings, autoReturn: enabled };
    this.record(this.phase.phase, this.phase.phase, `Automatic return to the primary turned ${enabled ? 'on' : 'off'}.`);
    this.changed();
  }

  /** "Switch to backup now" / "Return to primary": host and producer only. Starts the move and returns at once. */
  requestSwitch(to: EndpointName): void {
    const conversation = this.options.port.conversation();
    if (!inRoom(conversation) || this.phase.phase === 'idle')
      throw new EngineCommandError('Join the conversation first: there is nothing to move yet.');
    if (!canMove(conversation.role)) {
      throw new EngineCommandError(
        'Only the host or a producer can move the show between the primary and the backup; your app follows their move by itself.',
      );
    }
    if (!this.options.port.hasBackup())
      throw new EngineCommandError('This space has no backup room: add a backup endpoint with janus.room to the space settings.');
    if (this.phase.phase === 'failingOver' || this.phase.phase === 'returning') {
      throw new EngineCommandError(
        `The show is already moving to the ${this.phase.phase === 'failingOver' ? 'backup' : 'primary'}: wait for it to arrive.`,
      );
    }
    if (conversation.endpoint === to) throw new EngineCommandError(`The show is already on the ${LABEL[to]}.`);
    const who = `${conversation.name || 'someone'} (${conversation.role ?? 'unknown role'})`;
    this.startMove(to, 'manual', to === 'backup' ? `${who} switched to the backup by hand.` : `${who} returned to the primary by hand.`, 1);
  }

  /**
   * A "moving" announcement from another app (through the space channel). Followed when it comes
   * from a host or producer and this app is not already there; true when it started a move.
   */
  applyAnnouncement(move: FailoverMove): boolean {
    if (this.seenMoves.includes(move.id)) return false;
    this.remember(move.id);
    if (!canMove(move.by.role)) {
      this.options.logger.warn(
        `ignored a move to the ${move.to} announced by ${move.by.name} (${move.by.role}): only hosts and producers move the show`,
      );
      return false;
    }
    const conversation = this.options.port.conversation();
    if (!inRoom(conversation) || this.phase.phase === 'idle') return false;
    if (move.to === 'backup' && !this.options.port.hasBackup()) return false;
    const movingTo = this.phase.phase === 'failingOver' ? 'backup' : this.phase.phase === 'returning' ? 'primary' : null;
    if (movingTo === move.to || (movingTo === null && conversation.endpoint === move.to)) return false;
    this.startMove(move.to, 'announced', `${move.by.name} (${move.by.role}) moved the show to the ${LABEL[move.to]}: ${move.reason}`, 1);
    return true;
  }

  /** Evaluates the rule now (the timer does this every tick; tests and the service may too). */
  evaluate(): void {
    const now = this.options.clock.now();
    const port = this.options.port;
    const conversation = port.conversation();
    const primary = port.health('primary');
    const backup = port.hasBackup() ? port.health('backup') : null;
    this.track(now, primary, backup, conversation);

    if (!inRoom(conversation) && this.phase.phase !== 'idle') {
      this.moveSeq += 1;
      this.options.clock.clearTimeout(this.retryTimer);
      this.setPhase({ phase: 'idle' }, conversation.removed ? 'Removed from the room: nothing to move.' : 'Left the conversation.');
      return;
    }
    const phase = this.phase;
    switch (phase.phase) {
      case 'idle':
        if (conversation.status === 'joined') {
          this.resetTrackers();
          if (conversation.endpoint === 'backup')
            this.setPhase(
              { phase: 'onBackup', since: now, trigger: 'manual', reason: 'Joined on the backup.', returnAt: null },
              'In the backup room.',
            );
          else this.setPhase({ phase: 'onPrimary', since: now }, 'In the primary room.');
        }
        return;
      case 'onPrimary':
        if (this.primaryDownSince !== null) {
          this.setPhase(
            this.degradedAt(now, this.primaryDownSince, primary, backup, phase.since),
            `The primary is down: ${primary.reason ?? 'no answer'}.`,
          );
          this.evaluateDegraded(now, primary, backup);
        }
        return;
      case 'degraded':
        this.evaluateDegraded(now, primary, backup);
        return;
      case 'failingOver':
      case 'returning':
        return;
      case 'onBackup':
        this.evaluateOnBackup(now, phase, primary, backup, conversation);
        return;
      default:
        assertNever(phase);
    }
  }

  private evaluateDegraded(now: number, primary: EndpointHealth, backup: EndpointHealth | null): void {
    if (this.phase.phase !== 'degraded') return;
    const since = this.phase.since;
    if (this.primaryDownSince === null) {
      if (now - this.lastPrimaryDownAt >= this.clearAfterMs) {
        this.setPhase(
          { phase: 'onPrimary', since: now },
          `The primary has been up for ${Math.round(this.clearAfterMs / 1000)} s: staying on it.`,
        );
        return;
      }
      this.update({
        phase: 'degraded',
        since,
        downSince: null,
        moveAt: null,
        reason: 'The primary is back; watching it before calling it healthy.',
      });
      return;
    }
    const next = this.degradedAt(now, this.primaryDownSince, primary, backup, since);
    this.update(next);
    if (next.moveAt === null || now < next.moveAt) return;
    const downFor = Math.round((now - this.primaryDownSince) / 100) / 10;
    const gone = this.goneConfirmed();
    if (gone !== null && now - this.primaryDownSince < this.settings.thresholdMs) {
      this.startMove(
        'backup',
        'automatic',
        `The primary Janus refused every reconnection for ${Math.round((gone.lastAt - gone.since) / 100) / 10} s: the server is not running.`,
        1,
      );
    } else if (now - this.primaryDownSince >= this.settings.thresholdMs) {
      this.startMove('backup', 'automatic', `The primary was down for ${downFor} s (${primary.reason ?? 'no answer'}).`, 1);
    }
  }

  /**
   * The move time while the primary is down: `thresholdMs` after it went down, or sooner for an
   * unambiguous "server gone" (every reconnection refused): `goneThresholdMs` after the loss, and
   * only once a refusal at or after that moment confirmed it (a Janus back within it is no move).
   */
  private degradedAt(
    now: number,
    downSince: number,
    primary: EndpointHealth,
    backup: EndpointHealth | null,
    since: number,
  ): Extract<FailoverPhase, { phase: 'degraded' }> {
    if (backup === null)
      return {
        phase: 'degraded',
        since,
        downSince,
        moveAt: null,
        reason: `${primary.reason ?? 'The primary is down.'} This space has no backup to move to.`,
      };
    if (backup.conversation === 'down')
      return {
        phase: 'degraded',
        since,
        downSince,
        moveAt: null,
        reason: `${primary.reason ?? 'The primary is down.'} The backup is down too (${backup.reason ?? 'no answer'}): staying.`,
      };
    const gone = this.options.port.serverGone?.('primary') ?? null;
    const ambiguousAt = downSince + this.settings.thresholdMs;
    const goneAt = gone === null ? ambiguousAt : gone.since + this.settings.goneThresholdMs;
    return { phase: 'degraded', since, downSince, moveAt: Math.min(goneAt, ambiguousAt), reason: primary.reason ?? 'The primary is down.' };
  }

  /** The "server gone" evidence when it spans the shorter confirmation; else null. */
  private goneConfirmed(): { since: number; lastAt: number } | null {
    const gone = this.options.port.serverGone?.('primary') ?? null;
    return gone !== null && gone.lastAt - gone.since >= this.settings.goneThresholdMs ? gone : null;
  }

  private evaluateOnBackup(
    now: number,
    phase: Extract<FailoverPhase, { phase: 'onBackup' }>,
    primary: EndpointHealth,
    backup: EndpointHealth | null,
    conversation: ConversationView,
  ): void {
    // The backup itself fails: go back to the primary unless it is known down too.
    if (this.backupDownSince !== null && now - this.backupDownSince >= this.settings.thresholdMs && primary.conversation !== 'down') {
      this.startMove(
        'primary',
        'automatic',
        `The backup was down for ${Math.round((now - this.backupDownSince) / 1000)} s (${backup?.reason ?? 'no answer'}).`,
        1,
      );
      return;
    }
    // A participant who moved alone (its own path to the primary broke, the host's did not) goes back.
    if (
      conversation.role !== 'host' &&
      this.hostMissingSince !== null &&
      now - this.hostMissingSince >= this.strayReturnMs &&
      primary.conversation === 'healthy'
    ) {
      this.startMove(
        'primary',
        'automatic',
        `No host came to the backup room in ${Math.round(this.strayReturnMs / 1000)} s and the primary answers: going back to where the host is.`,
        1,
      );
      return;
    }
    const returnAt =
      this.settings.autoReturn && this.primaryHealthySince !== null
        ? Math.max(phase.since + this.settings.minBackupMs, this.primaryHealthySince + this.settings.returnHealthyMs)
        : null;
    if (returnAt !== phase.returnAt) this.update({ ...phase, returnAt });
    if (returnAt !== null && now >= returnAt) {
      this.startMove(
        'primary',
        'automatic',
        `The primary has been healthy for ${Math.round((now - (this.primaryHealthySince ?? now)) / 1000)} s.`,
        1,
      );
    }
  }

  private startMove(to: EndpointName, trigger: MoveTrigger, reason: string, attempt: number, lastError: string | null = null): void {
    const seq = ++this.moveSeq;
    this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const now = this.options.clock.now();
    const retryIn = (this.options.retryDelayMs ?? defaultRetryDelay)(attempt);
    const previous = this.phase;
    const since = attempt > 1 && (previous.phase === 'failingOver' || previous.phase === 'returning') ? previous.since : now;
    if (to === 'backup')
      this.setPhase(
        { phase: 'failingOver', since, attempt, trigger, reason, lastError },
        attempt === 1 ? `Moving to the backup: ${reason}` : `Moving to the backup, attempt ${attempt}.`,
      );
    else
      this.setPhase(
        { phase: 'returning', since, attempt, trigger, reason },
        attempt === 1 ? `Returning to the primary: ${reason}` : `Returning to the primary, attempt ${attempt}.`,
      );
    const conversation = this.options.port.conversation();
    if (attempt === 1 && trigger !== 'announced' && canMove(conversation.role)) {
      const move: FailoverMove = {
        id: this.newId(),
        to,
        trigger,
        reason: reason.slice(0, 500),
        at: now,
        by: { role: conversation.role ?? 'host', name: conversation.name.slice(0, 200) },
      };
      this.remember(move.id);
      try {
        this.options.announce?.(move);
      } catch (error) {
        this.options.logger.warn(`announcing the move failed: ${describeError(error)}`);
      }
    }
    this.options.port.move(to, { attempt, nextAttemptAt: now + retryIn }).then(
      () => {
        if (seq !== this.moveSeq) return;
        const at = this.options.clock.now();
        this.resetTrackers();
        const took = at - since;
        if (to === 'backup')
          this.setPhase({ phase: 'onBackup', since: at, trigger, reason, returnAt: null }, `On the backup (moved in ${took} ms).`);
        else this.setPhase({ phase: 'onPrimary', since: at }, `Back on the primary (moved in ${took} ms).`);
      },
      (error: unknown) => {
        if (seq !== this.moveSeq) return;
        const message = describeError(error).slice(0, 300);
        if (!inRoom(this.options.port.conversation())) {
          this.setPhase({ phase: 'idle' }, `The move stopped: ${message}`);
          return;
        }
        if (to === 'primary' && attempt >= RETURN_ATTEMPTS) {
          this.startMove('backup', 'automatic', `The return to the primary failed (${message}).`, 1);
          return;
        }
        this.record(
          this.phase.phase,
          this.phase.phase,
          `Attempt ${attempt} to join the ${LABEL[to]} failed: ${message}. Next in ${Math.round(retryIn / 100) / 10} s.`,
        );
        if (this.phase.phase === 'failingOver') this.update({ ...this.phase, lastError: message });
        this.retryTimer = this.options.clock.setTimeout(() => {
          this.retryTimer = null;
          if (seq !== this.moveSeq) return;
          const primary = this.options.port.health('primary');
          const backup = this.options.port.health('backup');
          if (to === 'primary') this.startMove('primary', trigger, reason, attempt + 1);
          else if (backup.conversation === 'down' && primary.conversation === 'healthy')
            this.startMove('primary', 'automatic', 'The backup cannot be joined and the primary answers again.', 1);
          else this.startMove('backup', trigger, reason, attempt + 1, message);
        }, retryIn);
        unref(this.retryTimer);
      },
    );
  }

  private track(now: number, primary: EndpointHealth, backup: EndpointHealth | null, conversation: ConversationView): void {
    if (primary.conversation === 'down') {
      this.primaryDownSince ??= now;
      this.lastPrimaryDownAt = now;
    } else this.primaryDownSince = null;
    this.primaryHealthySince = primary.conversation === 'healthy' ? (this.primaryHealthySince ?? now) : null;
    this.backupDownSince = backup?.conversation === 'down' ? (this.backupDownSince ?? now) : null;
    const strayCheck = conversation.status === 'joined' && conversation.endpoint === 'backup' && !conversation.hostPresent;
    this.hostMissingSince = strayCheck ? (this.hostMissingSince ?? now) : null;
  }

  private resetTrackers(): void {
    this.primaryDownSince = null;
    this.backupDownSince = null;
    this.primaryHealthySince = null;
    this.hostMissingSince = null;
    this.lastPrimaryDownAt = Number.NEGATIVE_INFINITY;
  }

  /** A new phase: logged, recorded and published. */
  private setPhase(next: FailoverPhase, message: string): void {
    const from = this.phase.phase;
    this.phase = next;
    this.record(from, next.phase, message);
    this.changed();
  }

  /** The same phase with new details (countdown, return time): published, not recorded. */
  private update(next: FailoverPhase): void {
    if (JSON.stringify(next) === JSON.stringify(this.phase)) return;
    this.phase = next;
    this.changed();
  }

  private record(from: string, to: string, message: string): void {
    const entry = { at: this.options.clock.now(), from, to, message: message.slice(0, 500) };
    this.history.push(entry);
    if (this.history.length > MAX_FAILOVER_HISTORY) this.history.splice(0, this.history.length - MAX_FAILOVER_HISTORY);
    const line = from === to ? `failover (${to}): ${message}` : `failover ${from} → ${to}: ${message}`;
    if (to === 'degraded' || to === 'failingOver' || to === 'returning') this.options.logger.warn(line);
    else this.options.logger.info(line);
  }

  private changed(): void {
    try {
      this.options.onChange?.();
    } catch (error) {
      this.options.logger.error('a failover listener failed', error);
    }
  }

  private remember(id: string): void {
    this.seenMoves.push(id);
    if (this.seenMoves.length > SEEN_MOVES_KEPT) this.seenMoves.splice(0, this.seenMoves.length - SEEN_MOVES_KEPT);
  }

  private newId(): string {
    if (this.options.newId) return this.options.newId();
    this.idCounter += 1;
    return `${this.options.clock.now().toString(36)}-${this.idCounter}-${Math.random().toString(36).slice(2, 10)}`;
  }

  private scheduleTick(): void {
    if (!this.running) return;
    this.tickTimer = this.options.clock.setTimeout(() => {
      this.tickTimer = null;
      try {
        this.evaluate();
        this.options.onEvaluated?.();
      } catch (error) {
        this.options.logger.error('the failover rule failed', error);
      }
      this.scheduleTick();
    }, this.tickMs);
    unref(this.tickTimer);
  }
}

/** Hosts and producers move the show by hand and announce their moves. */
export function canMove(role: Role | null): boolean {
  return role === 'host' || role === 'producer';
}

function inRoom(conversation: ConversationView): boolean {
  return (
    conversation.status === 'joined' ||
    conversation.status === 'connecting' ||
    conversation.status === 'reconnecting' ||
    (conversation.status === 'failed' && !conversation.removed)
  );
}

function defaultRetryDelay(attempt: number): number {
  return Math.min(5000, 1000 * attempt);
}

/** A pending timer must not keep a finished process alive. */
function unref(handle: unknown): void {
  (handle as { unref?: () => void } | null)?.unref?.();
}

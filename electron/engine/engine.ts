import { join } from 'node:path';
import {
  RECENT_LOG_LIMIT,
  type CommandChannel,
  type CommandResult,
  type EngineEvent,
  type CommandPayload,
  type EventPayload,
  type ValidCommand,
} from '../shared/contract';
import { decodePcmFrame } from '../shared/pcm-frame';
import type { EndpointName, EndpointStatus, EngineState, ServerKind, ServerProbe } from '../shared/state';
import type { Clock } from './clock';
import type { EndpointConfig, EngineConfig } from './config';
import { createLogger, type Logger, type LogRecord } from './log/logger';
import { RendererLog } from './log/renderer-log';
import { redactUrl } from './redact';
import { PreflightChecks } from './preflight/preflight-checks';
import { PREFLIGHT_PROBES } from '../shared/preflight';
import type { ServerProber } from './servers/prober';
import type { PracticeHost } from './servers/practice-space';
import { EngineCommandError } from './engine-errors';
import { SettingsBook, type SavedSettings, type SettingsBookStore } from './settings/settings-book';
import type { GeneralSettings } from '../shared/settings';

export { EngineCommandError };
import type { BroadcastStatus } from '../shared/broadcast';
import { InputDelayMeter, type InputDelaySummary } from './audio/input-delay';
import { PushSource } from './audio/push-source';
import { ToneSource } from './audio/tone-source';
import { Broadcast } from './broadcast/broadcast';
import { describeProgramPlan, planProgram } from './broadcast/program-plan';
import type { BroadcastControl } from './broadcast/broadcast-control';
import type { HttpFetch } from './listeners/http';
import type { ListenerCounts } from './listeners/listener-counts';
import type { ListenerReading } from '../shared/listeners';
import { startSpaceListenerCounts } from './listeners/space-listener-counts';
import { idleConversationState } from '../shared/conversation';
import { Conversation, type ShowTimings } from './conversation/conversation';
import { InviteBook } from './invites/invite-book';
import { decodeInvite, previewOf } from './invites/invite-code';
import { FailoverService } from './failover/failover-service';
import { listenLinkOf } from './failover/listen-link';
import type { FailoverMove, FailoverSettings } from '../shared/failover';
import { describeError } from '../shared/describe-error';
import { assertNever } from '../shared/assert-never';

/** Median delay of the window's frames from which the log warns. */
const INPUT_DELAY_WARN_MS = 500;
/** At most one such warning per this long. */
const INPUT_DELAY_WARN_EVERY_MS = 30_000;
/** A change of the median delay by this much is sent to the UIs at once. */
const INPUT_DELAY_STEP_MS = 100;

/** What an engine is built from; everything with side effects is passed in. */
export interface EngineOptions {
  version: string;
  mode: EngineState['mode'];
  bridgeKind: EngineState['bridge']['kind'];
  config: EngineConfig;
  clock: Clock;
  prober: ServerProber;
  logger?: Logger;
  /** HTTP for listener statistics; with it the engine counts the space's Icecast listeners from the start. */
  listenerHttp?: HttpFetch;
  /** Listener counts already running for other outlets than the space's; used instead of polling the space. */
  listenerCounts?: ListenerCounts;
  /** Random numbers in [0, 1) for retry jitter and Ogg serials (tests pass a seeded one). */
  random?: () => number;
  /**
   * The safety-recording folder of shows started from a UI until the host saves another one in
   * the settings; without it (and without a saved folder) such shows are not recorded.
   */
  recordingsDir?: string;
  /** Spaces and settings saved by an earlier run (the space the engine runs is always `config.space`). */
  savedSettings?: SavedSettings;
  /** Where changes made through `settings:*` are kept (the desktop app's settings file); without it they live in memory. */
  settingsStore?: SettingsBookStore;
  /** File the host's invites are kept in (tokens: mode 0600); without it they live in memory only. */
  invitesFile?: string;
  /** Extra ICE host addresses for the space channel (only a veth test network needs them). */
  iceHostAddresses?: readonly string[];
  /** The failover rule (default: 3 s threshold, no automatic return); tests and benchmarks tune it. */
  failover?: Partial<FailoverSettings> & { probeEveryMs?: number };
  /** Shows a file in the system's file manager (the desktop app's `shell.showItemInFolder`); absent where there is none (headless). */
  revealFile?: (path: string) => void;
  /** The practice space on this computer (the desktop app and the headless command); without it `practice:*` is refused. */
  practice?: PracticeHost;
  /** How often a host's app repeats its show announcement, and when others stop believing it (default 5 s / 15 s); tests shorten them. */
  showTimings?: ShowTimings;
}

/** Receives every event the engine emits. */
export type EngineListener = (event: EngineEvent) => void;

/**
 * The engine as a binding sees it. Bindings validate every command with the shared contract
 * before calling {@link Engine.execute}; the engine trusts its argument types.
 */
export class Engine {
  private state: EngineState;
  private readonly listeners = new Set<EngineListener>();
  private readonly log: Logger;
  private endpoints: Map<EndpointName, EndpointConfig>;
  private publishingLog = false;
  private ownBroadcast: Broadcast | null = null;
  private startingBroadcast = false;
  private pcmSink: PushSource | null = null;
  private broadcast: { control: BroadcastControl; detach: () => void } | null = null;
  private readonly recentLog: EventPayload<'log:entry'>[] = [];
  private readonly rendererLog: RendererLog;
  /** Capture → arrival delay of the window's program frames. */
  private readonly inputDelay = new InputDelayMeter();
  private lastInputDelayWarning = Number.NEGATIVE_INFINITY;
  /** The space the engine runs: `options.config` until another one is put in its place ({@link Engine.useSpace}). */
  private config: EngineConfig;
  private listenerCounts: ListenerCounts | null;
  private invites: InviteBook | null;
  /** Saved spaces and general settings, as the settings screen edits them. */
  private readonly settings: SettingsBook;
  private conversation: Conversation;
  private failover: FailoverService;
  private mediaState: CommandPayload<'conversation:report-media'>['state'] = 'new';
  private sweepTimer: unknown = null;
  /** The safety recording of the show on air, or of the last show this engine ran. */
  private lastRecordingPath: string | null = null;
  /** An edit of the space in use, saved on air or in the room: applied when you next go live or join. */
  private pendingSpace: EngineConfig | null = null;
  /** The preflight's server probes and uplink check. */
  private readonly preflight: PreflightChecks;

  constructor(private readonly options: EngineOptions) {
    this.log = options.logger ?? createLogger('engine', () => options.clock.now());
    this.rendererLog = new RendererLog({ clock: options.clock });
    this.preflight = new PreflightChecks({
      prober: options.prober,
      clock: options.clock,
      random: options.random ?? Math.random,
      logger: this.log,
      endpoints: () => this.endpoints,
      savedBitrateKbps: () => this.settings.generalSettings().audio.bitrateKbps,
      onAir: () => this.broadcast !== null || this.startingBroadcast,
    });
    this.settings = new SettingsBook({
      config: options.config,
      recordingsDir: options.recordingsDir,
      saved: options.savedSettings,
      store: options.settingsStore,
      // UIs draw what "Go live" will use and capture the microphone with the saved settings.
      onChange: (general) => {
        this.state.settings = savedSettingsOf(general);
        this.emitState();
      },
    });
    this.config = options.config;
    const built = this.buildSpace(options.config);
    this.invites = built.invites;
    this.conversation = built.conversation;
    this.failover = built.failover;
    this.endpoints = built.endpoints;
    this.state = {
      version: options.version,
      mode: options.mode,
      startedAt: options.clock.now(),
      space: spaceStatusOf(this.config.space.name, this.endpoints),
      audio: { framesReceived: 0, framesRejected: 0, lastFrameAt: null },
      conversation: idleConversationState(),
      broadcast: null,
      settings: savedSettingsOf(this.settings.generalSettings()),
      failover: this.failover.state(),
      ...(options.practice ? { practice: options.practice.state() } : {}),
      bridge: { kind: options.bridgeKind, clients: 0 },
    };
    options.practice?.onChange((practice) => {
      this.state.practice = practice;
      this.emitState();
    });
    this.log.info(`engine ${options.version} started (${options.mode}), ${this.endpoints.size} endpoint(s) configured`);
    this.listenerCounts = this.startListenerCounts();
  }

  /** The conversation, its failover rule and invites, and the endpoints of `config`'s space. */
  private buildSpace(config: EngineConfig): {
    invites: InviteBook | null;
    conversation: Conversation;
    failover: FailoverService;
    endpoints: Map<EndpointName, EndpointConfig>;
  } {
    const { options } = this;
    const hasRooms = config.space.primary?.janus.room !== undefined || config.space.backup?.janus.room !== undefined;
    const invites = hasRooms
      ? new InviteBook({ clock: options.clock, file: options.invitesFile, logger: this.log.child('invites') })
      : null;
    // The callbacks read the engine's current conversation and failover: those built here, once assigned.
    const conversation: Conversation = new Conversation({
      config,
      clock: options.clock,
      random: options.random ?? Math.random,
      logger: this.log.child('conversation'),
      invites,
      onChange: (state) => {
        if (this.conversation !== conversation) return;
        this.state.conversation = state;
        this.failover.observeConversation(state);
        this.emitState();
      },
      onMicLevels: (levels) => this.emit({ channel: 'conversation:mic-levels', payload: levels }),
      // A move a host or producer announced on the space channel: stragglers follow it.
      onMoveAnnounced: (move) => void this.failover.applyMove(move),
      ...(options.iceHostAddresses !== undefined ? { iceHostAddresses: options.iceHostAddresses } : {}),
      ...(options.showTimings !== undefined ? { showTimings: options.showTimings } : {}),
    });
    const { probeEveryMs, ...failoverSettings } = options.failover ?? {};
    const failover: FailoverService = new FailoverService({
      conversation,
      clock: options.clock,
      logger: this.log.child('failover'),
      prober: options.prober,
      // The space's rule (its file, then what a test or benchmark tunes); a guest's comes from its invite.
      settings: { ...config.space.failover, ...failoverSettings },
      ...(probeEveryMs !== undefined ? { probeEveryMs } : {}),
      onChange: (state) => {
        if (this.failover !== failover) return;
        this.state.failover = state;
        this.emitState();
      },
    });
    failover.onMove((move) => {
      this.emit({ channel: 'failover:moving', payload: move });
      // Announced on the space channel (a moderator's engine only: Janus needs the room secret).
      conversation
        .announceMove(move)
        .catch((error: unknown) => this.log.warn(`the move could not be announced on the space channel: ${describeError(error)}`));
    });
    const endpoints = new Map<EndpointName, EndpointConfig>();
    if (config.space.primary) endpoints.set('primary', config.space.primary);
    if (config.space.backup) endpoints.set('backup', config.space.backup);
    return { invites, conversation, failover, endpoints };
  }

  /** Listener counts of the space's mounts (or the ones the caller already runs). */
  private startListenerCounts(): ListenerCounts | null {
    const { options } = this;
    const onReading = (reading: ListenerReading): void => {
      this.failover.observeListeners(reading);
      this.emit({ channel: 'listeners:update', payload: reading });
    };
    if (options.listenerCounts) {
      // Counts the caller already runs (e.g. `steadycast broadcast` over its own outputs).
      options.listenerCounts.subscribe(onReading);
      return options.listenerCounts;
    }
    return options.listenerHttp
      ? startSpaceListenerCounts({
          config: this.config,
          http: options.listenerHttp,
          clock: options.clock,
          logger: this.log.child('listeners'),
          onReading,
        })
      : null;
  }

  /**
   * Runs another space from now on (the practice space, once started): its conversation, failover
   * rule, invites and listener counts replace the current ones. Refused on air and in a conversation.
   */
  async useSpace(config: EngineConfig): Promise<void> {
    const refusal = this.spaceChangeRefusal();
    if (refusal !== null) throw new EngineCommandError(refusal);
    if (!this.options.listenerCounts) this.listenerCounts?.stop();
    this.failover.stop();
    await this.conversation.leave();
    if (this.sweepTimer !== null) this.options.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    this.config = config;
    const built = this.buildSpace(config);
    this.invites = built.invites;
    this.conversation = built.conversation;
    this.failover = built.failover;
    this.endpoints = built.endpoints;
    this.state.space = spaceStatusOf(config.space.name, this.endpoints);
    this.state.conversation = idleConversationState();
    this.state.failover = this.failover.state();
    // Counts the caller runs stay subscribed; the space's own are started for the new mounts.
    if (!this.options.listenerCounts) this.listenerCounts = this.startListenerCounts();
    this.log.info(`now running the space "${config.space.name}" (${this.endpoints.size} endpoint(s))`);
    this.emitState();
  }

  /** Stops the engine's background work (listener polling, the failover rule); bindings call it on shutdown. */
  stopListenerCounts(): void {
    this.listenerCounts?.stop();
    this.failover.stop();
  }

  /**
   * For the space channel: every move this app announces (as host or producer) — send it to the
   * other apps. The same moves go to UIs as `failover:moving` events. Returns the unsubscribe function.
   */
  onFailoverMove(listener: (move: FailoverMove) => void): () => void {
    return this.failover.onMove(listener);
  }

  /** For the space channel: a move another app announced (validate it with FailoverMoveSchema first); true when this app follows it. */
  applyFailoverMove(move: FailoverMove): boolean {
    return this.failover.applyMove(move);
  }

  /** A snapshot of the whole state. */
  getState(): EngineState {
    return structuredClone(this.state);
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs a validated command and returns its result. */
  async execute<C extends CommandChannel>(command: ValidCommand & { channel: C }): Promise<CommandResult<C>>;
  async execute(command: ValidCommand): Promise<CommandResult<CommandChannel>> {
    switch (command.channel) {
      case 'engine:get-state':
        return this.getState();
      case 'engine:ping': {
        const answer = { nonce: command.payload.nonce, engineTime: this.options.clock.now() };
        this.emit({ channel: 'engine:pong', payload: answer });
        return answer;
      }
      case 'servers:check':
        return { started: this.checkServers(command.payload.endpoint) };
      case 'broadcast:start':
        await this.applyPendingSpace();
        return this.startBroadcast(command.payload);
      case 'broadcast:stop': {
        const running = this.ownBroadcast;
        if (!running) return { stopped: false };
        await running.stop();
        return { stopped: true };
      }
      case 'broadcast:retry-output':
        return { retried: this.broadcast?.control.retryOutput(command.payload.outputId) ?? false };
      case 'recording:reveal':
        return this.revealRecording();
      case 'space:provision':
        return { rooms: await this.conversation.provision() };
      case 'conversation:join': {
        await this.applyPendingSpace();
        const joined = await this.conversation.join(command.payload);
        // Everyone applies the same failover rule: a guest the one its invite carries, the host its own.
        this.failover.useRule(this.conversation.inviteFailoverRule());
        return joined;
      }
      case 'conversation:offer':
        return { answer: await this.conversation.offer(command.payload.offer, command.payload.iceRestart) };
      case 'conversation:leave': {
        const left = await this.conversation.leave();
        this.failover.useRule(null);
        return { left };
      }
      case 'conversation:set-muted':
        return this.conversation.setMuted(command.payload.muted);
      case 'moderation:set-muted':
        return this.conversation.moderateMute(command.payload.participantId, command.payload.muted, command.payload.reason);
      case 'moderation:answer-request':
        return this.conversation.answerSpeakRequest(command.payload.participantId, command.payload.approve);
      case 'moderation:request-speak':
        return this.conversation.requestToSpeak(command.payload.active);
      case 'moderation:set-auto-mute':
        return this.conversation.setAutoMute(command.payload.enabled);
      case 'conversation:report-mic':
        return { sent: this.conversation.reportMic(command.payload.report) };
      case 'moderation:remove':
        return this.conversation.moderateRemove(command.payload.participantId);
      case 'moderation:mute-all':
        return command.payload.lift === true ? this.conversation.liftMuteAll() : this.conversation.muteAllButHosts();
      case 'conversation:report-media':
        return { accepted: this.reportMedia(command.payload) };
      case 'invites:create':
        return this.createInvite(command.payload);
      case 'invites:list':
        return { invites: this.requireInvites().list() };
      case 'invites:revoke':
        return this.revokeInvite(command.payload);
      case 'invites:preview':
        return previewOf(decodeInvite(command.payload.invite, this.options.clock.now()));
      case 'failover:switch':
        return this.failover.requestSwitch(command.payload.to);
      case 'failover:set-auto-return':
        return this.failover.setAutoReturn(command.payload.enabled);
      case 'failover:listen-link':
        if (!this.config.space.primary && !this.config.space.backup) {
          throw new EngineCommandError(
            'No Icecast mount is configured for this space: add the primary (and backup) mount URL to the space settings.',
          );
        }
        return listenLinkOf(this.config.space);
      case 'settings:get':
        return this.settingsView();
      case 'settings:save-space':
        return this.saveSpace(command.payload.id, command.payload.space);
      case 'settings:use-space':
        return this.useSavedSpace(command.payload.id);
      case 'settings:duplicate-space':
        return this.settings.duplicateSpace(command.payload.id);
      case 'settings:delete-space':
        return this.settings.deleteSpace(command.payload.id);
      case 'settings:save-general':
        return this.settings.saveGeneral(command.payload);
      case 'preflight:network':
        return this.preflight.network(command.payload.probes ?? PREFLIGHT_PROBES.default);
      case 'preflight:uplink':
        return this.preflight.uplink(command.payload.bitrateKbps);
      case 'practice:start':
        return this.startPractice();
      case 'practice:simulate-failure':
        return this.simulatePracticeFailure();
      case 'log:get-recent':
        return { entries: this.recentLog.map((entry) => ({ ...entry })) };
      case 'log:write':
        return this.rendererLog.write(command.payload);
      case 'listeners:get':
        return this.listenerCounts?.lastReading() ?? null;
      case 'listeners:get-history':
        return this.listenerCounts?.historyPoints(command.payload.maxPoints) ?? { startAt: 0, stepMs: 1000, values: [] };
      default:
        return assertNever(command);
    }
  }

  private async startBroadcast(request: CommandPayload<'broadcast:start'>): Promise<BroadcastStatus> {
    if (this.broadcast || this.startingBroadcast) throw new EngineCommandError('A show is already on air: end it before starting another.');
    const { space } = this.config;
    const outputs = [
      space.primary && { id: 'primary', label: 'Primary', url: space.primary.icecast.mountUrl },
      space.backup && { id: 'backup', label: 'Backup', url: space.backup.icecast.mountUrl },
    ].filter((output) => output !== undefined);
    if (outputs.length === 0)
      throw new EngineCommandError(
        'No Icecast mount is configured for this space: add the primary (and backup) mount URL to the space settings.',
      );
    const plan = planProgram(request, this.settings.generalSettings());
    const source =
      request.source.kind === 'bridge'
        ? new PushSource({ channels: plan.channels, description: 'microphone and room (from the control room)' })
        : new ToneSource({ frequencyHz: request.source.frequencyHz, channels: plan.channels, clock: this.options.clock });
    this.log.info(`going live: ${describeProgramPlan(plan)}`);
    const stamp = new Date(this.options.clock.now()).toISOString().replace(/[:.]/g, '-');
    this.startingBroadcast = true;
    // The check saturates the uplink on purpose: never while the program starts.
    this.preflight.cancelUplink();
    try {
      const broadcast = await Broadcast.start({
        source,
        channels: plan.channels,
        bitrateKbps: plan.bitrateKbps,
        loudness: space.loudness,
        outputs,
        recording: plan.recordingFolder !== null ? { path: join(plan.recordingFolder, `${safeFileName(space.name)}-${stamp}.opus`) } : null,
        metadata: { name: space.name },
        clock: this.options.clock,
        random: this.options.random ?? Math.random,
      });
      this.ownBroadcast = broadcast;
      this.pcmSink = source instanceof PushSource ? source : null;
      void broadcast.ended.then(() => {
        if (this.ownBroadcast === broadcast) {
          this.ownBroadcast = null;
          this.pcmSink = null;
        }
      });
      this.attachBroadcast(broadcast);
      return broadcast.status();
    } finally {
      this.startingBroadcast = false;
    }
  }

  /** Why the space cannot change now (on air, in the room), or null when it can. */
  private spaceChangeRefusal(): string | null {
    if (this.broadcast !== null || this.startingBroadcast) return 'A show is on air: end it before changing the space.';
    if (this.state.conversation.link.status !== 'idle') return 'You are in the conversation: leave it before changing the space.';
    return null;
  }

  private settingsView(): CommandResult<'settings:get'> {
    return { ...this.settings.view(), pendingSpace: this.pendingSpace !== null };
  }

  /** Saves a space; the one in use applies at once when it can, else when you next go live or join. */
  private async saveSpace(
    id: string | null,
    form: CommandPayload<'settings:save-space'>['space'],
  ): Promise<CommandResult<'settings:save-space'>> {
    await this.settings.saveSpace(id, form);
    if (id !== null && id === this.settings.activeSpaceId()) {
      this.pendingSpace = { space: this.settings.spaceConfig(id) };
      if (this.spaceChangeRefusal() === null) await this.applyPendingSpace();
      else this.log.info('the space in use was edited on air or in the room: it applies when you next go live or join');
    }
    return this.settingsView();
  }

  /** Runs a saved space from now on (refused on air and in the room). */
  private async useSavedSpace(id: string): Promise<CommandResult<'settings:use-space'>> {
    const refusal = this.spaceChangeRefusal();
    if (refusal !== null) throw new EngineCommandError(refusal);
    const config = { space: this.settings.spaceConfig(id) };
    await this.settings.makeActive(id);
    this.pendingSpace = null;
    await this.useSpace(config);
    return this.settingsView();
  }

  /** An edit of the space in use that waited for the show to end and the room to be left. */
  private async applyPendingSpace(): Promise<void> {
    if (this.pendingSpace === null || this.spaceChangeRefusal() !== null) return;
    const config = this.pendingSpace;
    this.pendingSpace = null;
    await this.useSpace(config);
  }

  private requirePractice(): PracticeHost {
    if (!this.options.practice)
      throw new EngineCommandError('This engine cannot run the practice space: start the desktop app or "steadycast headless".');
    return this.options.practice;
  }

  /** Starts the practice space's servers and runs it. */
  private async startPractice(): Promise<CommandResult<'practice:start'>> {
    const practice = this.requirePractice();
    const state = practice.state();
    if (state.status === 'unavailable') throw new EngineCommandError(state.reason);
    if (this.broadcast !== null || this.startingBroadcast)
      throw new EngineCommandError('A show is on air: end it before starting the practice space.');
    if (this.state.conversation.link.status !== 'idle')
      throw new EngineCommandError('You are in the conversation: leave it before starting the practice space.');
    let config: EngineConfig;
    try {
      config = await practice.start();
    } catch (error) {
      throw new EngineCommandError(describeError(error));
    }
    if (this.config !== config) await this.useSpace(config);
    return practice.state();
  }

  /** Kills the practice space's primary servers, as a crash would. */
  private async simulatePracticeFailure(): Promise<CommandResult<'practice:simulate-failure'>> {
    const practice = this.requirePractice();
    if (practice.state().status !== 'running')
      throw new EngineCommandError('"Simulate a failure" works in the practice space: start it first.');
    await practice.simulateFailure();
    return practice.state();
  }

  /** Stops the practice space's servers (bindings call it on shutdown). */
  async stopPractice(): Promise<void> {
    await this.options.practice?.stop();
  }

  /** Leaves the conversation (bindings call it on shutdown). */
  async leaveConversation(): Promise<void> {
    await this.conversation.leave();
  }

  private requireInvites(): InviteBook {
    if (this.invites === null) {
      throw new EngineCommandError(
        'This space has no conversation room, so it has no invites: add janus.room { id, secret } to the primary endpoint in the space settings.',
      );
    }
    return this.invites;
  }

  /**
   * Takes the tokens of invites that expired out of the rooms' allowed lists, so an app that
   * ignores the expiry in the code is refused by Janus too. Runs at each invite's expiry; tokens
   * that could not be removed (server down) are tried again at the next sweep.
   */
  async sweepExpiredInvites(): Promise<void> {
    const invites = this.invites;
    if (invites === null) return;
    const expired = invites.takeExpiredTokens();
    if (expired.length > 0) {
      try {
        await this.conversation.updateAllowed('remove', expired);
        this.log.info(`${expired.length} expired invite(s) removed from the rooms' allowed lists`);
      } catch (error) {
        invites.returnExpiredTokens(expired);
        this.log.warn(`expired invites stay in the allowed lists for now: ${describeError(error)}`);
      }
    }
    this.scheduleInviteSweep();
  }

  /** Arms one timer for the next invite expiry (at most a day ahead; retried a minute later after a failure). */
  private scheduleInviteSweep(): void {
    const invites = this.invites;
    if (invites === null) return;
    if (this.sweepTimer !== null) this.options.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
    const next = invites.nextExpiry();
    if (next === null && !invites.hasPendingExpired()) return;
    const delay = next === null ? 60_000 : Math.min(24 * 3_600_000, Math.max(1000, next - this.options.clock.now() + 500));
    const handle = this.options.clock.setTimeout(() => {
      this.sweepTimer = null;
      void this.sweepExpiredInvites();
    }, delay);
    // A pending sweep must not keep a finished process alive.
    (handle as { unref?: () => void } | null)?.unref?.();
    this.sweepTimer = handle;
  }

  private revealRecording(): CommandResult<'recording:reveal'> {
    const path = this.state.broadcast?.recording?.path ?? this.lastRecordingPath;
    if (path === null)
      throw new EngineCommandError(
        'No show has been recorded since the engine started: go live with the safety recording on (Settings › Recording).',
      );
    if (!this.options.revealFile)
      throw new EngineCommandError(
        `This engine runs without a desktop to show files on: the recording is at ${path} on the engine's computer.`,
      );
    this.options.revealFile(path);
    this.log.info(`showed the recording ${path} in the file manager`);
    return { path };
  }

  private async createInvite(request: CommandPayload<'invites:create'>): Promise<CommandResult<'invites:create'>> {
    const invites = this.requireInvites();
    const created = invites.create(request, this.config.space, this.failover.state().settings);
    try {
      await this.conversation.updateAllowed('add', [created.token]);
    } catch (error) {
      invites.revoke(created.invite.id);
      throw error;
    }
    this.scheduleInviteSweep();
    this.log.info(
      `created ${this.conversation.describeInvite(created.invite)}, valid until ${new Date(created.invite.expiresAt).toISOString()}`,
    );
    return { invite: created.invite, code: created.code, link: created.link };
  }

  private async revokeInvite(request: CommandPayload<'invites:revoke'>): Promise<CommandResult<'invites:revoke'>> {
    const invites = this.requireInvites();
    const token = invites.tokenOf(request.id);
    const invite = invites.revoke(request.id);
    if (token !== null) await this.conversation.updateAllowed('remove', [token]);
    const removed = request.removeParticipants ? await this.conversation.removeInvitees(request.id) : 0;
    this.log.info(
      `revoked ${this.conversation.describeInvite(invite)}${removed > 0 ? `; removed ${removed} participant(s) who joined with it` : ''}`,
    );
    return { invite, removed };
  }

  private reportMedia(report: CommandPayload<'conversation:report-media'>): boolean {
    if (report.state !== this.mediaState) {
      const line = `conversation media ${this.mediaState} → ${report.state}${report.detail ? ` (${report.detail})` : ''}`;
      if (report.state === 'failed' || report.state === 'disconnected') this.log.warn(line);
      else this.log.info(line);
      this.mediaState = report.state;
    }
    this.failover.reportMedia(report.state, report.detail ?? null);
    return true;
  }

  /** Stops a show started from a UI (bindings call it on shutdown). */
  async stopBroadcast(): Promise<void> {
    await this.ownBroadcast?.stop();
  }

  /** Takes one untrusted binary PCM frame from the bridge's audio channel. */
  acceptPcm(bytes: ArrayBuffer | Uint8Array): boolean {
    const decoded = decodePcmFrame(bytes);
    if (!decoded.ok) {
      this.state.audio.framesRejected += 1;
      if (this.state.audio.framesRejected === 1 || this.state.audio.framesRejected % 500 === 0) {
        this.log.warn(`rejected PCM frame (${this.state.audio.framesRejected} so far): ${decoded.error}`);
      }
      return false;
    }
    this.state.audio.framesReceived += 1;
    this.state.audio.lastFrameAt = this.options.clock.now();
    const delay = this.inputDelay.add(this.state.audio.lastFrameAt - decoded.frame.captureTime);
    if (delay) this.onInputDelay(delay);
    this.pcmSink?.push(decoded.frame);
    // Frame consumers (encoder, meters) attach here in the broadcast engine.
    return true;
  }

  /**
   * A second of the window's frames: kept in the state (sent with the next change, or at once when
   * it moved by a noticeable amount), and a warning in the log while the window is late.
   */
  private onInputDelay(delay: InputDelaySummary): void {
    const previous = this.state.audio.inputDelay ?? null;
    this.state.audio.inputDelay = delay;
    if (delay.medianMs >= INPUT_DELAY_WARN_MS && this.options.clock.now() - this.lastInputDelayWarning >= INPUT_DELAY_WARN_EVERY_MS) {
      this.lastInputDelayWarning = this.options.clock.now();
      this.log.warn(
        `the window's program audio reaches the engine ${delay.medianMs} ms late (worst ${delay.maxMs} ms in the last second); the window's machine may be overloaded`,
      );
    }
    if (previous === null || Math.abs(previous.medianMs - delay.medianMs) >= INPUT_DELAY_STEP_MS) this.emitState();
  }

  /**
   * Puts a running broadcast on the engine: its status becomes part of the state, its meters and
   * notices go to every UI, and UI commands reach it. It is detached when it ends.
   */
  attachBroadcast(control: BroadcastControl): void {
    this.broadcast?.detach();
    const unsubscribe = control.subscribe((change) => {
      switch (change.kind) {
        case 'status':
          this.state.broadcast = change.status;
          this.lastRecordingPath = change.status.recording?.path ?? this.lastRecordingPath;
          this.failover.observeBroadcast(change.status);
          this.conversation.setProgram(change.status.startedAt);
          this.emitState();
          return;
        case 'meters':
          this.emit({ channel: 'broadcast:meters', payload: change.meters });
          return;
        case 'notice':
          this.emit({ channel: 'broadcast:notice', payload: change.notice });
          return;
        case 'ended':
          this.state.broadcast = null;
          this.failover.observeBroadcast(null);
          this.conversation.setProgram(null);
          this.broadcast?.detach();
          this.emitState();
          return;
        default:
          assertNever(change);
      }
    });
    const attached = {
      control,
      detach: () => {
        unsubscribe();
        if (this.broadcast === attached) this.broadcast = null;
      },
    };
    this.broadcast = attached;
    this.state.broadcast = control.status();
    this.lastRecordingPath = this.state.broadcast.recording?.path ?? this.lastRecordingPath;
    this.failover.observeBroadcast(this.state.broadcast);
    this.conversation.setProgram(this.state.broadcast.startedAt);
    this.emitState();
  }

  /** Bindings report how many UIs are attached. */
  setBridgeClients(count: number): void {
    if (this.state.bridge.clients === count) return;
    this.state.bridge.clients = count;
    this.emitState();
  }

  /** Forwards an engine log line to attached UIs (already redacted by whoever logged it). */
  publishLog(record: LogRecord): void {
    if (this.publishingLog) return; // a failing listener logs; never loop on it
    this.publishingLog = true;
    try {
      const entry = { ...record, message: record.message.slice(0, 2000) };
      this.recentLog.push(entry);
      if (this.recentLog.length > RECENT_LOG_LIMIT) this.recentLog.splice(0, this.recentLog.length - RECENT_LOG_LIMIT);
      this.emit({ channel: 'log:entry', payload: entry });
    } finally {
      this.publishingLog = false;
    }
  }

  /** Emits the whole state; also used by bindings when a UI attaches. */
  emitState(): void {
    this.emit({ channel: 'engine:state', payload: this.getState() });
  }

  private checkServers(only: EndpointName | undefined): number {
    let started = 0;
    for (const [name, endpoint] of this.endpoints) {
      if (only && only !== name) continue;
      this.probe(name, 'janus', endpoint);
      this.probe(name, 'icecast', endpoint);
      started += 2;
    }
    if (started > 0) this.emitState();
    return started;
  }

  private probe(name: EndpointName, kind: ServerKind, endpoint: EndpointConfig): void {
    const status = this.findEndpoint(name)?.[kind];
    if (!status || status.probe.status === 'checking') return;
    status.probe = { status: 'checking', startedAt: this.options.clock.now() };
    const run = kind === 'janus' ? this.options.prober.probeJanus(endpoint.janus) : this.options.prober.probeIcecast(endpoint.icecast);
    void run
      .catch((error: unknown): ServerProbe => ({ status: 'unreachable', checkedAt: this.options.clock.now(), error: describeError(error) }))
      .then((probe) => {
        status.probe = probe;
        if (probe.status === 'unreachable') this.log.warn(`${name} ${kind} unreachable: ${probe.error}`);
        else if (probe.status === 'reachable')
          this.log.info(`${name} ${kind} reachable in ${Math.round(probe.roundTripMs)} ms (${probe.serverVersion})`);
        this.emit({ channel: 'servers:probed', payload: { endpoint: name, kind, probe } });
        this.emitState();
      });
  }

  private findEndpoint(name: EndpointName): EndpointStatus | undefined {
    return this.state.space.endpoints.find((endpoint) => endpoint.name === name);
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error(`event listener failed on ${event.channel}`, error);
      }
    }
  }
}

/** The part of the general settings the engine state carries (shortcuts are the desktop app's own). */
function savedSettingsOf(general: GeneralSettings): NonNullable<EngineState['settings']> {
  return { audio: structuredClone(general.audio), recording: structuredClone(general.recording) };
}

/** The space's endpoints as UIs see them: redacted URLs, nothing probed yet. */
function spaceStatusOf(name: string, endpoints: Map<EndpointName, EndpointConfig>): EngineState['space'] {
  return {
    name,
    endpoints: [...endpoints].map(([endpoint, config]) => ({
      name: endpoint,
      janus: { kind: 'janus', url: redactUrl(config.janus.url), probe: { status: 'unknown' } },
      icecast: { kind: 'icecast', url: redactUrl(config.icecast.mountUrl), probe: { status: 'unknown' } },
    })),
  };
}

function safeFileName(name: string): string {
  return (
    name
      .replace(/[^\p{L}\p{N}_-]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'show'
  );
}

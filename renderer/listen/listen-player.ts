import type { ListenPageSource } from '../../electron/shared/listen-page';
import { createDecoder, type DecoderKind, type PacketDecoder } from './decoders';
import { OggOpusDemuxer, opusPacketSamples } from './ogg-opus-demuxer';
import { LISTEN_PROCESSOR, type PlayerCommand, type PlayerStats } from './player-protocol';
import workletUrl from './player-worklet.ts?worker&url';
import { listenTargets, type ListenTarget } from './relay-choice';
import { nextAttempt } from './source-rule';

/*
 * The listen page's player: fetches the Ogg Opus stream itself (fetch + ReadableStream), demuxes
 * it, decodes each logical stream (a chained Ogg switch starts a new decoder) and posts the audio to
 * the jitter-buffer worklet. It connects to the targets in the order relay-choice.ts draws (each
 * endpoint's relays weighted by capacity, then its mount; the backup's last); a failed connection
 * (refused — a full relay answers 403 —, HTTP error, stream ended, no bytes for `stallMs`) moves
 * to the next target by the rule in source-rule.ts. The stall watchdog runs on the
 * worklet's stats messages, which come from the audio thread, so a background tab (whose timers
 * the browser throttles to once a second or less) keeps its timing.
 */

/** Where the player is. */
export type PlayerState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly source: number }
  | { readonly kind: 'playing'; readonly source: number }
  | { readonly kind: 'waiting'; readonly source: number; readonly reason: string; readonly untilMs: number };

/**
 * One move from a failed source to the next: when the page moved, and the silence a listener heard
 * around it (from the last audio of the old connection, `lastPlayedAt`, to the first of the new one,
 * `playingAt`; equal when the buffer bridged the move).
 */
export interface SourceMove {
  readonly from: number;
  readonly to: number;
  readonly reason: string;
  readonly switchedAt: number;
  /** Played audio (ms since the start) at which the old connection's buffered audio runs out. */
  readonly oldAudioEndsMs: number;
  lastPlayedAt: number | null;
  playingAt: number | null;
}

/** What the player tells the page. */
export interface PlayerEvents {
  state(state: PlayerState): void;
  log(message: string): void;
}

const WORKLET_LATENCY_HINT: AudioContextLatencyCategory = 'interactive';

/** Plays the space's sources, primary first. */
export class ListenPlayer {
  private state: PlayerState = { kind: 'idle' };
  private context: AudioContext | null = null;
  private node: AudioWorkletNode | null = null;
  private gain: GainNode | null = null;
  private connection: AbortController | null = null;
  private decoder: Promise<PacketDecoder> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Where to connect, in order (relay-choice.ts), and which one this connection is. */
  private targets: ListenTarget[] = [];
  private target = 0;
  private failuresInRow = 0;
  private lastBytesAt = 0;
  private lastPlayedMs = 0;
  private lastPlayedAt = 0;
  private playedSinceConnect = false;
  private volume = 0.8;
  /** Everything measured, for the page and for tests (window.steadycastListen). */
  readonly record = {
    stats: null as PlayerStats | null,
    streams: 0,
    connections: 0,
    switches: 0,
    moves: [] as SourceMove[],
    decoder: null as DecoderKind | null,
    decodeErrors: 0,
    playStartedAt: 0,
    firstSoundAt: null as number | null,
  };

  constructor(
    private readonly sources: readonly ListenPageSource[],
    private readonly stallMs: number,
    private readonly events: PlayerEvents,
    private readonly preferDecoder: DecoderKind = 'webcodecs',
    private readonly random: () => number = Math.random,
  ) {}

  current(): PlayerState {
    return this.state;
  }

  /** Starts playing (call from a click: browsers start audio only after a user gesture). */
  async play(): Promise<void> {
    if (this.state.kind !== 'idle') return;
    this.record.playStartedAt = Date.now();
    this.record.firstSoundAt = null;
    this.failuresInRow = 0;
    this.targets = listenTargets(this.sources, this.random);
    this.setState({ kind: 'connecting', source: this.targets[0]?.source ?? 0 });
    // Connect while the audio graph is set up: the first bytes are on their way sooner.
    const graph = this.ensureGraph();
    this.connect(0);
    await graph;
  }

  /** Stops and drops what was buffered. */
  stop(): void {
    this.disconnect();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.post({ type: 'flush' });
    this.setState({ kind: 'idle' });
  }

  setVolume(volume: number): void {
    this.volume = Math.min(1, Math.max(0, volume));
    if (this.gain && this.context) this.gain.gain.setTargetAtTime(this.volume, this.context.currentTime, 0.02);
  }

  private async ensureGraph(): Promise<void> {
    if (this.context === null) {
      const context = new AudioContext({ sampleRate: 48_000, latencyHint: WORKLET_LATENCY_HINT });
      this.context = context;
      // A context the browser suspended (another app took the output, a phone call) is resumed while we play.
      context.addEventListener('statechange', () => {
        if (context.state !== 'running' && this.state.kind !== 'idle') void context.resume().catch(() => undefined);
      });
      await context.audioWorklet.addModule(workletUrl.replace('type=classic', 'type=module'));
      const node = new AudioWorkletNode(context, LISTEN_PROCESSOR, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2] });
      node.port.onmessage = (event: MessageEvent<PlayerStats>) => this.onStats(event.data);
      const gain = new GainNode(context, { gain: this.volume });
      node.connect(gain).connect(context.destination);
      this.node = node;
      this.gain = gain;
    }
    if (this.context.state !== 'running') await this.context.resume();
  }

  private post(command: PlayerCommand, transfer: Transferable[] = []): void {
    this.node?.port.postMessage(command, transfer);
  }

  private setState(state: PlayerState): void {
    this.state = state;
    this.events.state(state);
  }

  private disconnect(): void {
    this.connection?.abort();
    this.connection = null;
    const decoder = this.decoder;
    this.decoder = null;
    void decoder?.then((open) => open.close()).catch(() => undefined);
  }

  private connect(index: number): void {
    this.disconnect();
    this.target = index;
    const controller = new AbortController();
    this.connection = controller;
    this.lastBytesAt = Date.now();
    this.playedSinceConnect = false;
    this.record.connections += 1;
    this.post({ type: 'discontinuity' });
    const target = this.targets[index];
    if (target === undefined) return;
    void this.stream(target.url, controller).then(
      (reason) => this.failed(index, controller, reason),
      (error: unknown) => this.failed(index, controller, error instanceof Error ? error.message : String(error)),
    );
  }

  /** Reads one connection until it ends; resolves with why it ended. */
  private async stream(url: string, controller: AbortController): Promise<string> {
    const response = await fetch(url, { cache: 'no-store', signal: controller.signal });
    if (!response.ok || response.body === null)
      return response.status === 403 ? 'the server is full or refused (HTTP 403)' : `HTTP ${response.status}`;
    const demuxer = new OggOpusDemuxer();
    const reader = response.body.getReader();
    let timestampUs = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (controller.signal.aborted) return 'stopped';
      if (done) return 'the stream ended';
      this.lastBytesAt = Date.now();
      for (const event of demuxer.push(value)) {
        if (event.kind === 'head') {
          this.record.streams += 1;
          const previous = this.decoder;
          void previous?.then((open) => open.close()).catch(() => undefined);
          this.decoder = createDecoder(
            event.head,
            { audio: (channels) => this.onAudio(channels), error: (message) => this.onDecodeError(message) },
            this.preferDecoder,
          );
          this.decoder.then(
            (open) => (this.record.decoder = open.kind),
            (error: unknown) =>
              this.events.log(`Could not start the Opus decoder: ${error instanceof Error ? error.message : String(error)}`),
          );
          continue;
        }
        const decoder = this.decoder;
        if (decoder === null) continue;
        const durationUs = (opusPacketSamples(event.packet) / 48_000) * 1e6;
        const at = timestampUs;
        timestampUs += durationUs;
        void decoder.then(
          (open) => {
            if (this.decoder === decoder) open.decode(event.packet, at, durationUs);
          },
          () => undefined,
        );
      }
    }
  }

  private onAudio(channels: Float32Array[]): void {
    this.post(
      { type: 'audio', channels },
      channels.map((channel) => channel.buffer),
    );
  }

  private onDecodeError(message: string): void {
    this.record.decodeErrors += 1;
    if (this.record.decodeErrors <= 3) this.events.log(message);
  }

  private failed(index: number, controller: AbortController, reason: string): void {
    // A connection we closed ourselves (Stop, or a move already made) is no failure.
    if (this.connection !== controller || this.state.kind === 'idle') return;
    this.connection = null;
    this.failuresInRow = this.playedSinceConnect ? 1 : this.failuresInRow + 1;
    const failedTarget = this.targets[index];
    const next = nextAttempt(index, this.failuresInRow, this.targets.length);
    // A whole round tried: draw the relays' order again.
    if (next.index === 0 && this.targets.length > 1) this.targets = listenTargets(this.sources, this.random);
    const nextTarget = this.targets[next.index];
    const describe = (target: ListenTarget | undefined): string =>
      `${this.sources[target?.source ?? 0]?.label.toLowerCase() ?? 'stream'}${target?.relay === null || target === undefined ? '' : ` (relay ${target.relay + 1})`}`;
    const from = describe(failedTarget);
    const to = describe(nextTarget);
    this.record.switches += 1;
    const stats = this.record.stats;
    const oldAudioEndsMs = stats === null ? 0 : stats.playedMs + stats.bufferedMs;
    this.record.moves.push({
      from: failedTarget?.source ?? 0,
      to: nextTarget?.source ?? 0,
      reason,
      switchedAt: Date.now() + next.delayMs,
      oldAudioEndsMs,
      lastPlayedAt: null,
      playingAt: null,
    });
    if (next.delayMs === 0) {
      this.events.log(`The ${from} stream stopped (${reason}): switched to the ${to}.`);
      this.setState({ kind: 'connecting', source: nextTarget?.source ?? 0 });
      this.connect(next.index);
      return;
    }
    this.events.log(`The ${from} stream stopped (${reason}): no stream plays, trying the ${to} in ${(next.delayMs / 1000).toFixed(1)} s.`);
    this.setState({ kind: 'waiting', source: nextTarget?.source ?? 0, reason, untilMs: Date.now() + next.delayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state.kind !== 'waiting') return;
      this.setState({ kind: 'connecting', source: nextTarget?.source ?? 0 });
      this.connect(next.index);
    }, next.delayMs);
  }

  private onStats(stats: PlayerStats): void {
    this.record.stats = stats;
    const now = Date.now();
    if (stats.playedMs > this.lastPlayedMs) {
      const previousAt = this.lastPlayedAt;
      this.lastPlayedMs = stats.playedMs;
      this.lastPlayedAt = now;
      if (this.state.kind !== 'idle') {
        const move = this.record.moves.at(-1);
        // Audio still buffered from a connection that failed does not count as this one playing.
        if (move === undefined || stats.playedMs > move.oldAudioEndsMs + 1) this.playedSinceConnect = true;
        this.record.firstSoundAt ??= now;
        if (move && move.playingAt === null && stats.playedMs > move.oldAudioEndsMs + 1) {
          // Played audio went past the old connection's: the new one plays. A gap in playing before that was silence.
          move.playingAt = now;
          move.lastPlayedAt = now - previousAt > 120 ? previousAt : now;
        }
      }
      if (this.state.kind === 'connecting') this.setState({ kind: 'playing', source: this.state.source });
    }
    // The watchdog: a connection that sends nothing for stallMs has failed (a dead server may never close it).
    if (this.connection !== null && now - this.lastBytesAt > this.stallMs) {
      const connection = this.connection;
      connection.abort();
      this.failed(this.target, connection, `no audio for ${(this.stallMs / 1000).toFixed(1)} s`);
    }
  }
}

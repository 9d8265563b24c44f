import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Clock } from '../clock';
import { createLogger, type Logger } from '../log/logger';
import { OggOpusStream } from '../ogg/ogg-opus-stream';
import { Backoff, type BackoffOptions } from '../resilience/backoff';
import { STEADYCAST_VERSION } from '../version';
import { FATAL_ERROR_CLASSES, IcecastOutputError, networkError, responseError } from './icecast-errors';
import { procNetTcpSendQueue, type KernelSendQueue } from './kernel-send-queue';
import { probeServer, type Probe, type SocketFactory } from './liveness-probe';
import { PacketRing } from './packet-ring';
import { assertNever } from '../../shared/assert-never';
import {
  buildSourceRequest,
  parseResponseHead,
  parseSourceUrl,
  type IcecastMetadata,
  type ResponseHead,
  type SourceTarget,
} from './source-request';
import { describeState, type IcecastFailure, type IcecastOutputState } from './icecast-output-state';

export * from './icecast-output-state';

/*
 * One Icecast mount fed with Ogg Opus over an HTTP PUT on a raw TCP (or TLS) socket.
 *
 *                 start() / retryNow() on a rejected stop
 *   ┌─────────┐ ──────────────────────────────────────────► ┌────────────┐  200 after the PUT   ┌──────┐
 *   │ stopped │                                             │ connecting │ ───────────────────► │ live │
 *   └─────────┘ ◄── 401 / other 4xx, attempts used up ───── └────────────┘                      └──────┘
 *      ▲   ▲                                                  │   ▲                                 │
 *      │   │       refused, reset, timeout, 403 in use, 5xx   │   │ backoff timer or retryNow()     │ reset, EOF, write stall,
 *      │   │       (or a 401 with attempts left)              ▼   │                                 │ 2 silent probes, too far behind
 *      │   │                                                ┌──────────┐                            │
 *      │   └──────────────────────────────────────────────  │ retrying │ ◄──────────────────────────┘
 *      │                     stop()                         └──────────┘
 *      └──────────────────── stop() from connecting or live (live: the stream ends with an EOS page and a clean close)
 *
 * Invariants: at most one socket at a time; every socket event checks that its connection is still
 * the current one, so late events of a torn-down socket change nothing. `pushPacket` never blocks
 * and never throws: audio goes to the socket (live), to the bounded catch-up ring (catch-up
 * policy), or is dropped (live policy, not live). Each connection writes its own Ogg stream with a
 * new serial and fresh headers, so listeners who join after a reconnect can decode.
 */

/** What the output does with audio produced while it is not live. */
export type BacklogPolicy = 'live' | 'catch-up';

/** Detection and retry thresholds; see DEFAULT_ICECAST_THRESHOLDS for why each value. */
export interface IcecastThresholds {
  /** From opening the socket to the server's 200; covers a frozen server that accepts TCP but never answers. */
  readonly answerTimeoutMs: number;
  /** Live with unsent data and not one byte taken by the kernel for this long: the path is dead. */
  readonly stallTimeoutMs: number;
  /** How often a live output asks the server for `/status-json.xsl`. */
  readonly probeIntervalMs: number;
  /** How long one probe may take. */
  readonly probeTimeoutMs: number;
  /**
   * Live and this many probes in a row connected but got no answer: the server process is frozen.
   * Probes that do not even connect prove nothing (a saturated uplink queues and drops them behind
   * the audio) and neither do silent ones while our own data waits to be sent: a dead path is the
   * write-stall check's job.
   */
  readonly silentProbesToFail: number;
  /** Live and the unsent backlog exceeds this: reconnect at the live edge instead of lagging further. */
  readonly maxBacklogMs: number;
  /** Connection attempts answered with 401 (or another final 4xx) before the output stops. */
  readonly maxRejectedAttempts: number;
  /** How long stop() waits for the server to close after the EOS page. */
  readonly stopTimeoutMs: number;
  /** Period of the live checks (stall, backlog, probe). */
  readonly tickMs: number;
}

/**
 * Defaults. A SIGSTOPped Icecast keeps ACKing data into kernel buffers (writes did not stall in
 * 27 s at 128 kbit/s), so the probe is what finds it: one probe per second, each allowed 1.5 s,
 * two silent ones in a row mean frozen (3–4 s after the freeze). The write-stall check catches a
 * dead path (no ACKs at all): the kernel send buffer fills, then nothing moves for 10 s. Not less:
 * on a congested uplink TCP's retransmission backoff alone stalled writes for 7.7 s (tc tbf
 * 48 kbit/s, 128 kbit/s offered), and reconnecting there only loses the mount to the old
 * connection until source-timeout.
 */
export const DEFAULT_ICECAST_THRESHOLDS: IcecastThresholds = {
  answerTimeoutMs: 5000,
  stallTimeoutMs: 10_000,
  probeIntervalMs: 1000,
  probeTimeoutMs: 1500,
  silentProbesToFail: 2,
  maxBacklogMs: 10_000,
  maxRejectedAttempts: 2,
  stopTimeoutMs: 2000,
  tickMs: 250,
};

/** Everything an output needs, injected. */
export interface IcecastOutputOptions {
  /** Stable id for logs and the UI, e.g. "primary". */
  readonly id: string;
  /** `http(s)://source:PASSWORD@host:port/mount`; the credentials never reach logs or state. */
  readonly url: string;
  readonly metadata: IcecastMetadata;
  readonly channels: 1 | 2;
  /** Encoder lookahead in 48 kHz samples, written into every OpusHead. */
  readonly preSkip: number;
  readonly clock: Clock;
  /** Uniform [0, 1): backoff jitter and Ogg serial numbers. */
  readonly random: () => number;
  /** Default `live`. */
  readonly backlogPolicy?: BacklogPolicy;
  /** Most audio kept for `catch-up` (default 10 000 ms). */
  readonly catchUpLimitMs?: number;
  /** Socket factory (tests); default node:net, or node:tls for https URLs. */
  readonly connect?: SocketFactory;
  readonly thresholds?: Partial<IcecastThresholds>;
  readonly backoff?: Partial<Pick<BackoffOptions, 'baseMs' | 'factor' | 'capMs' | 'resetAfterMs'>>;
  /** Bytes the kernel still holds for a socket; default `/proc/self/net/tcp` on Linux (tests may pass their own). */
  readonly sendQueue?: KernelSendQueue;
  /** Called after every transition with the new state. */
  readonly onChange?: (state: IcecastOutputState) => void;
  readonly logger?: Logger;
  /** Vorbis comments for OpusTags (default TITLE = metadata.name). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One socket and what was written to it. */
/** Unacknowledged audio (ms) beyond which a silent probe is blamed on our own uplink, not the server. */
const OWN_BACKLOG_EXCUSES_PROBE_MS = 500;

interface Connection {
  readonly socket: Socket;
  readonly attempt: number;
  live: boolean;
  /** Response bytes not parsed yet (before live). */
  response: Buffer;
  /** A non-2xx answer whose body is still arriving. */
  refusal?: ResponseHead;
  answerTimer?: unknown;
  tickTimer?: unknown;
  stream?: OggOpusStream;
  /** Bytes handed to socket.write. */
  queuedBytes: number;
  /** Highest flushedBytes() seen. */
  flushedBytes: number;
  /** Granule (48 kHz samples) of the last page handed to socket.write. */
  writtenGranule: number;
  /** (bytes queued, granule) after each page, oldest first from `markHead`. */
  marks: { bytes: number; granule: number }[];
  markHead: number;
  flushedGranule: number;
  lastFlushed: number;
  lastProgressAt: number;
  lastProbeAt: number;
  /** Probes in a row that connected and got no answer. */
  silentProbes: number;
  fastestProbeMs: number;
  queueDelayMs: number;
  /** Last time a probe proved the server alive (catch-up rewinds to it). */
  confirmedAt?: number;
  probe?: Probe;
  pushErrorLogged: boolean;
}

const SAMPLES_PER_MS = 48;
const MAX_RESPONSE_BYTES = 16 * 1024;
/** Largest packet one Ogg page can carry (255 lacing values); real Opus packets are far smaller. */
const MAX_PACKET_BYTES = 255 * 255 - 1;

/** Source sockets as outputs open them: node:net, or node:tls for https mounts (SNI for host names, ALPN http/1.1). */
export const defaultConnect: SocketFactory = ({ host, port, tls }) =>
  tls
    ? tlsConnect({ host, port, servername: isIP(host) === 0 ? host : undefined, ALPNProtocols: ['http/1.1'] })
    : netConnect({ host, port });

/** One Icecast mount: connects, streams Ogg Opus, detects failures, reconnects with backoff. */
export class IcecastOutput {
  readonly id: string;
  /** The mount URL without credentials. */
  readonly url: string;
  private readonly target: SourceTarget;
  private metadata: IcecastMetadata;
  private readonly thresholds: IcecastThresholds;
  private readonly policy: BacklogPolicy;
  private readonly catchUpLimitSamples: number;
  private readonly connectSocket: SocketFactory;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly userAgent = `Steadycast/${STEADYCAST_VERSION}`;
  private readonly ring = new PacketRing();
  private readonly sendQueue: KernelSendQueue;
  private current: IcecastOutputState;
  private connection: Connection | undefined;
  private retryTimer: unknown;
  private attempts = 0;
  private rejectedAttempts = 0;
  private bytesSentBefore = 0;
  private lastSerial: number | undefined;
  private lastError: IcecastFailure | undefined;
  private badPacketLogged = false;

  constructor(private readonly options: IcecastOutputOptions) {
    this.id = options.id;
    this.target = parseSourceUrl(options.url);
    this.url = this.target.redactedUrl;
    this.metadata = options.metadata;
    this.thresholds = { ...DEFAULT_ICECAST_THRESHOLDS, ...options.thresholds };
    this.policy = options.backlogPolicy ?? 'live';
    this.catchUpLimitSamples = Math.max(0, options.catchUpLimitMs ?? 10_000) * SAMPLES_PER_MS;
    this.connectSocket = options.connect ?? defaultConnect;
    this.sendQueue = options.sendQueue ?? procNetTcpSendQueue();
    this.backoff = new Backoff({ ...options.backoff, random: options.random, clock: options.clock });
    this.log = options.logger ?? createLogger('icecast', () => options.clock.now()).child(options.id);
    this.current = { kind: 'stopped', since: options.clock.now(), reason: 'not-started', bytesSent: 0 };
  }

  /** The current state, with backlog and byte counts read now. */
  get state(): IcecastOutputState {
    const state = this.current;
    const bytesSent = this.bytesSent();
    switch (state.kind) {
      case 'live': {
        const connection = this.connection?.live === true ? this.connection : undefined;
        const backlog = connection === undefined ? { bytes: 0, ms: 0 } : this.socketBacklog(connection);
        return { ...state, bytesSent, backlogBytes: backlog.bytes, backlogMs: backlog.ms, queueDelayMs: connection?.queueDelayMs ?? 0 };
      }
      case 'connecting':
      case 'retrying':
        return { ...state, bytesSent, backlogBytes: this.ring.bytes, backlogMs: this.ring.samples / SAMPLES_PER_MS };
      case 'stopped':
        return { ...state, bytesSent };
      default:
        return assertNever(state);
    }
  }

  /** Unsent audio in ms: the socket backlog while live, the catch-up ring otherwise. */
  get backlogMs(): number {
    const state = this.state;
    return state.kind === 'stopped' ? 0 : state.backlogMs;
  }

  /** How far the uplink lags while live (ms): the larger of the socket backlog and the probe queueing delay. Feed this to the bitrate ladder. */
  get congestionMs(): number {
    const state = this.state;
    return state.kind === 'live' ? Math.max(state.backlogMs, state.queueDelayMs) : 0;
  }

  /** Starts connecting; does nothing unless stopped. */
  start(): void {
    if (this.current.kind !== 'stopped') return;
    this.rejectedAttempts = 0;
    this.attempts = 0;
    this.backoff.reset();
    this.attemptNow();
  }

  /** Takes one encoded packet (`samples` at 48 kHz); O(1), never blocks, never throws. */
  pushPacket(packet: Uint8Array, samples: number): void {
    try {
      if (this.current.kind === 'stopped') return;
      if (packet.byteLength === 0 || packet.byteLength > MAX_PACKET_BYTES || !Number.isInteger(samples) || samples <= 0) {
        if (!this.badPacketLogged)
          this.log.error(`dropped an invalid packet (${packet.byteLength} bytes, ${samples} samples); further ones are not logged`);
        this.badPacketLogged = true;
        return;
      }
      if (this.policy === 'catch-up') {
        this.ring.push({ packet: packet.slice(), samples, at: this.options.clock.now() }, this.catchUpLimitSamples);
      }
      const connection = this.connection;
      if (connection?.live === true) this.writePacket(connection, packet, samples);
    } catch (error) {
      const connection = this.connection;
      if (connection !== undefined && !connection.pushErrorLogged) {
        connection.pushErrorLogged = true;
        this.log.error('cannot write a packet (further ones on this connection are not logged)', error);
      }
    }
  }

  /** Skips the wait of `retrying` (or restarts a `rejected` stop); returns whether an attempt started. */
  retryNow(): boolean {
    const state = this.current;
    switch (state.kind) {
      case 'retrying':
        this.log.info(`${this.url}: retry now`);
        this.attemptNow();
        return true;
      case 'stopped':
        if (state.reason !== 'rejected') return false;
        this.log.info(`${this.url}: retry now after a rejection`);
        this.start();
        return true;
      case 'connecting':
      case 'live':
        return false;
      default:
        return assertNever(state);
    }
  }

  /** The bitrate (kbit/s) announced in Ice-Audio-Info from the next connection on. */
  setBitrate(kbps: number): void {
    this.metadata = { ...this.metadata, audioInfo: { ...this.metadata.audioInfo, bitrate: kbps } };
  }

  /** Stops for good: a live stream ends with an EOS page and a clean close, so the server frees the mount at once. */
  async stop(): Promise<void> {
    const connection = this.connection;
    // Count what the kernel took before detaching, so the stopped state reports it: a clean stop
    // hands the kernel's queue to the server too.
    if (connection !== undefined) this.bytesSentBefore += Math.max(0, connection.queuedBytes - connection.socket.writableLength);
    this.connection = undefined;
    this.options.clock.clearTimeout(this.retryTimer);
    this.ring.clear();
    if (this.current.kind !== 'stopped')
      this.setState({ kind: 'stopped', since: this.options.clock.now(), reason: 'requested', bytesSent: this.bytesSent() });
    if (connection === undefined) return;
    this.clearConnectionTimers(connection);
    const { socket } = connection;
    if (connection.live && connection.stream !== undefined && !socket.destroyed) {
      try {
        for (const page of connection.stream.end()) socket.write(page);
      } catch (error) {
        this.log.error('cannot write the end-of-stream page', error);
      }
      await new Promise<void>((resolve) => {
        const timer = this.options.clock.setTimeout(() => {
          socket.destroy();
          resolve();
        }, this.thresholds.stopTimeoutMs);
        socket.once('close', () => {
          this.options.clock.clearTimeout(timer);
          resolve();
        });
        socket.end();
      });
    } else {
      socket.destroy();
    }
  }

  private attemptNow(): void {
    this.options.clock.clearTimeout(this.retryTimer);
    this.attempts += 1;
    const attempt = this.attempts;
    this.setState({
      kind: 'connecting',
      since: this.options.clock.now(),
      attempt,
      bytesSent: this.bytesSent(),
      backlogBytes: 0,
      backlogMs: 0,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    });
    let socket: Socket;
    try {
      socket = this.connectSocket({ host: this.target.host, port: this.target.port, tls: this.target.tls });
    } catch (error) {
      // A factory that throws synchronously fails like a refused connection, after the transition.
      this.afterFailure({ attempt, live: false }, networkError(error, this.target.server));
      return;
    }
    const connection = this.newConnection(socket, attempt);
    this.connection = connection;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(connection, chunk));
    socket.on('end', () => this.fail(connection, this.closedError(connection)));
    socket.on('close', () => this.fail(connection, this.closedError(connection)));
    socket.on('error', (error) => this.fail(connection, networkError(error, this.target.server)));
    connection.answerTimer = this.options.clock.setTimeout(() => {
      const error =
        connection.refusal === undefined
          ? new IcecastOutputError(
              'timeout',
              `${this.target.server} did not accept the source within ${this.thresholds.answerTimeoutMs} ms; retrying`,
            )
          : this.refusalError(connection, connection.refusal);
      this.fail(connection, error);
    }, this.thresholds.answerTimeoutMs);
    socket.write(buildSourceRequest(this.target, this.metadata, this.userAgent));
  }

  private newConnection(socket: Socket, attempt: number): Connection {
    const now = this.options.clock.now();
    return {
      socket,
      attempt,
      live: false,
      response: Buffer.alloc(0),
      queuedBytes: 0,
      flushedBytes: 0,
      writtenGranule: 0,
      marks: [],
      markHead: 0,
      flushedGranule: 0,
      lastFlushed: 0,
      lastProgressAt: now,
      lastProbeAt: now,
      silentProbes: 0,
      fastestProbeMs: Number.POSITIVE_INFINITY,
      queueDelayMs: 0,
      pushErrorLogged: false,
    };
  }

  private onData(connection: Connection, chunk: Buffer): void {
    if (connection !== this.connection || connection.live) return; // Icecast says nothing after the 200.
    connection.response = Buffer.concat([connection.response, chunk]);
    if (connection.response.byteLength > MAX_RESPONSE_BYTES) {
      this.fail(
        connection,
        new IcecastOutputError('protocol', `${this.target.server} sent an oversized answer to the source request; retrying`),
      );
      return;
    }
    while (connection.refusal === undefined) {
      const head = parseResponseHead(connection.response);
      if (head === undefined) return;
      if (head === null) {
        this.fail(
          connection,
          new IcecastOutputError('protocol', `${this.target.server} did not answer with HTTP: is this an Icecast server? Retrying`),
        );
        return;
      }
      connection.response = connection.response.subarray(head.length);
      if (head.status >= 100 && head.status < 200) continue; // 100 Continue: the 200 follows.
      if (head.status >= 200 && head.status < 300) {
        this.goLive(connection);
        return;
      }
      // A refusal: its short text body ("Mountpoint in use") arrives before the server closes.
      connection.refusal = head;
    }
  }

  private goLive(connection: Connection): void {
    this.options.clock.clearTimeout(connection.answerTimer);
    const now = this.options.clock.now();
    const stream = new OggOpusStream({
      serial: this.nextSerial(),
      channels: this.options.channels,
      preSkip: this.options.preSkip,
      tags: this.options.tags ?? { TITLE: this.metadata.name },
    });
    connection.live = true;
    connection.stream = stream;
    connection.response = Buffer.alloc(0);
    connection.lastProgressAt = now;
    connection.lastProbeAt = now;
    for (const page of stream.headerPages()) this.writePage(connection, page);
    const caughtUp = this.ring.samples / SAMPLES_PER_MS;
    if (this.policy === 'catch-up') for (const item of this.ring.toArray()) this.writePacket(connection, item.packet, item.samples);
    this.attempts = 0;
    this.rejectedAttempts = 0;
    this.lastError = undefined;
    this.backoff.connected();
    if (caughtUp > 0 && this.policy === 'catch-up')
      this.log.info(`${this.url}: sending ${Math.round(caughtUp)} ms of buffered audio first`);
    this.setState({
      kind: 'live',
      since: now,
      attempt: connection.attempt,
      bytesSent: this.bytesSent(),
      backlogBytes: 0,
      backlogMs: 0,
      serial: stream.serial,
      queueDelayMs: 0,
    });
    this.scheduleTick(connection);
  }

  private writePacket(connection: Connection, packet: Uint8Array, samples: number): void {
    const stream = connection.stream;
    if (stream === undefined) return;
    for (const page of stream.addPacket(packet, samples)) this.writePage(connection, page);
  }

  private writePage(connection: Connection, page: Uint8Array): void {
    connection.socket.write(page);
    connection.queuedBytes += page.byteLength;
    const granule = Number(new DataView(page.buffer, page.byteOffset, page.byteLength).getBigInt64(6, true));
    connection.writtenGranule = granule;
    connection.marks.push({ bytes: connection.queuedBytes, granule });
  }

  /**
   * Bytes of audio the server has (acknowledged by its kernel): handed to the socket minus what Node
   * still buffers minus what the kernel still holds (see kernel-send-queue.ts). Never goes back,
   * even when the kernel figure is a moment old.
   */
  private flushedBytes(connection: Connection): number {
    const { socket } = connection;
    const inKernel = socket.destroyed ? 0 : (this.sendQueue(socket) ?? 0);
    const flushed = Math.max(0, connection.queuedBytes - socket.writableLength - inKernel);
    connection.flushedBytes = Math.min(connection.queuedBytes, Math.max(connection.flushedBytes, flushed));
    return connection.flushedBytes;
  }

  private bytesSent(): number {
    return this.bytesSentBefore + (this.connection === undefined ? 0 : this.flushedBytes(this.connection));
  }

  private socketBacklog(connection: Connection): { bytes: number; ms: number } {
    const flushed = this.flushedBytes(connection);
    for (
      let mark = connection.marks[connection.markHead];
      mark !== undefined && mark.bytes <= flushed;
      mark = connection.marks[connection.markHead]
    ) {
      connection.flushedGranule = mark.granule;
      connection.markHead += 1;
    }
    if (connection.markHead >= 1024 && connection.markHead * 2 >= connection.marks.length) {
      connection.marks = connection.marks.slice(connection.markHead);
      connection.markHead = 0;
    }
    return {
      bytes: connection.queuedBytes - flushed,
      ms: Math.max(0, connection.writtenGranule - connection.flushedGranule) / SAMPLES_PER_MS,
    };
  }

  private scheduleTick(connection: Connection): void {
    connection.tickTimer = this.options.clock.setTimeout(() => this.tick(connection), this.thresholds.tickMs);
  }

  /** Live checks: write progress, backlog, server liveness. */
  private tick(connection: Connection): void {
    if (connection !== this.connection || !connection.live) return;
    const now = this.options.clock.now();
    const { stallTimeoutMs, maxBacklogMs, probeIntervalMs } = this.thresholds;
    const flushed = this.flushedBytes(connection);
    if (flushed > connection.lastFlushed || flushed >= connection.queuedBytes) {
      connection.lastFlushed = flushed;
      connection.lastProgressAt = now;
    } else if (now - connection.lastProgressAt >= stallTimeoutMs) {
      const seconds = ((now - connection.lastProgressAt) / 1000).toFixed(1);
      this.fail(
        connection,
        new IcecastOutputError(
          'stalled',
          `${this.target.server} took no data for ${seconds} s (${connection.socket.writableLength} bytes waiting); reconnecting`,
        ),
      );
      return;
    }
    const backlog = this.socketBacklog(connection);
    if (backlog.ms > maxBacklogMs) {
      this.fail(
        connection,
        new IcecastOutputError(
          'behind',
          `the link to ${this.target.server} cannot keep up: ${Math.round(backlog.ms)} ms of audio unsent; reconnecting at the live edge`,
        ),
      );
      return;
    }
    if (connection.probe === undefined && now - connection.lastProbeAt >= probeIntervalMs) this.startProbe(connection);
    this.scheduleTick(connection);
  }

  private startProbe(connection: Connection): void {
    const started = this.options.clock.now();
    connection.lastProbeAt = started;
    const probe = probeServer({
      connect: this.connectSocket,
      target: this.target,
      clock: this.options.clock,
      timeoutMs: this.thresholds.probeTimeoutMs,
      userAgent: this.userAgent,
    });
    connection.probe = probe;
    void probe.result.then((outcome) => {
      if (connection.probe !== probe) return;
      connection.probe = undefined;
      switch (outcome) {
        case 'answered': {
          const now = this.options.clock.now();
          connection.silentProbes = 0;
          connection.confirmedAt = now;
          connection.fastestProbeMs = Math.min(connection.fastestProbeMs, now - started);
          connection.queueDelayMs = now - started - connection.fastestProbeMs;
          return;
        }
        case 'silent': {
          connection.queueDelayMs = this.thresholds.probeTimeoutMs;
          // Our own audio queued ahead of the probe may be what delays it (a saturated uplink); a
          // frozen server's kernel keeps acknowledging, so our backlog stays at a round trip's worth.
          if (connection.socket.writableLength > 0 || this.socketBacklog(connection).ms >= OWN_BACKLOG_EXCUSES_PROBE_MS) return;
          connection.silentProbes += 1;
          const { silentProbesToFail, probeTimeoutMs } = this.thresholds;
          if (connection.silentProbes < silentProbesToFail) return;
          this.fail(
            connection,
            new IcecastOutputError(
              'stalled',
              `${this.target.server} stopped answering: ${connection.silentProbes} status requests in a row were accepted but not answered within ${probeTimeoutMs} ms; reconnecting`,
            ),
          );
          return;
        }
        case 'unreachable':
          connection.queueDelayMs = this.thresholds.probeTimeoutMs;
          return;
        default:
          assertNever(outcome);
      }
    });
  }

  private closedError(connection: Connection): IcecastOutputError {
    if (connection.refusal !== undefined) return this.refusalError(connection, connection.refusal);
    return new IcecastOutputError(
      'network',
      connection.live
        ? `${this.target.server} closed the source connection; reconnecting`
        : `${this.target.server} closed the connection before accepting the source; retrying`,
    );
  }

  private refusalError(connection: Connection, head: ResponseHead): IcecastOutputError {
    return responseError(head.status, head.reason, connection.response.toString('utf8'), this.target.server, this.target.mount);
  }

  private clearConnectionTimers(connection: Connection): void {
    this.options.clock.clearTimeout(connection.answerTimer);
    this.options.clock.clearTimeout(connection.tickTimer);
    connection.probe?.cancel();
    connection.probe = undefined;
  }

  /** Tears the connection down and moves to `retrying` or, for a final refusal, `stopped`. */
  private fail(connection: Connection, error: IcecastOutputError): void {
    if (connection !== this.connection) return;
    this.connection = undefined;
    this.clearConnectionTimers(connection);
    this.bytesSentBefore += this.flushedBytes(connection);
    connection.socket.destroy();
    this.afterFailure(connection, error);
  }

  private afterFailure(connection: Pick<Connection, 'attempt' | 'live' | 'confirmedAt'>, error: IcecastOutputError): void {
    const now = this.options.clock.now();
    const failure: IcecastFailure = {
      errorClass: error.errorClass,
      message: error.message,
      at: now,
      ...(error.status === undefined ? {} : { status: error.status }),
    };
    this.lastError = failure;
    if (FATAL_ERROR_CLASSES.has(error.errorClass)) {
      this.rejectedAttempts += 1;
      if (this.rejectedAttempts >= this.thresholds.maxRejectedAttempts) {
        this.ring.clear();
        this.setState({ kind: 'stopped', since: now, reason: 'rejected', bytesSent: this.bytesSent(), lastError: failure });
        return;
      }
    }
    // Catch-up rewinds to the last moment the server was known alive: what it may have missed is resent.
    if (this.policy === 'catch-up' && connection.live && connection.confirmedAt !== undefined) this.ring.dropBefore(connection.confirmedAt);
    const delay = this.backoff.failed();
    this.retryTimer = this.options.clock.setTimeout(() => this.attemptNow(), delay);
    this.setState({
      kind: 'retrying',
      since: now,
      attempt: connection.attempt,
      nextAttemptAt: now + delay,
      bytesSent: this.bytesSent(),
      backlogBytes: 0,
      backlogMs: 0,
      lastError: failure,
    });
  }

  private nextSerial(): number {
    let serial = Math.floor(this.options.random() * 0x1_0000_0000) >>> 0;
    if (serial === this.lastSerial) serial = (serial + 1) >>> 0;
    this.lastSerial = serial;
    return serial;
  }

  private setState(next: IcecastOutputState): void {
    const previous = this.current;
    this.current = next;
    const line = `${this.url}: ${previous.kind} → ${describeState(next)}`;
    if (next.kind === 'retrying' || (next.kind === 'stopped' && next.reason === 'rejected')) this.log.warn(line);
    else this.log.info(line);
    try {
      this.options.onChange?.(this.state);
    } catch (error) {
      this.log.error('onChange listener failed', error);
    }
  }
}

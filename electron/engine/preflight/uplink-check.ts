import type { Socket } from 'node:net';
import {
  CONVERSATION_UPLINK_KBIT,
  formatUplinkRate,
  neededUplinkKbit,
  uplinkVerdict,
  type PreflightVerdict,
  type UplinkPreflight,
} from '../../shared/preflight';
import type { Clock } from '../clock';
import { IcecastConfigError, IcecastOutputError, networkError, responseError } from '../icecast/icecast-errors';
import { defaultConnect } from '../icecast/icecast-output';
import { procNetTcpSendQueue, type KernelSendQueue } from '../icecast/kernel-send-queue';
import type { SocketFactory } from '../icecast/liveness-probe';
import {
  buildSourceRequest,
  parseResponseHead,
  parseSourceUrl,
  type IcecastMetadata,
  type ResponseHead,
  type SourceTarget,
} from '../icecast/source-request';
import type { Logger } from '../log/logger';
import { OggOpusStream } from '../ogg/ogg-opus-stream';
import { STEADYCAST_VERSION } from '../version';
import { assertNever } from '../../shared/assert-never';

/*
 * The uplink estimate: a real Icecast source connection (the same PUT, Basic auth and raw Ogg Opus
 * body as a show, built by ../icecast/source-request) to a throwaway mount on the endpoint's
 * server, fed as fast as the socket takes it. Icecast parses Ogg pages but does not decode Opus, so
 * the packets are filler behind a valid TOC byte.
 *
 *   connecting ──200──► sending ──time up, or capped bytes all acknowledged──► closing ──server closes──► done (measured)
 *       │                  │        └── seconds of filler still queued: RST ─────────────────────────────► done (measured)
 *       └── refused, 401/403, no answer, reset ──┴───────────────────────────────────────────────────────► done (failed)
 *
 *   cancel() while connecting or sending: RST ──► done (cancelled). Closing and no close in time: RST.
 *
 * The rate counts bytes the server acknowledged (handed to the socket, minus Node's buffer, minus
 * the kernel's unacknowledged send queue where Linux tells it), between the end of a warm-up and
 * the end of the check: slow start and the filling of the kernel's send buffer (up to megabytes,
 * autotuned) would otherwise make the upload look faster than it is. Where the kernel queue is
 * unknown (macOS, Windows) the bytes the kernel took stand in for it, a rougher figure: over the
 * same window on Linux they read 0.69× and 1.26× of a 1000 and a 400 kbit/s throttle, where the
 * acknowledged bytes read 0.82× and 0.77× (goodput: headers and the throttle's drops cost the rest).
 */

/** How long and how much the check may send; see DEFAULT_UPLINK_LIMITS. */
export interface UplinkLimits {
  /** From opening the socket to the server's 200. */
  readonly answerTimeoutMs: number;
  /** From the 200: slow start and send buffers settle before the measured window opens. */
  readonly warmupMs: number;
  /** From the 200 to the end of the measurement. */
  readonly durationMs: number;
  /** At most this many body bytes; reaching it first means a fast link ("at least"). */
  readonly maxBytes: number;
  /** How often to look whether the capped bytes are all acknowledged. */
  readonly pollMs: number;
  /** How long a clean close (EOS page, FIN) may take before the connection is reset. */
  readonly closeTimeoutMs: number;
}

/** About 3 s of sending and at most 8 MB: a 21 Mbit/s link or faster reaches the cap first and reads "≥". */
export const DEFAULT_UPLINK_LIMITS: UplinkLimits = {
  answerTimeoutMs: 3000,
  warmupMs: 750,
  durationMs: 3000,
  maxBytes: 8 * 1024 * 1024,
  pollMs: 20,
  closeTimeoutMs: 1000,
};

/** What the check needs; clock, random and sockets are injected. */
export interface UplinkCheckOptions {
  /** The endpoint's mount URL with its source credentials: only scheme, host, port and credentials are used. */
  readonly mountUrl: string;
  readonly clock: Clock;
  /** Uniform [0, 1): the throwaway mount's name and the Ogg serial. */
  readonly random: () => number;
  /** Socket factory (tests); default node:net, or node:tls for https. */
  readonly connect?: SocketFactory;
  /** Unacknowledged bytes per socket; default `/proc/self/net/tcp`, read fresh at every look. */
  readonly sendQueue?: KernelSendQueue;
  readonly limits?: Partial<UplinkLimits>;
  readonly logger?: Logger;
}

/** Where the check sent its bytes. */
interface UplinkWhere {
  /** `host:port`, no credentials. */
  readonly server: string;
  /** The throwaway mount. */
  readonly mount: string;
}

/** How a check ended. */
export type UplinkMeasurement =
  | (UplinkWhere & {
      readonly kind: 'measured';
      /** Acknowledged bytes per time over the measured window, kbit/s. */
      readonly kbitPerSecond: number;
      /** The byte cap ended the check: the upload is at least this fast. */
      readonly atLeast: boolean;
      /** Body bytes handed to the socket. */
      readonly bytes: number;
      /** Length of the measured window, ms. */
      readonly windowMs: number;
    })
  | (UplinkWhere & { readonly kind: 'failed'; readonly error: IcecastOutputError | IcecastConfigError })
  | (UplinkWhere & { readonly kind: 'cancelled' });

/** A running check. */
export interface UplinkCheck {
  readonly result: Promise<UplinkMeasurement>;
  /** Stops now (e.g. the show goes live): the connection closes and the result is `cancelled`. */
  cancel(): void;
}

/** A throwaway mount no show uses: `/steadycast-uplink-check-<8 hex>.opus`. */
export function throwawayMount(random: () => number): string {
  const hex = (Math.floor(random() * 0x1_0000_0000) >>> 0).toString(16).padStart(8, '0');
  return `/steadycast-uplink-check-${hex}.opus`;
}

const SAMPLES_PER_PACKET = 960;
/** The largest Opus frame (RFC 6716 §3.2.1): TOC 0xFC is CELT fullband, 20 ms, stereo, one frame; the rest is filler. */
const FILLER_PACKET = (() => {
  const packet = new Uint8Array(1275).fill(0x55);
  packet[0] = 0xfc;
  return packet;
})();
const MAX_RESPONSE_BYTES = 16 * 1024;
const METADATA: IcecastMetadata = {
  name: 'Steadycast uplink check',
  description: 'A few seconds of filler measuring the upload before a show; not a stream to listen to.',
  public: false,
  audioInfo: { bitrate: 510, channels: 2, samplerate: 48_000 },
};

/** Starts measuring the upload to the mount URL's Icecast server. */
export function startUplinkCheck(options: UplinkCheckOptions): UplinkCheck {
  const limits = { ...DEFAULT_UPLINK_LIMITS, ...options.limits };
  const mount = throwawayMount(options.random);
  let base: SourceTarget;
  try {
    base = parseSourceUrl(options.mountUrl);
  } catch (error) {
    if (!(error instanceof IcecastConfigError)) throw error;
    return { result: Promise.resolve({ kind: 'failed', error, server: 'the mount URL', mount }), cancel: () => undefined };
  }
  const target: SourceTarget = { ...base, mount, redactedUrl: `${base.tls ? 'https' : 'http'}://${base.server}${mount}` };
  const run = new UplinkRun(target, limits, options);
  return { result: run.result, cancel: () => run.cancel() };
}

/** One check's connection, as the diagram above. */
type RunPhase =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'sending'; readonly since: number; readonly stream: OggOpusStream }
  | { readonly kind: 'closing'; readonly outcome: UplinkMeasurement }
  | { readonly kind: 'done' };

class UplinkRun {
  readonly result: Promise<UplinkMeasurement>;
  private settle: (measurement: UplinkMeasurement) => void = () => undefined;
  private phase: RunPhase = { kind: 'connecting' };
  private socket: Socket | undefined;
  private readonly sendQueue: KernelSendQueue;
  private readonly where: UplinkWhere;
  private response = Buffer.alloc(0);
  private refusal: ResponseHead | undefined;
  /** Body bytes handed to socket.write. */
  private written = 0;
  /** Highest acknowledged count seen (never goes back). */
  private acknowledged = 0;
  /** Start of the measured window. */
  private windowStart: { at: number; acknowledged: number; taken: number } | undefined;
  private capReached = false;
  private timers: unknown[] = [];

  constructor(
    private readonly target: SourceTarget,
    private readonly limits: UplinkLimits,
    private readonly options: UplinkCheckOptions,
  ) {
    this.result = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.sendQueue = options.sendQueue ?? procNetTcpSendQueue({ maxAgeMs: 0 });
    this.where = { server: target.server, mount: target.mount };
    options.logger?.debug(`measuring the upload to ${target.redactedUrl}`);
    try {
      this.socket = (options.connect ?? defaultConnect)({ host: target.host, port: target.port, tls: target.tls });
    } catch (error) {
      this.fail(networkError(error, target.server));
      return;
    }
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.pump());
    socket.on('error', (error) => this.onError(error));
    socket.on('close', () => this.onClose());
    this.later(() => this.onAnswerTimeout(), limits.answerTimeoutMs);
    socket.write(buildSourceRequest(target, METADATA, `Steadycast/${STEADYCAST_VERSION}`));
  }

  cancel(): void {
    switch (this.phase.kind) {
      case 'connecting':
      case 'sending':
        this.close({ ...this.where, kind: 'cancelled' }, 'reset');
        return;
      case 'closing':
      case 'done':
        return;
      default:
        assertNever(this.phase);
    }
  }

  private later(callback: () => void, ms: number): void {
    this.timers.push(this.options.clock.setTimeout(callback, ms));
  }

  private clearTimers(): void {
    for (const timer of this.timers.splice(0)) this.options.clock.clearTimeout(timer);
  }

  private onData(chunk: Buffer): void {
    if (this.phase.kind !== 'connecting') return; // Icecast says nothing after the 200.
    this.response = Buffer.concat([this.response, chunk]);
    if (this.response.byteLength > MAX_RESPONSE_BYTES) {
      this.fail(new IcecastOutputError('protocol', `${this.target.server} sent an oversized answer to the source request`));
      return;
    }
    while (this.refusal === undefined) {
      const head = parseResponseHead(this.response);
      if (head === undefined) return;
      if (head === null) {
        this.fail(new IcecastOutputError('protocol', `${this.target.server} did not answer with HTTP: is this an Icecast server?`));
        return;
      }
      this.response = this.response.subarray(head.length);
      if (head.status >= 100 && head.status < 200) continue; // 100 Continue: the 200 follows.
      if (head.status >= 200 && head.status < 300) {
        this.startSending();
        return;
      }
      // A refusal: its short text ("Mountpoint in use") arrives before the server closes.
      this.refusal = head;
    }
  }

  private refusalError(head: ResponseHead): IcecastOutputError {
    return responseError(head.status, head.reason, this.response.toString('utf8'), this.target.server, this.target.mount);
  }

  private onAnswerTimeout(): void {
    if (this.phase.kind !== 'connecting') return;
    const seconds = Math.round(this.limits.answerTimeoutMs / 100) / 10;
    this.fail(
      this.refusal !== undefined
        ? this.refusalError(this.refusal)
        : new IcecastOutputError('timeout', `${this.target.server} did not accept the source within ${seconds} s`),
    );
  }

  private onError(error: unknown): void {
    if (this.phase.kind === 'connecting' || this.phase.kind === 'sending') this.fail(networkError(error, this.target.server));
  }

  private onClose(): void {
    switch (this.phase.kind) {
      case 'connecting':
        this.fail(
          this.refusal !== undefined
            ? this.refusalError(this.refusal)
            : new IcecastOutputError('network', `${this.target.server} closed the connection before accepting the source`),
        );
        return;
      case 'sending':
        this.fail(new IcecastOutputError('network', `${this.target.server} closed the connection during the measurement`));
        return;
      case 'closing':
        this.done(this.phase.outcome);
        return;
      case 'done':
        return;
      default:
        assertNever(this.phase);
    }
  }

  private startSending(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.clearTimers();
    const since = this.options.clock.now();
    const stream = new OggOpusStream({
      serial: Math.floor(this.options.random() * 0x1_0000_0000) >>> 0,
      channels: 2,
      preSkip: 312,
      tags: { TITLE: METADATA.name },
    });
    this.phase = { kind: 'sending', since, stream };
    for (const page of stream.headerPages()) this.write(socket, page);
    this.later(() => {
      this.windowStart = { at: this.options.clock.now(), acknowledged: this.acknowledgedBytes(), taken: this.takenBytes() };
    }, this.limits.warmupMs);
    this.later(() => this.finishMeasuring(), this.limits.durationMs);
    this.pump();
  }

  private write(socket: Socket, page: Uint8Array): boolean {
    this.written += page.byteLength;
    return socket.write(page);
  }

  /** Writes until the socket asks to wait ('drain' calls again) or the cap is reached. */
  private pump(): void {
    const socket = this.socket;
    if (this.phase.kind !== 'sending' || this.capReached || socket === undefined) return;
    const { stream } = this.phase;
    for (;;) {
      if (this.written >= this.limits.maxBytes) {
        this.capReached = true;
        this.pollAcknowledged();
        return;
      }
      let more = true;
      for (const page of stream.addPacket(FILLER_PACKET, SAMPLES_PER_PACKET)) more = this.write(socket, page);
      if (!more) return;
    }
  }

  /** After the cap: the measurement ends once the server has acknowledged every byte (or the time is up). */
  private pollAcknowledged(): void {
    if (this.phase.kind !== 'sending') return;
    if (this.acknowledgedBytes() >= this.written) {
      this.finishMeasuring();
      return;
    }
    this.later(() => this.pollAcknowledged(), this.limits.pollMs);
  }

  /** Bytes the kernel took: handed over, minus Node's buffer. */
  private takenBytes(): number {
    return this.written - (this.socket?.writableLength ?? 0);
  }

  /** Bytes the server has: handed over, minus Node's buffer, minus the kernel's unacknowledged queue. */
  private acknowledgedBytes(): number {
    const socket = this.socket;
    if (socket === undefined) return 0;
    const inKernel = socket.destroyed ? 0 : (this.sendQueue(socket) ?? 0);
    const acknowledged = this.written - socket.writableLength - inKernel;
    this.acknowledged = Math.min(this.written, Math.max(this.acknowledged, acknowledged));
    return this.acknowledged;
  }

  private finishMeasuring(): void {
    if (this.phase.kind !== 'sending') return;
    const now = this.options.clock.now();
    const acknowledged = this.acknowledgedBytes();
    // Without a warm-up point (the cap came first) the window starts at the 200: slow start included, a lower bound.
    const start = this.windowStart ?? { at: this.phase.since, acknowledged: 0, taken: 0 };
    const windowMs = Math.max(1, now - start.at);
    const kbitPerSecond = ((acknowledged - start.acknowledged) * 8) / windowMs;
    // What is still queued would keep the upload full this long; a clean close waits for all of it.
    const queuedMs = ((this.written - acknowledged) * 8) / Math.max(1, kbitPerSecond);
    this.options.logger?.debug(
      `${this.target.server}: ${acknowledged} of ${this.written} bytes acknowledged, ${Math.round(kbitPerSecond)} kbit/s over ${windowMs} ms ` +
        `(the kernel took ${Math.round(((this.takenBytes() - start.taken) * 8) / windowMs)} kbit/s); ${Math.round(queuedMs)} ms still queued`,
    );
    const outcome: UplinkMeasurement = {
      ...this.where,
      kind: 'measured',
      kbitPerSecond,
      atLeast: this.capReached || this.windowStart === undefined,
      bytes: this.written,
      windowMs,
    };
    this.close(outcome, queuedMs <= this.limits.closeTimeoutMs / 2 ? 'clean' : 'reset');
  }

  /**
   * Ends the connection so the server frees the mount at once. `clean`: an EOS page and a FIN, reset
   * if the server has not closed within closeTimeoutMs. `reset`: an RST now, for a queue that would
   * take longer to send than it is worth (on a slow link the kernel holds seconds of filler, autotuned):
   * the server drops the source as soon as the RST arrives, and the upload is free for the show.
   */
  private close(outcome: UplinkMeasurement, how: 'clean' | 'reset'): void {
    const socket = this.socket;
    const sending = this.phase.kind === 'sending' ? this.phase : undefined;
    this.clearTimers();
    if (socket === undefined || socket.destroyed || how === 'reset') {
      if (socket !== undefined && !socket.destroyed) reset(socket);
      this.done(outcome);
      return;
    }
    this.phase = { kind: 'closing', outcome };
    if (sending !== undefined) for (const page of sending.stream.end()) socket.write(page);
    socket.end();
    this.later(() => {
      if (this.phase.kind !== 'closing') return;
      this.options.logger?.debug(`${this.target.server}: no clean close within ${this.limits.closeTimeoutMs} ms, resetting`);
      reset(socket);
      this.done(outcome);
    }, this.limits.closeTimeoutMs);
  }

  private fail(error: IcecastOutputError): void {
    this.clearTimers();
    if (this.socket !== undefined && !this.socket.destroyed) reset(this.socket);
    this.done({ ...this.where, kind: 'failed', error });
  }

  private done(outcome: UplinkMeasurement): void {
    if (this.phase.kind === 'done') return;
    this.clearTimers();
    this.phase = { kind: 'done' };
    this.settle(outcome);
  }
}

/** Drops the connection at once (RST: the unsent queue is discarded); TLS sockets cannot reset and are destroyed. */
function reset(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** What the verdict is judged against. */
export interface UplinkNeed {
  /** Program bitrate, kbit/s. */
  readonly bitrateKbps: number;
  /** Icecast outputs the program goes to at once. */
  readonly outputs: number;
}

/** The uplink line from a measurement and what the show needs (pure). */
export function judgeUplink(measurement: UplinkMeasurement, need: UplinkNeed, checkedAt: number): UplinkPreflight {
  const { bitrateKbps, outputs } = need;
  const neededKbit = neededUplinkKbit(bitrateKbps, outputs);
  const base = { checkedAt, bitrateKbps, outputs, neededKbit, server: measurement.server, kbitPerSecond: null, atLeast: false };
  switch (measurement.kind) {
    case 'measured': {
      const { kbitPerSecond, atLeast } = measurement;
      const verdict = uplinkVerdict(kbitPerSecond, neededKbit);
      const rate = formatUplinkRate(kbitPerSecond, atLeast);
      const program = outputs === 1 ? `${bitrateKbps} kbit/s` : `${outputs} × ${bitrateKbps} kbit/s`;
      const needed = `${formatUplinkRate(neededKbit)} with the conversation's ${CONVERSATION_UPLINK_KBIT} kbit/s`;
      const detail = ((): string => {
        switch (verdict) {
          case 'pass':
            return `Your upload carries the program (${program}) and the conversation with room to spare.`;
          case 'warn':
            return `Your upload (${rate}) just carries the program (${program}) and the conversation (${needed}), with little room to spare: pause other uploads (cloud sync, video calls), use a wired connection, or lower the bitrate in Settings › Audio.`;
          case 'fail':
            return `Too slow for ${bitrateKbps} kbit/s to ${outputs === 1 ? 'one server' : 'two servers'}: the show needs ${needed}, your upload managed ${rate}. Lower the bitrate in Settings › Audio or use a wired connection.`;
          default:
            return assertNever(verdict);
        }
      })();
      return { ...base, verdict, kbitPerSecond, atLeast, detail };
    }
    case 'cancelled':
      return {
        ...base,
        verdict: 'warn',
        detail: 'The upload was not measured: the check was stopped before it ended (the show went live).',
      };
    case 'failed':
      return { ...base, ...failedLine(measurement.error, measurement.server) };
    default:
      return assertNever(measurement);
  }
}

/** Why the upload could not be measured, and what to do. */
function failedLine(error: IcecastOutputError | IcecastConfigError, server: string): { verdict: PreflightVerdict; detail: string } {
  const notMeasured = 'The upload could not be measured';
  if (error instanceof IcecastConfigError)
    return { verdict: 'fail', detail: `${notMeasured}: ${error.message}. Fix the mount URL in the space settings.` };
  const said = error.status === undefined ? '' : ` (HTTP ${error.status})`;
  switch (error.errorClass) {
    case 'auth':
      return {
        verdict: 'fail',
        detail: `${notMeasured}: the Icecast server ${server} refused the source password${said}. Check the source user and password of the mount in the space settings against <source-password> in icecast.xml; going live would be refused the same way.`,
      };
    case 'mount-in-use':
    case 'refused':
      return {
        verdict: 'warn',
        detail: `${notMeasured}: the Icecast server ${server} turned the test source away for now${said}. Check again in a few seconds.`,
      };
    case 'rejected':
    case 'protocol':
      return {
        verdict: 'fail',
        detail: `${notMeasured}: ${server} did not accept an Ogg source${said}. Check that the mount URL in the space settings points at an Icecast 2.4 server.`,
      };
    case 'server':
      return { verdict: 'fail', detail: `${notMeasured}: the Icecast server ${server} failed${said}. Check the server, then check again.` };
    case 'timeout':
      return {
        verdict: 'fail',
        detail: `${notMeasured}: ${error.message}. The server or the network is overloaded: check again, and use a wired connection if it stays.`,
      };
    case 'network':
    case 'stalled':
    case 'behind':
      return { verdict: 'fail', detail: `${notMeasured}: ${error.message}. Check your network and that the Icecast server is running.` };
    default:
      return assertNever(error.errorClass);
  }
}

import Janode, { type JanodeConnection, type JanodeSession } from 'janode';
import type { Clock } from '../clock';
import type { Logger } from '../log/logger';
import { redactUrl } from '../redact';
import { Backoff } from '../resilience/backoff';
import { claimSession, sessionClassOf, type SessionClass } from './session-reclaim';
import { describeError } from '../../shared/describe-error';

/*
 * One Janus session over janode's WebSocket transport, kept alive across transport outages.
 *
 *   connecting ──session created──► connected ──transport lost──► reconnecting ──claim accepted──► reclaimed
 *       │                               ▲                              │  ▲                             │
 *       │                               └──────────── (next loss) ─────┼──┴─ attempt failed, backoff ◄──┘
 *       └── failed first connect ─► closed ◄── session gone (Janus forgot it) / reclaim window over / close()
 *
 * Keepalives go every `keepaliveSeconds` (Janus counts its reclaim window from the session's last
 * request). After `reclaimed` the session id is the same, every handle id is still valid on the
 * server, and the plugin layer rebuilds its handles and re-reads what it missed during the gap.
 *
 * While reconnecting, `refused` says whether every attempt since the loss was refused outright
 * (ECONNREFUSED: the address answers and nothing listens on the port, i.e. the Janus process is not
 * running). That is the one unambiguous "server gone" signal; a timeout, a reset after accepting, or
 * unanswered keepalives may be the network and say nothing. While refused, attempts follow each
 * other every ~250 ms (a refusal costs nothing), so the evidence keeps up with the clock.
 */

/** The link's state; `reclaimed` is entered once per successful claim (then it stays up). */
export type JanusLinkState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected'; readonly sessionId: number }
  | {
      readonly kind: 'reconnecting';
      readonly attempt: number;
      readonly nextAttemptAt: number;
      readonly reason: string;
      readonly refused: RefusedRun | null;
    }
  | { readonly kind: 'reclaimed'; readonly sessionId: number }
  | { readonly kind: 'closed'; readonly reason: string; readonly cause: CloseCause };

/** Every reconnection attempt since the transport was lost (`since`) was refused; the last one at `lastAt`. */
export interface RefusedRun {
  readonly since: number;
  readonly count: number;
  readonly lastAt: number;
}

/**
 * Why a link closed: `left` (close()), `unreachable` (first connect or reclaim window over),
 * `session-gone` (Janus answers again but no longer has the session: it restarted), `refused`
 * (it would not create or hand back a session), `no-reconnect` (a short session that does not reconnect).
 */
export type CloseCause = 'left' | 'unreachable' | 'session-gone' | 'refused' | 'no-reconnect';

/** What a link is built from. */
export interface JanusLinkOptions {
  readonly url: string;
  readonly apiSecret?: string | undefined;
  /** Janus signed token for each new transport (core `token_auth`); asked again at every reconnection, so it can be fresh. */
  readonly token?: (() => string | undefined) | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  /** Seconds between keepalives (default 5). */
  readonly keepaliveSeconds?: number;
  /** Reconnect and claim after a transport loss (default true); false for short moderator sessions. */
  readonly reconnect?: boolean;
  /** Give up reclaiming after this long without a transport (default 25 s; set it under the server's `reclaim_session_timeout`). */
  readonly reclaimWindowMs?: number;
  /** Timeout of one connection attempt (default 4 s). */
  readonly connectTimeoutMs?: number;
}

// janode logs to stdout by default; the engine has its own scoped logger.
Janode.Logger.setLevel('none');

/** Janus's error code for a session it does not have (expired or never existed). */
const NO_SUCH_SESSION = /\b458\b|no such session/i;

/** A connection the address refused: nothing listens on the port. */
const CONNECTION_REFUSED = /ECONNREFUSED/;

/** Pause between reconnection attempts while every attempt is refused (times 0.5–1, for jitter). */
const REFUSED_RETRY_MS = 250;

/** Pause before the second try of a pair (janode's own retry pace). */
const SECOND_TRY_MS = 1000;

/** A Janus session that survives its WebSocket going away. */
export class JanusLink {
  private current: JanusLinkState = { kind: 'connecting' };
  private connection: JanodeConnection | null = null;
  private liveSession: JanodeSession | null = null;
  private sessionCtor: SessionClass | null = null;
  private readonly listeners = new Set<(state: JanusLinkState) => void>();
  private readonly backoff: Backoff;
  private readonly keepaliveSeconds: number;
  private closing = false;
  private transportGeneration = 0;
  private cancelWait: (() => void) | null = null;

  constructor(private readonly options: JanusLinkOptions) {
    this.keepaliveSeconds = options.keepaliveSeconds ?? 5;
    this.backoff = new Backoff({ clock: options.clock, random: options.random, baseMs: 250, capMs: 2000, resetAfterMs: 60_000 });
  }

  /** The state now. */
  get state(): JanusLinkState {
    return this.current;
  }

  /** The live janode session; throws while there is none (connecting, reconnecting, closed). */
  get session(): JanodeSession {
    if (this.liveSession === null) throw new Error(`no Janus session (${this.current.kind})`);
    return this.liveSession;
  }

  /** The server address without credentials, for messages. */
  get address(): string {
    return redactUrl(this.options.url);
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onChange(listener: (state: JanusLinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects and creates the session. Rejects with a plain-language reason when Janus cannot be reached. */
  async start(): Promise<void> {
    this.setState({ kind: 'connecting' });
    let connection: JanodeConnection;
    try {
      connection = await this.openTransport(1);
    } catch (error) {
      const reason = `Could not reach the Janus server at ${this.address} (${describeError(error)}). Check the address in the space settings and that Janus is running.`;
      this.setState({ kind: 'closed', reason, cause: 'unreachable' });
      throw new Error(reason, { cause: error });
    }
    try {
      const session = await connection.create(this.keepaliveSeconds);
      this.sessionCtor = sessionClassOf(session);
      this.adopt(connection, session);
      this.backoff.connected();
      this.options.logger.info(`Janus session ${session.id} created on ${this.address}`);
      this.setState({ kind: 'connected', sessionId: session.id });
    } catch (error) {
      await connection.close().catch(() => undefined);
      const reason = `Janus at ${this.address} refused a new session (${describeError(error)}). If the server needs an API secret, add janus.apiSecret to the space settings.`;
      this.setState({ kind: 'closed', reason, cause: 'refused' });
      throw new Error(reason, { cause: error });
    }
  }

  /** Destroys the session on the server and closes the transport. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelWait?.();
    this.transportGeneration += 1;
    const session = this.liveSession;
    const connection = this.connection;
    this.liveSession = null;
    this.connection = null;
    await session?.destroy().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    if (this.current.kind !== 'closed') this.setState({ kind: 'closed', reason: 'left the conversation', cause: 'left' });
  }

  /** One transport; janode itself retries `retries` times, 1 s apart. */
  private async openTransport(retries: number): Promise<JanodeConnection> {
    const timeoutMs = this.options.connectTimeoutMs ?? 4000;
    const token = this.options.token?.();
    let timer: unknown;
    const attempt = Janode.connect({
      address: {
        url: this.options.url,
        ...(this.options.apiSecret ? { apisecret: this.options.apiSecret } : {}),
        ...(token ? { token } : {}),
      },
      max_retries: retries,
      retry_time_secs: 1,
    });
    try {
      return await Promise.race([
        attempt,
        new Promise<never>((_, reject) => {
          timer = this.options.clock.setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      // A connection that opens after the timeout must not linger.
      void attempt.then((late) => late.close()).catch(() => undefined);
      throw error;
    } finally {
      this.options.clock.clearTimeout(timer);
    }
  }

  /** Makes `session` on `connection` the live one and watches both for a loss. */
  private adopt(connection: JanodeConnection, session: JanodeSession): void {
    const generation = ++this.transportGeneration;
    this.connection = connection;
    this.liveSession = session;
    const lost = (reason: string): void => {
      if (generation !== this.transportGeneration || this.closing) return;
      this.transportGeneration += 1;
      this.liveSession = null;
      this.connection = null;
      // janode already dropped its objects on a transport error; close a transport that is still open.
      void connection.close().catch(() => undefined);
      void this.reclaim(session.id, reason);
    };
    connection.once(Janode.EVENT.CONNECTION_ERROR ?? 'connection_error', (error: unknown) =>
      lost(`the connection to Janus dropped (${describeError(error)})`),
    );
    connection.once(Janode.EVENT.CONNECTION_CLOSED ?? 'connection_closed', () => lost('the connection to Janus closed'));
    session.once(Janode.EVENT.SESSION_DESTROYED ?? 'session_destroyed', () => lost('Janus stopped answering keepalives'));
  }

  /** Reconnects and claims `sessionId` until it works, Janus says the session is gone, or the window is over. */
  private async reclaim(sessionId: number, reason: string): Promise<void> {
    if (this.options.reconnect === false) {
      this.setState({ kind: 'closed', reason: `${reason}.`, cause: 'no-reconnect' });
      return;
    }
    const lostAt = this.options.clock.now();
    const windowMs = this.options.reclaimWindowMs ?? 25_000;
    const SessionCtor = this.sessionCtor;
    if (SessionCtor === null) return;
    this.options.logger.warn(`${reason}; claiming session ${sessionId} back`);
    let lastReason = reason;
    /** Null as soon as one attempt was not refused outright (then the outage is ambiguous until it ends). */
    let refused: RefusedRun | null = { since: lostAt, count: 0, lastAt: lostAt };
    /** The next attempt is the second try of a pair, a second after the first (janode's own retry pace). */
    let secondTry = false;
    for (let attempt = 1; !this.closing; attempt += 1) {
      const delay =
        refused !== null && refused.count > 0
          ? REFUSED_RETRY_MS * (0.5 + 0.5 * this.options.random())
          : secondTry
            ? SECOND_TRY_MS
            : this.backoff.failed();
      this.setState({
        kind: 'reconnecting',
        attempt,
        nextAttemptAt: this.options.clock.now() + delay,
        reason: lastReason,
        refused: refused !== null && refused.count > 0 ? refused : null,
      });
      await this.wait(delay);
      if (this.closing) return;
      if (this.options.clock.now() - lostAt > windowMs) {
        this.setState({
          kind: 'closed',
          reason: `Janus at ${this.address} did not come back within ${Math.round(windowMs / 1000)} s (${lastReason}). Join the conversation again.`,
          cause: 'unreachable',
        });
        return;
      }
      let connection: JanodeConnection;
      try {
        // Tries go in pairs a second apart (janode retries once), so a path that flaps (down 1 s,
        // up 1 s) is caught in its next up second. While every try was refused, single tries at the
        // quick pace; the pair of an outage that turned out ambiguous is completed a second later.
        connection = await this.openTransport(refused !== null || secondTry ? 0 : 1);
      } catch (error) {
        const message = describeError(error);
        if (refused !== null && CONNECTION_REFUSED.test(message)) {
          const now = this.options.clock.now();
          refused = { since: refused.since, count: refused.count + 1, lastAt: now };
          lastReason = `Janus at ${this.address} refuses connections: the server is not running (${refused.count} attempt${refused.count === 1 ? '' : 's'} refused in ${((now - lostAt) / 1000).toFixed(1)} s)`;
        } else {
          secondTry = refused !== null;
          refused = null;
          lastReason = `Janus at ${this.address} is unreachable (${message})`;
        }
        continue;
      }
      refused = null;
      secondTry = false;
      if (this.closing) {
        await connection.close().catch(() => undefined);
        return;
      }
      try {
        const session = await claimSession(connection, SessionCtor, sessionId, this.keepaliveSeconds);
        this.adopt(connection, session);
        this.backoff.connected();
        this.options.logger.info(
          `Janus session ${sessionId} claimed back after ${this.options.clock.now() - lostAt} ms (attempt ${attempt})`,
        );
        this.setState({ kind: 'reclaimed', sessionId });
        this.setState({ kind: 'connected', sessionId });
        return;
      } catch (error) {
        await connection.close().catch(() => undefined);
        if (NO_SUCH_SESSION.test(describeError(error))) {
          this.setState({
            kind: 'closed',
            reason: `Janus at ${this.address} no longer has this session (it restarted or the reclaim window passed)`,
            cause: 'session-gone',
          });
          return;
        }
        lastReason = `Janus refused to hand the session back (${describeError(error)})`;
      }
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.options.clock.setTimeout(() => {
        this.cancelWait = null;
        resolve();
      }, ms);
      this.cancelWait = () => {
        this.options.clock.clearTimeout(handle);
        this.cancelWait = null;
        resolve();
      };
    });
  }

  private setState(state: JanusLinkState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}

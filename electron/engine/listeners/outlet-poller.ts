import type { ListenerMethod } from '../../shared/listeners';
import type { Clock } from '../clock';
import type { Logger } from '../log/logger';
import { authorizationOf, parseOutletUrl, ResponseTooLargeError, type HttpFetch, type OutletTarget } from './http';
import { parseAdminStats, parseListClients, parseStatusJson, StatsParseError, type MountClient, type ServerStats } from './icecast-stats';
import { StatsPush } from './stats-push';
import { describeError } from '../../shared/describe-error';

/** One outlet of a space: an Icecast mount, and the fallback mounts its listeners move to. */
export interface OutletConfig {
  readonly id: string;
  readonly label: string;
  /** Mount URL; its credentials (source or admin) unlock client lists and relay exclusion. */
  readonly mountUrl: string;
  /**
   * Mount paths on the same server that Icecast moves this mount's listeners to when its source
   * leaves (`<fallback-mount>`). They are counted for this outlet only while its source is away.
   */
  readonly fallbackMounts?: readonly string[];
  /** A URL whose credentials (e.g. admin ones, for push updates) are used for statistics instead of the mount URL's. */
  readonly statsUrl?: string;
}

/** Timing and behaviour of a poller; every field has a default. */
export interface PollerSettings {
  /** Time between the starts of two polls (default 1000 ms). */
  readonly intervalMs?: number;
  /** A poll that has not finished by then is abandoned (default 2000 ms, below the 3 s freshness window). */
  readonly timeoutMs?: number;
  /** After credentials are refused, try them again this often (default 30 s); public statistics meanwhile. */
  readonly credentialRetryMs?: number;
  /** Client lists at most this often; polls in between use /admin/stats counts minus the known relays (default 0: every poll). */
  readonly clientListEveryMs?: number;
  /** Open Icecast's `STATS` event stream (admin credentials) and poll at once on a change (default true). */
  readonly push?: boolean;
  /** Least time between the starts of two polls when pushes ask for more (default 100 ms). */
  readonly minPollGapMs?: number;
}

/** What a poller knows about its outlet right now. */
export interface OutletSnapshot {
  readonly outlet: OutletConfig;
  readonly target: OutletTarget;
  /** When the last successful poll's answer arrived; null before the first one. */
  readonly lastSuccessAt: number | null;
  readonly listeners: number | null;
  readonly relaysExcluded: number | null;
  readonly sourceLive: boolean | null;
  readonly method: ListenerMethod | null;
  /** Listener count per mount key (`origin + path`), so one mount is never counted twice across outlets. */
  readonly mounts: ReadonlyMap<string, number>;
  /** `address|user agent` of every listener (relays excluded) from the last client list; null without one. */
  readonly clientKeys: readonly string[] | null;
  /** Why the last poll failed; null after a success. */
  readonly lastError: string | null;
  readonly notice: string | null;
  readonly polls: number;
  readonly failures: number;
  /** Duration of the last poll and the bytes it read. */
  readonly lastPollMs: number | null;
  readonly lastPollBytes: number;
}

/** Icecast answered 401/403 to the outlet's credentials. */
export class CredentialsRefusedError extends Error {
  override readonly name = 'CredentialsRefusedError';
  constructor(readonly status: number) {
    super(`credentials refused (HTTP ${status})`);
  }
}

/** Icecast answered with an unexpected HTTP status. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly what: string,
  ) {
    super(`HTTP ${status} for ${what}`);
  }
}

/** The poll was abandoned after the timeout. */
class PollTimeoutError extends Error {
  override readonly name = 'PollTimeoutError';
}

interface PollResult {
  listeners: number;
  relaysExcluded: number | null;
  sourceLive: boolean;
  method: ListenerMethod;
  mounts: Map<string, number>;
  clientKeys: string[] | null;
  bytes: number;
}

const NO_SOURCE = 'no-source';

/**
 * Polls one outlet: never two polls at once, each bounded by a timeout, the next one starting
 * `intervalMs` after the previous one started (or when it ends, if it ran longer).
 *
 * With credentials it reads the mount's client list (`/admin/listclients`), so relays pulling the
 * mount are excluded and listeners can be told apart; when the credentials are refused it says so
 * and reads the public `/status-json.xsl` instead. A mount without a source counts 0 (stub entries
 * are not counted) plus its fallback mounts, where Icecast moved its listeners.
 */
export class OutletPoller {
  readonly target: OutletTarget;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly credentialRetryMs: number;
  private readonly clientListEveryMs: number;
  private readonly minPollGapMs: number;
  private readonly fallbacks: readonly string[];
  private running = false;
  private inFlight = false;
  private pollAgain = false;
  private timer: unknown = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private lastStartAt = Number.NEGATIVE_INFINITY;
  private credentialsRefusedAt: number | null = null;
  private lastClientListAt = Number.NEGATIVE_INFINITY;
  private lastRelays = 0;
  private push: StatsPush | null = null;
  private current: OutletSnapshot;
  private readonly changeListeners = new Set<() => void>();

  constructor(
    readonly outlet: OutletConfig,
    private readonly deps: { http: HttpFetch; clock: Clock; logger: Logger },
    settings: PollerSettings = {},
  ) {
    const target = parseOutletUrl(outlet.mountUrl);
    this.target = outlet.statsUrl ? { ...target, authorization: authorizationOf(outlet.statsUrl) ?? target.authorization } : target;
    this.intervalMs = settings.intervalMs ?? 1000;
    this.timeoutMs = settings.timeoutMs ?? 2000;
    this.credentialRetryMs = settings.credentialRetryMs ?? 30_000;
    this.clientListEveryMs = settings.clientListEveryMs ?? 0;
    this.minPollGapMs = settings.minPollGapMs ?? 100;
    this.fallbacks = (outlet.fallbackMounts ?? []).filter((mount) => mount !== this.target.mount);
    if ((settings.push ?? true) && this.target.authorization) {
      this.push = new StatsPush({
        origin: this.target.origin,
        authorization: this.target.authorization,
        mounts: [this.target.mount, ...this.fallbacks],
        http: deps.http,
        clock: deps.clock,
        logger: deps.logger,
        onChange: () => this.pollSoon(),
      });
    }
    this.current = {
      outlet,
      target: this.target,
      lastSuccessAt: null,
      listeners: null,
      relaysExcluded: null,
      sourceLive: null,
      method: null,
      mounts: new Map(),
      clientKeys: null,
      lastError: null,
      notice: this.target.authorization
        ? null
        : 'No credentials in the mount URL: public statistics, so relays pulling this mount count as listeners.',
      polls: 0,
      failures: 0,
      lastPollMs: null,
      lastPollBytes: 0,
    };
  }

  /** The latest state of this outlet. */
  snapshot(): OutletSnapshot {
    return this.current;
  }

  /** Called after every poll, successful or not. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Starts polling now and every interval; opens the push stream when allowed. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.push?.start();
    this.schedule(0);
  }

  /** Stops polling; a poll in flight finishes but schedules nothing. */
  stop(): void {
    this.running = false;
    this.push?.stop();
    this.cancelTimer();
  }

  /** Polls as soon as allowed: at once, or after the poll in flight, or after the least gap. */
  pollSoon(): void {
    if (!this.running) return;
    if (this.inFlight) {
      this.pollAgain = true;
      return;
    }
    const now = this.deps.clock.now();
    this.schedule(Math.max(0, this.lastStartAt + this.minPollGapMs - now));
  }

  private schedule(delayMs: number): void {
    const at = this.deps.clock.now() + delayMs;
    if (this.timer !== null && this.timerAt <= at) return;
    this.cancelTimer();
    this.timerAt = at;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.poll();
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private async poll(): Promise<void> {
    if (!this.running || this.inFlight) return;
    this.inFlight = true;
    this.pollAgain = false;
    const { clock } = this.deps;
    const startedAt = clock.now();
    this.lastStartAt = startedAt;
    const controller = new AbortController();
    const timeout = clock.setTimeout(() => controller.abort(new PollTimeoutError(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    let result: PollResult | null = null;
    let failure: string | null = null;
    try {
      result = await this.read(controller.signal);
    } catch (error) {
      failure = this.describeFailure(error, controller.signal.aborted);
    } finally {
      clock.clearTimeout(timeout);
      controller.abort();
      this.inFlight = false;
    }
    const finishedAt = clock.now();
    this.record(result, failure, startedAt, finishedAt);
    if (this.running)
      this.schedule(
        this.pollAgain ? Math.max(0, startedAt + this.minPollGapMs - finishedAt) : Math.max(0, startedAt + this.intervalMs - finishedAt),
      );
    for (const listener of this.changeListeners) listener();
  }

  private record(result: PollResult | null, failure: string | null, startedAt: number, finishedAt: number): void {
    const previous = this.current;
    const base = { ...previous, polls: previous.polls + 1, lastPollMs: finishedAt - startedAt };
    if (result) {
      this.current = {
        ...base,
        lastSuccessAt: finishedAt,
        listeners: result.listeners,
        relaysExcluded: result.relaysExcluded,
        sourceLive: result.sourceLive,
        method: result.method,
        mounts: result.mounts,
        clientKeys: result.clientKeys ?? (result.method === 'admin-stats' ? previous.clientKeys : null),
        lastError: null,
        notice: this.noticeFor(result.method),
        lastPollBytes: result.bytes,
      };
      if (previous.lastError !== null)
        this.deps.logger.info(`${this.outlet.label} (${this.target.redacted}) read again: ${result.listeners} listener(s)`);
    } else {
      this.current = { ...base, failures: previous.failures + 1, lastError: failure, lastPollBytes: 0 };
      if (previous.lastError !== failure)
        this.deps.logger.warn(`${this.outlet.label} (${this.target.redacted}) not read: ${failure ?? 'unknown failure'}`);
    }
  }

  private noticeFor(method: ListenerMethod): string | null {
    if (method !== 'public-status') return null;
    if (!this.target.authorization) return this.current.notice;
    return 'Credentials refused (HTTP 401): counting from public statistics, so relays pulling this mount are not excluded. Check the user and password in the mount URL.';
  }

  private async read(signal: AbortSignal): Promise<PollResult> {
    const now = this.deps.clock.now();
    const credentialsUsable =
      this.target.authorization !== null &&
      (this.credentialsRefusedAt === null || now - this.credentialsRefusedAt >= this.credentialRetryMs);
    if (credentialsUsable) {
      try {
        const result =
          now - this.lastClientListAt < this.clientListEveryMs ? await this.readAdminStats(signal) : await this.readClientLists(signal);
        if (this.credentialsRefusedAt !== null)
          this.deps.logger.info(`${this.outlet.label}: credentials accepted again, client lists back`);
        this.credentialsRefusedAt = null;
        return result;
      } catch (error) {
        if (!(error instanceof CredentialsRefusedError)) throw error;
        if (this.credentialsRefusedAt === null) {
          this.deps.logger.warn(
            `${this.outlet.label} (${this.target.redacted}): ${error.message}; using public statistics, relays not excluded`,
          );
        }
        this.credentialsRefusedAt = now;
      }
    }
    return this.readPublic(signal);
  }

  /** Exact: the mount's clients (relays excluded); when its source is away, its fallbacks' clients. */
  private async readClientLists(signal: AbortSignal): Promise<PollResult> {
    const mounts = new Map<string, number>();
    const clientKeys: string[] = [];
    let bytes = 0;
    let relays = 0;
    const own = await this.listClients(this.target.mount, signal);
    const sourceLive = own !== NO_SOURCE;
    const counted = sourceLive ? [{ mount: this.target.mount, list: own }] : [];
    if (!sourceLive) {
      mounts.set(this.mountKey(this.target.mount), 0);
      for (const fallback of this.fallbacks) {
        const list = await this.listClients(fallback, signal);
        if (list !== NO_SOURCE) counted.push({ mount: fallback, list });
        else mounts.set(this.mountKey(fallback), 0);
      }
    }
    for (const { mount, list } of counted) {
      bytes += list.bytes;
      let listeners = 0;
      for (const client of list.clients) {
        if (client.relay) {
          relays += 1;
          continue;
        }
        listeners += 1;
        clientKeys.push(`${client.ip}|${client.userAgent}`);
      }
      mounts.set(this.mountKey(mount), listeners);
    }
    this.lastClientListAt = this.deps.clock.now();
    this.lastRelays = relays;
    return { listeners: sum(mounts), relaysExcluded: relays, sourceLive, method: 'client-list', mounts, clientKeys, bytes };
  }

  /** Cheap: one /admin/stats document; relays as the last client list found them. */
  private async readAdminStats(signal: AbortSignal): Promise<PollResult> {
    const { text, bytes } = await this.get(`${this.target.origin}/admin/stats`, signal, true, '/admin/stats');
    return { ...this.countFrom(parseAdminStats(text), this.lastRelays), method: 'admin-stats', clientKeys: null, bytes };
  }

  /** Public: `/status-json.xsl`; relays cannot be told from listeners. */
  private async readPublic(signal: AbortSignal): Promise<PollResult> {
    const { text, bytes } = await this.get(`${this.target.origin}/status-json.xsl`, signal, false, 'status-json.xsl');
    const stats = parseStatusJson(text);
    return { ...this.countFrom(stats, null), method: 'public-status', clientKeys: null, bytes };
  }

  private countFrom(stats: ServerStats, relays: number | null): Pick<PollResult, 'listeners' | 'relaysExcluded' | 'sourceLive' | 'mounts'> {
    const byMount = new Map(stats.mounts.map((mount) => [mount.mount, mount]));
    const own = byMount.get(this.target.mount);
    const sourceLive = own?.sourceLive ?? false;
    const mounts = new Map<string, number>();
    let relaysExcluded = relays;
    if (sourceLive) {
      const excluded = Math.min(relays ?? 0, own?.listeners ?? 0);
      relaysExcluded = relays === null ? null : excluded;
      mounts.set(this.mountKey(this.target.mount), Math.max(0, (own?.listeners ?? 0) - excluded));
    } else {
      mounts.set(this.mountKey(this.target.mount), 0);
      for (const fallback of this.fallbacks) {
        const stats = byMount.get(fallback);
        mounts.set(this.mountKey(fallback), stats?.sourceLive ? stats.listeners : 0);
      }
    }
    return { listeners: sum(mounts), relaysExcluded, sourceLive, mounts };
  }

  private async listClients(
    mount: string,
    signal: AbortSignal,
  ): Promise<{ clients: readonly MountClient[]; bytes: number } | typeof NO_SOURCE> {
    const url = `${this.target.origin}/admin/listclients?mount=${encodeURIComponent(mount)}`;
    const response = await this.deps.http(url, { headers: this.authHeaders(), signal });
    if (response.status === 401 || response.status === 403) throw new CredentialsRefusedError(response.status);
    // Icecast 2.4 answers 400 "Source does not exist" for a mount without a source (stub or never started).
    if (response.status === 400) {
      await response.text().catch(() => '');
      return NO_SOURCE;
    }
    if (response.status !== 200) throw new HttpStatusError(response.status, `/admin/listclients?mount=${mount}`);
    const text = await response.text();
    return { clients: parseListClients(text, mount).clients, bytes: text.length };
  }

  private async get(url: string, signal: AbortSignal, withCredentials: boolean, what: string): Promise<{ text: string; bytes: number }> {
    const response = await this.deps.http(url, { headers: withCredentials ? this.authHeaders() : {}, signal });
    if (withCredentials && (response.status === 401 || response.status === 403)) throw new CredentialsRefusedError(response.status);
    if (response.status !== 200) throw new HttpStatusError(response.status, what);
    const text = await response.text();
    return { text, bytes: text.length };
  }

  private authHeaders(): Record<string, string> {
    return this.target.authorization ? { authorization: this.target.authorization } : {};
  }

  private mountKey(mount: string): string {
    return `${this.target.origin}${mount}`;
  }

  /** One line a producer can act on: what kind of failure, and what was seen. */
  private describeFailure(error: unknown, timedOut: boolean): string {
    const host = new URL(this.target.origin).host;
    if (timedOut || error instanceof PollTimeoutError) return `timeout: ${host} gave no answer within ${this.timeoutMs} ms`;
    if (error instanceof HttpStatusError) return `server error: ${host} answered ${error.message}`;
    if (error instanceof StatsParseError) return `invalid statistics from ${host}: ${error.message}`;
    if (error instanceof ResponseTooLargeError) return `invalid statistics from ${host}: ${error.message}`;
    const code = errorCode(error);
    switch (code) {
      case 'ECONNREFUSED':
        return `server down: ${host} refused the connection`;
      case 'ECONNRESET':
      case 'EPIPE':
      case 'UND_ERR_SOCKET':
        return `connection lost: ${host} closed the connection mid-answer`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `host not found: ${host}`;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `unreachable: no route to ${host}`;
      case null:
      default:
        return `not read from ${host}: ${describeError(error)}`;
    }
  }
}

/** The system error code of an error or of its `cause` chain (fetch wraps socket errors). */
function errorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function sum(mounts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const value of mounts.values()) total += value;
  return total;
}

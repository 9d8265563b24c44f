import type { OutputState } from '../../shared/broadcast';
import type { MediaConnectionState } from '../../shared/conversation';
import type { EndpointName } from '../../shared/endpoint';
import type { EndpointHealth, HealthStatus, PartHealth } from '../../shared/failover';
import type { OutletReading } from '../../shared/listeners';
import { assertNever } from '../../shared/assert-never';

/*
 * The health of one endpoint from what the engine observes, as a pure function of the signals and
 * the time: no timers, no I/O, so every rule is a unit test.
 *
 *   janus   the conversation's Janus session on this endpoint (joined / reconnecting / failed), or,
 *           while the conversation is elsewhere, the last probe of that Janus (info over its WebSocket)
 *   media   the page's RTCPeerConnection to this endpoint's room, as the renderer reports it
 *   icecast this endpoint's Icecast output of the program (live / connecting / retrying / stopped)
 *   stats   this endpoint's listener statistics (fresh or stale)
 *
 * `conversation` combines janus + media only: it decides a move of the room. Icecast and stats
 * make the endpoint degraded or down for the banner, never move the room: the program goes to both
 * mounts all the time, so an Icecast failure costs no listener who is on the other one.
 */

/** The conversation's own link on this endpoint; null when the conversation is not on it. */
export type JanusLinkSignal =
  | { readonly kind: 'joined' }
  | { readonly kind: 'connecting'; readonly since: number }
  | { readonly kind: 'reconnecting'; readonly since: number; readonly reason: string; readonly refused?: boolean }
  | { readonly kind: 'failed'; readonly reason: string };

/** The last probe of this endpoint's Janus. */
export interface JanusProbeSignal {
  readonly ok: boolean;
  readonly at: number;
  readonly error: string | null;
}

/** The page's media state on this endpoint, since the conversation joined it. */
export interface MediaSignal {
  readonly state: MediaConnectionState;
  readonly since: number;
  readonly detail: string | null;
  /** Whether the media has been connected at least once on this endpoint (a page still closing the old room's connection must not mark the new one down). */
  readonly everConnected: boolean;
}

/** Everything observed about one endpoint. */
export interface HealthSignals {
  readonly janusLink: JanusLinkSignal | null;
  readonly janusProbe: JanusProbeSignal | null;
  readonly media: MediaSignal | null;
  readonly icecast: OutputState | null;
  readonly stats: OutletReading | null;
}

/** Limits of the rules; every field has a default. */
export interface HealthLimits {
  /** A probe older than this says nothing (default 10 s). */
  readonly probeFreshMs: number;
  /** Joining (or media connecting) for longer than this is degraded (default 10 s). */
  readonly slowConnectMs: number;
  /** A live output further behind than this is degraded (default 2 s). */
  readonly outputBehindMs: number;
}

export const DEFAULT_HEALTH_LIMITS: HealthLimits = { probeFreshMs: 10_000, slowConnectMs: 10_000, outputBehindMs: 2000 };

const UNKNOWN: PartHealth = { status: 'unknown', reason: null };
const HEALTHY: PartHealth = { status: 'healthy', reason: null };

/** Severity order: unknown < healthy < degraded < down (unknown never hides a known state). */
const SEVERITY: Record<HealthStatus, number> = { unknown: 0, healthy: 1, degraded: 2, down: 3 };

/** The worst of `parts` (unknown only when every part is unknown), with its reason. */
export function worstOf(parts: readonly PartHealth[]): PartHealth {
  let worst: PartHealth = UNKNOWN;
  for (const part of parts) if (SEVERITY[part.status] > SEVERITY[worst.status]) worst = part;
  return worst;
}

/** The Janus part. */
export function janusHealth(
  link: JanusLinkSignal | null,
  probe: JanusProbeSignal | null,
  now: number,
  limits: HealthLimits = DEFAULT_HEALTH_LIMITS,
): PartHealth {
  if (link !== null) {
    switch (link.kind) {
      case 'joined':
        return HEALTHY;
      case 'connecting':
        return now - link.since > limits.slowConnectMs
          ? { status: 'degraded', reason: `Joining the room has taken ${Math.round((now - link.since) / 1000)} s.` }
          : UNKNOWN;
      case 'reconnecting':
        return {
          status: 'down',
          reason: link.refused === true ? `The Janus server is gone: ${link.reason}.` : `The Janus session is lost (${link.reason}).`,
        };
      case 'failed':
        return { status: 'down', reason: link.reason };
      default:
        return assertNever(link);
    }
  }
  if (probe === null || now - probe.at > limits.probeFreshMs) return UNKNOWN;
  return probe.ok ? HEALTHY : { status: 'down', reason: probe.error ?? 'Janus does not answer.' };
}

/** The media part: only the page's connection to the room the conversation is in. */
export function mediaHealth(media: MediaSignal | null, now: number, limits: HealthLimits = DEFAULT_HEALTH_LIMITS): PartHealth {
  if (media === null) return UNKNOWN;
  switch (media.state) {
    case 'connected':
      return HEALTHY;
    case 'disconnected':
      return media.everConnected
        ? { status: 'degraded', reason: media.detail ?? 'The audio connection to the room is interrupted.' }
        : UNKNOWN;
    case 'failed':
      return media.everConnected ? { status: 'down', reason: media.detail ?? 'The audio connection to the room failed.' } : UNKNOWN;
    case 'new':
    case 'connecting':
      return now - media.since > limits.slowConnectMs
        ? { status: 'degraded', reason: 'The audio connection to the room is slow to connect.' }
        : UNKNOWN;
    case 'closed':
      return UNKNOWN;
    default:
      return assertNever(media.state);
  }
}

/** The Icecast part: this endpoint's output of the program (unknown while off air). */
export function icecastHealth(output: OutputState | null, limits: HealthLimits = DEFAULT_HEALTH_LIMITS): PartHealth {
  if (output === null) return UNKNOWN;
  switch (output.status) {
    case 'live':
      return output.backlogMs > limits.outputBehindMs
        ? { status: 'degraded', reason: `The Icecast output is ${Math.round(output.backlogMs)} ms behind.` }
        : HEALTHY;
    case 'connecting':
      return output.attempt > 1 ? { status: 'degraded', reason: `Connecting to Icecast (attempt ${output.attempt}).` } : UNKNOWN;
    case 'retrying':
      return { status: 'down', reason: `The Icecast output is down: ${output.error}` };
    case 'stopped':
      return output.reason === 'requested' ? UNKNOWN : { status: 'down', reason: output.message };
    default:
      return assertNever(output);
  }
}

/** The statistics part: a stale outlet is degraded (its listeners are not counted). */
export function statsHealth(outlet: OutletReading | null): PartHealth {
  if (outlet === null || outlet.ageMs === null)
    return outlet?.stale
      ? { status: 'degraded', reason: `Listener statistics unreachable: ${outlet.staleReason ?? 'no answer yet'}.` }
      : UNKNOWN;
  if (outlet.stale) return { status: 'degraded', reason: `Listener statistics unreachable: ${outlet.staleReason ?? 'no answer'}.` };
  return HEALTHY;
}

/** The health of `endpoint` from its signals at `now`. */
export function combineHealth(
  endpoint: EndpointName,
  signals: HealthSignals,
  now: number,
  limits: HealthLimits = DEFAULT_HEALTH_LIMITS,
): EndpointHealth {
  const parts = {
    janus: janusHealth(signals.janusLink, signals.janusProbe, now, limits),
    media: signals.janusLink === null ? UNKNOWN : mediaHealth(signals.media, now, limits),
    icecast: icecastHealth(signals.icecast, limits),
    stats: statsHealth(signals.stats),
  };
  const overall = worstOf([parts.janus, parts.media, parts.icecast, parts.stats]);
  const conversation = worstOf([parts.janus, parts.media]);
  return { endpoint, status: overall.status, reason: overall.reason, conversation: conversation.status, parts };
}

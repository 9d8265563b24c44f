import type { EndpointName, ServerKind, ServerProbe } from '../../shared/state';
import { PREFLIGHT_SLOW_MS, type NetworkPreflight, type PreflightServerLine } from '../../shared/preflight';
import type { Clock } from '../clock';
import type { EndpointConfig } from '../config';
import type { ServerProber } from '../servers/prober';

/** One server to check: where it is and its redacted URL. */
export interface PreflightTarget {
  endpoint: EndpointName;
  config: EndpointConfig;
  /** Redacted URLs, by kind, as the UI may see them. */
  urls: Record<ServerKind, string>;
}

const NAMES: Record<ServerKind, string> = { janus: 'Janus (conversation)', icecast: 'Icecast (audience)' };

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? null) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The verdict on one server from its probes (pure). */
export function judgeServer(endpoint: EndpointName, kind: ServerKind, url: string, probes: readonly ServerProbe[]): PreflightServerLine {
  const answers = probes.filter((probe) => probe.status === 'reachable');
  const errors = probes.flatMap((probe) => (probe.status === 'unreachable' ? [probe.error] : []));
  const roundTripMs = median(answers.map((answer) => answer.roundTripMs));
  const serverVersion = answers[0]?.serverVersion ?? null;
  const base = { endpoint, kind, url, answered: answers.length, probes: probes.length, roundTripMs, serverVersion };
  const name = `${endpoint === 'primary' ? 'Primary' : 'Backup'} ${NAMES[kind]}`;
  if (answers.length === 0) {
    return {
      ...base,
      verdict: 'fail',
      detail: errors[0] ?? `${name} did not answer. Check that it is running and that this computer can reach it.`,
    };
  }
  if (answers.length < probes.length) {
    return {
      ...base,
      verdict: 'warn',
      detail:
        `${name} answered ${answers.length} of ${probes.length} checks: the network or the server is unsteady. ${errors[0] ?? ''}`.trim(),
    };
  }
  if (roundTripMs !== null && roundTripMs > PREFLIGHT_SLOW_MS) {
    return {
      ...base,
      verdict: 'warn',
      detail: `${name} answers slowly (${Math.round(roundTripMs)} ms): the conversation will lag. A wired connection or a closer server helps.`,
    };
  }
  return { ...base, verdict: 'pass', detail: `${name} answered every check.` };
}

/** Probes every server of `targets` `probes` times (one after another per server, servers in parallel) and judges each. */
export async function runNetworkPreflight(
  targets: readonly PreflightTarget[],
  prober: ServerProber,
  clock: Clock,
  probes: number,
): Promise<NetworkPreflight> {
  const checkServer = async (target: PreflightTarget, kind: ServerKind): Promise<PreflightServerLine> => {
    const results: ServerProbe[] = [];
    for (let attempt = 0; attempt < probes; attempt += 1) {
      results.push(kind === 'janus' ? await prober.probeJanus(target.config.janus) : await prober.probeIcecast(target.config.icecast));
    }
    return judgeServer(target.endpoint, kind, target.urls[kind], results);
  };
  const lines = await Promise.all(targets.flatMap((target) => [checkServer(target, 'janus'), checkServer(target, 'icecast')]));
  return { checkedAt: clock.now(), lines };
}

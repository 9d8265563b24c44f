import type { CommandResult } from '../../shared/contract';
import { formatUplinkRate } from '../../shared/preflight';
import type { EndpointName } from '../../shared/state';
import type { Clock } from '../clock';
import type { EndpointConfig } from '../config';
import { EngineCommandError } from '../engine-errors';
import type { Logger } from '../log/logger';
import { redactUrl } from '../redact';
import type { ServerProber } from '../servers/prober';
import { runNetworkPreflight } from './network-preflight';
import { judgeUplink, startUplinkCheck, type UplinkCheck } from './uplink-check';

/** What the preflight's server and uplink checks read from the engine. */
export interface PreflightDeps {
  readonly prober: ServerProber;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  /** The running space's endpoints (they change when another space is used). */
  endpoints(): ReadonlyMap<EndpointName, EndpointConfig>;
  /** The saved program bitrate, for an uplink check that names none. */
  savedBitrateKbps(): number;
  /** True while a show is on air or starting. */
  onAir(): boolean;
}

/**
 * The preflight's engine side: every server of both endpoints probed, and the upload measured
 * against the primary Icecast. One uplink check at a time; UIs asking meanwhile share it.
 */
export class PreflightChecks {
  private uplinkCheck: UplinkCheck | null = null;

  constructor(private readonly deps: PreflightDeps) {}

  /** Probes every server of the space's endpoints `probes` times each. */
  async network(probes: number): Promise<CommandResult<'preflight:network'>> {
    const endpoints = this.deps.endpoints();
    if (endpoints.size === 0)
      throw new EngineCommandError(
        'This space has no servers to check: add the primary (and backup) Janus and Icecast in the space settings.',
      );
    const targets = [...endpoints].map(([endpoint, config]) => ({
      endpoint,
      config,
      urls: { janus: redactUrl(config.janus.url), icecast: redactUrl(config.icecast.mountUrl) },
    }));
    const result = await runNetworkPreflight(targets, this.deps.prober, this.deps.clock, probes);
    for (const line of result.lines) {
      const rtt = line.roundTripMs === null ? 'no answer' : `${Math.round(line.roundTripMs)} ms`;
      this.deps.logger[line.verdict === 'pass' ? 'info' : 'warn'](
        `preflight ${line.endpoint} ${line.kind}: ${line.verdict} (${line.answered}/${line.probes} answered, ${rtt})`,
      );
    }
    return result;
  }

  /**
   * Measures the upload to the primary Icecast (the backup's when there is no primary) and judges it
   * against the program bitrate (the saved one unless the command names one) × Icecast outputs + the
   * conversation. Refused on air: the check would take the program's bandwidth.
   */
  async uplink(bitrateKbps: number | undefined): Promise<CommandResult<'preflight:uplink'>> {
    const endpoints = this.deps.endpoints();
    const endpoint = endpoints.get('primary') ?? endpoints.get('backup');
    if (endpoint === undefined)
      throw new EngineCommandError(
        'This space has no Icecast server to measure the upload against: add the primary (and backup) mount URL in the space settings.',
      );
    if (this.deps.onAir()) {
      throw new EngineCommandError(
        'The upload is not measured while a show is on air: the check would take bandwidth from the program. Watch the outputs’ backlog instead.',
      );
    }
    const need = { bitrateKbps: bitrateKbps ?? this.deps.savedBitrateKbps(), outputs: endpoints.size };
    const check =
      this.uplinkCheck ??
      startUplinkCheck({
        mountUrl: endpoint.icecast.mountUrl,
        clock: this.deps.clock,
        random: this.deps.random,
        logger: this.deps.logger.child('uplink'),
      });
    this.uplinkCheck = check;
    const measurement = await check.result;
    if (this.uplinkCheck === check) this.uplinkCheck = null;
    const result = judgeUplink(measurement, need, this.deps.clock.now());
    const measured = result.kbitPerSecond === null ? 'not measured' : formatUplinkRate(result.kbitPerSecond, result.atLeast);
    this.deps.logger[result.verdict === 'pass' ? 'info' : 'warn'](
      `preflight uplink: ${result.verdict} (${measured} to ${result.server}; needs ${result.neededKbit} kbit/s = ${need.bitrateKbps} kbit/s × ${need.outputs} + conversation)${result.verdict === 'pass' ? '' : `: ${result.detail}`}`,
    );
    return result;
  }

  /** Stops a running uplink check: the program is starting and needs the bandwidth. */
  cancelUplink(): void {
    this.uplinkCheck?.cancel();
  }
}

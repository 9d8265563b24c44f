import type { OutputStatus } from '../shared/broadcast';
import { assertNever } from '../shared/assert-never';

/*
 * What `steadycast broadcast` tells a person about its outputs, as a pure function of their
 * states: "On air" only once an output is really live, each failure once (a retry that fails the
 * same way, or giving up after it, says nothing new), and whether the show ever reached anyone.
 */

/** What the report remembers between two looks at the outputs. */
export interface OutputReport {
  /** True once any output has been live: the show reached the audience at least once. */
  everLive: boolean;
  /** Per output id: whether it is live now, and the failure last told for it (null after it went live). */
  outputs: Map<string, { live: boolean; wasLive: boolean; toldFailure: string | null; stopped: boolean }>;
}

/** A report before any output has been seen. */
export function newOutputReport(): OutputReport {
  return { everLive: false, outputs: new Map() };
}

/** One line for a person: `tell` on stdout, `warn` a failure. */
export interface ReportLine {
  kind: 'tell' | 'warn';
  text: string;
}

/** The lines the outputs' current states call for, given what was already said (updates `report`). */
export function reportOutputs(report: OutputReport, outputs: readonly OutputStatus[]): ReportLine[] {
  const lines: ReportLine[] = [];
  for (const output of outputs) {
    const where = `${output.label} (${output.url})`;
    const seen = report.outputs.get(output.id) ?? { live: false, wasLive: false, toldFailure: null, stopped: false };
    report.outputs.set(output.id, seen);
    const state = output.state;
    switch (state.status) {
      case 'connecting':
        break;
      case 'live':
        if (seen.live) break;
        lines.push({
          kind: 'tell',
          text: report.everLive ? `${where} is live${seen.wasLive ? ' again' : ''}.` : `On air: ${where} is live.`,
        });
        report.everLive = true;
        seen.live = true;
        seen.wasLive = true;
        seen.toldFailure = null;
        break;
      case 'retrying':
        seen.live = false;
        if (seen.toldFailure === state.error) break;
        seen.toldFailure = state.error;
        lines.push({ kind: 'warn', text: `${where} is ${seen.wasLive ? 'down' : 'not live'}, retrying: ${state.error}` });
        break;
      case 'stopped':
        seen.live = false;
        if (seen.stopped || state.reason === 'requested') break;
        seen.stopped = true;
        lines.push({
          kind: 'warn',
          text:
            seen.toldFailure === state.message
              ? `${where} gave up: the failure above will not go away by retrying.`
              : `${where} stopped: ${state.message}`,
        });
        seen.toldFailure = state.message;
        break;
      default:
        assertNever(state);
    }
  }
  return lines;
}

import { countOf, describeServersReporting, describeWhoIsCounted } from '../../../electron/shared/listener-words';
import type { ListenerReading } from '../../../electron/shared/listeners';
import type { StatusTone } from '../../components/status-pill';
import { formatCount } from '../../components/format';

/* The listener panel's words, from the shared plain words of electron/shared/listener-words.ts. */

/** Whether every server reports: "1 server reporting", "1 of 2 servers reporting", "No server reporting". */
export function describeCoverage(reading: Pick<ListenerReading, 'coveredOutlets' | 'totalOutlets'> | null): {
  tone: StatusTone;
  text: string;
} {
  if (reading === null) return { tone: 'neutral', text: 'No reading yet' };
  const text = describeServersReporting(reading);
  return { tone: reading.coveredOutlets === 0 ? 'bad' : reading.coveredOutlets < reading.totalOutlets ? 'warn' : 'ok', text };
}

/**
 * The words under the big number (the connections): "listeners now", "connections from 1 listener"
 * when listeners can be told apart, and which servers were counted when not all.
 */
export function describeTotal(reading: Pick<ListenerReading, 'total' | 'coveredOutlets' | 'totalOutlets' | 'uniqueEstimate'>): string {
  const { coveredOutlets: covered, totalOutlets: outlets } = reading;
  if (covered === 0) return 'not counted: no server reporting';
  const words = describeWhoIsCounted(reading);
  const who = words === 'listener' || words === 'listeners' ? `${words} now` : words;
  return covered < outlets ? `${who} · ${formatCount(covered)} of ${countOf(outlets, 'server')} counted` : who;
}

/** The whole count in one phrase, e.g. for a status line: "2 connections from 1 listener". */
export function describeListenerCount(
  reading: Pick<ListenerReading, 'total' | 'coveredOutlets' | 'totalOutlets' | 'uniqueEstimate'>,
): string {
  return reading.coveredOutlets === 0 ? 'Not counted: no server reporting' : `${formatCount(reading.total)} ${describeTotal(reading)}`;
}

import type { ListenerReading } from '../../../electron/shared/listeners';
import type { StatusTone } from '../../components/status-pill';
import { formatCount } from '../../components/format';

/*
 * The listener counts in plain words, as pure functions of a reading: servers that report (an
 * outlet is one server's mount), connections (what Icecast counts) and listeners (connections
 * told apart by address and player, when the credentials allow it).
 */

const plural = (count: number, one: string, many = `${one}s`): string => `${formatCount(count)} ${count === 1 ? one : many}`;

/** Whether every server reports: "1 server reporting", "1 of 2 servers reporting", "No server reporting". */
export function describeCoverage(reading: Pick<ListenerReading, 'coveredOutlets' | 'totalOutlets'> | null): { tone: StatusTone; text: string } {
  if (reading === null) return { tone: 'neutral', text: 'No reading yet' };
  const { coveredOutlets: covered, totalOutlets: outlets } = reading;
  if (outlets === 0) return { tone: 'bad', text: 'No server to count' };
  if (covered === 0) return { tone: 'bad', text: 'No server reporting' };
  if (covered < outlets) return { tone: 'warn', text: `${formatCount(covered)} of ${plural(outlets, 'server')} reporting` };
  return { tone: 'ok', text: `${plural(outlets, 'server')} reporting` };
}

/**
 * The words under the big number (the connections): "listening now", "connections from 1 listener"
 * when listeners can be told apart, and which servers were counted when not all.
 */
export function describeTotal(reading: Pick<ListenerReading, 'total' | 'coveredOutlets' | 'totalOutlets' | 'uniqueEstimate'>): string {
  const { total, coveredOutlets: covered, totalOutlets: outlets, uniqueEstimate } = reading;
  if (covered === 0) return 'not counted: no server reporting';
  const who =
    uniqueEstimate === null || uniqueEstimate === total
      ? `${total === 1 ? 'listener' : 'listeners'} now`
      : `${total === 1 ? 'connection' : 'connections'} from ${plural(uniqueEstimate, 'listener')}`;
  return covered < outlets ? `${who} · ${formatCount(covered)} of ${plural(outlets, 'server')} counted` : who;
}

/** The whole count in one phrase, e.g. for a status line: "2 connections from 1 listener". */
export function describeListenerCount(reading: Pick<ListenerReading, 'total' | 'coveredOutlets' | 'totalOutlets' | 'uniqueEstimate'>): string {
  return reading.coveredOutlets === 0 ? 'Not counted: no server reporting' : `${formatCount(reading.total)} ${describeTotal(reading)}`;
}

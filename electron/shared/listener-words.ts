import type { ListenerReading } from './listeners';

/*
 * Listener counts in plain words, the same in the window and the terminal: servers that report (an
 * outlet is one server's mount), connections (what Icecast counts) and listeners (connections told
 * apart by address and player, when the credentials allow it).
 */

/** "1 server", "2,000 listeners". */
export function countOf(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/** "1 server reporting", "1 of 2 servers reporting", "No server reporting", "No server to count". */
export function describeServersReporting({
  coveredOutlets: covered,
  totalOutlets: outlets,
}: Pick<ListenerReading, 'coveredOutlets' | 'totalOutlets'>): string {
  if (outlets === 0) return 'No server to count';
  if (covered === 0) return 'No server reporting';
  return covered < outlets
    ? `${covered.toLocaleString('en-US')} of ${countOf(outlets, 'server')} reporting`
    : `${countOf(outlets, 'server')} reporting`;
}

/** The words after the total: "listeners", or "connections from 1 listener" when listeners can be told apart. */
export function describeWhoIsCounted({ total, uniqueEstimate }: Pick<ListenerReading, 'total' | 'uniqueEstimate'>): string {
  return uniqueEstimate === null || uniqueEstimate === total
    ? total === 1
      ? 'listener'
      : 'listeners'
    : `${total === 1 ? 'connection' : 'connections'} from ${countOf(uniqueEstimate, 'listener')}`;
}

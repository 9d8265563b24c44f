import type { ListenPageSource } from '../../electron/shared/listen-page';

/*
 * Which server a listener connects to, when a space lists relays (an Icecast master/relay tree):
 * a pure rule the player follows, with the random numbers passed in.
 *
 * Each endpoint's relays come first, in a random order weighted by capacity (a relay with twice the
 * capacity is twice as likely to be tried first, so listeners spread in proportion to what each
 * relay can take), then the endpoint's own mount; the primary's all come before the backup's. A
 * connection that fails, is refused (Icecast answers 403 when a relay is full) or stalls moves the
 * listener to the next target in this order (source-rule.ts says when); after a whole round the
 * order is drawn again.
 */

/** One place the page can connect to. */
export interface ListenTarget {
  /** The source (endpoint) it belongs to: 0 primary, 1 backup. */
  readonly source: number;
  readonly url: string;
  /** The relay's index in its source's list; null for the endpoint's own mount. */
  readonly relay: number | null;
}

/**
 * `items` in a random order where each item's chance of coming before the others is proportional to
 * its weight (successive weighted draws without replacement). Items of weight 0 (or less) come last,
 * in their given order.
 */
export function weightedOrder<T>(items: readonly T[], weight: (item: T) => number, random: () => number): T[] {
  const left = items.filter((item) => weight(item) > 0);
  const zero = items.filter((item) => !(weight(item) > 0));
  const order: T[] = [];
  while (left.length > 0) {
    const total = left.reduce((sum, item) => sum + weight(item), 0);
    let point = random() * total;
    let chosen = left.length - 1;
    for (let i = 0; i < left.length; i += 1) {
      point -= weight(left[i] as T);
      if (point < 0) {
        chosen = i;
        break;
      }
    }
    order.push(...left.splice(chosen, 1));
  }
  return [...order, ...zero];
}

/** Every target in the order to try: each source's relays (weighted by capacity), then its own mount; primary first. */
export function listenTargets(sources: readonly ListenPageSource[], random: () => number): ListenTarget[] {
  return sources.flatMap((source, index) => {
    const relays = (source.relays ?? []).map((relay, relayIndex) => ({ relay, relayIndex }));
    const ordered = weightedOrder(relays, (entry) => entry.relay.capacity, random);
    return [
      ...ordered.map(({ relay, relayIndex }) => ({ source: index, url: relay.url, relay: relayIndex })),
      { source: index, url: source.url, relay: null },
    ];
  });
}

import type { ListenPageConfig, ListenPageRelay, ListenPageSource } from '../../electron/shared/listen-page';

/** Checks listen-config.json; throws a message a listener (or whoever hosts the page) can act on. */
export function parseListenConfig(value: unknown): ListenPageConfig {
  const bad = (what: string): never => {
    throw new Error(`listen-config.json ${what}: write it again with "steadycast listen-link".`);
  };
  if (typeof value !== 'object' || value === null) return bad('is not a JSON object');
  const { name, sources, stallMs, statusEveryMs } = value as Record<string, unknown>;
  if (typeof name !== 'string') return bad('has no name');
  if (!Array.isArray(sources) || sources.length === 0) return bad('lists no stream');
  const checked: ListenPageSource[] = sources.map((source: unknown) => {
    const { label, url, statusUrl, relays } = (source ?? {}) as Record<string, unknown>;
    if (typeof label !== 'string' || typeof url !== 'string' || typeof statusUrl !== 'string')
      return bad('has a stream without label, url and statusUrl');
    if (relays !== undefined && !Array.isArray(relays)) return bad(`has relays for ${label} that are not a list`);
    const checkedRelays: ListenPageRelay[] = (relays ?? []).map((relay: unknown) => {
      const { url: relayUrl, capacity } = (relay ?? {}) as Record<string, unknown>;
      if (typeof relayUrl !== 'string' || typeof capacity !== 'number' || !(capacity >= 0))
        return bad(`has a relay of ${label} without url and capacity (a number ≥ 0)`);
      return { url: relayUrl, capacity };
    });
    for (const link of [url, statusUrl, ...checkedRelays.map((relay) => relay.url)]) {
      const protocol = URL.canParse(link) ? new URL(link).protocol : '';
      if (protocol !== 'http:' && protocol !== 'https:') return bad(`has a stream URL that is not http(s): ${link}`);
    }
    return checkedRelays.length > 0 ? { label, url, statusUrl, relays: checkedRelays } : { label, url, statusUrl };
  });
  const positive = (field: unknown, fallback: number): number =>
    typeof field === 'number' && Number.isFinite(field) && field > 0 ? field : fallback;
  return { name, sources: checked, stallMs: positive(stallMs, 1500), statusEveryMs: positive(statusEveryMs, 5000) };
}

import type { ListenPageConfig, ListenPageSource } from '../../electron/shared/listen-page';

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
    const { label, url, statusUrl } = (source ?? {}) as Record<string, unknown>;
    if (typeof label !== 'string' || typeof url !== 'string' || typeof statusUrl !== 'string') return bad('has a stream without label, url and statusUrl');
    for (const link of [url, statusUrl]) {
      const protocol = URL.canParse(link) ? new URL(link).protocol : '';
      if (protocol !== 'http:' && protocol !== 'https:') return bad(`has a stream URL that is not http(s): ${link}`);
    }
    return { label, url, statusUrl };
  });
  const positive = (field: unknown, fallback: number): number => (typeof field === 'number' && Number.isFinite(field) && field > 0 ? field : fallback);
  return { name, sources: checked, stallMs: positive(stallMs, 1500), statusEveryMs: positive(statusEveryMs, 5000) };
}

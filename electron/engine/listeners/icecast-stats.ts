import { XMLParser } from 'fast-xml-parser';

/*
 * Parsers for what Icecast 2.4 says about its mounts. Everything here is pure and total: any input
 * either parses into these shapes or throws a StatsParseError that says what was wrong.
 *
 *   /status-json.xsl            public; `source` absent, one object, or an array; may be invalid JSON
 *   /admin/stats                XML; every mount with <source mount="…">; needs credentials
 *   /admin/listclients?mount=   XML; every client of one mount with IP and user agent; needs credentials
 *   STATS /admin/stats          a stream of `EVENT <mount|global> <key> <value>` lines; admin credentials
 *
 * A mount whose source left keeps a stub entry (listeners, listenurl, max_listeners only) until
 * its stats are cleared: it has no `stream_start`, and its listeners are not counted.
 */

/** One mount as the statistics describe it. */
export interface MountStats {
  /** Mount path, e.g. `/live.opus`. */
  readonly mount: string;
  /** Connections Icecast counts as listeners, relays included; 0 for a stub. */
  readonly listeners: number;
  /** False for a stub left behind by a source that disconnected. */
  readonly sourceLive: boolean;
}

/** What `/status-json.xsl` or `/admin/stats` said. */
export interface ServerStats {
  readonly serverId: string | null;
  readonly mounts: readonly MountStats[];
  /** True when the JSON was invalid and had to be repaired (e.g. a bare `-` value). */
  readonly repaired: boolean;
}

/** One client of a mount from `/admin/listclients`. */
export interface MountClient {
  readonly id: string;
  readonly ip: string;
  readonly userAgent: string;
  /** True for another Icecast server pulling this mount (a relay), which is not a listener. */
  readonly relay: boolean;
}

/** What `/admin/listclients?mount=` said. */
export interface MountClients {
  readonly mount: string;
  readonly clients: readonly MountClient[];
}

/** One line of the `STATS` event stream. */
export interface StatsEvent {
  /** `global` or a mount path. */
  readonly scope: string;
  readonly key: string;
  readonly value: string;
}

/** A statistics document that cannot be read, with what was wrong. */
export class StatsParseError extends Error {
  override readonly name = 'StatsParseError';
}

/** Relays identify themselves as `Icecast 2.4.4` (or `Icecast 2.4.0-kh…`); players never do. */
export function isRelayUserAgent(userAgent: string): boolean {
  return /^icecast\b/i.test(userAgent.trim());
}

/** Parses `/status-json.xsl`, repairing the invalid JSON Icecast 2.4 emits for values like `-`. */
export function parseStatusJson(text: string): ServerStats {
  let json: unknown;
  let repaired = false;
  try {
    json = JSON.parse(text);
  } catch {
    try {
      json = JSON.parse(repairStatusJson(text));
      repaired = true;
    } catch (error) {
      throw new StatsParseError(
        `status-json.xsl is not JSON even after repair (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  const icestats = isRecord(json) ? json['icestats'] : undefined;
  if (!isRecord(icestats)) throw new StatsParseError('status-json.xsl has no "icestats" object: is this an Icecast server?');
  const sources = icestats['source'];
  const entries = sources === undefined || sources === null ? [] : Array.isArray(sources) ? sources : [sources];
  const mounts: MountStats[] = [];
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    const mount = mountFromListenUrl(entry['listenurl']);
    if (mount === null) continue;
    const sourceLive = entry['stream_start'] !== undefined || entry['stream_start_iso8601'] !== undefined;
    mounts.push({ mount, listeners: sourceLive ? count(entry['listeners']) : 0, sourceLive });
  }
  const serverId = icestats['server_id'];
  return { serverId: typeof serverId === 'string' ? serverId : null, mounts, repaired };
}

/**
 * Makes Icecast 2.4's status-json parseable: its XSLT writes any value that is not a quoted
 * string as-is, so `"title": -` or `"title": ,` appear; and right after start it can drop the `{`
 * after `"icestats":`. Quotes bare values and escapes raw control characters; strings stay intact.
 */
export function repairStatusJson(text: string): string {
  const source = text.replace(/^(\s*\{\s*"icestats"\s*:\s*)(?=")/, '$1{');
  const validValue = /\s*(?:"|-?\d|\{|\[|true\b|false\b|null\b)/y;
  let out = '';
  let inString = false;
  for (let i = 0; i < source.length; i += 1) {
    const ch = source.charAt(i);
    if (inString) {
      if (ch === '\\') {
        out += ch + source.charAt(i + 1);
        i += 1;
      } else if (ch === '"') {
        inString = false;
        out += ch;
      } else {
        out += ch < ' ' ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch;
      }
      continue;
    }
    out += ch;
    if (ch === '"') {
      inString = true;
    } else if (ch === ':') {
      validValue.lastIndex = i + 1;
      if (validValue.test(source)) continue;
      let end = i + 1;
      while (end < source.length && !',}]'.includes(source.charAt(end))) end += 1;
      out += JSON.stringify(source.slice(i + 1, end).trim());
      i = end - 1;
    }
  }
  return out;
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Built-in entities (&amp; in user agents) count as expansions: allow one per client of a large mount.
  processEntities: { enabled: true, maxTotalExpansions: 1_000_000, maxExpandedLength: 64 * 1024 * 1024 },
  isArray: (name) => name === 'source' || name === 'listener',
});

/** Parses `/admin/stats` (XML): every mount, stubs marked. */
export function parseAdminStats(text: string): ServerStats {
  const icestats = parseIcestats(text, '/admin/stats');
  const mounts: MountStats[] = [];
  for (const entry of arrayOf(icestats['source'])) {
    if (!isRecord(entry)) continue;
    const mount = entry['@mount'];
    if (typeof mount !== 'string' || !mount.startsWith('/')) continue;
    const sourceLive = entry['stream_start'] !== undefined || entry['stream_start_iso8601'] !== undefined;
    mounts.push({ mount, listeners: sourceLive ? count(entry['listeners']) : 0, sourceLive });
  }
  const serverId = icestats['server_id'];
  return { serverId: typeof serverId === 'string' ? serverId : null, mounts, repaired: false };
}

/** Parses `/admin/listclients?mount=` (XML): every client, relays marked. */
export function parseListClients(text: string, mount: string): MountClients {
  const icestats = parseIcestats(text, '/admin/listclients');
  const source =
    arrayOf(icestats['source']).find((entry) => isRecord(entry) && entry['@mount'] === mount) ?? arrayOf(icestats['source'])[0];
  if (!isRecord(source)) throw new StatsParseError(`/admin/listclients has no <source> for ${mount}`);
  const clients: MountClient[] = [];
  for (const listener of arrayOf(source['listener'])) {
    if (!isRecord(listener)) continue;
    const userAgent = textOf(listener['UserAgent']);
    clients.push({ id: textOf(listener['ID']), ip: textOf(listener['IP']), userAgent, relay: isRelayUserAgent(userAgent) });
  }
  return { mount, clients };
}

/** Parses one line of the `STATS` stream; null for anything that is not an `EVENT`. */
export function parseStatsEvent(line: string): StatsEvent | null {
  const match = /^EVENT (\S+) (\S+)(?: (.*))?$/.exec(line.trimEnd());
  if (!match) return null;
  return { scope: match[1] ?? '', key: match[2] ?? '', value: match[3] ?? '' };
}

function parseIcestats(text: string, what: string): Record<string, unknown> {
  let document: unknown;
  try {
    document = xml.parse(text);
  } catch (error) {
    throw new StatsParseError(`${what} is not valid XML (${error instanceof Error ? error.message : String(error)})`);
  }
  const icestats = isRecord(document) ? document['icestats'] : undefined;
  // An empty <icestats/> parses as '' : no mounts.
  if (icestats === '') return {};
  if (!isRecord(icestats)) throw new StatsParseError(`${what} has no <icestats> element: is this an Icecast server?`);
  return icestats;
}

function mountFromListenUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const path = new URL(value).pathname;
    return path.length > 1 ? decodeURIComponent(path) : null;
  } catch {
    const match = /^[a-z]+:\/\/[^/]*(\/.+)$/i.exec(value) ?? /^(\/.+)$/.exec(value);
    return match?.[1] ?? null;
  }
}

/** A listener count from any value: numbers and numeric strings; anything else (`-`, null, negative) is 0. */
function count(value: unknown): number {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : 0;
  return Number.isFinite(number) && number > 0 ? Math.floor(number) : 0;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isRecord(value) && typeof value['#text'] === 'string') return value['#text'];
  return '';
}

function arrayOf(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

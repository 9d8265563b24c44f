import type { ListenLink } from '../../shared/failover';
import type { ListenPageConfig } from '../../shared/listen-page';
import type { EngineConfig } from '../config';

/*
 * The space's listen link, generated from the space configuration: an `.m3u` and a `.pls` playlist
 * listing the primary mount, then the backup (players that move to the next entry when a stream
 * ends follow the show), and the configuration of the listen page (renderer/listen, built once
 * by `npm run build` into out/listen/ and the same for every space): its name, streams and the
 * servers' public status URLs. Only public listen URLs appear: never a password, never a source or
 * admin credential.
 */

/** One place the audience can listen. */
export interface ListenSource {
  readonly label: string;
  /** The public stream URL. */
  readonly url: string;
}

/** The listen URL of a mount: `listenUrl` when set, else the mount URL without credentials, query or fragment. */
export function publicListenUrl(icecast: { mountUrl: string; listenUrl?: string | undefined }): string {
  const url = new URL(icecast.listenUrl ?? icecast.mountUrl);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** The space's listen sources: primary, then backup. */
export function listenSources(space: EngineConfig['space']): ListenSource[] {
  const sources: ListenSource[] = [];
  if (space.primary) sources.push({ label: 'Primary', url: publicListenUrl(space.primary.icecast) });
  if (space.backup) sources.push({ label: 'Backup', url: publicListenUrl(space.backup.icecast) });
  return sources;
}

/** Playlist titles are one line: no line breaks, no control characters. */
function oneLine(text: string): string {
  return Array.from(text, (char) => (char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127 ? ' ' : char))
    .join('')
    .trim();
}

/** An extended M3U playlist: primary first, then backup. */
export function m3uPlaylist(name: string, sources: readonly ListenSource[]): string {
  const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(name)}`];
  for (const source of sources) lines.push(`#EXTINF:-1,${oneLine(name)} (${source.label.toLowerCase()})`, source.url);
  return `${lines.join('\n')}\n`;
}

/** A PLS (version 2) playlist: primary first, then backup. */
export function plsPlaylist(name: string, sources: readonly ListenSource[]): string {
  const lines = ['[playlist]'];
  sources.forEach((source, index) => {
    const n = index + 1;
    lines.push(`File${n}=${source.url}`, `Title${n}=${oneLine(name)} (${source.label.toLowerCase()})`, `Length${n}=-1`);
  });
  lines.push(`NumberOfEntries=${sources.length}`, 'Version=2');
  return `${lines.join('\n')}\n`;
}

/** Timing of the listen page; the defaults suit a live stream. */
export interface ListenPageTiming {
  /** A connection that sends no bytes for this long counts as failed (default 1500 ms: Icecast sends a page every 100 ms or so). */
  readonly stallMs: number;
  /** How often the page reads the servers' status (default 5000 ms). */
  readonly statusEveryMs: number;
}

export const DEFAULT_LISTEN_PAGE_TIMING: ListenPageTiming = { stallMs: 1500, statusEveryMs: 5000 };

/** The public status URL of the server a stream comes from (Icecast's status-json.xsl at its origin). */
export function statusUrlOf(streamUrl: string): string {
  return `${new URL(streamUrl).origin}/status-json.xsl`;
}

/** The listen page's configuration (listen-config.json). */
export function listenPageConfig(
  name: string,
  sources: readonly ListenSource[],
  timing: ListenPageTiming = DEFAULT_LISTEN_PAGE_TIMING,
): ListenPageConfig {
  return {
    name,
    sources: sources.map((source) => ({ label: source.label, url: source.url, statusUrl: statusUrlOf(source.url) })),
    stallMs: timing.stallMs,
    statusEveryMs: timing.statusEveryMs,
  };
}

/** The listen link of a space: both playlists and the listen page's configuration (JSON text). */
export function listenLinkOf(space: EngineConfig['space'], timing?: ListenPageTiming): ListenLink {
  const sources = listenSources(space);
  return {
    m3u: m3uPlaylist(space.name, sources),
    pls: plsPlaylist(space.name, sources),
    config: `${JSON.stringify(listenPageConfig(space.name, sources, timing), null, 2)}\n`,
  };
}

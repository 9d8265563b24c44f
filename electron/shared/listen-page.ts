/*
 * The listen page's configuration: written by the engine (`steadycast listen-link`), read by the page
 * (renderer/listen). Plain types, no runtime library, so the page bundle stays small.
 */

/** One stream the listen page can play. */
export interface ListenPageSource {
  readonly label: string;
  /** The public stream URL. */
  readonly url: string;
  /** The server's public status (Icecast's status-json.xsl), for the space's state and listener count. */
  readonly statusUrl: string;
  /** Relays of this endpoint's mount (an Icecast master/relay tree), tried before the mount itself. */
  readonly relays?: readonly ListenPageRelay[];
}

/** A relay of an endpoint's mount and how many listeners it takes. */
export interface ListenPageRelay {
  /** The relay's public stream URL. */
  readonly url: string;
  /** Its listener limit: listeners are spread over the relays in proportion to it. */
  readonly capacity: number;
}

/** What the listen page reads from listen-config.json beside it: the space's name and streams, primary first. */
export interface ListenPageConfig {
  readonly name: string;
  readonly sources: readonly ListenPageSource[];
  /** No bytes for this long on a playing connection counts as a failure (ms). */
  readonly stallMs: number;
  /** How often the page reads the servers' status (ms). */
  readonly statusEveryMs: number;
}

/** The file the listen page reads its configuration from. */
export const LISTEN_PAGE_CONFIG_FILE = 'listen-config.json';

import { createLogger, type Logger } from '../engine/log/logger';
import type { EventPayload } from '../shared/contract';
import { INVITE_LINK_PREFIX, MAX_INVITE_CODE_LENGTH } from '../shared/conversation';

/*
 * `steadycast://join/<code>` links, as each platform hands them to the app:
 *   - Windows and Linux start the app with the URL as an argument: in `process.argv` of the first
 *     launch, and in the `second-instance` event's argv when the app already runs. Chromium adds
 *     its own switches to that argv (`--allow-file-access-from-files`, `--original-process-start-time=…`),
 *     a shell may keep the quotes, and some launchers add a trailing slash.
 *   - macOS sends an `open-url` event instead, to the running app or (on a cold start) before `ready`.
 * The code carries the invite's token: it is handed to the window and never written to the log.
 * Main only recognises the link; the engine decodes and checks the code (`invites:preview`).
 */

const log = createLogger('deep-link');

/** The URL scheme Steadycast registers with the operating system. */
export const DEEP_LINK_SCHEME = 'steadycast';

/** What an opened `steadycast:` link comes to, as sent to the window in `invites:opened`. */
export type OpenedLink = EventPayload<'invites:opened'>;

/** Where a link came from (for the log). */
export type DeepLinkSource = 'launch' | 'second-launch' | 'open-url';

/** The problem shown for a `steadycast:` link that is not a join link. */
export const NOT_AN_INVITE_LINK =
  'This link is not a Steadycast invite: an invite link starts with steadycast://join/. Ask the host to send the invite again.';
const NO_CODE = 'This invite link is incomplete: it has no invite code. Ask the host to send the invite again and copy the whole link.';
const TOO_LONG = 'This link is longer than any Steadycast invite: ask the host to send the invite again.';

const SCHEME = /^steadycast:/i;
const QUOTES = /^["']+|["']+$/g;
/** `join/<code>` after the scheme's slashes, with any number of trailing slashes. */
const JOIN_PATH = /^join(?:\/+([^/\s]*))?\/*$/i;

/**
 * Reads one URL or argument: `null` when it is not a `steadycast:` link at all, the invite link
 * (normalised to `steadycast://join/<code>`, the code's case kept) when it is a join link, else
 * the problem to show.
 */
export function parseDeepLink(raw: string): OpenedLink | null {
  const text = raw.trim().replace(QUOTES, '').trim();
  if (!SCHEME.test(text)) return null;
  const path = text.slice(`${DEEP_LINK_SCHEME}:`.length).replace(/^\/+/, '');
  const match = JOIN_PATH.exec(path);
  if (!match) return { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK };
  const code = match[1] ?? '';
  if (code === '') return { kind: 'not-an-invite', problem: NO_CODE };
  const link = `${INVITE_LINK_PREFIX}${code}`;
  if (link.length > MAX_INVITE_CODE_LENGTH) return { kind: 'not-an-invite', problem: TOO_LONG };
  return { kind: 'invite', link };
}

/**
 * The `steadycast:` link in a command line (first launch or `second-instance`), or `null` when it
 * has none. Switches (`-…`, `--…`) are skipped wherever Chromium put them; the first link counts.
 */
export function deepLinkFromArgv(argv: readonly string[]): OpenedLink | null {
  for (const argument of argv) {
    if (argument.startsWith('-')) continue;
    const opened = parseDeepLink(argument);
    if (opened) return opened;
  }
  return null;
}

/** Most links kept while the window is not ready (a burst of clicks keeps its latest ones). */
export const MAX_PENDING_LINKS = 5;

/** Opened links on their way to the window. */
export interface DeepLinkInbox {
  /** Logs that a link arrived (never the link), then delivers it now or once the window is ready. */
  receive(opened: OpenedLink, source: DeepLinkSource): void;
  /** Delivers what waits, when the window became ready; nothing when it still is not. */
  flush(): void;
  /** How many links wait for the window. */
  pending(): number;
}

/**
 * Queues opened links until `target()` returns a ready window (its page loaded, so the renderer
 * listens), then hands them over oldest first.
 */
export function createDeepLinkInbox(target: () => ((opened: OpenedLink) => void) | null, logger: Logger = log): DeepLinkInbox {
  const queue: OpenedLink[] = [];
  const flush = (): void => {
    if (queue.length === 0) return;
    const deliver = target();
    if (!deliver) return;
    for (const opened of queue.splice(0)) deliver(opened);
  };
  return {
    receive(opened, source) {
      logger.info(
        opened.kind === 'invite' ? `an invite link arrived (${source})` : `a steadycast: link that is not an invite arrived (${source})`,
      );
      queue.push(opened);
      if (queue.length > MAX_PENDING_LINKS) queue.splice(0, queue.length - MAX_PENDING_LINKS);
      flush();
    },
    flush,
    pending: () => queue.length,
  };
}

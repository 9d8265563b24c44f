import { createLogger, type Logger } from '../engine/log/logger';
import type { EngineEvent } from '../shared/contract';
import {
  createDeepLinkInbox,
  deepLinkFromArgv,
  NOT_AN_INVITE_LINK,
  parseDeepLink,
  type DeepLinkSource,
  type OpenedLink,
} from './deep-link';
import type { AppLike } from './electron-api';
import type { MainWindow } from './main-window';

/** The main window as links need it. */
export type DeepLinkWindow = Pick<MainWindow, 'current' | 'page' | 'open' | 'bringToFront'>;

/** Links on their way from the operating system to the window. */
export interface DeepLinkRouter {
  /** From now on links go to `window` (once its page is ready), opening it when there is none. */
  attach(window: DeepLinkWindow): void;
  /** Delivers waiting links; call when the window's page has loaded. */
  flush(): void;
  /** How many links wait for the window. */
  pending(): number;
}

/**
 * Listens for `steadycast:` links on every way in (the first launch's argv, a second launch's
 * argv, macOS `open-url`) from before `ready` on; each ends as one `invites:opened` message to the
 * main window once its page has loaded, the window brought to the front. A second launch without
 * a link only brings the window to the front.
 */
export function routeDeepLinks(
  app: Pick<AppLike, 'on'>,
  launchArgv: readonly string[],
  logger: Logger = createLogger('deep-link'),
): DeepLinkRouter {
  const target: { window: DeepLinkWindow | null } = { window: null };
  const bringToFront = (): void => target.window?.bringToFront();
  const inbox = createDeepLinkInbox(() => {
    const window = target.window;
    const current = window?.current() ?? null;
    if (!window || !current || window.page() !== 'ready') return null;
    return (opened) => {
      window.bringToFront();
      const event: EngineEvent = { channel: 'invites:opened', payload: opened };
      current.webContents.send(event.channel, event.payload);
    };
  }, logger);
  const receive = (opened: OpenedLink, source: DeepLinkSource): void => {
    inbox.receive(opened, source);
    // macOS keeps running without a window: a link opens one.
    const window = target.window;
    if (window && !window.current()) window.open();
  };

  app.on('second-instance', (_event, argv) => {
    bringToFront();
    const opened = deepLinkFromArgv(argv);
    if (opened) receive(opened, 'second-launch');
  });
  // Registered before `ready`: on a cold start macOS delivers the link that launched the app early.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    bringToFront();
    receive(parseDeepLink(url) ?? { kind: 'not-an-invite', problem: NOT_AN_INVITE_LINK }, 'open-url');
  });
  const launchLink = deepLinkFromArgv(launchArgv);
  if (launchLink) receive(launchLink, 'launch');

  return {
    attach: (window) => {
      target.window = window;
    },
    flush: () => inbox.flush(),
    pending: () => inbox.pending(),
  };
}

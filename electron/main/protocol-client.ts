import { resolve } from 'node:path';
import { createLogger, type Logger } from '../engine/log/logger';
import { DEEP_LINK_SCHEME, parseDeepLink } from './deep-link';
import type { AppLike } from './electron-api';

/** How this process was started; index.ts passes `process.argv`, `process.defaultApp` and `process.execPath`. */
export interface LaunchContext {
  /** The command line: on Windows and Linux a `steadycast://join/…` link arrives here on a first launch. */
  argv: readonly string[];
  /** Started as `electron <app path>` (development) rather than as the packaged app. */
  defaultApp: boolean;
  /** The executable, for the Windows protocol command in development. */
  execPath: string;
}

/**
 * Makes Steadycast the handler of `steadycast:` links. Started as `electron <app path>`
 * (development), Windows must be told the whole command: Electron, then the app's path.
 * Returns whether the system took the registration.
 */
export function registerProtocolClient(
  app: Pick<AppLike, 'setAsDefaultProtocolClient'>,
  launch: LaunchContext,
  log: Logger = createLogger('app'),
): boolean {
  let registered: boolean;
  if (launch.defaultApp) {
    const appPath = launch.argv.slice(1).find((argument) => !argument.startsWith('-') && parseDeepLink(argument) === null);
    if (appPath === undefined) {
      log.warn(`not registered as the handler of ${DEEP_LINK_SCHEME}:// links: the command line names no app path`);
      return false;
    }
    registered = app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, launch.execPath, [resolve(appPath)]);
  } else {
    registered = app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
  if (registered) log.info(`registered as the handler of ${DEEP_LINK_SCHEME}:// links`);
  else
    log.warn(
      `could not register as the handler of ${DEEP_LINK_SCHEME}:// links: invite links will not open Steadycast (paste them instead)`,
    );
  return registered;
}

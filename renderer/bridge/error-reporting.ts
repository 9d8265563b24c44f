import type { SteadycastApi } from '../../electron/shared/bridge';
import { RENDERER_ERROR_MESSAGE_MAX, RENDERER_ERROR_WHERE_MAX, type RendererErrorReport } from '../../electron/shared/contract';
import { describeError } from '../../electron/shared/describe-error';

/*
 * Unexpected errors of this window (a render the error boundary caught, an uncaught exception,
 * a promise nobody awaited) go to the engine's log over the bridge (`log:write`), where support
 * will look; the window itself shows nothing more than it did. The engine rate-limits the lines.
 */

/** Where an unexpected error was caught. */
export type RendererErrorKind = RendererErrorReport['kind'];

/** Sends unexpected errors to the engine's log. */
export interface ErrorReporter {
  /** Sends one error; never throws, never rejects (a failed send is dropped: there is nowhere else to say it). */
  report(kind: RendererErrorKind, error: unknown, where?: string): void;
}

/** Builds the report of one error: its one-line description and where, both cut to the contract's sizes. */
export function errorReport(kind: RendererErrorKind, error: unknown, where?: string): RendererErrorReport {
  const message = cut(describeError(error).trim(), RENDERER_ERROR_MESSAGE_MAX) || 'an error without a message';
  const place = where === undefined ? '' : cut(where.trim(), RENDERER_ERROR_WHERE_MAX);
  return place === '' ? { kind, message } : { kind, message, where: place };
}

/** An {@link ErrorReporter} on the window's bridge. */
export function createErrorReporter(bridge: Pick<SteadycastApi, 'invoke'>): ErrorReporter {
  return {
    report(kind, error, where) {
      try {
        bridge.invoke('log:write', errorReport(kind, error, where)).catch(() => undefined);
      } catch {
        // A bridge that throws at once (not connected yet) loses the line, like a rejected send.
      }
    },
  };
}

/** The component names of a React component stack (host elements such as `div` left out), innermost first: `Meter < Panel < App`. */
export function componentPath(componentStack: string | null | undefined, most = 6): string | undefined {
  const names = (componentStack ?? '')
    .split('\n')
    .map((line) => /^\s*(?:(?:at|in)\s+)?([A-Za-z_$][\w$.]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && /^[A-Z]/.test(name));
  return names.length === 0 ? undefined : names.slice(0, most).join(' < ');
}

/** The window's error events, as a `Window` (or any event target in tests) dispatches them. */
export interface ErrorEventSource {
  addEventListener(type: 'error' | 'unhandledrejection', listener: (event: Event) => void): void;
  removeEventListener(type: 'error' | 'unhandledrejection', listener: (event: Event) => void): void;
}

/** Reports `error` events (uncaught exceptions) and `unhandledrejection` events of `target`; returns the function that stops. */
export function reportUnexpectedErrors(target: ErrorEventSource, reporter: ErrorReporter): () => void {
  const onError = (event: Event): void => {
    const details = event as Partial<ErrorEvent>;
    const error: unknown = details.error;
    const { message, filename, lineno, colno } = details;
    const what: unknown = error ?? (message !== undefined && message !== '' ? message : undefined);
    // An `error` event without an error or a message is a resource that failed to load, not an exception.
    if (what === undefined) return;
    reporter.report('uncaught', what, filename ? `${filename}:${lineno ?? 0}:${colno ?? 0}` : undefined);
  };
  const onRejection = (event: Event): void => {
    reporter.report('unhandled-rejection', (event as Partial<PromiseRejectionEvent>).reason);
  };
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);
  return () => {
    target.removeEventListener('error', onError);
    target.removeEventListener('unhandledrejection', onRejection);
  };
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

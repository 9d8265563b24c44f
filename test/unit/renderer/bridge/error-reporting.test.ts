import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import {
  componentPath,
  createErrorReporter,
  errorReport,
  reportUnexpectedErrors,
  type ErrorReporter,
  type RendererErrorKind,
} from '../../../../renderer/bridge/error-reporting';
import { ErrorBoundary } from '../../../../renderer/components/error-boundary';
import { BridgeError } from '../../../../electron/shared/bridge';
import { RENDERER_ERROR_MESSAGE_MAX, RENDERER_ERROR_WHERE_MAX, parseCommand } from '../../../../electron/shared/contract';
import { describeError } from '../../../../electron/shared/describe-error';
import { FakeBridge } from '../../../fakes/fake-bridge';
import { settle } from '../../../support/renderer-test-support';

/*
 * The window's unexpected errors on their way to the log: the handlers on `error` and
 * `unhandledrejection`, the error boundary's `onError`, and the reports they send over the bridge.
 */

/** A reporter that keeps what it was given. */
function keeping(): { reporter: ErrorReporter; reports: { kind: RendererErrorKind; error: unknown; where: string | undefined }[] } {
  const reports: { kind: RendererErrorKind; error: unknown; where: string | undefined }[] = [];
  return { reports, reporter: { report: (kind, error, where) => reports.push({ kind, error, where }) } };
}

/** An event of `type` with the fields a browser's ErrorEvent / PromiseRejectionEvent carries. */
function windowEvent(type: string, fields: Record<string, unknown>): Event {
  return Object.assign(new Event(type), fields);
}

describe('window error handlers', () => {
  it('report uncaught exceptions with their place, and unhandled rejections with their reason', () => {
    const target = new EventTarget();
    const { reporter, reports } = keeping();
    const stop = reportUnexpectedErrors(target, reporter);
    const thrown = new TypeError('x is not a function');
    target.dispatchEvent(
      windowEvent('error', {
        error: thrown,
        message: 'Uncaught TypeError: x is not a function',
        filename: 'app://steadycast/assets/index.js',
        lineno: 3,
        colno: 7,
      }),
    );
    target.dispatchEvent(windowEvent('unhandledrejection', { reason: new Error('network down') }));
    target.dispatchEvent(windowEvent('error', { error: null, message: 'Script error.', filename: '', lineno: 0, colno: 0 }));
    expect(reports).toEqual([
      { kind: 'uncaught', error: thrown, where: 'app://steadycast/assets/index.js:3:7' },
      { kind: 'unhandled-rejection', error: new Error('network down'), where: undefined },
      { kind: 'uncaught', error: 'Script error.', where: undefined },
    ]);

    // A resource that failed to load is not an exception.
    target.dispatchEvent(windowEvent('error', {}));
    expect(reports).toHaveLength(3);

    stop();
    target.dispatchEvent(windowEvent('unhandledrejection', { reason: 'later' }));
    expect(reports).toHaveLength(3);
  });

  it('the error boundary hands what it caught to onError', () => {
    const { reporter, reports } = keeping();
    const boundary = new ErrorBoundary({
      children: createElement('p'),
      onError: (error, info) => reporter.report('render', error, componentPath(info.componentStack)),
    });
    const error = new Error('Cannot read properties of undefined');
    boundary.componentDidCatch(error, {
      componentStack: '\n    at Meter (app://steadycast/assets/index.js:1:10)\n    at div\n    at Panel (app://x:2:3)\n    at App',
    });
    expect(reports).toEqual([{ kind: 'render', error, where: 'Meter < Panel < App' }]);
    expect(ErrorBoundary.getDerivedStateFromError()).toEqual({ failed: true });
  });
});

describe('error reports', () => {
  it('describe the error in one line, cut to what the contract takes', () => {
    expect(errorReport('render', new Error('boom'), 'Meter < App')).toEqual({ kind: 'render', message: 'boom', where: 'Meter < App' });
    expect(errorReport('unhandled-rejection', undefined)).toEqual({ kind: 'unhandled-rejection', message: 'undefined' });
    expect(errorReport('uncaught', new Error(''), '  ')).toEqual({ kind: 'uncaught', message: 'an error without a message' });
    const long = errorReport('uncaught', 'x'.repeat(RENDERER_ERROR_MESSAGE_MAX * 2), 'y'.repeat(RENDERER_ERROR_WHERE_MAX * 2));
    expect(long.message).toHaveLength(RENDERER_ERROR_MESSAGE_MAX);
    expect(long.where).toHaveLength(RENDERER_ERROR_WHERE_MAX);
    expect(parseCommand('log:write', long)).toMatchObject({ ok: true });
  });

  it('go over the bridge as log:write, and a failed send is dropped quietly', async () => {
    const bridge = new FakeBridge();
    const reporter = createErrorReporter(bridge);
    reporter.report('render', new Error('boom'), 'App');
    await settle();
    expect(bridge.calls).toEqual([{ channel: 'log:write', payload: { kind: 'render', message: 'boom', where: 'App' } }]);

    const refusing = createErrorReporter({ invoke: () => Promise.reject(new BridgeError('disconnected', 'Not connected.')) });
    expect(() => refusing.report('uncaught', 'x')).not.toThrow();
    const throwing = createErrorReporter({
      invoke: () => {
        throw new Error('no bridge yet');
      },
    });
    expect(() => throwing.report('uncaught', 'x')).not.toThrow();
    await settle();
  });

  it('name a component stack by its components, innermost first', () => {
    expect(componentPath(undefined)).toBeUndefined();
    expect(componentPath('\n    at div\n    at span')).toBeUndefined();
    expect(componentPath('\n    in Meter\n    in Panel (created by App)\n    in App')).toBe('Meter < Panel < App');
    expect(componentPath(Array.from({ length: 9 }, (_, index) => `    at C${index}`).join('\n'), 3)).toBe('C0 < C1 < C2');
  });
});

describe('describeError (electron/shared)', () => {
  it('says a bridge error as written, and adds a Node code the message does not name', () => {
    expect(describeError(new BridgeError('engine-error', 'Join first.'))).toBe('Join first.');
    expect(describeError(Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' }))).toBe('connect failed (ECONNREFUSED)');
    expect(describeError(new Error('fetch failed', { cause: new Error('socket hang up') }))).toBe('fetch failed: socket hang up');
    expect(describeError({ message: 'ws closed' })).toBe('ws closed');
    expect(describeError('plain')).toBe('plain');
  });
});

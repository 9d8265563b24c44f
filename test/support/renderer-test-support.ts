import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { AppStore } from '../../renderer/stores/app-store';
import { StoreProvider } from '../../renderer/stores/store-context';

/*
 * Small helpers the renderer's unit tests share: letting pending promises run, a promise to
 * settle by hand, and rendering a component tree with a store to static HTML.
 */

/** Lets every pending promise callback run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise with its resolve and reject, for answering a request at the moment a test chooses. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** Server rendering reads the store's initial state: hand it the current one. */
export function render(store: AppStore, element: ReturnType<typeof createElement>): string {
  const now: AppStore = { ...store, getInitialState: store.getState };
  return renderToStaticMarkup(createElement(StoreProvider, { store: now, children: element }));
}

/** The opening tag of the button with `testId`, or null when there is none. */
export function buttonTag(html: string, testId: string): string | null {
  return new RegExp(`<button[^>]*data-testid="${testId}"[^>]*>`, 'u').exec(html)?.[0] ?? null;
}

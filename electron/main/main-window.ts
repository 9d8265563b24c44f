import type { Clock } from '../engine/clock';
import { createLogger, type Logger } from '../engine/log/logger';
import type { BrowserWindowConstructor, BrowserWindowLike, ConsoleMessageLike } from './electron-api';
import { createMainWindow, type MainWindowOptions } from './window';

/** Crashes of the window's renderer within a minute after which it is not reloaded by itself. */
export const MAX_RENDERER_RELOADS = 3;
const CRASH_WINDOW_MS = 60_000;

/**
 * The window's page:
 *   loading ──did-finish-load──► ready ──crash──► loading (reloaded)
 *                                  │    └─crash, too often──► stopped ──show()──► loading (reloaded)
 *                                  └─clean exit──► ended
 * Only a `ready` page listens to events (deep links wait for it).
 */
export type PageState = 'loading' | 'ready' | 'ended' | 'stopped';

/** What the main window is wired to. */
export interface MainWindowDeps {
  electron: { BrowserWindow: BrowserWindowConstructor };
  window: MainWindowOptions;
  /** The engine counts the window as its one bridge client and gives a (re)loaded page its state. */
  engine: { setBridgeClients(count: number): void; emitState(): void };
  clock: Pick<Clock, 'now'>;
  /** A show is on air: closing the window only hides it. */
  isLive(): boolean;
  /** The app quits: the window closes for real. */
  isQuitting(): boolean;
  /** A notice while the window may be hidden (the tray's). */
  notify(title: string, body: string): void;
  /** The page finished loading and listens to events. */
  onPageLoaded?(): void;
  /** A console message of the page (for the log files). */
  onConsoleMessage?(details: ConsoleMessageLike): void;
  logger?: Logger;
}

/**
 * The one main window: opened again when asked for after it closed, hidden rather than closed
 * while on air, and its page reloaded after a crash (while the engine and the show go on) unless
 * it crashed more than {@link MAX_RENDERER_RELOADS} times in a minute.
 */
export class MainWindow {
  private opened: { window: BrowserWindowLike; page: PageState } | null = null;
  private readonly crashes: number[] = [];
  private readonly log: Logger;

  constructor(private readonly deps: MainWindowDeps) {
    this.log = deps.logger ?? createLogger('app');
  }

  /** The window, or `null` while there is none. */
  current(): BrowserWindowLike | null {
    const window = this.opened?.window ?? null;
    return window && !window.isDestroyed() ? window : null;
  }

  /** What its page is doing, or `null` without a window. */
  page(): PageState | null {
    return this.current() ? (this.opened?.page ?? null) : null;
  }

  /** Opens a new main window (the old one, if any, is forgotten). */
  open(): void {
    const created = createMainWindow(this.deps.electron, this.deps.window);
    const opened = { window: created, page: 'loading' as PageState };
    this.opened = opened;
    const { engine } = this.deps;
    const isCurrent = (): boolean => this.opened === opened;
    engine.setBridgeClients(1);
    created.webContents.on('did-finish-load', () => {
      if (!isCurrent()) return;
      opened.page = 'ready';
      engine.setBridgeClients(1);
      // A reloaded page (after a crash or Reload) starts from the engine's current state.
      engine.emitState();
      this.deps.onPageLoaded?.();
    });
    created.webContents.on('render-process-gone', (_event, details) => {
      if (!isCurrent()) return;
      if (opened.page !== 'stopped') opened.page = 'loading';
      engine.setBridgeClients(0);
      const live = this.deps.isLive();
      this.log.error(
        `the window's page stopped (${details.reason}, exit code ${details.exitCode}); the engine${live ? ' and the show go on' : ' goes on'}`,
      );
      if (details.reason === 'clean-exit') {
        if (opened.page !== 'stopped') opened.page = 'ended';
        return;
      }
      if (this.crashedTooOften()) {
        opened.page = 'stopped';
        this.deps.notify(
          'The Steadycast window stopped',
          `${live ? 'The show is still on air. ' : ''}The window crashed ${this.crashes.length} times in a minute and was not reloaded again: choose Show Steadycast in the tray to try again.`,
        );
        return;
      }
      created.webContents.reload();
    });
    created.webContents.on('console-message', (details) => this.deps.onConsoleMessage?.(details));
    created.on('close', (event) => {
      if (this.deps.isQuitting() || !isCurrent() || !this.deps.isLive()) return;
      // The engine and the show do not depend on the window, but the microphone lives in its page: keep it, hidden.
      event.preventDefault();
      created.hide();
      this.deps.notify(
        'Steadycast is still on air',
        'The show goes on with the window closed. Use the Steadycast icon in the tray to show the window, or quit to end the show.',
      );
    });
    created.on('closed', () => {
      if (!isCurrent()) return;
      this.opened = null;
      engine.setBridgeClients(0);
    });
  }

  /** Shows the window (opening one when there is none), reloading a page that stopped after too many crashes. */
  show(): void {
    const window = this.current();
    if (!window) {
      this.open();
      return;
    }
    if (this.opened?.page === 'stopped') {
      this.opened.page = 'loading';
      this.crashes.length = 0;
      window.webContents.reload();
    }
    this.bringToFront();
  }

  /** Opens a window when there is none, else brings it to the front (macOS `activate`). */
  activate(): void {
    if (this.current()) this.bringToFront();
    else this.open();
  }

  /** Restores, shows and focuses the window, if there is one. */
  bringToFront(): void {
    const window = this.current();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    if (!window.isVisible()) window.show();
    window.focus();
  }

  private crashedTooOften(): boolean {
    const now = this.deps.clock.now();
    this.crashes.push(now);
    while (this.crashes.length > 0 && (this.crashes[0] ?? now) < now - CRASH_WINDOW_MS) this.crashes.shift();
    return this.crashes.length > MAX_RENDERER_RELOADS;
  }
}

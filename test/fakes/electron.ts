import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, MessageBoxOptions } from 'electron';
import type {
  AppLike,
  BrowserWindowLike,
  DialogLike,
  FrameLike,
  HeadersReceivedDetails,
  HeadersReceivedResponse,
  IpcMainLike,
  IpcSenderEvent,
  MainElectron,
  NavigationEvent,
  PermissionCheckDetails,
  PermissionRequestDetails,
  SessionLike,
  WebContentsLike,
} from '../../electron/main/electron-api';
import type { IpcRendererLike } from '../../electron/preload/api';

/*
 * A hand-written fake of the parts of the `electron` module Steadycast uses (the binary cannot be
 * installed on the build machines). Main-process modules get it by parameter; the preload's
 * index.ts gets `electronModule` through `vi.mock('electron')`. Where Electron has a documented
 * behaviour that matters to a test (a second `handle` on a channel throws, invoking a channel
 * without a handler rejects, no window-open handler means "allow"), the fake does the same.
 */

type InvokeHandler = (event: IpcSenderEvent, ...args: unknown[]) => unknown;
type MessageListener = (event: IpcSenderEvent, ...args: unknown[]) => void;

/** A frame; `parent` is `null` for a top frame. */
export class FakeFrame implements FrameLike {
  constructor(
    public url: string,
    public parent: FakeFrame | null = null,
  ) {}
}

/** An IPC event as main receives it, with the sender and frame a test chooses. */
export function fakeIpcEvent(sender: unknown, senderFrame: FrameLike | null): IpcSenderEvent {
  return { sender, senderFrame };
}

/** `ipcMain`, plus what a renderer would do to it. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeHandler>();
  readonly listeners = new Map<string, Set<MessageListener>>();

  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  on(channel: string, listener: MessageListener): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }

  removeListener(channel: string, listener: MessageListener): this {
    const set = this.listeners.get(channel);
    set?.delete(listener);
    if (set?.size === 0) this.listeners.delete(channel);
    return this;
  }

  /** What `ipcRenderer.invoke` does in main: runs the channel's handler, or rejects as Electron does without one. */
  async invoke(channel: string, event: IpcSenderEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    return await handler(event, ...args);
  }

  /** What `ipcRenderer.send` does in main: calls every listener of the channel. */
  send(channel: string, event: IpcSenderEvent, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, ...args);
  }

  /** Channels with a handler or a listener. */
  registeredChannels(): string[] {
    return [...new Set([...this.handlers.keys(), ...this.listeners.keys()])].sort();
  }
}

type HeadersListener = (details: HeadersReceivedDetails, callback: (response: HeadersReceivedResponse) => void) => void;
type PermissionRequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: PermissionRequestDetails,
) => void;
type PermissionCheckHandler = (webContents: unknown, permission: string, requestingOrigin: string, details: PermissionCheckDetails) => boolean;

/** A session that records its response-header listener and permission handlers. */
export class FakeSession implements SessionLike {
  headersListener: HeadersListener | null = null;
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;

  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener): void => {
      this.headersListener = listener;
    },
  };

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.permissionCheckHandler = handler;
  }

  /** Runs a response through the header listener as Chromium would; without one the response is unchanged. */
  receiveHeaders(details: HeadersReceivedDetails): Promise<HeadersReceivedResponse> {
    const listener = this.headersListener;
    if (!listener) return Promise.resolve({});
    return new Promise((resolve) => listener(details, resolve));
  }

  /** A page asks for a permission; without a handler Electron grants it. */
  requestPermission(permission: string, details: PermissionRequestDetails): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler(null, permission, resolve, details));
  }

  /** Chromium checks a permission; without a handler Electron grants it. */
  checkPermission(permission: string, details: PermissionCheckDetails): boolean {
    return this.permissionCheckHandler ? this.permissionCheckHandler(null, permission, '', details) : true;
  }
}

/** A window's web contents that records what main sends and what the page tries. */
export class FakeWebContents implements WebContentsLike {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly mainFrame = new FakeFrame('about:blank');
  destroyed = false;
  windowOpenHandler: ((details: { readonly url: string }) => { action: 'allow' | 'deny' }) | null = null;
  /** The page's `ipcRenderer`, once connected with {@link FakeIpcRenderer.connectToMain}. */
  renderer: FakeIpcRenderer | null = null;
  private readonly navigationListeners: ((event: NavigationEvent, url: string) => void)[] = [];
  private readonly loadListeners: (() => void)[] = [];

  constructor(readonly session: FakeSession) {}

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    this.sent.push({ channel, args });
    this.renderer?.emit(channel, ...args);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  on(event: 'will-navigate', listener: (event: NavigationEvent, url: string) => void): this;
  on(event: 'did-finish-load', listener: () => void): this;
  on(event: 'will-navigate' | 'did-finish-load', listener: ((event: NavigationEvent, url: string) => void) | (() => void)): this {
    if (event === 'did-finish-load') this.loadListeners.push(listener as () => void);
    else this.navigationListeners.push(listener);
    return this;
  }

  /** The page finished loading (Electron's `did-finish-load`; the fake never emits it by itself). */
  finishLoading(): void {
    for (const listener of this.loadListeners) listener();
  }

  /** The page starts a navigation to `url`; returns true when a listener prevented it. */
  navigate(url: string): boolean {
    let prevented = false;
    const event: NavigationEvent = {
      preventDefault: () => {
        prevented = true;
      },
    };
    for (const listener of this.navigationListeners) listener(event, url);
    if (!prevented) this.mainFrame.url = url;
    return prevented;
  }

  /** The page calls `window.open(url)`; returns the handler's answer. */
  openWindow(url: string): { action: 'allow' | 'deny' } {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : { action: 'allow' };
  }

  /** An IPC event from this page's top frame. */
  topFrameEvent(): IpcSenderEvent {
    return fakeIpcEvent(this, this.mainFrame);
  }
}

/** A browser window that records its options and what was loaded. */
export class FakeBrowserWindow implements BrowserWindowLike {
  readonly webContents: FakeWebContents;
  loaded: { kind: 'url'; url: string } | { kind: 'file'; path: string } | null = null;
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;
  private readonly readyListeners: (() => void)[] = [];
  private readonly closedListeners: (() => void)[] = [];

  constructor(
    readonly options: BrowserWindowConstructorOptions,
    session: FakeSession,
  ) {
    this.webContents = new FakeWebContents(session);
  }

  loadURL(url: string): Promise<void> {
    this.loaded = { kind: 'url', url };
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }

  loadFile(filePath: string): Promise<void> {
    this.loaded = { kind: 'file', path: filePath };
    this.webContents.mainFrame.url = pathToFileURL(filePath).href;
    return Promise.resolve();
  }

  once(_event: 'ready-to-show', listener: () => void): this {
    this.readyListeners.push(listener);
    return this;
  }

  on(_event: 'closed', listener: () => void): this {
    this.closedListeners.push(listener);
    return this;
  }

  show(): void {
    this.visible = true;
  }

  focus(): void {
    this.focused = true;
  }

  restore(): void {
    this.minimized = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Chromium painted the first frame. */
  emitReadyToShow(): void {
    for (const listener of this.readyListeners.splice(0)) listener();
  }

  /** The user closed the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    for (const listener of this.closedListeners) listener();
  }
}

type AppEvent = 'second-instance' | 'open-url' | 'window-all-closed' | 'activate';
type AppListener = (...args: never[]) => void;

/** `app`, with the lock answer and user data folder a test chooses. */
export class FakeApp implements AppLike {
  quitCalls = 0;
  readonly exitCodes: number[] = [];
  /** Every `setAsDefaultProtocolClient` call, with what it answered. */
  readonly protocolClients: { protocol: string; path: string | undefined; args: string[] | undefined }[] = [];
  /** What `setAsDefaultProtocolClient` answers. */
  registersProtocols = true;
  private readonly listeners = new Map<AppEvent, AppListener[]>();
  private readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;

  constructor(
    private readonly userData: string,
    private readonly gotLock: boolean,
    readonly isPackaged: boolean,
    readyAtOnce = true,
  ) {
    this.ready = readyAtOnce ? Promise.resolve() : new Promise((resolve) => (this.markReady = resolve));
  }

  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Electron finished starting (only needed with `readyAtOnce: false`). */
  becomeReady(): void {
    this.markReady();
  }

  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean {
    this.protocolClients.push({ protocol, path, args });
    return this.registersProtocols;
  }

  getPath(_name: 'userData'): string {
    return this.userData;
  }

  on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): this;
  on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): this;
  on(event: 'window-all-closed' | 'activate', listener: () => void): this;
  on(event: AppEvent, listener: AppListener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  quit(): void {
    this.quitCalls += 1;
  }

  exit(exitCode = 0): void {
    this.exitCodes.push(exitCode);
  }

  /** Emits an app event without arguments, as Electron does for `window-all-closed` and `activate`. */
  emit(event: 'window-all-closed' | 'activate'): void {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }

  /** Steadycast was launched again with `argv`; the second launch hands it over, as Electron's `second-instance`. */
  launchAgain(argv: string[], workingDirectory = '/'): void {
    for (const listener of this.listeners.get('second-instance') ?? []) (listener as (event: unknown, argv: string[], cwd: string) => void)({}, argv, workingDirectory);
  }

  /** macOS opens `url` with the app (`open-url`); returns true when a listener called `preventDefault`. */
  openUrl(url: string): boolean {
    let prevented = false;
    const event = {
      preventDefault: () => {
        prevented = true;
      },
    };
    for (const listener of this.listeners.get('open-url') ?? []) (listener as (event: { preventDefault(): void }, url: string) => void)(event, url);
    return prevented;
  }
}

/** `dialog`, recording what it would have shown. */
export class FakeDialog implements DialogLike {
  readonly messageBoxes: MessageBoxOptions[] = [];
  readonly errorBoxes: { title: string; content: string }[] = [];

  showMessageBox(options: MessageBoxOptions): Promise<unknown> {
    this.messageBoxes.push(options);
    return Promise.resolve({ response: 0, checkboxChecked: false });
  }

  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
  }
}

/** `contextBridge`, recording what the preload exposes. */
export class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (this.exposed.has(apiKey)) throw new Error(`Cannot bind an API on top of an existing property on the window object`);
    this.exposed.set(apiKey, api);
  }
}

type RendererListener = (event: unknown, ...args: unknown[]) => void;

/** `ipcRenderer`: records invokes and sends, answers invokes with `reply`, delivers messages with `emit`. */
export class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly sentMessages: { channel: string; args: unknown[] }[] = [];
  /** How main answers an invoke when no main is connected; a test replaces it. */
  reply: (channel: string, args: unknown[]) => unknown = (channel) => {
    throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
  };
  private readonly listeners = new Map<string, RendererListener[]>();
  private main: { ipcMain: FakeIpcMain; page: FakeWebContents } | null = null;

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    const main = this.main;
    if (main) return main.ipcMain.invoke(channel, main.page.topFrameEvent(), ...args);
    return Promise.resolve().then(() => this.reply(channel, args));
  }

  send(channel: string, ...args: unknown[]): void {
    this.sentMessages.push({ channel, args });
    this.main?.ipcMain.send(channel, this.main.page.topFrameEvent(), ...args);
  }

  on(channel: string, listener: RendererListener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }

  removeListener(channel: string, listener: RendererListener): this {
    this.listeners.set(
      channel,
      (this.listeners.get(channel) ?? []).filter((candidate) => candidate !== listener),
    );
    return this;
  }

  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.length ?? 0;
  }

  /** Main sends a message: listeners get an IpcRendererEvent-like object first, as in Electron. */
  emit(channel: string, ...args: unknown[]): void {
    const event = { sender: this, senderId: 0, ports: [] };
    for (const listener of this.listeners.get(channel) ?? []) listener(event, ...args);
  }

  /** Routes invokes and sends to `ipcMain` as coming from `page`'s top frame, and what main sends to `page` back here. */
  connectToMain(ipcMain: FakeIpcMain, page: FakeWebContents): void {
    this.main = { ipcMain, page };
    page.renderer = this;
  }
}

/** The fake `electron` module: main-process parts (a {@link MainElectron}) and renderer parts. */
export interface FakeElectron extends MainElectron {
  readonly app: FakeApp;
  readonly BrowserWindow: new (options: BrowserWindowConstructorOptions) => FakeBrowserWindow;
  readonly ipcMain: FakeIpcMain;
  readonly dialog: FakeDialog;
  readonly session: { readonly defaultSession: FakeSession };
  readonly contextBridge: FakeContextBridge;
  readonly ipcRenderer: FakeIpcRenderer;
  /** Every window created, oldest first. */
  readonly windows: FakeBrowserWindow[];
}

/** Options of a fake Electron. */
export interface FakeElectronOptions {
  userData?: string;
  /** What `app.requestSingleInstanceLock()` answers. */
  gotSingleInstanceLock?: boolean;
  isPackaged?: boolean;
  /** False: `app.whenReady()` waits for `app.becomeReady()` (e.g. for a macOS link before ready). */
  readyAtOnce?: boolean;
}

/** A fresh fake `electron` module; windows share the default session, as in Electron. */
export function createFakeElectron(options: FakeElectronOptions = {}): FakeElectron {
  const defaultSession = new FakeSession();
  const windows: FakeBrowserWindow[] = [];
  class BrowserWindow extends FakeBrowserWindow {
    constructor(windowOptions: BrowserWindowConstructorOptions) {
      super(windowOptions, defaultSession);
      windows.push(this);
    }
  }
  return {
    app: new FakeApp(options.userData ?? '/nonexistent/steadycast-user-data', options.gotSingleInstanceLock ?? true, options.isPackaged ?? false, options.readyAtOnce ?? true),
    BrowserWindow,
    ipcMain: new FakeIpcMain(),
    dialog: new FakeDialog(),
    session: { defaultSession },
    contextBridge: new FakeContextBridge(),
    ipcRenderer: new FakeIpcRenderer(),
    windows,
  };
}

/** The instance `vi.mock('electron', …)` hands to modules that import Electron themselves (the preload's index.ts). */
export const electronModule: FakeElectron = createFakeElectron();

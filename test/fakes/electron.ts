import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type {
  AppLike,
  BrowserWindowLike,
  ConsoleMessageLike,
  DialogLike,
  FrameLike,
  GlobalShortcutLike,
  MenuApiLike,
  MenuHandle,
  NotificationLike,
  PowerSaveBlockerLike,
  PreventableEvent,
  RenderProcessGoneDetailsLike,
  SafeStorageLike,
  ShellLike,
  TrayLike,
  HeadersReceivedDetails,
  HeadersReceivedResponse,
  IpcMainLike,
  IpcSenderEvent,
  MainElectron,
  MessagePortMainLike,
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
export function fakeIpcEvent(sender: unknown, senderFrame: FrameLike | null, ports?: readonly MessagePortMainLike[]): IpcSenderEvent {
  return ports ? { sender, senderFrame, ports } : { sender, senderFrame };
}

type PortMessageListener = (event: { readonly data: unknown; readonly ports: readonly FakeMessagePortMain[] }) => void;

/**
 * One end of a {@link FakeMessageChannelMain}. As in Electron, messages wait in a queue until
 * `start()`, and closing either end emits `close` on both.
 */
export class FakeMessagePortMain implements MessagePortMainLike {
  other: FakeMessagePortMain | null = null;
  started = false;
  closed = false;
  private readonly queue: unknown[] = [];
  private readonly messageListeners: PortMessageListener[] = [];
  private readonly closeListeners: (() => void)[] = [];

  on(event: 'message', listener: PortMessageListener): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'message' | 'close', listener: PortMessageListener | (() => void)): this {
    if (event === 'message') this.messageListeners.push(listener);
    else this.closeListeners.push(listener as () => void);
    return this;
  }

  /** Sends `message` to the other end (delivered at once if it started, else queued there). */
  postMessage(message: unknown): void {
    if (this.closed || !this.other || this.other.closed) return;
    this.other.receive(message);
  }

  start(): void {
    this.started = true;
    for (const message of this.queue.splice(0)) this.deliver(message);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    for (const listener of this.closeListeners) listener();
    this.other?.close();
  }

  private receive(message: unknown): void {
    if (this.started) this.deliver(message);
    else this.queue.push(message);
  }

  private deliver(message: unknown): void {
    for (const listener of this.messageListeners) listener({ data: message, ports: [] });
  }
}

/** `MessageChannelMain`: two entangled {@link FakeMessagePortMain}s. */
export class FakeMessageChannelMain {
  readonly port1 = new FakeMessagePortMain();
  readonly port2 = new FakeMessagePortMain();

  constructor() {
    this.port1.other = this.port2;
    this.port2.other = this.port1;
  }
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
type PermissionCheckHandler = (
  webContents: unknown,
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckDetails,
) => boolean;

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
  /** How many times the page was reloaded. */
  reloads = 0;
  private readonly navigationListeners: ((event: NavigationEvent, url: string) => void)[] = [];
  private readonly loadListeners: (() => void)[] = [];
  private readonly goneListeners: ((event: unknown, details: RenderProcessGoneDetailsLike) => void)[] = [];
  private readonly consoleListeners: ((details: ConsoleMessageLike) => void)[] = [];

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
  on(event: 'render-process-gone', listener: (event: unknown, details: RenderProcessGoneDetailsLike) => void): this;
  on(event: 'console-message', listener: (details: ConsoleMessageLike) => void): this;
  on(event: 'will-navigate' | 'did-finish-load' | 'render-process-gone' | 'console-message', listener: (...args: never[]) => void): this {
    if (event === 'did-finish-load') this.loadListeners.push(listener);
    else if (event === 'render-process-gone')
      this.goneListeners.push(listener as (event: unknown, details: RenderProcessGoneDetailsLike) => void);
    else if (event === 'console-message') this.consoleListeners.push(listener as (details: ConsoleMessageLike) => void);
    else this.navigationListeners.push(listener as (event: NavigationEvent, url: string) => void);
    return this;
  }

  reload(): void {
    this.reloads += 1;
  }

  /** The renderer process ends (`render-process-gone`); its IPC listeners go with it. */
  crash(reason: RenderProcessGoneDetailsLike['reason'] = 'crashed', exitCode = 139): void {
    if (this.renderer) this.renderer.detach();
    for (const listener of this.goneListeners) listener({}, { reason, exitCode });
  }

  /** The page writes to its console. */
  consoleMessage(message: string, level: ConsoleMessageLike['level'] = 'info'): void {
    for (const listener of this.consoleListeners) listener({ message, level, lineNumber: 1, sourceId: this.mainFrame.url });
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
  private readonly closeListeners: ((event: PreventableEvent) => void)[] = [];

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

  on(event: 'closed', listener: () => void): this;
  on(event: 'close', listener: (event: PreventableEvent) => void): this;
  on(event: 'closed' | 'close', listener: ((event: PreventableEvent) => void) | (() => void)): this {
    if (event === 'close') this.closeListeners.push(listener);
    else this.closedListeners.push(listener as () => void);
    return this;
  }

  show(): void {
    this.visible = true;
  }

  hide(): void {
    this.visible = false;
  }

  isVisible(): boolean {
    return this.visible;
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

  /** The user closes the window: `close` listeners may keep it (returns false then), else it is destroyed. */
  close(): boolean {
    let prevented = false;
    const event: PreventableEvent = {
      preventDefault: () => {
        prevented = true;
      },
    };
    for (const listener of this.closeListeners) listener(event);
    if (prevented) return false;
    this.destroy();
    return true;
  }

  /** The window goes away without asking (`destroy()`, or the app quitting). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    for (const listener of this.closedListeners) listener();
  }
}

type AppEvent = 'second-instance' | 'open-url' | 'window-all-closed' | 'activate' | 'before-quit';
type AppListener = (...args: never[]) => void;

/** `app`, with the lock answer and user data folder a test chooses. */
export class FakeApp implements AppLike {
  quitCalls = 0;
  /** Set once a quit was not cancelled by a `before-quit` listener. */
  quitted = false;
  relaunches = 0;
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
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): this;
  on(event: AppEvent, listener: AppListener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  /** As Electron: `before-quit` first; a listener that calls `preventDefault` keeps the app running. */
  quit(): void {
    this.quitCalls += 1;
    let prevented = false;
    const event: PreventableEvent = {
      preventDefault: () => {
        prevented = true;
      },
    };
    for (const listener of this.listeners.get('before-quit') ?? []) (listener as (event: PreventableEvent) => void)(event);
    if (!prevented) this.quitted = true;
  }

  getVersion(): string {
    return '9.9.9';
  }

  relaunch(): void {
    this.relaunches += 1;
  }

  /** The AppUserModelID set on Windows. */
  appUserModelId: string | null = null;

  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
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
    for (const listener of this.listeners.get('second-instance') ?? [])
      (listener as (event: unknown, argv: string[], cwd: string) => void)({}, argv, workingDirectory);
  }

  /** macOS opens `url` with the app (`open-url`); returns true when a listener called `preventDefault`. */
  openUrl(url: string): boolean {
    let prevented = false;
    const event = {
      preventDefault: () => {
        prevented = true;
      },
    };
    for (const listener of this.listeners.get('open-url') ?? [])
      (listener as (event: { preventDefault(): void }, url: string) => void)(event, url);
    return prevented;
  }
}

/** `dialog`, recording what it would have shown and answering with the buttons a test queues. */
export class FakeDialog implements DialogLike {
  readonly messageBoxes: MessageBoxOptions[] = [];
  readonly errorBoxes: { title: string; content: string }[] = [];
  /** The button index each next message box answers (then `cancelId`, else 0). */
  readonly answers: number[] = [];
  /** What the next open dialog answers. */
  openDialogResult: { canceled: boolean; filePaths: string[] } = { canceled: true, filePaths: [] };
  private pending: (() => void)[] = [];

  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue> {
    this.messageBoxes.push(options);
    const response = this.answers.shift() ?? options.cancelId ?? 0;
    const waiters = this.pending.splice(0);
    for (const resolve of waiters) resolve();
    return Promise.resolve({ response, checkboxChecked: false });
  }

  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
  }

  showOpenDialog(): Promise<{ canceled: boolean; filePaths: string[] }> {
    return Promise.resolve(this.openDialogResult);
  }

  /** Resolves when the next message box is shown (or at once if `count` are already shown). */
  async nextMessageBox(count: number): Promise<MessageBoxOptions> {
    while (this.messageBoxes.length < count) await new Promise<void>((resolve) => this.pending.push(resolve));
    const box = this.messageBoxes[count - 1];
    if (!box) throw new Error('no message box');
    return box;
  }
}

/**
 * `safeStorage` with a per-instance key: ciphertext is `v11` + the key id + the plain bytes XOR the
 * key, so it never contains the plain text (or its base64), and another instance (another OS
 * keychain) cannot decrypt it, as with the real module.
 */
export class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  private readonly key: Buffer;
  private readonly keyId: string;

  constructor(seed = Math.floor(Math.random() * 1e9)) {
    this.key = Buffer.from(Array.from({ length: 32 }, (_, index) => (seed * (index + 7) + 13 * index + 101) % 251));
    this.keyId = seed.toString(36).padStart(6, '0').slice(-6);
  }

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  getSelectedStorageBackend(): string {
    return this.backend;
  }

  encryptString(plainText: string): Buffer {
    if (!this.available)
      throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    const plain = Buffer.from(plainText, 'utf8');
    const body = Buffer.from(plain.map((byte, index) => byte ^ (this.key[index % this.key.length] ?? 0)));
    return Buffer.concat([Buffer.from(`v11${this.keyId}`), body]);
  }

  decryptString(encrypted: Buffer): string {
    const header = `v11${this.keyId}`;
    if (!this.available || encrypted.subarray(0, header.length).toString() !== header) {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    }
    const body = encrypted.subarray(header.length);
    return Buffer.from(body.map((byte, index) => byte ^ (this.key[index % this.key.length] ?? 0))).toString('utf8');
  }
}

/** `powerSaveBlocker`, with the blockers that are on. */
export class FakePowerSaveBlocker implements PowerSaveBlockerLike {
  readonly active = new Map<number, string>();
  private nextId = 1;

  start(type: 'prevent-app-suspension' | 'prevent-display-sleep'): number {
    const id = this.nextId++;
    this.active.set(id, type);
    return id;
  }

  stop(id: number): boolean {
    return this.active.delete(id);
  }

  isStarted(id: number): boolean {
    return this.active.has(id);
  }
}

/** `globalShortcut`: accelerators in `takenByOthers` cannot be registered, as when another app holds them. */
export class FakeGlobalShortcut implements GlobalShortcutLike {
  readonly registered = new Map<string, () => void>();
  readonly takenByOthers = new Set<string>();

  register(accelerator: string, callback: () => void): boolean {
    if (this.takenByOthers.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }

  isRegistered(accelerator: string): boolean {
    return this.registered.has(accelerator);
  }

  unregister(accelerator: string): void {
    this.registered.delete(accelerator);
  }

  /** The user presses the keys (once; call again for each auto-repeat). */
  press(accelerator: string): void {
    const callback = this.registered.get(accelerator);
    if (!callback) throw new Error(`${accelerator} is not registered`);
    callback();
  }
}

/** A menu built from a template; the template stays readable for tests. */
export class FakeMenu {
  constructor(readonly template: MenuItemConstructorOptions[]) {}

  /** The item with this id (searched through submenus). */
  item(id: string): MenuItemConstructorOptions | undefined {
    const search = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | undefined => {
      for (const item of items) {
        if (item.id === id) return item;
        if (Array.isArray(item.submenu)) {
          const found = search(item.submenu);
          if (found) return found;
        }
      }
      return undefined;
    };
    return search(this.template);
  }

  /** Clicks the item with this id, as Electron would. */
  click(id: string): void {
    const item = this.item(id);
    if (!item?.click) throw new Error(`no clickable item ${id}`);
    if (item.enabled === false) throw new Error(`item ${id} is disabled`);
    (item.click as () => void)();
  }
}

/** `Menu`: records the application menu. */
export class FakeMenuApi implements MenuApiLike {
  applicationMenu: FakeMenu | null = null;

  buildFromTemplate(template: MenuItemConstructorOptions[]): FakeMenu {
    return new FakeMenu(template);
  }

  setApplicationMenu(menu: MenuHandle | null): void {
    this.applicationMenu = menu as FakeMenu | null;
  }
}

/** A tray icon that records what it shows. */
export class FakeTray implements TrayLike {
  toolTip = '';
  title = '';
  menu: FakeMenu | null = null;
  destroyed = false;
  readonly balloons: { title: string; content: string }[] = [];
  private readonly clickListeners: (() => void)[] = [];

  constructor(public image: string) {}

  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }

  setTitle(title: string): void {
    this.title = title;
  }

  setImage(imagePath: string): void {
    this.image = imagePath;
  }

  setContextMenu(menu: MenuHandle | null): void {
    this.menu = menu as FakeMenu | null;
  }

  displayBalloon(options: { title: string; content: string }): void {
    this.balloons.push(options);
  }

  on(_event: 'click', listener: () => void): this {
    this.clickListeners.push(listener);
    return this;
  }

  click(): void {
    for (const listener of this.clickListeners) listener();
  }

  destroy(): void {
    this.destroyed = true;
  }
}

/** `shell`, recording what it revealed. */
export class FakeShell implements ShellLike {
  readonly revealed: string[] = [];
  readonly opened: string[] = [];

  showItemInFolder(fullPath: string): void {
    this.revealed.push(fullPath);
  }

  openPath(path: string): Promise<string> {
    this.opened.push(path);
    return Promise.resolve('');
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
  /** What `postMessage` sent, with its transferred ports. */
  readonly postedMessages: { channel: string; message: unknown; transfer: unknown[] }[] = [];
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

  postMessage(channel: string, message: unknown, transfer: MessagePort[] = []): void {
    this.postedMessages.push({ channel, message, transfer });
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

  /** The renderer process is gone: no more messages either way. */
  detach(): void {
    if (this.main) this.main.page.renderer = null;
    this.main = null;
    this.listeners.clear();
  }
}

/** The fake `electron` module: main-process parts (a {@link MainElectron}) and renderer parts. */
export interface FakeElectron extends MainElectron {
  readonly app: FakeApp;
  readonly BrowserWindow: new (options: BrowserWindowConstructorOptions) => FakeBrowserWindow;
  readonly ipcMain: FakeIpcMain;
  readonly dialog: FakeDialog;
  readonly safeStorage: FakeSafeStorage;
  readonly powerSaveBlocker: FakePowerSaveBlocker;
  readonly globalShortcut: FakeGlobalShortcut;
  readonly Menu: FakeMenuApi;
  readonly Tray: new (imagePath: string) => FakeTray;
  readonly Notification: {
    new (options: { title: string; body: string; silent?: boolean }): NotificationLike;
    isSupported(): boolean;
  };
  readonly shell: FakeShell;
  /** Every tray icon created. */
  readonly trays: FakeTray[];
  /** Every notification shown. */
  readonly notifications: { title: string; body: string }[];
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
  /** The OS keychain; pass the same one to a second fake to read what the first wrote. */
  safeStorage?: FakeSafeStorage;
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
  const trays: FakeTray[] = [];
  class Tray extends FakeTray {
    constructor(imagePath: string) {
      super(imagePath);
      trays.push(this);
    }
  }
  const notifications: { title: string; body: string }[] = [];
  class Notification implements NotificationLike {
    constructor(private readonly options: { title: string; body: string }) {}
    static isSupported(): boolean {
      return true;
    }
    show(): void {
      notifications.push({ title: this.options.title, body: this.options.body });
    }
  }
  return {
    app: new FakeApp(
      options.userData ?? '/nonexistent/steadycast-user-data',
      options.gotSingleInstanceLock ?? true,
      options.isPackaged ?? false,
      options.readyAtOnce ?? true,
    ),
    BrowserWindow,
    ipcMain: new FakeIpcMain(),
    dialog: new FakeDialog(),
    safeStorage: options.safeStorage ?? new FakeSafeStorage(),
    powerSaveBlocker: new FakePowerSaveBlocker(),
    globalShortcut: new FakeGlobalShortcut(),
    Menu: new FakeMenuApi(),
    Tray,
    Notification,
    shell: new FakeShell(),
    trays,
    notifications,
    session: { defaultSession },
    contextBridge: new FakeContextBridge(),
    ipcRenderer: new FakeIpcRenderer(),
    windows,
  };
}

/** The instance `vi.mock('electron', …)` hands to modules that import Electron themselves (the preload's index.ts). */
export const electronModule: FakeElectron = createFakeElectron();

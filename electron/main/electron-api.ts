import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, MessageBoxOptions, MessageBoxReturnValue } from 'electron';

/*
 * The parts of Electron's main-process API that Steadycast uses, as small structural interfaces.
 * Modules take these as parameters (index.ts passes the real `electron` module, tests pass
 * test/fakes/electron.ts), so everything but index.ts runs without the Electron binary. The real
 * module is checked against these interfaces where index.ts passes it in.
 */

/** A frame that sent an IPC message or asked for a permission. */
export interface FrameLike {
  readonly url: string;
  /** `null` for the top frame of a page. */
  readonly parent: FrameLike | null;
}

/** What an IPC event says about its sender. */
export interface IpcSenderEvent {
  readonly sender: unknown;
  /** `null` when the frame navigated away or was destroyed before the message was handled. */
  readonly senderFrame: FrameLike | null;
  /** Ports sent along (`ipcRenderer.postMessage`); absent on invokes. */
  readonly ports?: readonly MessagePortMainLike[];
}

/** `MessagePortMain`: main's end of a MessageChannel whose other end is in a renderer. */
export interface MessagePortMainLike {
  on(event: 'message', listener: (event: { readonly data: unknown }) => void): unknown;
  /** The other end went away (closed, or its renderer is gone). */
  on(event: 'close', listener: () => void): unknown;
  /** Delivers queued and later messages; nothing arrives before. */
  start(): void;
  close(): void;
}

/** `ipcMain`, as far as the IPC wiring uses it. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => void): unknown;
}

/** The response part of `webRequest.onHeadersReceived`. */
export interface HeadersReceivedDetails {
  readonly url: string;
  readonly responseHeaders?: Record<string, string[]>;
}

/** What an `onHeadersReceived` listener answers. */
export interface HeadersReceivedResponse {
  responseHeaders?: Record<string, string[]>;
  cancel?: boolean;
}

/** Details of a permission request (`MediaAccessPermissionRequest` carries `mediaTypes`). */
export interface PermissionRequestDetails {
  readonly requestingUrl?: string;
  readonly mediaTypes?: ReadonlyArray<'video' | 'audio'>;
}

/** Details of a permission check. */
export interface PermissionCheckDetails {
  readonly requestingUrl?: string;
  readonly mediaType?: 'video' | 'audio' | 'unknown';
}

/** A session: response headers and permissions of every page in it. */
export interface SessionLike {
  readonly webRequest: {
    onHeadersReceived(listener: (details: HeadersReceivedDetails, callback: (response: HeadersReceivedResponse) => void) => void): void;
  };
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionRequestDetails) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (webContents: unknown, permission: string, requestingOrigin: string, details: PermissionCheckDetails) => boolean,
  ): void;
}

/** The event of `will-navigate`. */
export interface NavigationEvent {
  preventDefault(): void;
}

/** A window's web contents. */
export interface WebContentsLike {
  readonly session: SessionLike;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'allow' | 'deny' }): void;
  on(event: 'will-navigate', listener: (event: NavigationEvent, url: string) => void): unknown;
  /** The page finished loading: its scripts ran, so the renderer listens to events. */
  on(event: 'did-finish-load', listener: () => void): unknown;
  /** The renderer process crashed, was killed or ran out of memory (the engine in main goes on). */
  on(event: 'render-process-gone', listener: (event: unknown, details: RenderProcessGoneDetailsLike) => void): unknown;
  /** The page wrote to its console (Electron ≥ 35 passes one details object). */
  on(event: 'console-message', listener: (details: ConsoleMessageLike) => void): unknown;
  /** Loads the page again (a new renderer after a crash). */
  reload(): void;
}

/** Why a renderer process ended (`render-process-gone`). */
export interface RenderProcessGoneDetailsLike {
  readonly reason:
    'clean-exit' | 'abnormal-exit' | 'killed' | 'crashed' | 'oom' | 'launch-failed' | 'integrity-failure' | 'memory-eviction';
  readonly exitCode: number;
}

/** A console message of a page. */
export interface ConsoleMessageLike {
  readonly message: string;
  readonly level: 'info' | 'warning' | 'error' | 'debug';
  readonly lineNumber: number;
  readonly sourceId: string;
}

/** An event whose default action a listener may cancel (`close`, `before-quit`). */
export interface PreventableEvent {
  preventDefault(): void;
}

/** A browser window. */
export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  loadFile(filePath: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  /** The user asks to close the window; `preventDefault` keeps it open. */
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  show(): void;
  hide(): void;
  isVisible(): boolean;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
}

/** The `BrowserWindow` constructor. */
export type BrowserWindowConstructor = new (options: BrowserWindowConstructorOptions) => BrowserWindowLike;

/** `app`, as far as the lifecycle uses it. */
export interface AppLike {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  getPath(name: 'userData'): string;
  /** Another launch handed over to this instance, with its command line (Windows and Linux deep links arrive there). */
  on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): unknown;
  /** macOS opened a URL of a scheme the app handles (also before `ready`, on a cold start). */
  on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  /** Quitting starts (menu, tray, Cmd+Q, `app.quit()`); `preventDefault` cancels it. */
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  getVersion(): string;
  /** Windows: the identity notifications and the taskbar use; must match the installer's (the appId). */
  setAppUserModelId(id: string): void;
  /** Starts the app again once this instance exits. */
  relaunch(): void;
  /** Registers the app as the handler of `protocol:` links; `path` and `args` are the Windows command (dev mode). */
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  quit(): void;
  exit(exitCode?: number): void;
}

/** `dialog`, for problems the user must see and questions they must answer. */
export interface DialogLike {
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
  showErrorBox(title: string, content: string): void;
  showOpenDialog(options: {
    title?: string;
    filters?: { name: string; extensions: string[] }[];
    properties?: 'openFile'[];
  }): Promise<{ canceled: boolean; filePaths: string[] }>;
}

/** `safeStorage`: strings encrypted with a key kept by the OS (Keychain, DPAPI, libsecret/KWallet). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which secret store backs the key (`basic_text` is a key hard-coded in Chromium). */
  getSelectedStorageBackend?(): string;
}

/** `powerSaveBlocker`. */
export interface PowerSaveBlockerLike {
  start(type: 'prevent-app-suspension' | 'prevent-display-sleep'): number;
  stop(id: number): boolean;
  isStarted(id: number): boolean;
}

/** `globalShortcut`: system-wide key combinations (key-down only; Windows repeats while held, macOS does not). */
export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  isRegistered(accelerator: string): boolean;
  unregister(accelerator: string): void;
}

/** A built menu (opaque to Steadycast). */
export type MenuHandle = object;

/** `Menu`, as far as the application and tray menus use it. */
export interface MenuApiLike {
  buildFromTemplate(template: MenuItemConstructorOptions[]): MenuHandle;
  setApplicationMenu(menu: MenuHandle | null): void;
}

/** A tray icon (the menu bar extra on macOS). */
export interface TrayLike {
  setToolTip(toolTip: string): void;
  /** macOS: text beside the icon in the menu bar. */
  setTitle(title: string): void;
  setImage(imagePath: string): void;
  setContextMenu(menu: MenuHandle | null): void;
  displayBalloon?(options: { title: string; content: string }): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** The `Tray` constructor (an image path is enough). */
export type TrayConstructor = new (imagePath: string) => TrayLike;

/** A desktop notification. */
export interface NotificationLike {
  show(): void;
}

/** The `Notification` constructor. */
export interface NotificationConstructor {
  new (options: { title: string; body: string; silent?: boolean }): NotificationLike;
  isSupported(): boolean;
}

/** `shell`, to reveal exported files. */
export interface ShellLike {
  showItemInFolder(fullPath: string): void;
  openPath(path: string): Promise<string>;
}

/** Everything the desktop app takes from the `electron` module. */
export interface MainElectron {
  readonly app: AppLike;
  readonly BrowserWindow: BrowserWindowConstructor;
  readonly ipcMain: IpcMainLike;
  readonly dialog: DialogLike;
  readonly safeStorage: SafeStorageLike;
  readonly powerSaveBlocker: PowerSaveBlockerLike;
  readonly globalShortcut: GlobalShortcutLike;
  readonly Menu: MenuApiLike;
  readonly Tray: TrayConstructor;
  readonly Notification: NotificationConstructor;
  readonly shell: ShellLike;
}

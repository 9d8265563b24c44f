import type { BrowserWindowConstructorOptions } from 'electron';
import { createLogger } from '../engine/log/logger';
import { buildContentSecurityPolicy, withContentSecurityPolicy } from './content-security-policy';
import type {
  BrowserWindowConstructor,
  BrowserWindowLike,
  PermissionCheckDetails,
  PermissionRequestDetails,
  SessionLike,
} from './electron-api';
import { isAppUrl, type RendererLocation } from './renderer-location';

const log = createLogger('window');

/** What the main window is built from. */
export interface MainWindowOptions {
  /** Absolute path of the built preload (out/preload/index.cjs). */
  preloadPath: string;
  renderer: RendererLocation;
  /** The window's icon (Linux: the AppImage and deb builds show no icon otherwise). */
  iconPath?: string;
}

/** The hardened web preferences of the main window (exported for tests and reviews). */
export function mainWindowPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // A broadcaster keeps capturing and sending audio while its window is hidden or minimized.
    backgroundThrottling: false,
  };
}

/**
 * Creates the main window: sandboxed, isolated, no navigation away from the app, no new windows,
 * a strict CSP on every response of its session, and only the microphone among permissions.
 * Shown when its first paint is ready.
 */
export function createMainWindow(electron: { BrowserWindow: BrowserWindowConstructor }, options: MainWindowOptions): BrowserWindowLike {
  const { renderer } = options;
  const window = new electron.BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Steadycast',
    show: false,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: mainWindowPreferences(options.preloadPath),
  });
  const contents = window.webContents;

  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url, renderer)) return;
    event.preventDefault();
    log.warn(`blocked navigation to ${describeUrl(url)}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`blocked a new window for ${describeUrl(url)}`);
    return { action: 'deny' };
  });
  applySessionPolicy(contents.session, { renderer, devServer: renderer.kind === 'url' });

  window.once('ready-to-show', () => window.show());
  const loading = renderer.kind === 'url' ? window.loadURL(renderer.url) : window.loadFile(renderer.path);
  loading.catch((error: unknown) => log.error('the window could not load the app page', error));
  return window;
}

/** Options of the session policy. */
export interface SessionPolicyOptions {
  renderer: RendererLocation;
  /** Loosen the CSP for the Vite dev server (see content-security-policy.ts). */
  devServer: boolean;
}

/** Sets the CSP header on every response and the permission handlers of a session. */
export function applySessionPolicy(session: SessionLike, { renderer, devServer }: SessionPolicyOptions): void {
  const policy = buildContentSecurityPolicy({ devServer });
  session.webRequest.onHeadersReceived((details, callback) => callback(withContentSecurityPolicy(details, policy)));

  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = isMicrophoneRequest(permission, details, renderer);
    if (!granted) log.warn(`denied permission "${permission}"${describeMedia(details.mediaTypes)}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => isMicrophoneCheck(permission, details, renderer));
}

/** Only the app page may use the microphone, and nothing else: no camera, screen, location or notifications. */
export function isMicrophoneRequest(permission: string, details: PermissionRequestDetails, renderer: RendererLocation): boolean {
  const types = details.mediaTypes ?? [];
  return (
    permission === 'media' &&
    types.length > 0 &&
    types.every((type) => type === 'audio') &&
    details.requestingUrl !== undefined &&
    isAppUrl(details.requestingUrl, renderer)
  );
}

/** The check counterpart of {@link isMicrophoneRequest} (Chromium checks before listing devices). */
export function isMicrophoneCheck(permission: string, details: PermissionCheckDetails, renderer: RendererLocation): boolean {
  return (
    permission === 'media' &&
    details.mediaType === 'audio' &&
    details.requestingUrl !== undefined &&
    isAppUrl(details.requestingUrl, renderer)
  );
}

function describeMedia(types: PermissionRequestDetails['mediaTypes']): string {
  return types && types.length > 0 ? ` (${types.join(', ')})` : '';
}

/** Logs at most the origin and path of a URL: query strings may carry tokens. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}

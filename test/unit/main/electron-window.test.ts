import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chooseRendererLocation, isAppUrl, type RendererLocation } from '../../../electron/main/renderer-location';
import { createMainWindow } from '../../../electron/main/window';
import { createFakeElectron, type FakeBrowserWindow, type FakeElectron } from '../../fakes/electron';

const builtPage = '/opt/steadycast/resources/app/out/renderer/index.html';
const builtRenderer: RendererLocation = { kind: 'file', path: builtPage };
const devRenderer: RendererLocation = { kind: 'url', url: 'http://localhost:5173' };
const preloadPath = '/opt/steadycast/resources/app/out/preload/index.cjs';

function open(renderer: RendererLocation = builtRenderer): { electron: FakeElectron; window: FakeBrowserWindow } {
  const electron = createFakeElectron();
  createMainWindow(electron, { preloadPath, renderer });
  const [window] = electron.windows;
  if (!window) throw new Error('no window was created');
  return { electron, window };
}

/** The CSP a response ends up with, as directive → sources. */
async function policyOf(electron: FakeElectron, responseHeaders: Record<string, string[]> = {}): Promise<Map<string, string[]>> {
  const response = await electron.session.defaultSession.receiveHeaders({ url: pathToFileURL(builtPage).href, responseHeaders });
  const headers = response.responseHeaders ?? {};
  const cspNames = Object.keys(headers).filter((name) => name.toLowerCase() === 'content-security-policy');
  expect(cspNames).toEqual(['Content-Security-Policy']);
  const values = headers['Content-Security-Policy'] ?? [];
  expect(values).toHaveLength(1);
  const directives = new Map<string, string[]>();
  for (const directive of (values[0] ?? '').split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

describe('main window', () => {
  it('is sandboxed and isolated, without Node, webviews or spellcheck, and has the preload', () => {
    const { window } = open();
    expect(window.options.webPreferences).toMatchObject({
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });

  it('stays hidden until its first paint is ready', () => {
    const { window } = open();
    expect(window.options.show).toBe(false);
    expect(window.visible).toBe(false);
    window.emitReadyToShow();
    expect(window.visible).toBe(true);
  });

  it('loads the built page as a file, or the dev server URL', () => {
    expect(open(builtRenderer).window.loaded).toEqual({ kind: 'file', path: builtPage });
    expect(open(devRenderer).window.loaded).toEqual({ kind: 'url', url: 'http://localhost:5173' });
  });
});

describe('content security policy', () => {
  it('is set on every response, replacing any policy the response carried', async () => {
    const { electron } = open();
    const policy = await policyOf(electron, {
      'Content-Type': ['text/html'],
      'content-security-policy': ["default-src * 'unsafe-inline' 'unsafe-eval'"],
    });
    expect(Object.fromEntries(policy)).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'", "'wasm-unsafe-eval'"],
      'style-src': ["'self'"],
      'connect-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'media-src': ["'self'", 'blob:'],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
  });

  it('keeps the other response headers', async () => {
    const { electron } = open();
    const response = await electron.session.defaultSession.receiveHeaders({
      url: 'http://localhost:5173/',
      responseHeaders: { 'Content-Type': ['text/html'], 'Cache-Control': ['no-cache'] },
    });
    expect(response.responseHeaders).toMatchObject({ 'Content-Type': ['text/html'], 'Cache-Control': ['no-cache'] });
    expect(response.cancel).toBeUndefined();
  });

  it('allows inline scripts and styles only for the dev server (React refresh preamble, injected CSS)', async () => {
    const dev = await policyOf(open(devRenderer).electron);
    expect(dev.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", "'unsafe-inline'"]);
    expect(dev.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dev.get('object-src')).toEqual(["'none'"]);
    const built = await policyOf(open(builtRenderer).electron);
    expect(built.get('script-src')).not.toContain("'unsafe-inline'");
  });
});

describe('navigation and new windows', () => {
  it('blocks navigation away from the app page', () => {
    const { window } = open();
    const page = window.webContents;
    expect(page.navigate('https://evil.example/')).toBe(true);
    expect(page.navigate('file:///etc/passwd')).toBe(true);
    expect(page.navigate(pathToFileURL('/opt/steadycast/resources/app/out/renderer/other.html').href)).toBe(true);
    expect(page.navigate('javascript:alert(1)')).toBe(true);
    expect(page.mainFrame.url).toBe(pathToFileURL(builtPage).href);
  });

  it('lets the app page reload itself', () => {
    const { window } = open();
    expect(window.webContents.navigate(pathToFileURL(builtPage).href)).toBe(false);
    expect(window.webContents.navigate(`${pathToFileURL(builtPage).href}#/settings`)).toBe(false);
  });

  it('with the dev server, allows its origin only', () => {
    const { window } = open(devRenderer);
    expect(window.webContents.navigate('http://localhost:5173/')).toBe(false);
    expect(window.webContents.navigate('http://localhost:5174/')).toBe(true);
    expect(window.webContents.navigate('https://localhost:5173/')).toBe(true);
  });

  it('denies every new window', () => {
    const { window } = open();
    expect(window.webContents.openWindow('https://example.com/')).toEqual({ action: 'deny' });
    expect(window.webContents.openWindow(pathToFileURL(builtPage).href)).toEqual({ action: 'deny' });
  });
});

describe('permissions', () => {
  const appUrl = pathToFileURL(builtPage).href;

  it('grants the microphone to the app page', async () => {
    const { electron } = open();
    const session = electron.session.defaultSession;
    expect(await session.requestPermission('media', { requestingUrl: appUrl, mediaTypes: ['audio'] })).toBe(true);
    expect(session.checkPermission('media', { requestingUrl: appUrl, mediaType: 'audio' })).toBe(true);
  });

  it.each([
    ['the camera', 'media', ['video'] as const],
    ['camera and microphone together', 'media', ['audio', 'video'] as const],
    ['media without a type', 'media', [] as const],
    ['the screen', 'display-capture', ['video'] as const],
    ['geolocation', 'geolocation', undefined],
    ['notifications', 'notifications', undefined],
    ['the clipboard', 'clipboard-read', undefined],
    ['MIDI', 'midi', undefined],
  ])('denies %s', async (_name, permission, mediaTypes) => {
    const { electron } = open();
    const granted = await electron.session.defaultSession.requestPermission(permission, {
      requestingUrl: appUrl,
      ...(mediaTypes ? { mediaTypes } : {}),
    });
    expect(granted).toBe(false);
  });

  it('denies the microphone to any other page', async () => {
    const { electron } = open();
    const session = electron.session.defaultSession;
    expect(await session.requestPermission('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] })).toBe(false);
    expect(await session.requestPermission('media', { mediaTypes: ['audio'] })).toBe(false);
    expect(session.checkPermission('media', { requestingUrl: 'https://evil.example/', mediaType: 'audio' })).toBe(false);
  });

  it('answers permission checks the same way', () => {
    const { electron } = open();
    const session = electron.session.defaultSession;
    expect(session.checkPermission('media', { requestingUrl: appUrl, mediaType: 'video' })).toBe(false);
    expect(session.checkPermission('media', { requestingUrl: appUrl, mediaType: 'unknown' })).toBe(false);
    expect(session.checkPermission('geolocation', { requestingUrl: appUrl })).toBe(false);
    expect(session.checkPermission('notifications', { requestingUrl: appUrl })).toBe(false);
  });
});

describe('renderer location', () => {
  it('uses the dev server only when unpackaged and given an http(s) URL', () => {
    const builtFile = '/app/out/renderer/index.html';
    expect(chooseRendererLocation({ isPackaged: false, devServerUrl: 'http://localhost:5173', builtFile })).toEqual({
      kind: 'url',
      url: 'http://localhost:5173',
    });
    expect(chooseRendererLocation({ isPackaged: true, devServerUrl: 'http://localhost:5173', builtFile })).toEqual({
      kind: 'file',
      path: builtFile,
    });
    expect(chooseRendererLocation({ isPackaged: false, devServerUrl: undefined, builtFile })).toEqual({ kind: 'file', path: builtFile });
    expect(chooseRendererLocation({ isPackaged: false, devServerUrl: 'file:///tmp/evil.html', builtFile })).toEqual({
      kind: 'file',
      path: builtFile,
    });
  });

  it('matches the built page by file and the dev server by origin', () => {
    expect(isAppUrl(`${pathToFileURL(builtPage).href}?x=1#y`, builtRenderer)).toBe(true);
    expect(isAppUrl(pathToFileURL('/tmp/index.html').href, builtRenderer)).toBe(false);
    expect(isAppUrl('http://localhost:5173/any/path', devRenderer)).toBe(true);
    expect(isAppUrl('http://127.0.0.1:5173/', devRenderer)).toBe(false);
    expect(isAppUrl('not a url', devRenderer)).toBe(false);
    expect(isAppUrl('data:text/html,hi', { kind: 'url', url: 'data:text/html,hi' })).toBe(false);
  });
});

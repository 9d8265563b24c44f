import { pathToFileURL } from 'node:url';

/** Where the app's own renderer page comes from: the dev server in development, a built file otherwise. */
export type RendererLocation = { kind: 'url'; url: string } | { kind: 'file'; path: string };

/** The URL the window shows when it has loaded the renderer. */
export function rendererUrl(location: RendererLocation): URL {
  return location.kind === 'url' ? new URL(location.url) : pathToFileURL(location.path);
}

/**
 * True when `candidate` is the app's own renderer page. A built renderer is one file, so it must
 * be that file (query and fragment may differ): every file:// URL is otherwise alike to Chromium.
 * The dev server is matched by origin, as VS Code matches its own scheme and authority.
 */
export function isAppUrl(candidate: string, location: RendererLocation): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  const app = rendererUrl(location);
  if (app.protocol === 'file:') return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
  // An opaque origin ("null") matches nothing, not even itself.
  return app.origin !== 'null' && url.origin === app.origin;
}

/** What decides where the renderer comes from. */
export interface RendererChoice {
  isPackaged: boolean;
  /** `ELECTRON_RENDERER_URL`, set by `electron-vite dev`. */
  devServerUrl: string | undefined;
  /** The built page, out/renderer/index.html. */
  builtFile: string;
}

/** The dev server when running unpackaged under `electron-vite dev`; the built file otherwise (a packaged app never loads a URL from its environment). */
export function chooseRendererLocation({ isPackaged, devServerUrl, builtFile }: RendererChoice): RendererLocation {
  if (!isPackaged && devServerUrl && /^https?:\/\//.test(devServerUrl)) return { kind: 'url', url: devServerUrl };
  return { kind: 'file', path: builtFile };
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize } from 'node:path';
import { build } from 'vite';
import { CONTENT_SECURITY_POLICY } from '../../electron/cli/ws-bridge';

/*
 * A test page for real Chromium: its folder built with Vite (no config, no minifying) and served
 * on loopback with the control room's content security policy, so it runs under the same rules.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
};

/** A built and served test page. */
export interface TestPage {
  /** The page's address, ending in `/`. */
  readonly url: string;
  /** Stops the server and removes the build. */
  close(): Promise<void>;
}

/**
 * Builds the page in `sourceDir` and serves it; `extraFiles` maps more paths (such as `/room.wav`)
 * to files outside the build.
 */
export async function serveTestPage(sourceDir: string, extraFiles: Readonly<Record<string, string>> = {}): Promise<TestPage> {
  const pageDir = mkdtempSync(join(tmpdir(), `steadycast-${basename(sourceDir)}-`));
  await build({
    configFile: false,
    logLevel: 'warn',
    root: sourceDir,
    base: './',
    publicDir: false,
    build: { outDir: pageDir, emptyOutDir: true, assetsInlineLimit: 0, minify: false },
  });
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = extraFiles[path] ?? join(pageDir, path === '/' ? 'index.html' : path);
    if (extraFiles[path] === undefined && !file.startsWith(pageDir)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(file);
      response.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'cache-control': 'no-store',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end(`${basename(file)} not found`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(pageDir, { recursive: true, force: true });
    },
  };
}

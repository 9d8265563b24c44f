import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { LISTEN_PAGE_CONFIG_FILE } from '../../electron/shared/listen-page';

/*
 * The listen page (renderer/listen) for tests and benchmarks: built once per process with the
 * project's own Vite config into a temporary folder, and served like any static host would, with
 * the space's listen-config.json beside it.
 */

const ROOT = resolve(import.meta.dirname, '../..');
let built: Promise<string> | null = null;

/** Builds the listen page (once per process); resolves with the folder holding listen.html and assets/. */
export function buildListenApp(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'steadycast-listen-app-'));
    await build({ configFile: join(ROOT, 'vite.listen.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    return outDir;
  })();
  return built;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A static server for a listen page: `files` (name → text) first, then the files under `dir`. */
export interface StaticSite {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `dir` and `files` on 127.0.0.1 (any free port). */
export async function serveStatic(dir: string | null, files: Record<string, string>): Promise<StaticSite> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    const text = files[path];
    if (text !== undefined) {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(text);
      return;
    }
    const file = dir === null ? null : normalize(join(dir, path));
    if (file === null || dir === null || !file.startsWith(dir)) {
      response.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (bytes) => {
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        response.end(bytes);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Builds (once) and serves the listen page with `config` (listen-config.json text); the page is at `${url}listen.html`. */
export async function serveListenPage(config: string): Promise<StaticSite> {
  return serveStatic(await buildListenApp(), { [LISTEN_PAGE_CONFIG_FILE]: config });
}

/** What the listen page reports through window.steadycastListen.state(). */
export interface ListenPageState {
  readonly state: string;
  readonly playing: boolean;
  readonly current: number;
  readonly label: string;
  /** Seconds of audio played since Play. */
  readonly currentTime: number;
  readonly levelDb: number;
  readonly bufferedMs: number;
  readonly targetMs: number;
  readonly underruns: number;
  readonly droppedMs: number;
  readonly decoder: string | null;
  readonly streams: number;
  readonly connections: number;
  readonly switches: number;
  readonly moves: { from: number; to: number; reason: string; switchedAt: number; lastPlayedAt: number | null; playingAt: number | null }[];
  readonly playStartedAt: number;
  readonly firstSoundAt: number | null;
  readonly history: { at: number; message: string }[];
  readonly status: { state: string; listeners?: number | null }[];
}

/** Reads the listen page's state (either page: the new one or the old `<audio>` one, for the fields both have). */
export async function readListenState(page: Page): Promise<ListenPageState> {
  return (await page.evaluate(() =>
    (window as unknown as { steadycastListen: { state(): unknown } }).steadycastListen.state(),
  )) as ListenPageState;
}

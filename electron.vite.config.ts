import { chmodSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/*
 * One build for every process (npm run build → out/):
 *   out/main/index.js          Electron main process (ESM; dependencies stay in node_modules)
 *   out/cli/steadycast.js      the headless `steadycast` command, built beside main so both share engine chunks
 *   out/preload/index.cjs      the sandboxed preload: CommonJS, one file, only `electron` external
 *   out/renderer/              the UI, served by the window (file://) and by `steadycast headless`
 */

const root = import.meta.dirname;
const fromRoot = (path: string): string => resolve(root, path);
const { version } = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string };
const defineVersion = { __STEADYCAST_VERSION__: JSON.stringify(version) };

/**
 * The built page carries a strict CSP <meta>. Vite's dev server needs inline scripts and styles
 * (React refresh, injected CSS), so while serving the meta tag is dropped and the main process's
 * relaxed dev header applies instead. Builds keep the tag.
 */
const devCspRelax: Plugin = {
  name: 'steadycast:dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>\s*/i, ''),
};

/**
 * `bin` runs out/cli/steadycast.js directly, so it must be executable after every build: npm sets
 * the bit only when it links the bin (the first install), and a rebuild writes a fresh 0644 file.
 */
const cliExecutable: Plugin = {
  name: 'steadycast:cli-executable',
  apply: 'build',
  writeBundle(options, bundle) {
    for (const file of Object.keys(bundle)) {
      if (file === 'cli/steadycast.js') chmodSync(resolve(options.dir ?? fromRoot('out'), file), 0o755);
    }
  },
};

export default defineConfig({
  main: {
    define: defineVersion,
    plugins: [cliExecutable],
    build: {
      // Main and the CLI share out/ so the CLI finds ../renderer/ and main finds ../preload/ and ../renderer/.
      // The main build runs first, so emptying out/ here never removes the preload or renderer output.
      outDir: 'out',
      emptyOutDir: true,
      rolldownOptions: {
        input: {
          'main/index': fromRoot('electron/main/index.ts'),
          'cli/steadycast': fromRoot('electron/cli/steadycast.ts'),
          // The Opus encoder's worker thread: its own file, found by electron/engine/opus/worker-location.ts.
          'opus/encoder-worker': fromRoot('electron/engine/opus/encoder-worker.ts'),
        },
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          // `bin` in package.json points at the CLI, so it needs a shebang.
          banner: (chunk: { name: string }) => (chunk.name === 'cli/steadycast' ? '#!/usr/bin/env node' : ''),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron` (and a few Node polyfills): bundle everything else.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: fromRoot('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('renderer'),
    plugins: [react(), devCspRelax],
    build: {
      outDir: fromRoot('out/renderer'),
      // The headless engine serves this bundle over HTTP; electron-vite leaves it unminified by default.
      minify: true,
      // Every asset is a file under 'self', so the CSP needs no data: sources for scripts, fonts or worklets.
      assetsInlineLimit: 0,
      rolldownOptions: {
        input: { index: fromRoot('renderer/index.html') },
      },
    },
  },
});

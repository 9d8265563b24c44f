import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/*
 * The audience's listen page (renderer/listen) → out/listen/: listen.html and assets/, with
 * relative URLs so the folder works from any static host or CDN path. `steadycast listen-link`
 * copies it next to the space's listen-config.json and playlists. Built after electron-vite
 * (npm run build), which empties out/ first.
 */

const root = import.meta.dirname;

export default defineConfig({
  root: resolve(root, 'renderer/listen'),
  base: './',
  publicDir: false,
  build: {
    outDir: resolve(root, 'out/listen'),
    emptyOutDir: true,
    minify: true,
    assetsInlineLimit: 0,
    // The page targets browsers with AudioWorklet and ReadableStream (every current one).
    target: 'es2022',
    rolldownOptions: { input: { listen: resolve(root, 'renderer/listen/listen.html') } },
  },
  worker: { format: 'es' },
});

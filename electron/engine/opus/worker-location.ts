import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/*
 * Where the encoder worker's code is, in the two ways the engine runs:
 *
 * - From TypeScript sources (vitest, tsx: tests, benchmarks, `npm run servers`): this module's own
 *   URL ends in .ts. Node cannot start a worker from a .ts file by itself, and on Node 20 a worker's
 *   `--import tsx` does not apply to its entry module, so the worker starts from a tiny ES module
 *   (a data: URL) that registers tsx's loader and then imports encoder-worker.ts.
 * - From the electron-vite bundle (Electron main, the `steadycast` CLI): the worker is its own build
 *   entry, out/opus/encoder-worker.js, and the engine's code sits in a bundle one level below out/
 *   (out/main, out/cli or out/chunks), so the worker is at ../opus/encoder-worker.js from here.
 */

/** How to start a worker: the module to run and a description of where it came from. */
export interface WorkerLocation {
  url: URL;
  /** The file that holds the worker's code (for messages). */
  file: string;
  mode: 'source' | 'bundle';
}

/** A worker file that is not where the engine expects it. */
export class WorkerNotFoundError extends Error {
  constructor(readonly tried: string[]) {
    super(`The Opus encoder worker was not found (looked for ${tried.join(', ')}). Run "npm run build" to rebuild out/.`);
    this.name = 'WorkerNotFoundError';
  }
}

/**
 * Finds a worker entry named `name` (without extension) that lives in this folder in the sources
 * and in out/opus/ in the bundle. `base` is the caller's import.meta.url (tests may pass another).
 */
export function locateWorker(name: string, base: string = import.meta.url): WorkerLocation {
  if (base.endsWith('.ts')) {
    const source = new URL(`./${name}.ts`, base);
    const file = fileURLToPath(source);
    if (!existsSync(file)) throw new WorkerNotFoundError([file]);
    // tsx is a dev dependency: this branch runs only from sources, never from the bundle.
    const loader = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import { register } from ${JSON.stringify(loader)};\nregister();\nawait import(${JSON.stringify(source.href)});\n`;
    return { url: new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), file, mode: 'source' };
  }
  const candidates = [`../opus/${name}.js`, `./opus/${name}.js`, `./${name}.js`].map((relative) => new URL(relative, base));
  const found = candidates.find((candidate) => existsSync(fileURLToPath(candidate)));
  if (!found) throw new WorkerNotFoundError(candidates.map((candidate) => fileURLToPath(candidate)));
  return { url: found, file: fileURLToPath(found), mode: 'bundle' };
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { locateWorker, WorkerNotFoundError } from '../../../../electron/engine/opus/worker-location';

const dir = mkdtempSync(join(tmpdir(), 'steadycast-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('locateWorker', () => {
  test('from the sources: a bootstrap module that loads the .ts worker through tsx', () => {
    const location = locateWorker('encoder-worker');
    expect(location.mode).toBe('source');
    expect(location.file).toMatch(/electron\/engine\/opus\/encoder-worker\.ts$/);
    expect(location.url.protocol).toBe('data:');
    expect(decodeURIComponent(location.url.href)).toContain('tsx/dist/esm/api');
  });

  test('from the bundle: out/opus/<name>.js seen from out/chunks, out/main or out/cli', () => {
    mkdirSync(join(dir, 'out', 'opus'), { recursive: true });
    writeFileSync(join(dir, 'out', 'opus', 'encoder-worker.js'), '');
    for (const bundle of ['chunks/engine-abc123.js', 'main/index.js', 'cli/steadycast.js']) {
      const location = locateWorker('encoder-worker', pathToFileURL(join(dir, 'out', bundle)).href);
      expect(location).toMatchObject({ mode: 'bundle', file: join(dir, 'out', 'opus', 'encoder-worker.js') });
    }
  });

  test('a bundle without the worker says what to do', () => {
    const base = pathToFileURL(join(dir, 'elsewhere', 'chunks', 'x.js')).href;
    expect(() => locateWorker('encoder-worker', base)).toThrow(WorkerNotFoundError);
    expect(() => locateWorker('encoder-worker', base)).toThrow(/npm run build/);
  });
});

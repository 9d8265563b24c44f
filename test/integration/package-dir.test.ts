import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * `electron-builder --dir` on the built app (out/, from `npm run build`, which `npm test` runs
 * first) with a stand-in Electron distribution, so nothing is downloaded: electron-builder loads
 * and validates electron-builder.yml, resolves the files and asarUnpack globs, packs app.asar and
 * names the executable, as for a real Linux build. Only the Electron binary itself is not real.
 */

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const { listPackage } = require('@electron/asar') as { listPackage: (archive: string, options: { isPack: boolean }) => string[] };
const { SENTINEL, FuseState } = require('@electron/fuses/dist/constants.js') as {
  SENTINEL: string;
  FuseState: { ENABLE: number; DISABLE: number };
};
const work = mkdtempSync(join(tmpdir(), 'steadycast-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('electron-builder --dir', () => {
  it('packs the built app with its assets, the unpacked worker and libopus, under the steadycast executable', () => {
    expect(existsSync(join(root, 'out', 'main', 'index.js')), 'out/main/index.js is missing: run npm run build first').toBe(true);
    const electronDist = join(work, 'electron-dist');
    mkdirSync(join(electronDist, 'resources'), { recursive: true });
    // A fuse wire (version 1, 8 fuses, Electron's defaults) for electron-builder to flip, as in the real binary.
    const { ENABLE, DISABLE } = FuseState;
    const wire = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE];
    writeFileSync(
      join(electronDist, 'electron'),
      Buffer.concat([
        Buffer.from('#!/bin/sh\necho "stand-in for the Electron binary"\nexit 0\n# '),
        Buffer.from(SENTINEL),
        Buffer.from([1, wire.length, ...wire]),
        Buffer.from('\n'),
      ]),
    );
    chmodSync(join(electronDist, 'electron'), 0o755);
    const output = join(work, 'dist');

    const run = spawnSync(
      join(root, 'node_modules', '.bin', 'electron-builder'),
      ['--linux', 'dir', '--publish', 'never', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`],
      { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    const app = join(output, 'linux-unpacked');
    expect(existsSync(join(app, 'steadycast'))).toBe(true);
    // electron-builder flipped the fuses (electron-builder.yml electronFuses): RunAsNode, NODE_OPTIONS
    // and --inspect off; only the integrity-checked app.asar loads.
    const binary = readFileSync(join(app, 'steadycast'));
    const fuseAt = binary.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect([...binary.subarray(fuseAt, fuseAt + 6)]).toEqual([DISABLE, ENABLE, DISABLE, DISABLE, ENABLE, ENABLE]);
    const packed = listPackage(join(app, 'resources', 'app.asar'), { isPack: false }).map((entry) => entry.replaceAll('\\', '/'));
    expect(packed).toEqual(
      expect.arrayContaining([
        '/package.json',
        '/out/main/index.js',
        '/out/preload/index.cjs',
        '/out/renderer/index.html',
        '/assets/tray/tray.png',
        '/assets/tray/tray-live@2x.png',
        '/assets/icons/512x512.png',
        '/node_modules/electron-log',
        '/node_modules/janode',
      ]),
    );
    // Development-only packages stay out.
    expect(packed.some((entry) => entry.startsWith('/node_modules/sharp'))).toBe(false);
    expect(existsSync(join(app, 'resources', 'app.asar.unpacked', 'out', 'opus', 'encoder-worker.js'))).toBe(true);
    expect(existsSync(join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'opusscript'))).toBe(true);
  }, 150_000);
});

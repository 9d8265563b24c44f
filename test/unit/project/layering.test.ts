import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const fixture = (name: string): Promise<string> => readFile(join(root, 'test/fixtures/lint', name), 'utf8');
const eslint = new ESLint({ cwd: root });

/** Lints a fixture as if it lived at `filePath`, returning the layering errors only. */
async function layeringErrors(fixtureName: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(await fixture(fixtureName), { filePath: join(root, filePath) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'no-restricted-globals')
    .map((message) => message.message);
}

// The first lint builds a TypeScript program for typed rules: seconds on a busy 2-core machine.
describe('layering rules', { timeout: 60_000 }, () => {
  it.each([
    ['renderer-imports-engine.ts', 'renderer/features/layering-fixture.ts', /only electron\/shared/],
    ['renderer-imports-node.ts', 'renderer/features/layering-fixture.ts', /without Node/],
    ['engine-imports-electron.ts', 'electron/engine/layering-fixture.ts', /Only electron\/main and electron\/preload/],
    ['engine-uses-dom.ts', 'electron/engine/layering-fixture.ts', /without a DOM/],
    ['shared-imports-node.ts', 'electron/shared/layering-fixture.ts', /without Node/],
    ['shared-imports-engine.ts', 'electron/shared/layering-fixture.ts', /must not depend on the engine/],
  ])('%s is refused in %s', async (name, filePath, reason) => {
    const errors = await layeringErrors(name, filePath);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(reason);
  });

  it('lets the renderer import the shared contract', async () => {
    expect(await layeringErrors('renderer-imports-shared.ts', 'renderer/features/layering-fixture.ts')).toEqual([]);
  });

  it('lets main import Electron, which the engine may not', async () => {
    expect(await layeringErrors('engine-imports-electron.ts', 'electron/main/layering-fixture.ts')).toEqual([]);
  });

  // The renderer's own layers: components/features → stores → bridge and audio, which stay apart.
  it.each([
    ['renderer-feature-imports-bridge.ts', 'renderer/features/top-bar/layering-fixture.ts', /through the store/],
    ['renderer-bridge-imports-audio.ts', 'renderer/bridge/layering-fixture.ts', /renderer\/bridge and renderer\/audio are independent/],
    ['renderer-audio-imports-bridge.ts', 'renderer/audio/layering-fixture.ts', /renderer\/audio and renderer\/bridge are independent/],
    ['renderer-stores-imports-feature.ts', 'renderer/stores/layering-fixture.ts', /renderer\/stores is below renderer\/features/],
    ['renderer-shared-imports-stores.ts', 'renderer/shared/layering-fixture.ts', /renderer\/shared is below renderer\/stores/],
    // The renderer-wide rules still hold inside each layer.
    ['renderer-imports-engine.ts', 'renderer/stores/layering-fixture.ts', /only electron\/shared/],
    ['renderer-imports-node.ts', 'renderer/bridge/layering-fixture.ts', /without Node/],
  ])('%s is refused in %s', async (name, filePath, reason) => {
    const errors = await layeringErrors(name, filePath);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(reason);
  });

  it('lets the bridge import the shared frame types and the contract (electron/shared/bridge is not renderer/bridge)', async () => {
    expect(await layeringErrors('renderer-bridge-imports-shared.ts', 'renderer/bridge/layering-fixture.ts')).toEqual([]);
  });

  it('lets the store join the bridge and the audio layer', async () => {
    expect(await layeringErrors('renderer-stores-imports-bridge-and-audio.ts', 'renderer/stores/layering-fixture.ts')).toEqual([]);
  });

  it("refuses janode's muteRoom(), which sends unmute_room", async () => {
    const [result] = await eslint.lintText(await fixture('janode-mute-room.ts'), {
      filePath: join(root, 'electron/engine/layering-fixture.ts'),
    });
    const errors = (result?.messages ?? [])
      .filter((message) => message.ruleId === 'no-restricted-properties')
      .map((message) => message.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/sends unmute_room/);
  });

  it('makes the eslint command (npm run lint) fail on a wrong-way import', async () => {
    const source = await fixture('renderer-imports-engine.ts');
    const run = promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', 'renderer/features/layering-fixture.ts'],
      { cwd: root },
    );
    run.child.stdin?.end(source);
    const failure = await run.then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain('no-restricted-imports');
  });
});

import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const startScript = join(root, 'scripts', 'start.mjs');

interface Run {
  code: number | null;
  output: string;
}

/** Runs a Node script to completion and returns its exit code and everything it printed. */
function runNode(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The environment without anything that points electron-vite at a binary. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('ELECTRON_EXEC_PATH' in extra)) delete env['ELECTRON_EXEC_PATH'];
  delete env['ELECTRON_OVERRIDE_DIST_PATH'];
  return env;
}

function expectOneLineWithoutStack(run: Run): string {
  const lines = run.output.split('\n').filter((line) => line.length > 0);
  expect(lines).toHaveLength(1);
  expect(run.output).not.toMatch(/^\s+at /m);
  expect(run.code).toBe(1);
  return lines[0] ?? '';
}

let project: string;

/*
 * A copy of the script in a throwaway project whose node_modules holds an `electron` package like
 * the one npm leaves when the binary download is skipped (no path.txt), and a stand-in
 * electron-vite that reports how it was called. This keeps the test the same on a machine that
 * does have Electron. The stand-in electron/index.js throws with a stack, as the real one does.
 */
beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'steadycast-start-'));
  await mkdir(join(project, 'scripts'));
  await copyFile(startScript, join(project, 'scripts', 'start.mjs'));
  const electron = join(project, 'node_modules', 'electron');
  await mkdir(electron, { recursive: true });
  await writeFile(join(electron, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1', main: 'index.js' }));
  await writeFile(
    join(electron, 'index.js'),
    "throw new Error('Electron failed to install correctly. Please delete `node_modules/electron`');\n",
  );
  const electronVite = join(project, 'node_modules', 'electron-vite');
  await mkdir(join(electronVite, 'bin'), { recursive: true });
  await writeFile(
    join(electronVite, 'package.json'),
    JSON.stringify({ name: 'electron-vite', type: 'module', bin: { 'electron-vite': 'bin/electron-vite.js' } }),
  );
  await writeFile(
    join(electronVite, 'bin', 'electron-vite.js'),
    'console.log(JSON.stringify({ args: process.argv.slice(2) }));\nprocess.exit(7);\n',
  );
});
afterEach(async () => {
  await rm(project, { recursive: true, force: true });
});

async function installBinary(): Promise<void> {
  const electron = join(project, 'node_modules', 'electron');
  await writeFile(join(electron, 'path.txt'), 'electron');
  await mkdir(join(electron, 'dist'));
  await writeFile(join(electron, 'dist', 'electron'), '');
}

describe('npm start', () => {
  it('without the Electron binary, prints one line pointing to npm run headless and exits 1', async () => {
    const run = await runNode(join(project, 'scripts', 'start.mjs'), cleanEnv(), project);
    const line = expectOneLineWithoutStack(run);
    expect(line).toBe(
      'Steadycast: the Electron binary is not installed on this machine (its download was skipped or blocked), so the desktop app cannot start. Run "npm run headless" to use Steadycast in your browser instead.',
    );
  });

  it('treats a path.txt whose binary is gone as not installed', async () => {
    await writeFile(join(project, 'node_modules', 'electron', 'path.txt'), 'electron');
    const line = expectOneLineWithoutStack(await runNode(join(project, 'scripts', 'start.mjs'), cleanEnv(), project));
    expect(line).toContain('npm run headless');
  });

  it('says what is wrong with an ELECTRON_EXEC_PATH that points nowhere (run in this repository)', async () => {
    const missing = join(project, 'no-such-electron');
    const line = expectOneLineWithoutStack(await runNode(startScript, cleanEnv({ ELECTRON_EXEC_PATH: missing }), root));
    expect(line).toContain(missing);
    expect(line).toContain('npm run headless');
  });

  it('with the binary, runs electron-vite preview with inherited output and its exit code', async () => {
    await installBinary();
    const run = await runNode(join(project, 'scripts', 'start.mjs'), cleanEnv(), project);
    expect(run.code).toBe(7);
    expect(JSON.parse(run.output)).toEqual({ args: ['preview'] });
  });
});

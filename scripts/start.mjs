// `npm start`: builds and runs the desktop app with `electron-vite preview`, or, when this machine
// has no Electron binary, says so in one line and points to the headless mode.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

const HEADLESS_HINT = 'Run "npm run headless" to use Steadycast in your browser instead.';
const NOT_INSTALLED = `Steadycast: the Electron binary is not installed on this machine (its download was skipped or blocked), so the desktop app cannot start. ${HEADLESS_HINT}`;

/**
 * Finds the Electron executable the way electron-vite does (ELECTRON_EXEC_PATH, else the
 * electron package's path.txt and dist/). It never `require`s the electron package: without
 * path.txt, electron/index.js tries to download the binary, prints the download's stack trace,
 * and only then throws "Electron failed to install correctly".
 * @returns {{ ok: true } | { ok: false, message: string }}
 */
function findElectron() {
  const override = process.env.ELECTRON_EXEC_PATH;
  if (override) {
    return existsSync(override)
      ? { ok: true }
      : {
          ok: false,
          message: `Steadycast: ELECTRON_EXEC_PATH is "${override}", which does not exist, so the desktop app cannot start. Fix or unset it. ${HEADLESS_HINT}`,
        };
  }
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, message: NOT_INSTALLED };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { ok: false, message: NOT_INSTALLED };
  const executable = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? { ok: true } : { ok: false, message: NOT_INSTALLED };
}

/** The electron-vite command-line entry, resolved like npm would run its bin. */
function electronViteCli() {
  const packageJson = require.resolve('electron-vite/package.json');
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8'));
  return join(dirname(packageJson), typeof bin === 'string' ? bin : bin['electron-vite']);
}

const electron = findElectron();
if (!electron.ok) {
  console.error(electron.message);
  process.exit(1);
}

const child = spawn(process.execPath, [electronViteCli(), 'preview', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('error', (error) => {
  console.error(`Steadycast: could not run electron-vite (${error.message}).`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

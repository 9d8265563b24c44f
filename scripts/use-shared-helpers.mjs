// One-off codemod (issue 23): every user imports assertNever and describeError from electron/shared.
// Branches written before that keep importing them from the engine (electron/engine/assert-never.ts,
// electron/engine/log/logger.ts, both re-exports now) or keep renderer copies (describeFailure, local
// assertNever). Run once after merging them: `node scripts/use-shared-helpers.mjs`, then
// `npx tsc -b && npx eslint --max-warnings 0 .`, commit, and delete this script.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const at = (path) => resolve(root, path);
const SHARED_ASSERT = at('electron/shared/assert-never');
const SHARED_DESCRIBE = at('electron/shared/describe-error');
const ENGINE_ASSERT = at('electron/engine/assert-never');
const LOGGER = at('electron/engine/log/logger');
const DESCRIBE_FAILURE = at('renderer/stores/describe-failure');
const IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';\n/gm;
const LOCAL_ASSERT = /\n+(?:\/\*\*[^\n]*\*\/\n)?function assertNever\(value: never\): never \{\n[^\n]*\n\}\n/;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || path === at('electron/shared') || path === at('test/fixtures') ? [] : files(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function specifierTo(file, target) {
  const path = relative(dirname(file), target);
  return path.startsWith('.') ? path : `./${path}`;
}

function rewrite(file, text) {
  const wanted = new Set();
  let renamed = false;
  let out = text.replace(IMPORT, (statement, typeOnly, names, from) => {
    if (typeOnly || !from.startsWith('.')) return statement;
    const target = resolve(dirname(file), from);
    const list = names.split(',').map((name) => name.trim()).filter(Boolean);
    const moves = { [ENGINE_ASSERT]: ['assertNever', 'assertNever'], [LOGGER]: ['describeError', 'describeError'], [DESCRIBE_FAILURE]: ['describeFailure', 'describeError'] }[target];
    if (!moves || !list.includes(moves[0])) return statement;
    wanted.add(moves[1]);
    if (moves[0] !== moves[1]) renamed = true;
    const rest = list.filter((name) => name !== moves[0]);
    if (rest.length === 0) return '';
    const typesOnly = rest.every((name) => name.startsWith('type '));
    return typesOnly ? `import type { ${rest.map((name) => name.slice(5)).join(', ')} } from '${from}';\n` : `import { ${rest.join(', ')} } from '${from}';\n`;
  });
  if (LOCAL_ASSERT.test(out)) {
    out = out.replace(LOCAL_ASSERT, '\n');
    wanted.add('assertNever');
  }
  if (renamed) out = out.replace(/(?<![.\w])describeFailure\(/g, 'describeError(');
  if (wanted.size === 0) return text;
  const lines = [...wanted]
    .filter((name) => !new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from '[^']*shared/(assert-never|describe-error)'`).test(out))
    .map((name) => `import { ${name} } from '${specifierTo(file, name === 'assertNever' ? SHARED_ASSERT : SHARED_DESCRIBE)}';\n`);
  const imports = [...out.matchAll(/^import\s[^;]*;\n/gm)];
  const end = imports.length === 0 ? 0 : (imports.at(-1).index ?? 0) + imports.at(-1)[0].length;
  return out.slice(0, end) + lines.join('') + out.slice(end);
}

let changed = 0;
for (const file of ['electron', 'renderer', 'test'].flatMap((dir) => files(at(dir)))) {
  if ([ENGINE_ASSERT, LOGGER, DESCRIBE_FAILURE].includes(file.replace(/\.ts$/, ''))) continue;
  const text = readFileSync(file, 'utf8');
  const next = rewrite(file, text);
  if (next !== text) {
    writeFileSync(file, next);
    changed += 1;
    console.log(`rewrote ${relative(root, file)}`);
  }
}
// The engine paths and the renderer copy go.
rmSync(`${ENGINE_ASSERT}.ts`, { force: true });
const logger = readFileSync(`${LOGGER}.ts`, 'utf8').replace(/\n\/\/ The one describeError lives in electron\/shared;[^\n]*\nexport \{ describeError \};\n/, '');
writeFileSync(`${LOGGER}.ts`, logger);
const failure = readFileSync(`${DESCRIBE_FAILURE}.ts`, 'utf8').replace(/\/\*\*[^\n]*\*\/\nexport function describeFailure\(error: unknown\): string \{\n(?: {2}[^\n]*\n)*\}\n\n?/, '');
writeFileSync(`${DESCRIBE_FAILURE}.ts`, failure);
console.log(`${changed} files now import assertNever/describeError from electron/shared`);

// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * Layering (see README "Layering"): the folder says where code runs, and these rules keep every
 * import pointing the right way. A wrong-way import fails `npm run lint`; test/unit/project/layering.test.ts
 * proves it.
 */

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'http',
  'https',
  'net',
  'tls',
  'dgram',
  'child_process',
  'crypto',
  'stream',
  'stream/*',
  'events',
  'url',
  'util',
  'worker_threads',
  'zlib',
  'buffer',
  'process',
  'timers',
  'timers/*',
];

const noElectron = { name: 'electron', message: 'Only electron/main and electron/preload may import Electron.' };
const noNode = { group: NODE_BUILTINS, message: 'This layer runs without Node: no Node built-ins here.' };
const noServerLibraries = { group: ['ws', 'janode', 'janode/*'], message: 'Server libraries belong to electron/engine or electron/cli.' };
/** Any relative import with a path segment named `segment` (`../engine/x`, `../../electron/engine`). */
const relativeSegment = (segment) => `^\\.{1,2}/(?:.*/)?${segment}(?:/.*)?$`;
const layer = (name, reason) => ({ regex: relativeSegment(name), message: reason });
const noRenderer = { regex: relativeSegment('renderer'), message: 'Nothing outside renderer/ may import the renderer.' };
const noTests = { regex: relativeSegment('test'), message: 'Product code must not import tests or fakes.' };

/** @param {string[]} files @param {{ paths?: object[], patterns: object[] }} restrictions */
const restrict = (files, restrictions) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths: restrictions.paths ?? [], patterns: restrictions.patterns }] },
});

/*
 * The renderer's own layers (README "Layering"): components and features → stores → bridge and
 * audio; bridge/ and audio/ never import each other (what they share, the program's frames, is in
 * renderer/shared/, which imports no other layer). main.tsx, the composition root, may import all.
 */
/** An import of the renderer folder `folder` from inside renderer/ (`../bridge/x`, `../../bridge`), not electron/shared/bridge. */
const rendererLayer = (folder, message) => ({ regex: `^(?:\\.\\./)+${folder}(?:/.*)?$`, message });
const rendererBase = {
  paths: [{ name: 'electron', message: 'The renderer reaches Electron only through window.steadycast (renderer/bridge).' }],
  patterns: [
    {
      regex: '^\\.{1,2}/(?:.*/)?electron/(?!shared(?:/|$))',
      message: 'The renderer may import only electron/shared from outside renderer/.',
    },
    noNode,
    noServerLibraries,
    noTests,
  ],
};
/** The renderer's restrictions plus the layer rules of one folder (a later config replaces the rule, it does not add to it). */
const rendererRestrict = (files, patterns) =>
  restrict(files, { paths: rendererBase.paths, patterns: [...rendererBase.patterns, ...patterns] });
const viaStores = (folder) =>
  rendererLayer(folder, `Components and features reach renderer/${folder} through the store (renderer/stores), never directly.`);
const notUp = (folder, below) => rendererLayer(folder, `renderer/${below} is below renderer/${folder}: it must not import it.`);

const noDomGlobals = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'HTMLElement',
  'AudioContext',
  'RTCPeerConnection',
].map((name) => ({ name, message: 'The engine and the contract run without a DOM.' }));

export default tseslint.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', '.cache/', 'test-results/', 'playwright-report/', 'test/fixtures/lint/', 'scripts/*.d.mts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.config.ts', '*.config.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.es2023 },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // test/unit/project/layering.test.ts lints fixtures under these virtual names, which no tsconfig contains.
  {
    files: ['**/layering-fixture.ts'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false, project: null } },
  },
  { files: ['scripts/**', '*.config.*', 'test/env/**'], languageOptions: { globals: globals.node }, rules: { 'no-console': 'off' } },

  // electron/shared: the contract. No Node, no DOM, no Electron, no other layer.
  restrict(['electron/shared/**'], {
    paths: [noElectron],
    patterns: [
      noNode,
      noServerLibraries,
      layer('engine', 'The contract must not depend on the engine.'),
      layer('main', 'The contract must not depend on main.'),
      layer('preload', 'The contract must not depend on the preload.'),
      layer('cli', 'The contract must not depend on the CLI.'),
      noRenderer,
      noTests,
    ],
  }),
  // electron/engine: pure TypeScript on Node. No Electron, no DOM, no UI.
  restrict(['electron/engine/**'], {
    paths: [noElectron],
    patterns: [
      layer('main', 'The engine must not depend on the Electron main process.'),
      layer('preload', 'The engine must not depend on the preload.'),
      layer('cli', 'The engine must not depend on the CLI.'),
      noRenderer,
      noTests,
    ],
  }),
  { files: ['electron/engine/**', 'electron/shared/**'], rules: { 'no-restricted-globals': ['error', ...noDomGlobals] } },
  // electron/cli: the headless command. Engine + contract, never Electron.
  restrict(['electron/cli/**'], {
    paths: [noElectron],
    patterns: [
      layer('main', 'The CLI must not depend on the Electron main process.'),
      layer('preload', 'The CLI must not depend on the preload.'),
      noRenderer,
      noTests,
    ],
  }),
  // electron/main: Electron + engine + contract.
  restrict(['electron/main/**'], {
    patterns: [
      layer('cli', 'Main must not depend on the CLI.'),
      layer('preload', 'Main must not import the preload.'),
      noRenderer,
      noTests,
    ],
  }),
  // electron/preload: contextBridge + the contract only.
  restrict(['electron/preload/**'], {
    patterns: [
      noServerLibraries,
      layer('engine', 'The preload must not import the engine; it only forwards to main.'),
      layer('main', 'The preload must not import main.'),
      layer('cli', 'The preload must not import the CLI.'),
      noRenderer,
      noTests,
    ],
  }),
  // renderer: DOM only; outside renderer/ it may import electron/shared and nothing else.
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', rendererBase],
    },
  },
  // The renderer's layers: components/features → stores → bridge, audio; bridge and audio apart; shared below all.
  rendererRestrict(['renderer/features/**'], [viaStores('bridge'), viaStores('audio')]),
  rendererRestrict(['renderer/components/**'], [viaStores('bridge'), viaStores('audio'), notUp('features', 'components')]),
  rendererRestrict(['renderer/stores/**'], [notUp('features', 'stores'), notUp('components', 'stores')]),
  rendererRestrict(
    ['renderer/bridge/**'],
    [
      rendererLayer(
        'audio',
        'renderer/bridge and renderer/audio are independent: share types through renderer/shared, join them in renderer/stores.',
      ),
      notUp('stores', 'bridge'),
      notUp('features', 'bridge'),
      notUp('components', 'bridge'),
    ],
  ),
  rendererRestrict(
    ['renderer/audio/**'],
    [
      rendererLayer(
        'bridge',
        'renderer/audio and renderer/bridge are independent: share types through renderer/shared, join them in renderer/stores.',
      ),
      notUp('stores', 'audio'),
      notUp('features', 'audio'),
      notUp('components', 'audio'),
    ],
  ),
  rendererRestrict(
    ['renderer/shared/**'],
    ['audio', 'bridge', 'stores', 'features', 'components'].map((folder) => notUp(folder, 'shared')),
  ),
  // janode 1.8.0's AudioBridge muteRoom() sends `unmute_room` (its request constant is wrong): never call it.
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          property: 'muteRoom',
          message:
            "janode 1.8.0's muteRoom() sends unmute_room: mute participants one by one (Moderation.muteAllButHosts), or send the request with the right name.",
        },
      ],
    },
  },
  // Tests may reach into every layer; Node globals are available there.
  {
    files: ['test/**'],
    languageOptions: { globals: { ...globals.node } },
    // vitest's asymmetric matchers (expect.objectContaining …) are typed `any`.
    rules: { 'no-console': 'off', '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
);

// Lint: typescript-eslint on TypeScript 6 (TypeScript 7 has no JS API yet). The import bans keep the
// environments apart (STYLE §7): shared imports no Node/Electron/DOM, the core no Electron, the renderer
// no Node. `isoloir/layers` keeps the programs apart: each imports only downward (docs/architecture.md).
import path from 'node:path';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'crypto',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'stream',
];

const noElectron =
  'The kiosk core and the server never import Electron (STYLE §7): only src/main/electron does.';
const electronModule = '/^electron(\\u002F.*)?$/';

/**
 * The programs' import direction, checked on the resolved path of every relative import, export-from,
 * dynamic import() and require(): a folder name alone is not enough (src/main/harness has a server.ts).
 * `from`: folders whose files are checked; `to`: the folder they may not reach. tests/unit/lint.test.ts proves each ban fails on a synthetic file.
 */
const layerBans = [
  {
    from: ['src/server/'],
    to: 'src/main/',
    message: 'The server never imports the kiosk (src/main): Node code both need lives in src/shared/node.',
  },
  {
    from: ['src/main/'],
    to: 'src/server/',
    message: 'The kiosk never imports the server (src/server): Node code both need lives in src/shared/node.',
  },
  {
    from: ['src/main/', 'src/server/', 'src/preload/', 'src/shared/', 'scripts/'],
    to: 'src/renderer/',
    message: 'Node code never imports the renderer (src/renderer): what both need lives in src/shared.',
  },
  {
    from: ['src/main/electron/'],
    to: 'src/main/harness/',
    message:
      'The Electron shell never imports the test harness (src/main/harness): what both need lives below them.',
  },
];

const posix = (p) => p.split(path.sep).join('/');

const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each program imports only downward (layerBans in eslint.config.js).' },
    schema: [],
  },
  create(context) {
    const file = posix(path.relative(context.cwd, context.filename));
    const bans = layerBans.filter((ban) => ban.from.some((dir) => file.startsWith(dir)));
    if (bans.length === 0) return {};
    const check = (node) => {
      const specifier = node?.type === 'Literal' ? node.value : null;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = `${posix(path.relative(context.cwd, path.resolve(path.dirname(context.filename), specifier)))}/`;
      for (const ban of bans)
        if (target.startsWith(ban.to)) context.report({ node, message: `${ban.message} (${specifier})` });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      'resources/generated/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { isoloir: { rules: { layers: layersRule } } },
    rules: { 'isoloir/layers': 'error' },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-nocheck': true, 'ts-ignore': true }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/node/**', 'src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nodeBuiltins,
            'electron',
            'react',
            'react-dom',
            'better-sqlite3',
            'fastify',
            '*/node/*',
          ],
        },
      ],
    },
  },
  {
    // The kiosk core and the server never load Electron, in any spelling: a static import of `electron`
    // or `electron/…`, a dynamic import(), a require() or a createRequire(…)(…) (tests/unit/lint.test.ts).
    files: ['src/main/**/*.ts', 'src/server/**/*.ts'],
    ignores: ['src/main/electron/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'electron/*'], message: noElectron }] },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: `ImportExpression[source.value=${electronModule}]`, message: noElectron },
        // require('electron'), createRequire(…)('electron'); `.resolve('electron/…')` only finds a path.
        {
          selector: `CallExpression[callee.property.name!='resolve'][arguments.0.value=${electronModule}]`,
          message: noElectron,
        },
      ],
    },
  },
  {
    // The independent recount shares only pure code with the server (src/shared), never its store, its
    // app or its dependencies: a bug there must not be able to hide in its own check.
    files: ['src/server/verify/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [
            {
              regex: '^\\.(?!/[\\w-]+$)(?!\\./\\.\\./shared/[\\w/-]+$)',
              message: 'verify imports only src/shared (../../shared/…) and its own folder.',
            },
            {
              group: ['better-sqlite3', 'fastify', '@fastify/*', 'pino', '**/main/**', '**/server/**'],
              message: 'verify must not depend on the server or the kiosk.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nodeBuiltins,
            'electron',
            'better-sqlite3',
            'fastify',
            '**/shared/node/**',
            '**/main/**',
            '**/server/**',
          ],
        },
      ],
    },
  },
);

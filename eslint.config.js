import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './scripts/lint/engine-layers.js';

/** The layers of DESIGN.md, enforced: each folder may import only what sits below it. */
const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'http',
  'https',
  'net',
  'crypto',
  'child_process',
  'worker_threads',
  'stream',
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', 'electron', 'electron/*'],
              message: 'renderer/ may import only shared/: talk to the engine through bridge.ts.',
            },
            { group: NODE_BUILTINS, message: 'renderer/ runs in a sandboxed page: no Node modules.' },
            { group: ['better-sqlite3', 'ws'], message: 'renderer/ may not use engine-side packages.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', '**/renderer/**', 'electron', 'electron/*'],
              message: 'shared/ imports neither electron/ nor renderer/.',
            },
            {
              group: [...NODE_BUILTINS, 'react', 'react-dom', 'zustand'],
              message: 'shared/ must run in every process: no Node modules, no React.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'electron/engine is plain Node: Electron APIs are passed in by electron/main.',
            },
          ],
          patterns: [
            {
              group: ['electron/*', '**/electron/main/**', '**/electron/preload/**', '**/main/**', '**/preload/**'],
              message: 'the engine never imports the Electron shell.',
            },
            {
              group: ['**/renderer/**', 'react', 'react-dom', 'zustand'],
              message: 'the engine never imports the renderer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    plugins: { layers },
    rules: { 'layers/engine-layers': 'error' },
  },
  {
    files: ['electron/**/*.ts'],
    plugins: { layers },
    rules: { 'layers/no-test-imports': 'error' },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**', '**/main/**', '**/renderer/**'],
              message: 'the preload builds window.workstation from shared/ only.',
            },
            { group: NODE_BUILTINS, message: 'the preload is sandboxed: no Node modules.' },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/shared/(?!contract/names$)',
              allowTypeImports: true,
              message:
                'the preload takes values only from shared/contract/names, so it bundles no schema (types are free).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts', 'tests/**/*.{ts,mjs}', 'bench/**/*.ts', 'scripts/**/*.mjs', '*.config.{ts,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['tests/**/*.{ts,mjs}', 'bench/**/*.ts', 'scripts/**/*.mjs', 'electron/serve.ts'],
    rules: { 'no-console': 'off' },
  },
);

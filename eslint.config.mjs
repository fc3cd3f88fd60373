import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronOnly = {
  name: 'electron',
  message: 'Only electron/main and electron/preload may import electron (ARCHITECTURE.md, layering).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', '.tsbuild/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Raw ipcMain/ipcRenderer and electron itself stay in the Electron shell.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['electron/main/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnly] }] },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, ...nodeBuiltins.map((name) => ({ name, message: 'shared/ is pure: no Node APIs.' }))],
          patterns: [{ group: ['**/electron/**', '**/renderer/**', '**/localcloud/**', 'react', 'react-dom'], message: 'shared/ imports only shared/ and zod.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnly, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer never uses Node APIs.' }))],
          patterns: [{ group: ['**/electron/**', '**/localcloud/**'], message: 'The renderer reaches the app only through renderer/api.ts.' }],
        },
      ],
      'no-restricted-globals': ['error', { name: 'require', message: 'No Node in the renderer.' }, { name: 'process', message: 'No Node in the renderer.' }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/api.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'window', property: 'seedship', message: 'Only renderer/api.ts touches window.seedship.' }],
    },
  },
  {
    files: ['electron/services/**/*.ts', 'electron/workers/**/*.ts', 'electron/host/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronOnly], patterns: [{ group: ['**/renderer/**', '**/main/**', '**/preload/**', '**/localcloud/**'], message: 'Node-side code uses shared/ and Node only.' }] },
      ],
    },
  },
  {
    files: ['localcloud/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [electronOnly], patterns: [{ group: ['**/shared/**', '**/electron/**', '**/renderer/**'], message: 'The local cloud never imports the app’s code.' }] },
      ],
    },
  },
  {
    // Command-line entry points and scripts talk to people through the console.
    files: ['scripts/**', 'bench/**', 'bin/**', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
);

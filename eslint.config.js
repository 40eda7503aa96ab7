// Lint config. Its main job is the layering rule: each runtime folder may only
// import what that runtime has, so a node import in renderer code or an electron
// import in the engine fails the build instead of failing in the car.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/promises', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'url', 'util', 'worker_threads', 'events', 'zlib', 'readline', 'buffer'];
const nativeModules = ['better-sqlite3', 'onnxruntime-node', '@u4/opencv4nodejs', 'serialport', 'pino', 'ws'];

function restrict(patterns, message) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'training/**', 'models/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([...nodeBuiltins, ...nativeModules, 'electron', 'react', 'react-dom', '**/main/**', '**/renderer/**', '**/cli/**', '**/preload/**'],
      'src/shared is the contract: it imports nothing runtime-specific and no other layer.'),
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    rules: restrict([...nodeBuiltins, ...nativeModules, 'electron', '**/main/**', '**/cli/**', '**/preload/**'],
      'The renderer talks only to window.lpr (src/shared contract); no node, electron or engine imports.'),
  },
  {
    files: ['src/main/engine/**/*.ts', 'src/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: {
      // The TypeScript version of the rule, so type-only imports of OpenCV's types stay allowed.
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{
          name: '@u4/opencv4nodejs',
          message: 'Load OpenCV through src/main/engine/opencv.ts (it configures the loader first).',
          allowTypeImports: true,
        }],
      }],
    },
  },
  {
    files: ['src/main/engine/opencv.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['src/main/engine/**/*.ts', 'src/cli/**/*.ts', 'bench/**/*.ts'],
    rules: restrict(['electron', 'electron/*', 'react', 'react-dom', '**/renderer/**', '**/preload/**', '**/main/electron/**'],
      'The engine and CLI run in plain Node: never import electron, the renderer or the Electron shell.'),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrict([...nativeModules, '**/main/**', '**/renderer/**', '**/cli/**'],
      'The preload exposes the contract over IPC only.'),
  },
);

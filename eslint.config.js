// Lint config. Its main job is the layering rule: each runtime folder may only
// import what that runtime has, so a node import in renderer code or an electron
// import in the engine fails the build instead of failing in the car.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/promises', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'url', 'util', 'worker_threads', 'events', 'zlib', 'readline', 'buffer'];
const nativeModules = ['better-sqlite3', 'better-sqlite3-multiple-ciphers', 'onnxruntime-node', '@u4/opencv4nodejs', 'serialport', 'pino', 'ws'];

// Turns import patterns ('node:*', '**/renderer/**', 'electron') into one regular
// expression on a dynamic import()'s source, so `await import('electron')` is
// caught too. esquery's regex literals cannot hold '/', so it is written \x2F.
function dynamicSource(patterns) {
  const SLASH = '\\x2F';
  const alternatives = patterns.map((p) => {
    let out = '';
    for (let i = 0; i < p.length; i++) {
      if (p.startsWith('**/', i)) {
        out += `(?:.*${SLASH})?`;
        i += 2;
      } else if (p.startsWith('/**', i) && i + 3 === p.length) {
        out += `(?:${SLASH}.*)?`;
        i += 2;
      } else if (p[i] === '*') out += `[^${SLASH}]*`;
      else if (p[i] === '/') out += SLASH;
      else out += p[i].replace(/[.+?^${}()|[\]\\]/, '\\$&');
    }
    return `^${out}$`;
  });
  return alternatives.join('|');
}

function restrict(patterns, message) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
    'no-restricted-syntax': ['error', {
      selector: `ImportExpression[source.type='Literal'][source.value=/${dynamicSource(patterns)}/]`,
      message,
    }],
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
    rules: restrict(['electron', 'electron/*', 'react', 'react-dom', '**/renderer/**', '**/preload/**', '**/electron/**'],
      'The engine and CLI run in plain Node: never import electron, the renderer or the Electron shell.'),
  },
  {
    files: ['src/main/engine/recognition/**/*.ts'],
    rules: restrict(['electron', 'electron/*', 'react', 'react-dom', '**/renderer/**', '**/preload/**', '**/electron/**', '**/hotlist/**', '../hotlist', '**/store/**', '**/governance/**'],
      'Recognition reads plates and knows nothing of lists, storage or people (the shared alphabet is plate-alphabet.ts).'),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: restrict([...nativeModules, '**/main/**', '**/renderer/**', '**/cli/**'],
      'The preload exposes the contract over IPC only.'),
  },
);

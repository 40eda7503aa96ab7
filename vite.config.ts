// Builds the renderer (src/renderer) into dist/renderer; the same bundle is
// loaded by Electron and served by `lpr serve` in browser mode.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
  },
});

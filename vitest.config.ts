import { defineConfig } from 'vitest/config';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    // End-to-end set-up starts `lpr serve` (model load) and Chromium: minutes on a busy 2-core machine.
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: ['default'],
    // Every test database is encrypted with this key (as the car's is with its own), so the
    // whole suite runs through SQLCipher; tests of a missing or wrong key unset or change it.
    env: { LPR_LOG_LEVEL: process.env.LPR_LOG_LEVEL ?? 'silent', LPR_DB_KEY: 'test-suite-key-not-secret' },
  },
});

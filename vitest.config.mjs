import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'localcloud/**/*.test.ts', 'scripts/**/*.test.mjs'],
    environment: 'node',
    // Integration tests attach loop devices and start hosts: keep files in one process at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    globalSetup: ['scripts/vitest-global-setup.mjs'],
    reporters: ['default', ['json', { outputFile: 'test-results/unit.json' }]],
  },
});

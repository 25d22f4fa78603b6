import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Spawned services and fsync-heavy stores share two cores: keep file-level parallelism modest.
    maxWorkers: 2,
  },
});

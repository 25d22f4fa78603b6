import { defineConfig } from 'vitest/config';

/**
 * `npm run test:ha`: the end-to-end suite against a real Home Assistant (see README, "Testing
 * against a real Home Assistant"). Its files end in `.ha.ts`, so the default config
 * (`test/**\/*.test.ts`) never picks them up. One worker: the suite starts one Home Assistant and
 * one service and runs its steps in order.
 */
export default defineConfig({
  test: {
    include: ['test/ha/**/*.ha.ts'],
    globalSetup: ['test/ha/support/global-setup.ts'],
    // Steps wait for automations, a restart and reconnection; hooks start Home Assistant.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:system`: tests that drive programs from outside the npm tree — Debian's
 * `chromium` (the dashboard and report in a real browser) and `prometheus`/`promtool` (scraping
 * `/metrics`). Their files end in `.system.ts`, so the default config (`test/**\/*.test.ts`) never
 * picks them up and `npm test` needs nothing but Node. `.ci/run` installs both with apt when they
 * are missing; a test whose program is absent fails and says how to install it.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.system.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});

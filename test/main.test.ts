import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './support/ensure-built.js';
import { MAIN_JS } from './support/spawn-service.js';

const run = promisify(execFile);

describe('node dist/bundle/main.js (npm start)', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 120_000);

  it('prints its usage for --help and exits 0 without starting', async () => {
    const { stdout, stderr } = await run(process.execPath, [MAIN_JS, '--help'], { env: { PATH: process.env['PATH'] ?? '' } });
    expect(stdout).toMatch(/^usage: npm start -- /);
    expect(stdout).toContain('--data-dir');
    expect(stdout).toContain('ML_METRICS_API_TOKEN');
    expect(stderr).toBe('');
  });

  it('still refuses an unknown flag with exit code 2', async () => {
    const failure = await run(process.execPath, [MAIN_JS, '--nope'], { env: { PATH: process.env['PATH'] ?? '' } }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 2 });
  });
});

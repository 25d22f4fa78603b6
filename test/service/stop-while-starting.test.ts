import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAIN_JS, freePort } from '../support/spawn-service.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/**
 * A SIGTERM that reaches the service while it is still starting (the Supervisor stopping an add-on
 * that is opening a large store) stops it cleanly once it is up, instead of killing it mid-start.
 */

let dir: TempDir;

beforeEach(async () => {
  dir = await createTempDir('hap-stop-while-starting-');
});

afterEach(async () => {
  await dir.remove();
});

describe('a signal during start-up', () => {
  it('is kept until the service is up, then stops it cleanly with exit code 0', async () => {
    const child = spawn(process.execPath, [MAIN_JS, '--data-dir', dir.path, '--port', String(await freePort())], {
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const onData = (chunk: Buffer) => {
      // The first line the service writes ("store opened") comes from inside start-up.
      if (output === '') child.kill('SIGTERM');
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const status = await exited;
    expect({ ...status, output }).toMatchObject({ code: 0, signal: null });
    expect(output).toMatch(/SIGTERM received: stopping once started/);
    expect(output).toMatch(/stopped cleanly/);
  });
});

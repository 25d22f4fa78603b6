import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serializeLogDocument } from '../../src/storage/json-log-store.js';
import { STORE_SCHEMA_VERSION } from '../../src/storage/stored-file-version.js';
import { waitFor } from '../fakes/fake-hub.js';
import { MAIN_JS, freePort } from '../support/spawn-service.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/**
 * A SIGTERM that reaches the service while it is still starting (the Supervisor stopping an add-on
 * that is opening a large store) stops it cleanly once it is up, instead of killing it mid-start.
 * Start-up is held at a known point without timing: the data directory's `versions.json` is a
 * FIFO, so reading it waits (off the event loop) until the test writes the registry into it.
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
    const registry = join(dir.path, 'versions.json');
    expect(spawnSync('mkfifo', [registry]).status).toBe(0);
    const child = spawn(process.execPath, [MAIN_JS, '--data-dir', dir.path, '--port', String(await freePort())], {
      env: { PATH: process.env['PATH'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      // The predictions store is open; the registry read waits on the FIFO.
      await waitFor(() => output.includes('store opened'), 20_000, 'the store opened');
      child.kill('SIGTERM');
      const gone = () => child.exitCode !== null || child.signalCode !== null;
      await waitFor(() => output.includes('SIGTERM received: stopping once started') || gone(), 20_000, 'the signal kept for later');
      expect({ exitCode: child.exitCode, signalCode: child.signalCode, output }).toMatchObject({ exitCode: null, signalCode: null, output: expect.stringContaining('SIGTERM received: stopping once started') });
      expect(output).not.toMatch(/REST API listening/);
      // Opening the FIFO for writing releases the read: an empty registry, as the store writes it.
      await writeFile(registry, serializeLogDocument({ schema_version: STORE_SCHEMA_VERSION, kind: 'version-registry', document: [] }));
      const status = await exited;
      expect({ ...status, output }).toMatchObject({ code: 0, signal: null });
      expect(output).toMatch(/REST API listening[\s\S]*stopped cleanly/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

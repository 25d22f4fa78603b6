import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../fakes/fake-hub.js';
import { API_PREFIX, MAIN_JS, freePort } from '../support/spawn-service.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/** How the REST API is exposed: loopback by default, a token required elsewhere, CORS off. */

interface Child {
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [MAIN_JS, ...args], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

let dir: TempDir;
let child: Child | null = null;

beforeEach(async () => {
  dir = await createTempDir('hap-exposure-');
});

afterEach(async () => {
  await child?.stop();
  child = null;
  await dir.remove();
});

describe('REST API exposure', () => {
  it('refuses to listen on a non-loopback address without a token, saying what to do', async () => {
    child = run(['--data-dir', dir.path, '--host', '0.0.0.0', '--port', String(await freePort())]);
    const code = await child.exited;
    expect(code).not.toBe(0);
    expect(child.output()).toMatch(/listen on 0\.0\.0\.0.*no token: set ML_METRICS_API_TOKEN.*--insecure/);
    expect(child.output()).not.toMatch(/REST API listening/);
  });

  it('listens on a non-loopback address with --insecure', async () => {
    const port = await freePort();
    child = run(['--data-dir', dir.path, '--host', '0.0.0.0', '--port', String(port), '--insecure']);
    const running = child;
    await waitFor(() => running.output().includes('REST API listening'), 15_000, 'the service');
    const response = await fetch(`http://127.0.0.1:${port}${API_PREFIX}/health`);
    expect(response.status).toBe(200);
  });

  it('with a token: requires it, compares it, and never writes it to the log', async () => {
    const port = await freePort();
    const token = 'tok-3f9c2a7e-never-log-me';
    child = run(['--data-dir', dir.path, '--host', '0.0.0.0', '--port', String(port)], { ML_METRICS_API_TOKEN: token });
    const running = child;
    await waitFor(() => running.output().includes('REST API listening'), 15_000, 'the service');
    const base = `http://127.0.0.1:${port}${API_PREFIX}`;
    expect((await fetch(`${base}/models`)).status).toBe(401);
    expect((await fetch(`${base}/models`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${base}/models`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await child.stop()).toBe(0);
    expect(child.output()).toContain('auth="bearer token"');
    expect(child.output()).not.toContain(token);
    expect(child.output()).not.toContain(token.slice(4, 20));
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const port = await freePort();
    child = run(['--data-dir', dir.path, '--port', String(port)]);
    const running = child;
    await waitFor(() => running.output().includes('REST API listening'), 15_000, 'the service');
    const response = await fetch(`http://127.0.0.1:${port}${API_PREFIX}/models`, { headers: { Origin: 'http://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`http://127.0.0.1:${port}${API_PREFIX}/predictions`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

/**
 * The local add-on path: `npm run addon:pack` makes a tarball that installs with
 * `npm install --global` into an empty prefix, whose `hap` prints the version and runs the
 * service (health answered, then an orderly stop); and the Dockerfile's install step picks the
 * tarball when there is one, else the published package at BUILD_VERSION (its shell run here
 * against a recording `npm`: Docker cannot run here).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/ensure-built.js';
import { cleanHapEnv } from '../support/run-hap.js';
import { freePort, PROJECT_ROOT } from '../support/spawn-service.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = `hap-ml-metrics-${VERSION}.tgz`;

let dir: TempDir;

beforeAll(async () => {
  await ensureBuilt();
  dir = await createTempDir('ml-metrics-addon-pack-');
});

afterAll(async () => {
  await dir?.remove();
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv = cleanHapEnv()): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run addon:pack', () => {
  it('packs a tarball that installs globally into an empty prefix, prints its version and serves', async () => {
    const packs = join(dir.path, 'packs');
    await mkdir(packs);
    // An older tarball is replaced, so the Dockerfile finds exactly one.
    writeFileSync(join(packs, 'hap-ml-metrics-0.0.1.tgz'), 'old');
    const packed = run('npm', ['run', '--silent', 'addon:pack', '--', '--destination', packs, '--skip-build']);
    expect(packed.status, packed.stderr).toBe(0);
    expect(readdirSync(packs)).toEqual([TARBALL]);
    expect(packed.stdout).toContain(join(packs, TARBALL));

    const prefix = join(dir.path, 'prefix');
    const installed = run('npm', ['install', '--global', join(packs, TARBALL), '--prefix', prefix, '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline']);
    expect(installed.status, installed.stderr).toBe(0);
    const hap = join(prefix, 'bin', 'hap');
    const version = run(hap, ['--version']);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);
    // What is installed is the package's files only: no sources, no tests.
    const packageDir = join(prefix, 'lib', 'node_modules', 'hap-ml-metrics');
    expect(readdirSync(packageDir).sort()).toEqual(['README.md', 'bin', 'config', 'dist', 'node_modules', 'package.json']);

    const port = await freePort();
    const service = spawn(hap, ['ml-metrics', 'serve', '--port', String(port), '--data-dir', join(dir.path, 'data')], { env: cleanHapEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    service.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    service.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      let health: Response | undefined;
      while (health === undefined) {
        health = await fetch(`http://127.0.0.1:${port}/api/v1/ml-metrics/health`).catch(() => undefined);
        if (health === undefined) {
          if (Date.now() > deadline || service.exitCode !== null) throw new Error(`the installed service did not answer; its output:\n${output}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
    } finally {
      service.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 180_000);
});

describe("the Dockerfile's install step", () => {
  /** The RUN command that installs the package, as /bin/sh runs it, with /tmp/addon and /run.sh moved under `root`. */
  function installStep(root: string): string {
    const lines = readFileSync(join(PROJECT_ROOT, 'ml_metrics', 'Dockerfile'), 'utf8').split('\n');
    const start = lines.findIndex((line) => line.startsWith('RUN set -eu;'));
    expect(start).toBeGreaterThan(-1);
    const step: string[] = [];
    for (let at = start; ; at += 1) {
      const line = lines[at]!;
      step.push(line.replace(/\\$/, ''));
      if (!line.endsWith('\\')) break;
    }
    return step
      .join('\n')
      .replace(/^RUN /, '')
      .replaceAll('/tmp/addon', join(root, 'addon'))
      .replaceAll(' /run.sh', ` ${join(root, 'run.sh')}`);
  }

  /** Runs the step with `files` in the build context and a PATH `npm` that records its arguments. */
  async function build(name: string, files: string[], buildVersion: string): Promise<{ status: number | null; npm: string[]; stderr: string }> {
    const root = join(dir.path, name);
    await mkdir(join(root, 'addon'), { recursive: true });
    await mkdir(join(root, 'bin'));
    for (const file of ['run.sh', ...files]) writeFileSync(join(root, 'addon', file), file);
    const log = join(root, 'npm.log');
    writeFileSync(join(root, 'bin', 'npm'), `#!/bin/sh\necho "$*" >> '${log}'\n`);
    chmodSync(join(root, 'bin', 'npm'), 0o755);
    const result = spawnSync('/bin/sh', ['-c', installStep(root)], {
      env: { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, BUILD_VERSION: buildVersion },
      encoding: 'utf8',
    });
    const npm = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    if (result.status === 0) expect(readFileSync(join(root, 'run.sh'), 'utf8')).toBe('run.sh');
    return { status: result.status, npm, stderr: result.stderr };
  }

  it('installs the tarball in the add-on folder when there is one', async () => {
    const result = await build('local', [TARBALL], VERSION);
    expect(result.status, result.stderr).toBe(0);
    expect(result.npm[0]).toMatch(new RegExp(`^install --global --omit=dev --ignore-scripts --no-audit --no-fund /\\S+/addon/${TARBALL.replaceAll('.', '\\.')}$`));
  });

  it('installs the published package at BUILD_VERSION when there is none', async () => {
    const result = await build('release', [], VERSION);
    expect(result.status, result.stderr).toBe(0);
    expect(result.npm[0]).toBe(`install --global --omit=dev --no-audit --no-fund hap-ml-metrics@${VERSION}`);
  });

  it('stops when there are two tarballs, or neither a tarball nor BUILD_VERSION', async () => {
    const two = await build('two', [TARBALL, 'hap-ml-metrics-0.0.1.tgz'], VERSION);
    expect(two.status).not.toBe(0);
    expect(two.stderr).toMatch(/more than one hap-ml-metrics-\*\.tgz/);
    expect(two.npm).toEqual([]);
    const none = await build('none', [], '');
    expect(none.status).not.toBe(0);
    expect(none.npm).toEqual([]);
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHapInProcess } from '../support/run-hap.js';
import { freePort } from '../support/spawn-service.js';

const hap = runHapInProcess;

function expectOneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.length > 0);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^hap: /);
  return lines[0] ?? '';
}

describe('runCli (in process)', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'hap-cli-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints the version with hap --version, and keeps --version a command option after a command', async () => {
    const { version } = JSON.parse(await readFile(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const run = await hap(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
    const missing = await hap(['ml-metrics', 'performance', 'voice_recognition', '--version', '1.1', '--data-dir', path.join(scratch, 'nothing-here')]);
    expect(missing.stdout).not.toContain(version);
    expect(expectOneErrorLine(missing.stderr)).toMatch(/nothing-here/);
  });

  it('offers no --url on doctor and repair, which read the files', async () => {
    for (const command of ['doctor', 'repair']) {
      const help = await hap(['ml-metrics', command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/--data-dir/);
      expect(help.stdout).not.toMatch(/--url/);
    }
  });

  it('prints help for hap and hap ml-metrics, exit 0', async () => {
    const top = await hap(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('ml-metrics');
    const group = await hap(['ml-metrics', '--help']);
    expect(group.code).toBe(0);
    for (const command of ['list', 'performance', 'predictions', 'training', 'compare', 'serve']) {
      expect(group.stdout).toContain(command);
    }
    const sub = await hap(['ml-metrics', 'performance', '--help']);
    expect(sub.stdout).toMatch(/--window <window>/);
    expect(sub.stdout).toMatch(/--url <url>/);
    expect(sub.stdout).toMatch(/--json/);
  });

  it('answers an unknown command with commander\'s message on one line, exit 2', async () => {
    const result = await hap(['ml-metrics', 'lst']);
    expect(result.code).toBe(2);
    expect(expectOneErrorLine(result.stderr)).toBe("hap: unknown command 'lst' (Did you mean list?)");
    expect(result.stdout).toBe('');
  });

  it('answers a missing command with the help on stderr, exit 2', async () => {
    const result = await hap(['ml-metrics']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: hap ml-metrics');
  });

  it('refuses bad arguments with exit 2 and one line naming the fix', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['ml-metrics', 'predictions', 'voice', '--limit', 'abc'], /^hap: invalid --limit "abc": limit must be a whole number$/],
      [['ml-metrics', 'predictions', 'voice', '--limit', '0'], /^hap: invalid --limit "0": limit must be at least 1$/],
      [['ml-metrics', 'performance', 'voice', '--window', 'soon'], /^hap: invalid --window "soon"/],
      [['ml-metrics', 'performance', 'bad/name'], /^hap: invalid model name "bad\/name"/],
      [['ml-metrics', 'compare', 'voice', '--version-a', '1.0'], /^hap: required option '--version-b <version>' not specified$/],
      [['ml-metrics', 'performance'], /^hap: missing required argument 'name'$/],
      [['ml-metrics', 'list', '--bogus'], /^hap: unknown option '--bogus'$/],
      [['ml-metrics', 'list', '--url', 'http://x', '--data-dir', '/d'], /cannot be used with option '--data-dir <dir>'/],
      [['ml-metrics', 'serve', '--port', 'eighty'], /^hap: invalid --port "eighty"/],
    ];
    for (const [argv, expected] of cases) {
      const result = await hap(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(expectOneErrorLine(result.stderr)).toMatch(expected);
    }
  });

  it('reports a missing data directory by its path without creating it, exit 1', async () => {
    const missing = path.join(scratch, 'nowhere');
    for (const argv of [['ml-metrics', 'list', '--data-dir', missing], ['ml-metrics', 'list']]) {
      const result = await hap(argv, { ML_METRICS_DATA_DIR: missing });
      expect(result.code).toBe(1);
      expect(expectOneErrorLine(result.stderr)).toBe(
        `hap: no data directory at ${missing}; start the service first or pass --data-dir`,
      );
    }
    const file = path.join(scratch, 'a-file');
    await writeFile(file, 'x');
    const result = await hap(['ml-metrics', 'list', '--data-dir', file]);
    expect(expectOneErrorLine(result.stderr)).toMatch(/is not a directory/);
  });

  it('reads the data directory and the targets from --config like the service does', async () => {
    const inConfig = path.join(scratch, 'from-config');
    const configFile = path.join(scratch, 'ml-metrics.json');
    await writeFile(configFile, JSON.stringify({ schema_version: 1, data_dir: inConfig }));
    const fromFile = await hap(['ml-metrics', 'list', '--config', configFile]);
    expect(expectOneErrorLine(fromFile.stderr)).toBe(`hap: no data directory at ${inConfig}; start the service first or pass --data-dir`);
    const fromEnv = await hap(['ml-metrics', 'list'], { ML_METRICS_CONFIG: configFile });
    expect(expectOneErrorLine(fromEnv.stderr)).toContain(inConfig);

    await writeFile(configFile, JSON.stringify({ schema_version: 7 }));
    const invalid = await hap(['ml-metrics', 'list', '--config', configFile]);
    expect(invalid.code).toBe(1);
    expect(expectOneErrorLine(invalid.stderr)).toMatch(new RegExp(`^hap: invalid configuration in .*ml-metrics\\.json: schema_version`));
  });

  it('reports an unreachable service with --url on one line, exit 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await hap(['ml-metrics', 'list', '--url', url]);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toBe(`hap: cannot reach ${url}: connect ECONNREFUSED ${url.slice('http://'.length)}`);
  });

  it('adds the stack with HAP_DEBUG=1', async () => {
    const result = await hap(['ml-metrics', 'list', '--url', `http://127.0.0.1:${await freePort()}`], { HAP_DEBUG: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').length).toBeGreaterThan(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});

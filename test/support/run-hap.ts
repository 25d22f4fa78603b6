import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';
import { PROJECT_ROOT } from './spawn-service.js';

/** What a `hap` run printed and how it exited. */
export interface HapRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `hap` executable (`bin/hap.js`, which runs `dist/`: build first). */
export const HAP_BIN = join(PROJECT_ROOT, 'bin', 'hap.js');

/** The environment of a user who set nothing (no data dir, config, token or debug switch), plus `extra`. */
export function cleanHapEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['ML_METRICS_DATA_DIR', 'ML_METRICS_CONFIG', 'ML_METRICS_API_TOKEN', 'HAP_DEBUG', 'NODE_OPTIONS']) delete env[key];
  return { ...env, ...extra };
}

/** Runs `node bin/hap.js <argv>` as a user would, in `cwd` (default: the project), with a clean environment plus `env`. */
export function spawnHap(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<HapRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAP_BIN, ...argv], { cwd: options.cwd ?? PROJECT_ROOT, env: cleanHapEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `hap` in this process with captured output and an environment of the test's own. */
export async function runHapInProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

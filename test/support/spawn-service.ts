/**
 * Runs the built service (`node dist/bundle/main.js`, what `npm start` runs) as a child process, for tests that need a real
 * process: crash safety (SIGKILL), the data-dir lock between processes, orderly SIGTERM shutdown.
 *
 * Build first: `npm test` runs `npm run build` before vitest; when running vitest alone, run
 * `npm run build` yourself (spawnService throws a clear error when dist/bundle/main.js is missing).
 *
 * ```ts
 * const service = await spawnService({ dataDir, config: { schema_version: 1, storage: { segment_max_records: 10 } } });
 * try {
 *   const response = await fetch(`${service.api}/health`);
 *   ...
 * } finally {
 *   await service.stop();          // SIGTERM, waits for exit (SIGKILL after a grace period)
 * }
 * // or: await service.kill();     // SIGKILL now, as a crash
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root (two levels above test/support). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built entry point the service runs from. */
/** What `npm start` and the add-on run: the bundled service (tools/build-service.ts). */
export const MAIN_JS = join(PROJECT_ROOT, 'dist', 'bundle', 'main.js');
/** Path prefix of the REST API. */
export const API_PREFIX = '/api/v1/ml-metrics';

export interface SpawnServiceOptions {
  /** Passed as --data-dir. */
  dataDir: string;
  /**
   * A configuration object (see src/config/config-schema.ts), written to a temp file and passed
   * as --config. Default: the shipped config/ml-metrics.json.
   */
  config?: unknown;
  /**
   * Extra environment variables. The test process's ML_METRICS_*, HA_URL, HA_TOKEN and
   * SUPERVISOR_TOKEN are never inherited (the service runs standalone unless you pass them here).
   */
  env?: Record<string, string>;
  /** How long to wait for the "REST API listening" log line (default 15 s). */
  startTimeoutMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningService {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/api/v1/ml-metrics` */
  api: string;
  port: number;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** Settles when the process has exited. */
  exited: Promise<ExitStatus>;
  /** SIGTERM (orderly shutdown), then waits for the exit; SIGKILL if it takes longer than `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** SIGKILL now (a crash: no shutdown code runs) and waits for the exit. */
  kill(): Promise<ExitStatus>;
}

/** A TCP port that was free a moment ago (listen on 0, read the port, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Variables that would point the service at another configuration, store or a real hub. */
const NOT_INHERITED = /^(ML_METRICS_|HA_URL$|HA_TOKEN$|SUPERVISOR_TOKEN$)/;

function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!NOT_INHERITED.test(key)) env[key] = value;
  return { ...env, ...extra };
}

const LISTENING = /REST API listening url=(\S+)/;

/**
 * Starts the service and resolves once it logs "REST API listening". If the port picked by
 * `freePort` was taken in between, it retries with another one (up to 3 attempts). Rejects, with
 * the process's output, when it exits or does not come up in time.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<RunningService> {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} does not exist: run \`npm run build\` before these tests (npm test does it)`);
  }
  let configDir: string | null = null;
  const args = ['--data-dir', options.dataDir];
  if (options.config !== undefined) {
    configDir = await mkdtemp(join(tmpdir(), 'ml-metrics-config-'));
    const configPath = join(configDir, 'config.json');
    await writeFile(configPath, JSON.stringify(options.config));
    args.push('--config', configPath);
  }
  const removeConfig = async () => {
    if (configDir) await rm(configDir, { recursive: true, force: true });
  };
  try {
    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      try {
        return await start([...args, '--port', String(port)], port, options, removeConfig);
      } catch (error) {
        if (!(error instanceof PortTakenError) || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    await removeConfig();
    throw error;
  }
}

class PortTakenError extends Error {}

function start(args: string[], port: number, options: SpawnServiceOptions, cleanup: () => Promise<void>): Promise<RunningService> {
  const child = spawn(process.execPath, [MAIN_JS, ...args], {
    cwd: PROJECT_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let ready = false;
  const exited = new Promise<ExitStatus>((resolveExit) => {
    child.once('exit', (code, signal) => {
      // A process that never came up leaves the config file to spawnService (it may retry with it).
      const done = ready ? cleanup() : Promise.resolve();
      void done.finally(() => resolveExit({ code, signal }));
    });
    child.once('error', (error) => {
      output += `\n${error.message}\n`;
      // A process that could not be started emits no 'exit'.
      if (child.pid === undefined) resolveExit({ code: null, signal: null });
    });
  });
  const waitExit = async (signal: NodeJS.Signals, graceMs: number): Promise<ExitStatus> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  return new Promise((resolveStart, rejectStart) => {
    const timeoutMs = options.startTimeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`the service did not log "REST API listening" within ${timeoutMs} ms; its output:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = ready ? null : LISTENING.exec(output);
      if (!match) return;
      ready = true;
      clearTimeout(timer);
      // Only the origin is taken from the log line (it may or may not include the API prefix).
      const url = new URL(match[1]!).origin;
      resolveStart({
        url,
        api: `${url}${API_PREFIX}`,
        port,
        process: child,
        logs: () => output,
        exited,
        stop: (graceMs = 10_000) => waitExit('SIGTERM', graceMs),
        kill: () => waitExit('SIGKILL', 0),
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((status) => {
      if (ready) return;
      clearTimeout(timer);
      const message = `the service exited (code ${status.code}, signal ${status.signal}) before it was listening; its output:\n${output}`;
      rejectStart(output.includes('EADDRINUSE') ? new PortTakenError(message) : new Error(message));
    });
  });
}

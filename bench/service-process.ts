import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { ROOT, SERVICE_ENTRY } from './paths.js';

/** A running `node dist/bundle/main.js` (what `npm start` runs). */
export interface ServiceProcess {
  pid: number;
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  /** performance.now() just before spawn. */
  spawnedAt: number;
  /** The last lines it wrote to stderr (for error messages). */
  stderrTail(): string;
}

const running = new Map<number, ChildProcess>();

/** Kills every service still running (SIGKILL): for exit and signal handlers. */
export function killAllServices(): void {
  for (const [pid, child] of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
    running.delete(pid);
  }
}

let handlersInstalled = false;

/** Makes sure no service outlives the benchmark, whatever way it ends. */
export function installCleanupHandlers(cleanup: () => void): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    killAllServices();
    cleanup();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal} received, stopping spawned services\n`);
      killAllServices();
      cleanup();
      process.exit(130);
    });
  }
}

/** The environment minus anything that would change the service's setup (config, token, hub). */
function serviceEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const dropped = new Set(['HA_URL', 'HA_TOKEN', 'SUPERVISOR_TOKEN']);
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('ML_METRICS_') && !dropped.has(key)) env[key] = value;
  return env;
}

/**
 * Spawns the service on a free port (`--port 0`; the port is read from its "REST API listening"
 * log line) and resolves once that line is written. Rejects if it exits first or takes > timeoutMs.
 */
export function spawnService(dataDir: string, options: { timeoutMs?: number; nodeArgs?: string[] } = {}): Promise<ServiceProcess> {
  if (!existsSync(SERVICE_ENTRY)) {
    return Promise.reject(new Error(`${SERVICE_ENTRY} is missing: run \`npm run build\` first`));
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVICE_ENTRY, '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: serviceEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (child.pid === undefined) return Promise.reject(new Error('could not spawn the service'));
  const pid = child.pid;
  running.set(pid, child);
  child.once('exit', () => running.delete(pid));
  let tail = '';
  const stderrTail = () => tail.split('\n').slice(-15).join('\n');
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`the service did not start within ${timeoutMs} ms:\n${stderrTail()}`)), timeoutMs);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-8192);
      if (settled) return;
      const match = /REST API listening url=(http:\/\/[^\s/]+)/.exec(tail);
      if (match) {
        settled = true;
        clearTimeout(timer);
        resolve({ pid, baseUrl: match[1]!, spawnedAt, stderrTail });
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`the service exited (code ${code}, signal ${signal}) before listening:\n${stderrTail()}`)));
    child.once('error', (error) => fail(error));
  });
}

/** SIGTERM, then SIGKILL if it has not exited after graceMs. Resolves with its exit code. */
export async function stopService(service: ServiceProcess, graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; clean: boolean }> {
  const child = running.get(service.pid);
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null, clean: child?.exitCode === 0 };
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const result = await exited;
  clearTimeout(timer);
  return { ...result, clean: result.code === 0 };
}

/** Resident set size in MB, from /proc/<pid>/status (VmRSS). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Polls GET /api/v1/ml-metrics/health until it answers 200; resolves with performance.now() then. */
export async function waitHealthy(baseUrl: string, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      const req = request(`${baseUrl}/api/v1/ml-metrics/health`, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end();
    });
    if (status === 200) return performance.now();
    if (performance.now() > deadline) throw new Error(`health did not answer 200 within ${timeoutMs} ms (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** CPU time and time spent runnable but waiting for a CPU, of a process's main thread (ms), from /proc/<pid>/schedstat. */
export function schedstat(pid: number | 'self'): { cpuMs: number; waitMs: number } {
  try {
    const [cpu, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { cpuMs: (cpu ?? Number.NaN) / 1e6, waitMs: (wait ?? Number.NaN) / 1e6 };
  } catch {
    return { cpuMs: Number.NaN, waitMs: Number.NaN };
  }
}

/**
 * Debian's `prometheus` as a child process for the system tests: a temp config scraping one
 * target every second, a temp storage directory, a free port; `stop()` ends it and removes both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './spawn-service.js';
import { createTempDir } from './temp-dir.js';

export interface PrometheusServer {
  /** `http://127.0.0.1:PORT` of Prometheus's own API. */
  url: string;
  /** Runs an instant PromQL query; the result vector (empty until a scrape has stored a sample). */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  logs(): string;
  /** SIGTERM, waits for the exit (SIGKILL after 10 s), removes the config and storage. */
  stop(): Promise<void>;
}

/** Fails with how to install it when `program` is not on the PATH. */
export function requireProgram(program: string, aptPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${program} is not installed: apt-get install ${aptPackage} (CI's .ci/run does it), then rerun npm run test:system`);
  }
  return path;
}

/** A YAML double-quoted scalar (JSON's string syntax is valid YAML). */
const yamlString = (value: string) => JSON.stringify(value);

export async function startPrometheus(options: { target: string; metricsPath: string; bearerToken?: string }): Promise<PrometheusServer> {
  const binary = requireProgram('prometheus', 'prometheus');
  const dir = await createTempDir('ml-metrics-prometheus-');
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: ml_metrics',
    '    scrape_interval: 1s',
    '    scrape_timeout: 1s',
    `    metrics_path: ${yamlString(options.metricsPath)}`,
    ...(options.bearerToken === undefined ? [] : ['    authorization:', '      type: Bearer', `      credentials: ${yamlString(options.bearerToken)}`]),
    '    static_configs:',
    `      - targets: [${yamlString(options.target)}]`,
    '',
  ].join('\n');
  const configPath = join(dir.path, 'prometheus.yml');
  await writeFile(configPath, config);
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${configPath}`, `--storage.tsdb.path=${join(dir.path, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    logs: () => output,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
      if (!response.ok) throw new Error(`Prometheus answered ${response.status} to ${promql}: ${await response.text()}`);
      const body = (await response.json()) as { status: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success' || body.data.resultType !== 'vector') throw new Error(`unexpected answer to ${promql}: ${JSON.stringify(body)}`);
      return body.data.result;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await dir.remove();
    },
  };
}

/** Waits until `condition` returns a value (polling every 250 ms); fails with `describe()` after `limitMs`. */
export async function waitFor<T>(condition: () => Promise<T | undefined>, limitMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await condition().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${limitMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Two builds of the service side by side, the bench's query series alternated between them, so
 * that the machine's minute weighs on both alike: CPU of each service's main thread per GET
 * (/proc/<pid>/task/<pid>/schedstat) and the client's p50 / p99, per window. For a change that
 * shifts CPU per query by a few per cent, which sequential runs on this machine cannot see.
 *
 *   npx tsx tools/compare-query-cpu.ts --a ../old-checkout --b . --store .bench/store-…-n1000000/data
 *
 * Each checkout must be built (`npm run build`: dist/bundle/main.js). The store is copied twice
 * into a temp directory (each service has its own). Run it again with --a and --b swapped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { keepAliveAgent, percentile, send } from '../bench/http-client.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    store: { type: 'string' },
    model: { type: 'string', default: 'voice_recognition' },
    warmup: { type: 'string', default: '200' },
    requests: { type: 'string', default: '2000' },
  },
});
if (!values.a || !values.b || !values.store) throw new Error('usage: compare-query-cpu.ts --a CHECKOUT --b CHECKOUT --store DATA_DIR [--model M] [--warmup N] [--requests N]');
const warmup = Number(values.warmup);
const requests = Number(values.requests);
if (!Number.isSafeInteger(warmup) || warmup < 0 || !Number.isSafeInteger(requests) || requests < 100) throw new Error('--warmup takes a whole number, --requests one of at least 100');

interface Side {
  name: string;
  child: ChildProcess;
  base: string;
  agent: ReturnType<typeof keepAliveAgent>;
}

const scratch = mkdtempSync(join(tmpdir(), 'compare-query-'));
const sides: Side[] = [];

/** Main-thread CPU time so far, in µs. */
function cpuUs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
}

async function start(name: string, checkout: string, port: number): Promise<Side> {
  const dataDir = join(scratch, name);
  cpSync(resolve(values.store!), dataDir, { recursive: true });
  const child = spawn(process.execPath, [join(resolve(checkout), 'dist', 'bundle', 'main.js'), '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}/api/v1/ml-metrics`;
  const began = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name}: the service exited (code ${child.exitCode})`);
    if (performance.now() - began > 120_000) throw new Error(`${name}: the service did not answer /health within 120 s`);
    const answer = await send(keepAliveAgent(1), `${base}/health`, 'GET').catch(() => null);
    if (answer?.status === 200) break;
    await new Promise((settle) => setTimeout(settle, 20));
  }
  return { name, child, base, agent: keepAliveAgent(1) };
}

try {
  sides.push(await start('a', values.a, 18731), await start('b', values.b, 18732));
  for (const query of ['', '?window=7d']) {
    const path = `/models/${encodeURIComponent(values.model!)}${query}`;
    for (let i = 0; i < warmup; i += 1) for (const side of sides) await send(side.agent, side.base + path, 'GET');
    const times = new Map(sides.map((side) => [side.name, [] as number[]]));
    const before = new Map(sides.map((side) => [side.name, cpuUs(side.child.pid!)]));
    for (let i = 0; i < requests; i += 1) {
      for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
        const began = performance.now();
        const answer = await send(side.agent, side.base + path, 'GET');
        if (answer.status !== 200) throw new Error(`${side.name}: GET ${path} answered ${answer.status}`);
        times.get(side.name)!.push(performance.now() - began);
      }
    }
    for (const side of sides) {
      const sorted = times.get(side.name)!.sort((x, y) => x - y);
      const cpu = (cpuUs(side.child.pid!) - before.get(side.name)!) / requests;
      process.stdout.write(`${side.name} ${path}: CPU ${cpu.toFixed(0)} µs per GET, p50 ${percentile(sorted, 50).toFixed(3)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms\n`);
    }
  }
} finally {
  for (const side of sides) {
    side.agent.destroy();
    side.child.kill('SIGTERM');
  }
  await Promise.all(sides.map((side) => (side.child.exitCode === null ? new Promise((settle) => side.child.once('exit', settle)) : undefined)));
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * The bench's query protocol — a freshly started service, 200 warm-up GETs, then the p50 and p99
 * of the next 2,000 (one keep-alive connection) — against any path, on a given store and on an
 * empty one, `--runs` times each in alternation. It tells what a fresh service's first requests
 * cost on this machine apart from what one answer costs: run it with the path of the query and
 * with /api/v1/ml-metrics/health, which computes none of it.
 *
 *   npx tsx tools/first-requests-tail.ts --store .bench/store-…-n1000000/data \
 *     --path /api/v1/ml-metrics/health --runs 4
 *
 * Needs the built service (`npm run build`). The store is opened by the service as the bench's
 * start-up phase opens it.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { removeScratch, scratchDir } from '../bench/paths.js';
import { querySeries } from '../bench/query.js';
import { installCleanupHandlers, spawnService, stopService, waitHealthy } from '../bench/service-process.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    path: { type: 'string', default: '/api/v1/ml-metrics/health' },
    runs: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '200' },
    requests: { type: 'string', default: '2000' },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const requests = Number(values.requests);
if (![runs, warmup, requests].every((n) => Number.isSafeInteger(n) && n >= 0) || runs < 1 || requests < 100) {
  throw new Error('--runs takes a whole number of at least 1, --warmup one of 0 or more, --requests one of at least 100');
}
if (!values.path.startsWith('/')) throw new Error('--path takes the path of a GET, e.g. /api/v1/ml-metrics/health');

const empty = scratchDir('first-requests-empty');
installCleanupHandlers(() => removeScratch(empty));

async function once(dataDir: string, label: string): Promise<void> {
  const service = await spawnService(dataDir);
  try {
    await waitHealthy(service.baseUrl);
    const series = await querySeries(service.pid, service.baseUrl, values.path, warmup, requests);
    const load = loadavg()[0]!.toFixed(2);
    process.stdout.write(`${label.padEnd(6)} ${values.path}: p50 ${series.p50Ms.toFixed(2)} ms, p99 ${series.p99Ms.toFixed(2)} ms (max ${series.maxMs.toFixed(1)}), load ${load}\n`);
  } finally {
    await stopService(service);
  }
}

process.stdout.write(`${warmup} warm-up GETs, then ${requests} timed, on a freshly started service each time\n`);
let tryEmpty = true;
for (let run = 0; run < runs; run += 1) {
  if (values.store) await once(values.store, 'store');
  if (!tryEmpty) continue;
  try {
    await once(empty, 'empty');
  } catch (error) {
    // A path that needs data (a model's performance) has no answer on an empty store.
    process.stdout.write(`empty  ${values.path}: no answer on an empty store (${error instanceof Error ? error.message.slice(0, 120) : String(error)}); the store only\n`);
    tryEmpty = false;
  }
}
removeScratch(empty);

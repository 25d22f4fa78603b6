/**
 * How much the bench's http_vs_bare_sink moves with nothing changed: the service and the bare
 * append+fdatasync sink driven alternately (the bench's 64 connections, bodies and client code),
 * `--pairs` times, service first then sink, each on a fresh scratch directory; prints each rate,
 * the CPU per 201 of the server and of the client's main thread, and each pair's ratio.
 *
 *   npx tsx tools/ingest-pair-spread.ts --pairs 3 --seconds 10
 *
 * Needs the built service (`npm run build`).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchHttpIngest } from '../bench/http-ingest.js';
import { removeAllScratch } from '../bench/paths.js';
import { installCleanupHandlers } from '../bench/service-process.js';
import { benchWriteCost, requestBodies } from '../bench/write-cost.js';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
  },
});
const pairs = Number(values.pairs);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
if (!Number.isSafeInteger(pairs) || pairs < 1 || !(seconds > 0) || !Number.isSafeInteger(connections) || connections < 1) {
  throw new Error('--pairs and --connections take whole numbers of at least 1, --seconds a positive number');
}
installCleanupHandlers(removeAllScratch);

const bodies = requestBodies();
const load = () => loadavg()[0]!.toFixed(2);
for (let pair = 1; pair <= pairs; pair += 1) {
  const service = await benchHttpIngest({ seconds, connections, maxRequests: Number.MAX_SAFE_INTEGER });
  const sink = await benchWriteCost('bare', { connections, seconds, maxRequests: Number.MAX_SAFE_INTEGER, bodies });
  const perRequest = (ms: number, created: number) => ((ms * 1000) / Math.max(1, created)).toFixed(0);
  process.stdout.write(
    `pair ${pair}: service ${Math.round(service.perS)} /s (${perRequest(service.serviceProcessCpuS * 1000, service.created)} µs CPU per 201, client ${perRequest(service.clientCpuS * 1000, service.created)}), ` +
      `bare sink ${Math.round(sink.perS)} /s (${perRequest(sink.serverCpuMs, sink.created)} µs, client ${perRequest(sink.clientMainCpuMs, sink.created)}), ` +
      `ratio ${(service.perS / sink.perS).toFixed(2)}, load ${load()}\n`,
  );
}

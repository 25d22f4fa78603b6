/**
 * Soak: streams hub events (predictions, and labels for them) through the fake hub into the real
 * service at full speed, and reports events per second, event-to-sensor latency (p50/p99) and the
 * service's heap and RSS at start, middle and end.
 *
 *   npm run soak                      # 1,000,000 events
 *   npm run soak -- --events 200000   # shorter
 *
 * Pacing: the firing loop keeps at most `--backlog` events (default 2,000) fired but not yet
 * handled (read from the service's /health), so what is measured is the service's throughput.
 * Latency: each label labels a distinct prediction, so when the accuracy sensor reports L labeled
 * predictions, the L-th label event has been applied: latency = post time − that event's fire time.
 * Memory: the service runs with `--max-old-space-size` = `--heap-limit-mb` (default 256): a live
 * set that grew with the events would end the run; RSS and heap are sampled at start, middle, end.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeHub, waitFor } from '../test/fakes/fake-hub.js';
import { freePort, MAIN_JS } from '../test/support/spawn-service.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    backlog: { type: 'string', default: '2000' },
    'heap-limit-mb': { type: 'string', default: '256' },
  },
});
const EVENTS = Number(values.events);
const BACKLOG = Number(values.backlog);
const HEAP_LIMIT_MB = Number(values['heap-limit-mb']);
if (!Number.isInteger(EVENTS) || EVENTS < 1000) throw new Error('--events must be a whole number ≥ 1000');

interface Health {
  process: { rss_bytes: number; heap_used_bytes: number };
  stored_predictions: number;
  hub?: { connected: boolean; pending_retries: number; events: Record<string, Record<string, number>> };
}

interface MemorySample {
  at: string;
  events: number;
  heap_mb: number;
  rss_mb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hap-soak-'));
  const hub = await FakeHub.start();
  const port = await freePort();
  const configPath = join(dir, 'config.json');
  await writeFile(
    configPath,
    JSON.stringify({
      schema_version: 1,
      log_level: 'warn',
      models: { voice_recognition: { label_key: 'user_id', targets: { accuracy: 0.9 } } },
      hub: { sensors: { window: '7d', min_samples: 20, debounce_ms: 200 }, capture: { matching: { pending_seconds: 2 } } },
    }),
  );
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_LIMIT_MB}`, MAIN_JS, '--data-dir', join(dir, 'data'), '--port', String(port), '--config', configPath], {
    env: { PATH: process.env['PATH'] ?? '', HA_URL: hub.url, HA_TOKEN: 'test-token' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const api = `http://127.0.0.1:${port}/api/v1/ml-metrics`;
  const health = async (): Promise<Health> => (await (await fetch(`${api}/health`)).json()) as Health;
  const handled = (report: Health) =>
    Object.values(report.hub?.events ?? {}).reduce((sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0), 0);
  const memory: MemorySample[] = [];
  const sample = async (at: string, events: number) => {
    const report = await health();
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    memory.push({ at, events, heap_mb: mb(report.process.heap_used_bytes), rss_mb: Math.round(rssKb / 102.4) / 10 });
  };

  try {
    await waitFor(() => hub.activeSubscriptions('voice_identified') === 1, 30_000, 'the service to subscribe');
    await sample('start', 0);

    const labelFiredAt: number[] = [];
    let fired = 0;
    let predictions = 0;
    const started = performance.now();
    while (fired < EVENTS) {
      // One prediction, and every third step a label for a prediction 50 back (each labeled once).
      predictions += 1;
      hub.fireEvent('voice_identified', { prediction_id: `s-${predictions}`, user_id: predictions % 5, confidence: 0.5 + (predictions % 50) / 100 });
      fired += 1;
      if (predictions > 50 && predictions % 3 === 0 && fired < EVENTS) {
        const target = predictions - 50;
        const right = target % 7 !== 0;
        labelFiredAt.push(performance.now());
        if (right) hub.fireEvent('voice_identification_confirmed', { prediction_id: `s-${target}` });
        else hub.fireEvent('voice_identification_corrected', { prediction_id: `s-${target}`, user_id: (target + 1) % 5 });
        fired += 1;
      }
      if (fired % 1000 < 2) {
        hub.firedEvents.length = 0;
        // Backpressure: wait while the service is more than BACKLOG events behind.
        while (fired - handled(await health()) > BACKLOG) await new Promise((resolve) => setTimeout(resolve, 20));
        if (memory.length === 1 && fired >= EVENTS / 2) await sample('middle', fired);
      }
    }
    // Drain: every event handled.
    const deadline = Date.now() + 300_000;
    while (handled(await health()) < fired) {
      if (Date.now() > deadline) throw new Error('the service did not catch up within 5 minutes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    // Let the last debounced sensor post land.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await sample('end', fired);

    const latencies: number[] = [];
    for (const post of hub.statePosts) {
      if (post.entityId !== 'sensor.ml_voice_recognition_accuracy' || post.status >= 300) continue;
      const labeled = (post.body as { attributes?: { labeled_predictions?: number } }).attributes?.labeled_predictions ?? 0;
      const firedAt = labelFiredAt[labeled - 1];
      if (firedAt === undefined) continue;
      latencies.push(post.at.getTime() - (performance.timeOrigin + firedAt));
    }
    latencies.sort((a, b) => a - b);
    const report = await health();
    const counts = report.hub?.events ?? {};
    const result = {
      events: fired,
      seconds: Math.round(seconds * 10) / 10,
      events_per_s: Math.round(fired / seconds),
      stored_predictions: report.stored_predictions,
      refused_or_failed: Object.values(counts).reduce((sum, c) => sum + (c['refused'] ?? 0) + (c['failed'] ?? 0) + (c['dropped'] ?? 0), 0),
      sensor_posts_measured: latencies.length,
      latency_p50_ms: Math.round(percentile(latencies, 50)),
      latency_p99_ms: Math.round(percentile(latencies, 99)),
      memory,
    };
    console.log('\nsoak');
    console.log(`  events             ${result.events} in ${result.seconds} s = ${result.events_per_s} events/s (backlog ≤ ${BACKLOG}, heap limit ${HEAP_LIMIT_MB} MB)`);
    console.log(`  stored predictions ${result.stored_predictions}; refused, failed or dropped: ${result.refused_or_failed}`);
    console.log(`  event → sensor     p50 ${result.latency_p50_ms} ms, p99 ${result.latency_p99_ms} ms (${result.sensor_posts_measured} posts)`);
    for (const entry of memory) console.log(`  memory ${entry.at.padEnd(7)} after ${String(entry.events).padStart(8)} events: heap ${entry.heap_mb} MB, RSS ${entry.rss_mb} MB`);
    console.log(JSON.stringify(result));
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await hub.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

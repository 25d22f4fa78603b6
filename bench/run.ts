/**
 * hap-ml-metrics benchmark: `npx tsx bench/run.ts [--json] [--predictions 1000000]`.
 *
 * Measures, in one run: durable ingest through the tracker API, ingest through the REST API of the
 * spawned service, query latency and start-up time / RSS of the service on a store of 1M
 * predictions (seeded once through the real tracker and cached under .bench/), bytes written per
 * prediction (also with labels arriving minutes or a day later), and a naive lowdb baseline.
 * Prints a table; with --json also one JSON object on the last line. Targets are marks, never
 * assertions; the exit code is 1 only when a phase broke.
 */
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { benchHttpIngest } from './http-ingest.js';
import { benchIngest, type IngestResult } from './ingest.js';
import { benchNaiveLowdb } from './naive-lowdb.js';
import { mountJournaledImage, takeDownJournaledImage } from './journaled-image.js';
import { BENCH_DIR, removeAllScratch, ROOT, SERVICE_ENTRY } from './paths.js';
import { benchDisk } from './disk.js';
import { benchQuery, benchQueryFloor, benchQueryInProcess, benchQueryWarm, type QueryFloorResult, type QueryResult, type QuerySeries } from './query.js';
import { fmtInt, renderTable } from './report.js';
import { buildReport } from './report-rows.js';
import { parseOptions, USAGE } from './options.js';
import { invalidateSeededStore, seededStore } from './seed-store.js';
import { installCleanupHandlers, rssMb, stopService } from './service-process.js';
import { benchStartup, type StartupResult } from './startup.js';
import { describeMachine, machineSnapshot } from './proc-stats.js';
import { writeCostReport } from './report-write-cost.js';
import { benchLateLabels, lateLabelRows } from './late-labels.js';
import { benchWriteCost, requestBodies, type WriteCostResult } from './write-cost.js';



const log = (line: string) => process.stderr.write(`${line}\n`);

interface PhaseError {
  phase: string;
  message: string;
}

const errors: PhaseError[] = [];

async function phase<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  const began = performance.now();
  log(`bench: ${name}...`);
  try {
    const result = await run();
    log(`bench: ${name} done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`bench: ${name} FAILED: ${message}`);
    errors.push({ phase: name, message: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** Newest mtime of the files under dir (ms). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions();
  } catch (error) {
    log(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  installCleanupHandlers(() => {
    removeAllScratch();
    takeDownJournaledImage();
  });
  mkdirSync(BENCH_DIR, { recursive: true });
  const startedAt = performance.now();
  const machineBefore = await machineSnapshot();
  log(`bench: machine at start: ${describeMachine(machineBefore)}`);
  if (!existsSync(SERVICE_ENTRY)) {
    log(`bench: ${relative(ROOT, SERVICE_ENTRY)} is missing; run \`npm run build\` first (npm run bench does)`);
    return 2;
  }
  const extraNotes: string[] = [];
  if (newestMtime(join(ROOT, 'src')) > statSync(SERVICE_ENTRY).mtimeMs) {
    const warning = 'WARNING: src/ has changes newer than dist/bundle/main.js: the spawned-service phases ran the older build (npm run bench builds first).';
    log(`bench: ${warning}`);
    extraNotes.push(warning);
  }
  const serviceArgs: string[] = [];
  if (options.cpuProf) {
    const dir = join(BENCH_DIR, 'profiles');
    mkdirSync(dir, { recursive: true });
    serviceArgs.push('--cpu-prof', '--cpu-prof-dir', dir);
    extraNotes.push(`--cpu-prof: the spawned services wrote V8 CPU profiles to ${relative(ROOT, dir)}/ (open in Chrome DevTools; profiling slows them down).`);
  }

  // 0. What a durable replace of a ~200 KB file (one commit) costs on this disk right now.
  const disk = await phase('disk probe', () => benchDisk({ bytes: 200_000, rounds: 60 }));

  // 1. The 1M store (seeded once, then cached), start-up, RSS and queries on it.
  const seed = await phase(`seed store (${fmtInt(options.predictions)} predictions)`, () =>
    seededStore(options.predictions, log, options.reseed),
  );
  let startup: StartupResult | undefined;
  let query: QueryResult | undefined;
  let queryFloor: QueryFloorResult | undefined;
  let rssAfterQueries: number | undefined;
  let queryWarm: QuerySeries | undefined;
  if (seed) {
    startup = await phase('start-up on the seeded store', () => benchStartup(seed.dataDir, serviceArgs));
    if (startup && startup.storedPredictions !== options.predictions) {
      log(`bench: the service reports ${startup.storedPredictions} stored predictions, expected ${options.predictions}: the cache will be rebuilt next run`);
      invalidateSeededStore(options.predictions);
    }
    if (startup) {
      const service = startup.service;
      try {
        query = await phase('queries', () => benchQuery(service.pid, service.baseUrl, { warmup: options.warmup, requests: options.queries }));
        rssAfterQueries = rssMb(service.pid);
        if (query) queryWarm = await phase('queries once warm', () => benchQueryWarm(service.pid, service.baseUrl, { requests: options.queries }));
      } finally {
        await stopService(service);
      }
      if (query) {
        const answer = query.answer;
        queryFloor = await phase('query floor (static server, same bytes)', () => benchQueryFloor(answer, { warmup: options.warmup, requests: options.queries }));
      }
    }
  }

  const inProcess = seed
    ? await phase('queries in-process (tracker API, no HTTP)', () => benchQueryInProcess(seed.dataDir, { warmup: options.warmup, requests: options.queries }))
    : undefined;

  // 2. Ingest through the tracker API (counts bytes written).
  const ingest = await phase('tracker ingest', () =>
    benchIngest({ seconds: options.seconds, concurrency: options.concurrency, maxPredictions: Number.MAX_SAFE_INTEGER }),
  );

  const sweep: IngestResult[] = [];
  for (const concurrency of options.sweep) {
    const result = await phase(`tracker ingest at ${concurrency} in flight (sensitivity)`, () =>
      benchIngest({ seconds: Math.min(5, options.seconds), concurrency, maxPredictions: Number.MAX_SAFE_INTEGER }),
    );
    if (result) sweep.push(result);
  }

  // 3. Ingest through the REST API of the spawned service.
  const http = await phase('HTTP ingest', () =>
    benchHttpIngest({ seconds: options.seconds, connections: options.connections, maxRequests: Number.MAX_SAFE_INTEGER, nodeArgs: serviceArgs }),
  );

  // 3b. The same load on the yardstick sinks, right after, then one prediction at a time on each.
  const bodies = requestBodies();
  const burst = { connections: options.connections, seconds: options.seconds, maxRequests: Number.MAX_SAFE_INTEGER, bodies };
  const bare = await phase(`bare append+fdatasync sink (${options.connections} conns)`, () => benchWriteCost('bare', burst));
  const sqlite = await phase(`SQLite WAL sink (${options.connections} conns)`, () => benchWriteCost('sqlite', burst));
  // One at a time, on a journaled ext4 image when this process may mount one (as an SD card's file system is).
  const image = mountJournaledImage();
  const trickle: Record<'service' | 'sqlite' | 'bare', WriteCostResult | undefined> = { service: undefined, sqlite: undefined, bare: undefined };
  try {
    const scratchParent = 'dir' in image ? image.dir : undefined;
    const oneAtATime = { connections: 1, seconds: 600, maxRequests: options.trickle, bodies, nodeArgs: serviceArgs, deviceWrites: true, scratchParent };
    for (const target of ['service', 'sqlite', 'bare'] as const) {
      trickle[target] = await phase(`trickle: ${options.trickle} one at a time, ${target}`, () => benchWriteCost(target, oneAtATime));
    }
  } finally {
    if ('unmount' in image) image.unmount();
  }
  const writeCost = writeCostReport({ http, bare, sqlite, trickle, trickleFileSystem: 'why' in image ? { journaledImage: false, why: image.why } : { journaledImage: true } });
  // Labels that reach predictions whose segment has sealed (feedback minutes later, implicit labels a day later).
  const lateLabels = [];
  for (const delayMinutes of [5, 1440]) {
    lateLabels.push(await phase(`late labels ${delayMinutes} min after (tracker API, fake clock)`, () => benchLateLabels({ predictions: 3000, delayMinutes })));
  }

  // 4. The naive lowdb baseline: from an empty file, and from a file of naiveStart predictions.
  const naiveEmpty = await phase('naive lowdb (empty file)', () =>
    benchNaiveLowdb({ seconds: options.seconds, concurrency: options.concurrency, startRecords: 0, maxPredictions: Number.MAX_SAFE_INTEGER }),
  );
  const naiveFull = await phase(`naive lowdb (${fmtInt(options.naiveStart)} already in the file)`, () =>
    benchNaiveLowdb({ seconds: options.seconds, concurrency: options.concurrency, startRecords: options.naiveStart, maxPredictions: Number.MAX_SAFE_INTEGER }),
  );

  const totalS = (performance.now() - startedAt) / 1000;
  const machineAfter = await machineSnapshot();
  const { rows, notes } = buildReport({ options, disk, seed, startup, query, queryWarm, queryFloor, inProcess, rssAfterQueries, ingest, sweep, http, naiveEmpty, naiveFull });
  rows.push(...writeCost.rows, ...lateLabelRows(lateLabels));
  const title = `hap-ml-metrics benchmark — node ${process.version}, ${cpus().length} cores, total ${totalS.toFixed(0)} s`;
  const machine = [`machine at start: ${describeMachine(machineBefore)}`, `machine at end:   ${describeMachine(machineAfter)}`];
  const out: string[] = [title, ...machine, renderTable('', rows), '', ...notes, ...writeCost.notes, ...extraNotes];
  if (errors.length > 0) out.push('', 'PHASES THAT FAILED:', ...errors.map((error) => `  ${error.phase}: ${error.message}`));
  process.stdout.write(`${out.join('\n')}\n`);

  if (options.json) {
    const round = (value: number | undefined, digits: number) => (value === undefined ? null : Number(value.toFixed(digits)));
    const rss = startup === undefined ? undefined : Math.max(startup.rssMb, rssAfterQueries ?? 0);
    const json = {
      ingest_per_s: round(ingest?.perS, 0),
      http_ingest_per_s: round(http?.perS, 0),
      query_p99_ms: round(query?.worstP99Ms, 3),
      query_warm_p99_ms: round(queryWarm?.p99Ms, 3),
      query_in_process_uncached_p99_ms: inProcess ? { all: round(inProcess.all.p99Ms, 3), week: round(inProcess.week.p99Ms, 3) } : null,
      query_floor_p99_ms: queryFloor ? { first: round(queryFloor.first.p99Ms, 3), second: round(queryFloor.second.p99Ms, 3) } : null,
      startup_s: round(startup?.startupS, 3),
      rss_mb: round(rss, 1),
      bytes_written_per_prediction: round(ingest?.bytesPerPrediction, 0),
      naive_lowdb_ingest_per_s: round(naiveEmpty?.perS, 0),
      ...writeCost.json,
      late_label_bytes_per_prediction: Object.fromEntries(lateLabels.flatMap((result) => (result ? [[`${result.delayMinutes}m`, round(result.bytesPerPrediction, 0)]] : []))),
      load_average_start: machineBefore.load,
      load_average_end: machineAfter.load,
      iowait_start: round(machineBefore.iowait, 3),
      iowait_end: round(machineAfter.iowait, 3),
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
  }
  return errors.length > 0 ? 1 : 0;
}

process.exitCode = await main();

/**
 * hap-ml-metrics benchmark: `npx tsx bench/run.ts [--json] [--predictions 1000000]`.
 *
 * Measures, in one run: durable ingest through the tracker API, ingest through the REST API of the
 * spawned service, query latency and start-up time / RSS of the service on a store of 1M
 * predictions (seeded once through the real tracker and cached under .bench/), bytes written per
 * prediction, and a naive lowdb baseline. Prints a table; with --json also one JSON object on the
 * last line. Targets are marks, never assertions; the exit code is 1 only when a phase broke.
 */
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { benchHttpIngest, type HttpIngestResult } from './http-ingest.js';
import { benchIngest, type IngestResult } from './ingest.js';
import { benchNaiveLowdb, type NaiveResult } from './naive-lowdb.js';
import { BENCH_DIR, removeAllScratch, ROOT, SERVICE_ENTRY } from './paths.js';
import { benchDisk, type DiskResult } from './disk.js';
import { benchQuery, benchQueryInProcess, type InProcessQueryResult, type QueryResult } from './query.js';
import { fmt, fmtInt, renderTable, shortfall, type Row } from './report.js';
import { invalidateSeededStore, seededStore, type SeededStore } from './seed-store.js';
import { installCleanupHandlers, rssMb, stopService } from './service-process.js';
import { benchStartup, type StartupResult } from './startup.js';

const TARGETS = { ingestPerS: 20_000, httpPerS: 3_000, queryP99Ms: 5, startupS: 3, rssMb: 250 };

const USAGE = `usage: npx tsx bench/run.ts [options]
  --json                 also print one JSON object on the last line
  --predictions N        predictions in the query/start-up store (default 1000000)
  --seconds S            time budget of each ingest phase (default 10)
  --concurrency C        logPrediction calls in flight (tracker and naive lowdb; default 256)
  --sweep LIST           also run the tracker ingest at these concurrencies, 5 s each (default 64,128; "none")
  --connections K        keep-alive connections of the HTTP ingest (default 64)
  --queries Q            measured requests per query series (default 2000)
  --warmup W             warm-up requests per query series (default 200)
  --naive-start N        predictions already in the file for the second lowdb baseline (default 100000)
  --reseed               rebuild the cached store even if present
  --cpu-prof             spawned services write V8 CPU profiles to .bench/profiles/`;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number, got "${raw}"`);
  return value;
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      predictions: { type: 'string' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      sweep: { type: 'string' },
      connections: { type: 'string' },
      queries: { type: 'string' },
      warmup: { type: 'string' },
      'naive-start': { type: 'string' },
      reseed: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    json: values.json!,
    help: values.help!,
    predictions: positiveInt('predictions', values.predictions, 1_000_000),
    seconds: positiveInt('seconds', values.seconds, 10),
    concurrency: positiveInt('concurrency', values.concurrency, 256),
    sweep:
      values.sweep === 'none' || values.sweep === ''
        ? []
        : (values.sweep ?? '64,128').split(',').map((part) => positiveInt('sweep', part.trim(), 0)),
    connections: positiveInt('connections', values.connections, 64),
    queries: positiveInt('queries', values.queries, 2000),
    warmup: positiveInt('warmup', values.warmup, 200),
    naiveStart: positiveInt('naive-start', values['naive-start'], 100_000),
    reseed: values.reseed!,
    cpuProf: values['cpu-prof']!,
  };
}

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
  installCleanupHandlers(removeAllScratch);
  mkdirSync(BENCH_DIR, { recursive: true });
  const startedAt = performance.now();
  const loadBefore = loadavg()[0]!;
  if (!existsSync(SERVICE_ENTRY)) {
    log(`bench: ${relative(ROOT, SERVICE_ENTRY)} is missing; run \`npm run build\` first (npm run bench does)`);
    return 2;
  }
  const extraNotes: string[] = [];
  if (newestMtime(join(ROOT, 'src')) > statSync(SERVICE_ENTRY).mtimeMs) {
    const warning = 'WARNING: src/ has changes newer than dist/main.js: the spawned-service phases ran the older build (npm run bench builds first).';
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
  let rssAfterQueries: number | undefined;
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
      } finally {
        await stopService(service);
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

  // 4. The naive lowdb baseline: from an empty file, and from a file of naiveStart predictions.
  const naiveEmpty = await phase('naive lowdb (empty file)', () =>
    benchNaiveLowdb({ seconds: options.seconds, concurrency: options.concurrency, startRecords: 0, maxPredictions: Number.MAX_SAFE_INTEGER }),
  );
  const naiveFull = await phase(`naive lowdb (${fmtInt(options.naiveStart)} already in the file)`, () =>
    benchNaiveLowdb({ seconds: options.seconds, concurrency: options.concurrency, startRecords: options.naiveStart, maxPredictions: Number.MAX_SAFE_INTEGER }),
  );

  const totalS = (performance.now() - startedAt) / 1000;
  const { rows, notes } = buildReport({ options, disk, seed, startup, query, inProcess, rssAfterQueries, ingest, sweep, http, naiveEmpty, naiveFull });
  const title =
    `hap-ml-metrics benchmark — node ${process.version}, ${cpus().length} cores, ` +
    `load average ${loadBefore.toFixed(2)} at start / ${loadavg()[0]!.toFixed(2)} at end, total ${totalS.toFixed(0)} s`;
  const out: string[] = [renderTable(title, rows), '', ...notes, ...extraNotes];
  if (errors.length > 0) out.push('', 'PHASES THAT FAILED:', ...errors.map((error) => `  ${error.phase}: ${error.message}`));
  process.stdout.write(`${out.join('\n')}\n`);

  if (options.json) {
    const round = (value: number | undefined, digits: number) => (value === undefined ? null : Number(value.toFixed(digits)));
    const rss = startup === undefined ? undefined : Math.max(startup.rssMb, rssAfterQueries ?? 0);
    const json = {
      ingest_per_s: round(ingest?.perS, 0),
      http_ingest_per_s: round(http?.perS, 0),
      query_p99_ms: round(query?.worstP99Ms, 3),
      startup_s: round(startup?.startupS, 3),
      rss_mb: round(rss, 1),
      bytes_written_per_prediction: round(ingest?.bytesPerPrediction, 0),
      naive_lowdb_ingest_per_s: round(naiveEmpty?.perS, 0),
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
  }
  return errors.length > 0 ? 1 : 0;
}

interface ReportInput {
  options: ReturnType<typeof parseOptions>;
  disk: DiskResult | undefined;
  inProcess: InProcessQueryResult | undefined;
  seed: SeededStore | undefined;
  startup: StartupResult | undefined;
  query: QueryResult | undefined;
  rssAfterQueries: number | undefined;
  ingest: IngestResult | undefined;
  sweep: IngestResult[];
  http: HttpIngestResult | undefined;
  naiveEmpty: NaiveResult | undefined;
  naiveFull: NaiveResult | undefined;
}

function buildReport(input: ReportInput): { rows: Row[]; notes: string[] } {
  const { options, disk, seed, startup, query, inProcess, rssAfterQueries, ingest, sweep, http, naiveEmpty, naiveFull } = input;
  const rows: Row[] = [];
  const notes: string[] = [];
  const failed = (measure: string, target?: string) => rows.push({ measure, value: 'phase failed', ...(target ? { target, pass: false } : {}) });
  const n = fmtInt(options.predictions);

  // The disk.
  if (disk) {
    rows.push({
      measure: `disk: durable replace of ${fmtInt(disk.bytes / 1000)} KB p50 / p99`,
      value: `${fmt(disk.replaceP50Ms, 1)} / ${fmt(disk.replaceP99Ms, 1)} ms (write+fsync alone ${fmt(disk.fileP50Ms, 1)} / ${fmt(disk.fileP99Ms, 1)})`,
    });
    notes.push(
      'Disk probe: write + fsync a temp file, rename, fsync the directory (what one store commit does), 60 times, before the other phases. ' +
        'Commits run one at a time, so ingest <= in-flight predictions / commit time.',
    );
  }

  // Tracker ingest.
  if (ingest) {
    const pass = ingest.perS >= TARGETS.ingestPerS;
    rows.push({ measure: `ingest, tracker API (fsynced, ${ingest.concurrency} in flight)`, value: `${fmtInt(ingest.perS)} /s`, target: `>= ${fmtInt(TARGETS.ingestPerS)} /s`, pass });
    rows.push({ measure: '  predictions / seconds / failures', value: `${fmtInt(ingest.predictions)} / ${fmt(ingest.seconds, 1)} s / ${ingest.failures}` });
    rows.push({ measure: '  logPrediction latency p50 / p99', value: `${fmt(ingest.latencyP50Ms, 1)} / ${fmt(ingest.latencyP99Ms, 1)} ms` });
    rows.push({ measure: '  bytes written per prediction', value: `${fmtInt(ingest.bytesPerPrediction)} B` });
    rows.push({
      measure: '  fsyncs per 1,000 predictions (file + dir)',
      value: `${fmt((1000 * ingest.fileFsyncs) / Math.max(1, ingest.predictions), 1)} + ${fmt((1000 * ingest.directoryFsyncs) / Math.max(1, ingest.predictions), 1)}`,
    });
    rows.push({
      measure: '  durable writes (file fsync + dir fsync) per s',
      value: `${fmtInt(ingest.fileFsyncs / ingest.seconds)} /s, ${fmtInt(ingest.predictions / Math.max(1, ingest.fileFsyncs))} predictions each`,
    });
    for (const other of sweep) {
      rows.push({
        measure: `  at ${other.concurrency} in flight (${fmt(other.seconds, 0)} s)`,
        value: `${fmtInt(other.perS)} /s, ${fmtInt(other.bytesPerPrediction)} B/prediction, p99 ${fmt(other.latencyP99Ms, 1)} ms`,
      });
    }
    if (!pass) notes.push(`MISS ingest: ${shortfall(ingest.perS, TARGETS.ingestPerS, true, '/s')}.`);
  } else failed('ingest, tracker API', `>= ${fmtInt(TARGETS.ingestPerS)} /s`);

  // HTTP ingest.
  if (http) {
    const pass = http.perS >= TARGETS.httpPerS;
    rows.push({ measure: `ingest, HTTP POST (${http.connections} keep-alive conns)`, value: `${fmtInt(http.perS)} /s`, target: `>= ${fmtInt(TARGETS.httpPerS)} /s`, pass });
    rows.push({ measure: '  201s / seconds', value: `${fmtInt(http.created)} / ${fmt(http.seconds, 1)} s` });
    rows.push({ measure: '  non-201 answers', value: http.non201 === 0 ? '0' : `${http.non201} ${JSON.stringify(http.non201ByStatus)}`, target: '0', pass: http.non201 === 0 });
    rows.push({ measure: '  request latency p50 / p99', value: `${fmt(http.latencyP50Ms, 1)} / ${fmt(http.latencyP99Ms, 1)} ms` });
    rows.push({
      measure: '  service CPU / waiting for a CPU (main thread)',
      value: `${fmt(http.serviceCpuS, 1)} s / ${fmt(http.serviceWaitS, 1)} s of ${fmt(http.seconds, 1)} s; ${fmt((1000 * http.serviceCpuS) / Math.max(1, http.created), 3)} ms CPU per request`,
    });
    rows.push({ measure: '  client CPU / waiting for a CPU (main thread)', value: `${fmt(http.clientCpuS, 1)} s / ${fmt(http.clientWaitS, 1)} s` });
    if (http.storedAfter !== null && http.storedAfter !== http.created) {
      notes.push(`NOTE HTTP ingest: the service reports ${http.storedAfter} stored predictions for ${http.created} 201s.`);
    }
    if (!http.stoppedCleanly) notes.push('NOTE HTTP ingest: the service did not exit with code 0 on SIGTERM.');
    if (http.firstNon201) notes.push(`FIRST NON-201: ${http.firstNon201}`);
    if (!pass) notes.push(`MISS HTTP ingest: ${shortfall(http.perS, TARGETS.httpPerS, true, '/s')}.`);
  } else failed('ingest, HTTP POST', `>= ${fmtInt(TARGETS.httpPerS)} /s`);

  // Seed, start-up, RSS, queries.
  if (seed) {
    rows.push({
      measure: `seed store: ${n} predictions over 364 days`,
      value: seed.reused ? `reused from .bench/ cache` : `seeded now: ${fmtInt(seed.seedPerS)} /s (${fmt(seed.seedSeconds, 1)} s)`,
    });
    if (seed.reused) {
      const hours = (Date.now() - Date.parse(seed.createdAt)) / 3_600_000;
      rows.push({ measure: '  seeding rate when it was seeded', value: `${fmtInt(seed.seedPerS)} /s (${fmt(seed.seedSeconds, 1)} s), ${fmt(hours, 1)} h ago` });
    }
    notes.push(
      `Seeded store: .bench/store-${seed.key}/ (${seed.reused ? 'REUSED from an earlier run' : 'seeded in this run'}; kept for 24 h; delete it or pass --reseed to rebuild). ` +
        `Written through openTracker + logPrediction (zod, group commit, fsync), 256 in flight, clock walking ${seed.firstTimestamp} → ${seed.createdAt}.`,
    );
  } else failed(`seed store (${n})`);
  if (startup) {
    const pass = startup.startupS <= TARGETS.startupS;
    rows.push({ measure: `start-up on ${n} (spawn -> /health 200)`, value: `${fmt(startup.startupS, 2)} s`, target: `<= ${TARGETS.startupS} s`, pass });
    rows.push({ measure: '  spawn -> "REST API listening"', value: `${fmt(startup.listeningS, 2)} s` });
    rows.push({ measure: '  service main thread until healthy: CPU / waiting for a CPU', value: `${fmt(startup.cpuMs / 1000, 2)} s / ${fmt(startup.waitMs / 1000, 2)} s` });
    rows.push({ measure: '  store as reported by /health', value: `${fmtInt(startup.storedPredictions)} predictions, ${fmtInt(startup.segments)} segments` });
    const rssPass = startup.rssMb <= TARGETS.rssMb;
    rows.push({ measure: '  RSS after start-up', value: `${fmt(startup.rssMb, 1)} MB`, target: `<= ${TARGETS.rssMb} MB`, pass: rssPass });
    if (rssAfterQueries !== undefined) {
      rows.push({ measure: '  RSS after the query phase', value: `${fmt(rssAfterQueries, 1)} MB`, target: `<= ${TARGETS.rssMb} MB`, pass: rssAfterQueries <= TARGETS.rssMb });
    }
    if (startup.storedPredictions !== options.predictions) notes.push(`NOTE: /health reports ${startup.storedPredictions} stored predictions, expected ${options.predictions}.`);
    if (!pass) notes.push(`MISS start-up: ${shortfall(startup.startupS, TARGETS.startupS, false, ' s')}.`);
    const rss = Math.max(startup.rssMb, rssAfterQueries ?? 0);
    if (rss > TARGETS.rssMb) notes.push(`MISS RSS: ${shortfall(rss, TARGETS.rssMb, false, ' MB')}.`);
    notes.push('Start-up is timed with a warm page cache (the store was just written or read); rss_mb in the JSON is the larger of the two RSS readings.');
  } else failed(`start-up on ${n}`, `<= ${TARGETS.startupS} s`);
  if (query) {
    for (const [label, s] of [['window=all', query.all], ['window=7d', query.week]] as const) {
      rows.push({
        measure: `query ${label} p50 / p99 (max)`,
        value: `${fmt(s.p50Ms, 2)} / ${fmt(s.p99Ms, 2)} ms (${fmt(s.maxMs, 1)})`,
        target: `p99 <= ${TARGETS.queryP99Ms} ms`,
        pass: s.p99Ms <= TARGETS.queryP99Ms,
      });
      rows.push({ measure: `  covered: version ${s.modelVersion}`, value: `${fmtInt(s.totalPredictions)} predictions` });
      rows.push({
        measure: '  service CPU / service waiting for a CPU / client waiting',
        value: `${fmt(s.serviceCpuMs / s.requests, 3)} / ${fmt(s.serviceWaitMs / s.requests, 3)} / ${fmt(s.clientWaitMs / s.requests, 3)} ms per request`,
      });
    }
    notes.push(
      '"waiting for a CPU" = time the thread was runnable but not running (/proc/<pid>/schedstat): the share of latency that is the shared 2-core machine, not the code.',
    );
    notes.push(`Queries: GET /api/v1/ml-metrics/models/voice_recognition, ${options.queries} sequential requests per window after ${options.warmup} warm-up, one keep-alive connection.`);
    if (query.worstP99Ms > TARGETS.queryP99Ms) notes.push(`MISS query p99: ${shortfall(query.worstP99Ms, TARGETS.queryP99Ms, false, ' ms')}.`);
  } else failed('query p99', `<= ${TARGETS.queryP99Ms} ms`);
  if (inProcess) {
    rows.push({
      measure: '  same, in-process getPerformance p50 / p99',
      value: `all ${fmt(inProcess.all.p50Ms, 3)} / ${fmt(inProcess.all.p99Ms, 3)} ms, 7d ${fmt(inProcess.week.p50Ms, 3)} / ${fmt(inProcess.week.p99Ms, 3)} ms`,
    });
    rows.push({ measure: '  in-process openTracker (read-only) on the store', value: `${fmt(inProcess.openS, 2)} s` });
  }


  // Naive lowdb.
  const naiveRow = (result: NaiveResult | undefined, label: string) => {
    if (!result) return failed(label);
    rows.push({ measure: label, value: `${fmtInt(result.perS)} /s` });
    rows.push({ measure: '  predictions / seconds / file at end', value: `${fmtInt(result.predictions)} / ${fmt(result.seconds, 1)} s / ${fmt(result.fileMb, 1)} MB` });
  };
  naiveRow(naiveEmpty, `baseline: naive lowdb, empty file (${options.concurrency} in flight)`);
  naiveRow(naiveFull, `baseline: naive lowdb, ${fmtInt(options.naiveStart)} already stored`);
  notes.push(
    'Baseline = lowdb Low + JSONFile (lowdb/node), one file, push + await db.write() per prediction. It does NOT fsync ' +
      '(steno: temp file + rename), and every write() stringifies the whole history, so its cost per write grows with the file.',
  );
  return { rows, notes };
}

process.exitCode = await main();

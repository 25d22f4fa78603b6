import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_SCHEMA_VERSION } from '../src/storage/stored-file-version.js';
import { LabelResolver } from '../src/tracker/label-resolver.js';
import { openTracker } from '../src/open-tracker.js';
import { shippedConfig } from './config.js';
import { BENCH_DIR } from './paths.js';
import { Workload, WORKLOAD_VERSION } from './workload.js';

/** Bump when the way the store is seeded changes (it is part of the cache key). */
const SEED_VERSION = 1;
const DAY_MS = 86_400_000;
/** Timestamps spread over the past 364 days (inside the default 365-day retention). */
const SPAN_MS = 364 * DAY_MS;
const SEED_CONCURRENCY = 256;

export interface SeededStore {
  dataDir: string;
  key: string;
  predictions: number;
  reused: boolean;
  /** Rate of the run that wrote it (this run's, or the earlier one's when reused). */
  seedSeconds: number;
  seedPerS: number;
  createdAt: string;
  /** Timestamps run from here to createdAt. */
  firstTimestamp: string;
}

interface SeedMeta {
  key: string;
  predictions: number;
  seconds: number;
  per_s: number;
  created_at: string;
  first_timestamp: string;
  concurrency: number;
}

/** Reseed when the cached store is older than this: its 7-day window and the 365-day retention assume "now" is when it was seeded. */
const MAX_AGE_MS = DAY_MS;

export function seedKey(predictions: number): string {
  const { storage, models } = shippedConfig('.');
  // Only what shapes the files on disk: segment bounds and the label keys (summaries depend on them).
  const layout = {
    segment_max_records: storage.segment_max_records,
    segment_max_bytes: storage.segment_max_bytes,
    segment_max_age_hours: storage.segment_max_age_hours,
    labels: new LabelResolver(models).fingerprint,
  };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(layout))
    .digest('hex')
    .slice(0, 10);
  return `seed${SEED_VERSION}-workload${WORKLOAD_VERSION}-schema${STORE_SCHEMA_VERSION}-${fingerprint}-n${predictions}`;
}

/** Makes the next run seed again (the store turned out not to hold what its seed.json says). */
export function invalidateSeededStore(predictions: number): void {
  rmSync(join(BENCH_DIR, `store-${seedKey(predictions)}`, 'seed.json'), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes half-written seeds left by benchmark runs that died. */
function removeStalePartials(): void {
  if (!existsSync(BENCH_DIR)) return;
  for (const name of readdirSync(BENCH_DIR)) {
    const match = /^store-.*\.partial-(\d+)$/.exec(name);
    if (match && !isAlive(Number(match[1]))) rmSync(join(BENCH_DIR, name), { recursive: true, force: true });
  }
}

/**
 * The store the query and start-up phases read: `predictions` predictions written through the
 * real tracker (validation, group commit, fsync, segment sealing, summaries) with a clock that
 * walks through the past year. Cached under .bench/store-<key>; a later run with the same key
 * reuses it.
 */
export async function seededStore(predictions: number, progress: (line: string) => void, force = false): Promise<SeededStore> {
  const key = seedKey(predictions);
  const home = join(BENCH_DIR, `store-${key}`);
  const metaPath = join(home, 'seed.json');
  if (force) rmSync(home, { recursive: true, force: true });
  if (existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as SeedMeta;
    const age = Date.now() - Date.parse(meta.created_at);
    if (meta.key === key && meta.predictions === predictions && age >= 0 && age < MAX_AGE_MS) {
      return {
        dataDir: join(home, 'data'),
        key,
        predictions,
        reused: true,
        seedSeconds: meta.seconds,
        seedPerS: meta.per_s,
        createdAt: meta.created_at,
        firstTimestamp: meta.first_timestamp,
      };
    }
  }
  if (existsSync(metaPath)) progress(`  the cached store ${home} is older than a day: seeding it again`);
  removeStalePartials();
  rmSync(home, { recursive: true, force: true });
  const partial = `${home}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const dataDir = join(partial, 'data');
    const end = Date.now();
    const start = end - SPAN_MS;
    let clock = start;
    const tracker = await openTracker({ dataDir, config: shippedConfig(dataDir), now: () => new Date(clock) });
    const workload = new Workload(20_240_115);
    let issued = 0;
    let done = 0;
    const began = performance.now();
    const ticker = setInterval(() => {
      const seconds = (performance.now() - began) / 1000;
      progress(`  seeding: ${done.toLocaleString('en-US')} / ${predictions.toLocaleString('en-US')} (${Math.round(done / seconds).toLocaleString('en-US')}/s)`);
    }, 5000);
    try {
      const worker = async () => {
        while (issued < predictions) {
          const index = issued++;
          // logPrediction reads the clock synchronously: this prediction is stamped `clock`.
          clock = start + Math.floor((index / predictions) * SPAN_MS);
          await tracker.logPrediction(workload.next(index / predictions));
          done += 1;
        }
      };
      await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
    } finally {
      clearInterval(ticker);
      await tracker.close();
    }
    const seconds = (performance.now() - began) / 1000;
    const stored = tracker.store.stats().stored_predictions;
    if (stored !== predictions) throw new Error(`seeding stored ${stored} predictions, expected ${predictions}`);
    const meta: SeedMeta = {
      key,
      predictions,
      seconds,
      per_s: predictions / seconds,
      created_at: new Date(end).toISOString(),
      first_timestamp: new Date(start).toISOString(),
      concurrency: SEED_CONCURRENCY,
    };
    writeFileSync(join(partial, 'seed.json'), `${JSON.stringify(meta, null, 2)}\n`);
    renameSync(partial, home);
    return {
      dataDir: join(home, 'data'),
      key,
      predictions,
      reused: false,
      seedSeconds: seconds,
      seedPerS: meta.per_s,
      createdAt: meta.created_at,
      firstTimestamp: meta.first_timestamp,
    };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

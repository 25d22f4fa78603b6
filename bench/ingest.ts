import type { PredictionInput } from '../src/domain/prediction.js';
import { openTracker } from '../src/open-tracker.js';
import { shippedConfig } from './config.js';
import { nodeFileSystem } from '../src/storage/file-system.js';
import { OpenLogFileSystem } from '../src/storage/open-log-file-system.js';
import { countingFileSystem } from './counting-fs.js';
import { percentile } from './http-client.js';
import { removeScratch, scratchDir } from './paths.js';
import { Workload } from './workload.js';

export interface IngestResult {
  predictions: number;
  seconds: number;
  perS: number;
  concurrency: number;
  failures: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  bytesWritten: number;
  bytesPerPrediction: number;
  fileFsyncs: number;
  directoryFsyncs: number;
  segments: number;
}

/** A pool of bodies made up front, so making them is not part of what is measured. */
export function bodyPool(size: number, seed: number): PredictionInput[] {
  const workload = new Workload(seed);
  return Array.from({ length: size }, () => workload.next(1));
}

/**
 * The tracker API in-process: `concurrency` logPrediction calls always in flight on a fresh store
 * (shipped config, the file system the store uses on its own — the real one, with the open
 * segment's log kept open — wrapped to count bytes), for `seconds` or `maxPredictions`.
 * Every counted prediction resolved, which means it was fsynced.
 */
export async function benchIngest(options: { seconds: number; concurrency: number; maxPredictions: number }): Promise<IngestResult> {
  const dataDir = scratchDir('ingest');
  try {
    const files = new OpenLogFileSystem(nodeFileSystem);
    const { fs, counts } = countingFileSystem(files);
    const tracker = await openTracker({ dataDir, config: shippedConfig(dataDir), fs });
    const pool = bodyPool(8192, 7);
    const latencies: number[] = [];
    let issued = 0;
    let done = 0;
    let failures = 0;
    let firstError: unknown;
    const began = performance.now();
    const deadline = began + options.seconds * 1000;
    try {
      const worker = async () => {
        while (issued < options.maxPredictions && performance.now() < deadline) {
          const body = pool[issued++ % pool.length]!;
          const started = performance.now();
          try {
            await tracker.logPrediction(body);
            latencies.push(performance.now() - started);
            done += 1;
          } catch (error) {
            failures += 1;
            firstError ??= error;
          }
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
    } finally {
      await tracker.close();
      await files.close();
    }
    const seconds = (performance.now() - began) / 1000;
    if (firstError) process.stderr.write(`  ingest: ${failures} failed; first: ${(firstError as Error).message}\n`);
    const stats = tracker.store.stats();
    if (stats.stored_predictions !== done) throw new Error(`ingest: ${done} resolved but the store holds ${stats.stored_predictions}`);
    latencies.sort((a, b) => a - b);
    return {
      predictions: done,
      seconds,
      perS: done / seconds,
      concurrency: options.concurrency,
      failures,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      bytesWritten: counts.bytes,
      bytesPerPrediction: counts.bytes / Math.max(1, done),
      fileFsyncs: counts.files,
      directoryFsyncs: counts.directorySyncs,
      segments: stats.segments,
    };
  } finally {
    removeScratch(dataDir);
  }
}

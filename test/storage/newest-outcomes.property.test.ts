import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { nodeFileSystem } from '../../src/storage/file-system.js';
import { SegmentCheckUnavailableError } from '../../src/storage/storage-errors.js';
import { outcomesOf } from '../../src/storage/outcome-columns.js';
import type { PredictionStore } from '../../src/storage/prediction-store.js';
import { SegmentFilesOnDisk } from '../../src/storage/segment-files-on-disk.js';
import { AccuracyEstimateCollector, estimateWindowAccuracy } from '../../src/tracker/estimate-window-accuracy.js';
import { resolveWindow } from '../../src/tracker/window.js';
import { scanWindowRecords } from '../../src/tracker/window-records.js';
import { ESTIMATE_SCAN_LIMIT } from '../../src/domain/raw-scan.js';
import { propertyParameters, runs } from '../hostile/support/hostile-runs.js';
import { createTempDir } from '../support/temp-dir.js';

/**
 * The label-free estimate reads a model's records as outcome columns (newest-outcomes.ts), sealed
 * segments outside the segment cache read without caching them and their columns kept. On random
 * stores (backfilled timestamps, several models and versions, labels inline and late, a segment
 * cache of two 10-record segments; sealed segments read here or by an off-thread reader that may
 * be gone), before and after late labels rewrite sealed segments, the
 * columns list exactly what `newestFirst` lists, in its order, and the estimate is exactly the one
 * computed from `newestFirst`'s records through `scanWindowRecords`.
 */

const NOW = new Date('2024-01-15T12:20:00.000Z');
const HOUR = 3_600_000;
const MODELS = { a: { label_key: 'label', targets: {} }, b: { label_key: 'label', targets: {} } };
const CONFIG = { schema_version: 1, storage: { segment_max_records: 10, segment_cache_size: 2 }, models: MODELS };

const recordArb = fc.record({
  model: fc.constantFrom('a', 'a', 'b'),
  offset: fc.oneof(fc.integer({ min: -6 * HOUR, max: 60_000 }), fc.constantFrom(-HOUR, -2 * HOUR, 0)),
  version: fc.constantFrom('1.0', '2.0'),
  right: fc.boolean(),
  label: fc.constantFrom('inline', 'later', 'none', 'none'),
  confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
});
type Generated = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;
const windowArb = fc.constantFrom('all', '30m', '2h', '5h', '1', '3', '12');

async function listed(store: PredictionStore, model: string): Promise<unknown[]> {
  const seen: unknown[] = [];
  await store.visitNewestOutcomes(model, (columns, index) => {
    const confidence = columns.confidence[index]!;
    const correct = columns.correct[index]!;
    seen.push([columns.seq[index], columns.ms[index], columns.versions[columns.version[index]!], Number.isNaN(confidence) ? null : confidence, correct === -1 ? null : correct === 1]);
    return true;
  });
  return seen;
}

async function expected(store: PredictionStore, model: string): Promise<unknown[]> {
  const seen: unknown[] = [];
  for await (const { seq, record } of store.newestFirst({ model })) {
    seen.push([seq, Date.parse(record.timestamp), record.model_version, record.confidence, record.correct]);
  }
  return seen;
}

async function compare(store: PredictionStore, windows: string[]): Promise<void> {
  for (const model of ['a', 'b']) {
    expect(await listed(store, model)).toEqual(await expected(store, model));
    for (const version of ['1.0', '2.0']) {
      for (const spec of windows) {
        const window = resolveWindow(spec, undefined, undefined, NOW);
        const limit = Math.min(ESTIMATE_SCAN_LIMIT, store.cachedRecords);
        const collector = new AccuracyEstimateCollector();
        await scanWindowRecords(store.newestFirst({ model }), { model_name: model, model_version: version, window, limit }, collector.add);
        const actual = await estimateWindowAccuracy(store, { model_name: model, model_version: version, window }, silentLogger);
        expect(actual, `${model} ${version} ${spec}`).toStrictEqual(collector.estimate());
      }
    }
  }
}

async function checkStore(generated: Generated[], windows: string[]): Promise<void> {
  const dir = await createTempDir('newest-outcomes-');
  const tracker = await openTracker({ dataDir: dir.path, config: CONFIG, now: () => NOW });
  try {
    for (const [index, g] of generated.entries()) {
      await tracker.logPrediction({
        prediction_id: `r${index}`,
        model_name: g.model,
        model_version: g.version,
        prediction: { label: 'x' },
        confidence: g.confidence,
        timestamp: new Date(NOW.getTime() + g.offset).toISOString(),
        ...(g.label === 'inline' ? { ground_truth: { label: g.right ? 'x' : 'y' } } : {}),
      });
    }
    // Sealed segments read off the thread (as the segment check's worker does), and here whenever that reader is gone.
    const files = new SegmentFilesOnDisk(dir.path, nodeFileSystem);
    let reads = 0;
    tracker.store.readOutcomesWith({
      readOutcomes: async (segment) => {
        reads += 1;
        if (reads % 3 === 0) throw new SegmentCheckUnavailableError('the segment check was closed');
        const data = await files.readSegment(segment);
        return outcomesOf(data.records, data.first_seq);
      },
    });
    await compare(tracker.store, windows);
    // Late labels rewrite sealed segments whose columns were kept: what is kept must not be read again.
    for (const [index, g] of generated.entries()) {
      if (g.label === 'later') await tracker.recordGroundTruth(`r${index}`, { ground_truth: { label: g.right ? 'x' : 'y' } });
    }
    await compare(tracker.store, windows);
    await compare(tracker.store, windows);
  } finally {
    await tracker.close();
    await dir.remove();
  }
}

describe('the estimate read as outcome columns equals the one read from newestFirst', () => {
  it(
    'on random stores, before and after late labels',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(recordArb, { minLength: 25, maxLength: 90 }), fc.array(windowArb, { minLength: 1, maxLength: 4 }), checkStore),
        propertyParameters(runs(15)),
      );
    },
    240_000,
  );
});

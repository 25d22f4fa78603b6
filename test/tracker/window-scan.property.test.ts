import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelPerformance } from '../../src/domain/performance.js';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { applyContribution, emptyCounts } from '../../src/metrics/bucket-counts.js';
import { openTracker } from '../../src/open-tracker.js';
import { buildPerformance } from '../../src/tracker/build-performance.js';
import { estimateFromRecords } from '../../src/tracker/estimate-window-accuracy.js';
import { LabelResolver } from '../../src/tracker/label-resolver.js';
import { propertyParameters, runs } from '../hostile/support/hostile-runs.js';
import { createTempDir } from '../support/temp-dir.js';

/**
 * On random timestamps (arriving in random order: backfills), labels, ratings and windows, every
 * windowed performance answer equals a brute-force scan of the raw records: the records a window
 * holds are picked from the stored records by their timestamps alone, counted, and turned into
 * metrics by the same pure function; every number agrees to 1e-12.
 */

const NOW = new Date('2024-01-15T12:20:00.000Z');
const HOUR = 3_600_000;
const MODELS = { m: { label_key: 'label', targets: {} } };
const CONFIG = { schema_version: 1, storage: { segment_max_records: 10 }, models: MODELS };
const labels = new LabelResolver(MODELS);

/** Offsets from NOW: anywhere in the last 6 hours (and up to 4 minutes ahead), often on or near an hour boundary. */
const offsetMs = fc.oneof(
  fc.integer({ min: -6 * HOUR, max: 4 * 60_000 }),
  fc.tuple(fc.integer({ min: -6, max: 0 }), fc.integer({ min: -2, max: 2 })).map(([hours, ms]) => Math.floor(NOW.getTime() / HOUR + hours) * HOUR + ms - NOW.getTime()),
);
const klass = fc.constantFrom('a', 'b', 'c');

const recordArb = fc.record({
  offset: offsetMs,
  version: fc.constantFrom('1.0', '2.0'),
  predicted: klass,
  truth: klass,
  label: fc.constantFrom('inline', 'later', 'correct-false', 'none'),
  confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  rating: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
});
type Generated = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

const instant = offsetMs.map((offset) => new Date(NOW.getTime() + offset).toISOString());
const windowArb = fc.oneof(
  fc.integer({ min: 1, max: 420 }).map((n) => ({ window: `${n}m` })),
  fc.integer({ min: 1, max: 7 }).map((n) => ({ window: `${n}h` })),
  fc.integer({ min: 1, max: 30 }).map((n) => ({ window: String(n) })),
  fc.tuple(instant, instant).map(([a, b]) => (a <= b ? { since: a, until: b } : { since: b, until: a })),
  instant.map((since) => ({ since })),
  instant.map((until) => ({ until })),
);

/** What a brute-force scan of the stored records says a window holds. */
function bruteForce(records: { seq: number; record: PredictionLog }[], version: string, query: Record<string, string>): PredictionLog[] {
  const mine = records.filter(({ record }) => record.model_version === version);
  if (query['window'] !== undefined && /^\d+$/.test(query['window'])) {
    const n = Number(query['window']);
    const newestFirst = mine.slice().sort((x, y) => Date.parse(y.record.timestamp) - Date.parse(x.record.timestamp) || y.seq - x.seq);
    const picked: PredictionLog[] = [];
    let labeled = 0;
    for (const { record } of newestFirst) {
      picked.push(record);
      if (record.correct !== null) labeled += 1;
      if (labeled === n) break;
    }
    return picked;
  }
  let from = -Infinity;
  let to = Infinity;
  if (query['window'] !== undefined) {
    const match = /^(\d+)([mh])$/.exec(query['window'])!;
    from = NOW.getTime() - Number(match[1]) * (match[2] === 'm' ? 60_000 : HOUR);
    to = NOW.getTime() + 1; // now included
  }
  if (query['since'] !== undefined) from = Date.parse(query['since']);
  if (query['until'] !== undefined) to = Date.parse(query['until']);
  return mine.map(({ record }) => record).filter((record) => Date.parse(record.timestamp) >= from && Date.parse(record.timestamp) < to);
}

/** Deep equality with numbers equal to 1e-12. */
function expectClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(actual - expected) > 1e-12) throw new Error(`${path}: ${actual} ≠ ${expected}`);
    return;
  }
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) expectClose((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
    return;
  }
  if (actual !== expected) throw new Error(`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
}

async function checkStore(generated: Generated[], windows: Record<string, string>[]): Promise<void> {
  const dir = await createTempDir('window-scan-');
  const tracker = await openTracker({ dataDir: dir.path, config: CONFIG, now: () => NOW });
  try {
    for (const [index, g] of generated.entries()) {
      await tracker.logPrediction({
        prediction_id: `r${index}`,
        model_name: 'm',
        model_version: g.version,
        prediction: { label: g.predicted },
        confidence: g.confidence,
        timestamp: new Date(NOW.getTime() + g.offset).toISOString(),
        ...(g.label === 'inline' ? { ground_truth: { label: g.truth } } : {}),
      });
    }
    // Late labels and ratings, after everything arrived (many land in sealed segments).
    for (const [index, g] of generated.entries()) {
      const rating = g.rating === null ? {} : { rating: g.rating };
      if (g.label === 'later') await tracker.recordGroundTruth(`r${index}`, { ground_truth: { label: g.truth }, ...rating });
      else if (g.label === 'correct-false') await tracker.recordGroundTruth(`r${index}`, { correct: false, ...rating });
      else if (g.rating !== null) await tracker.recordGroundTruth(`r${index}`, rating);
    }
    const stored: { seq: number; record: PredictionLog }[] = [];
    for (const index of generated.keys()) stored.push({ seq: index, record: (await tracker.getPrediction(`r${index}`))! });
    for (const version of new Set(generated.map((g) => g.version))) {
      for (const query of windows) {
        const actual: ModelPerformance = await tracker.getPerformance('m', { version, ...query });
        const counts = emptyCounts();
        const picked = bruteForce(stored, version, query);
        for (const record of picked) applyContribution(counts, labels.contribute(record), 1);
        const expected = buildPerformance(counts, {
          model_name: 'm',
          model_version: version,
          versions: actual.versions,
          window: actual.window,
          model: undefined,
          now: NOW,
          estimate: estimateFromRecords(picked),
        });
        expectClose(actual, expected, `version ${version}, ${JSON.stringify(query)}`);
      }
    }
  } finally {
    await tracker.close();
    await dir.remove();
  }
}

describe('every windowed answer equals a brute-force scan of the raw records', () => {
  it(
    'on random timestamps, labels, ratings and windows',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 40 }), fc.array(windowArb, { minLength: 1, maxLength: 12 }), checkStore),
        propertyParameters(runs(20)),
      );
    },
    240_000,
  );

  it('the property sees what the answer says (a window that misses records is caught)', () => {
    const record = (at: string, seq: number) => ({ seq, record: { model_version: '1.0', timestamp: at, correct: true } as PredictionLog });
    const stored = [record('2024-01-15T11:46:00.000Z', 0), record('2024-01-15T11:10:00.000Z', 1)];
    expect(bruteForce(stored, '1.0', { until: '2024-01-15T11:30:00.000Z' }).map((r) => r.timestamp)).toEqual(['2024-01-15T11:10:00.000Z']);
    expect(bruteForce(stored, '1.0', { window: '1' }).map((r) => r.timestamp)).toEqual(['2024-01-15T11:46:00.000Z']);
  });
});

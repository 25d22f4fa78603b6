import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelComparison } from '../../src/domain/comparison.js';
import type { ModelPerformance } from '../../src/domain/performance.js';
import { openTracker } from '../../src/open-tracker.js';
import { MIGRATIONS, migrateStoredFile, STORE_SCHEMA_VERSION } from '../../src/storage/stored-file-version.js';
import { runHapInProcess } from '../support/run-hap.js';
import { copyStoreFixture } from '../support/store-fixture.js';
import type { TempDir } from '../support/temp-dir.js';

/** test/fixtures/store-v1: a data directory written by schema version 1 and what version 1 answered from it. */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'store-v1');

interface ExpectedV1 {
  now: string;
  config: unknown;
  models: unknown[];
  performance: Record<string, ModelPerformance>;
  comparisons: ModelComparison[];
  training: unknown[];
}

const expected = JSON.parse(await readFile(join(FIXTURE, 'expected-v1.json'), 'utf8')) as ExpectedV1;
const NOW = new Date(expected.now);

/**
 * The answer without the fields version 2 added. The confidence mean is a float sum whose last
 * digit depends on the order its terms were added and removed in (a live process that relabeled,
 * or a reopened store), so it is compared to 12 significant digits; every count and rate is exact.
 */
function asVersion1<T extends object>(answer: T, added: string[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(answer)
      .filter(([key]) => !added.includes(key))
      .map(([key, value]) => [key, key === 'confidence' && typeof value === 'number' ? Number(value.toPrecision(12)) : value]),
  );
}
const roundConfidences = <T extends object>(answer: T): Record<string, unknown> => asVersion1(answer, []);
const PERFORMANCE_ADDED = [
  'confidence_count',
  'user_satisfaction',
  'command_understanding_rate',
  // Added later (the label-free estimate); stored comparisons read back with null and 0.
  'estimated_accuracy',
  'estimation_labeled_count',
  'estimation_prediction_count',
];

let dir: TempDir;
let dataDir: string;
let configPath: string;

beforeEach(async () => {
  ({ dir, dataDir, configPath } = await copyStoreFixture(FIXTURE, expected.config, 'store-v1-'));
});
afterEach(() => dir.remove());

const doctor = () => runHapInProcess(['ml-metrics', 'doctor', '--data-dir', dataDir, '--config', configPath, '--json']);
const open = (readOnly = false) => openTracker({ dataDir, config: expected.config, now: () => NOW, readOnly });

describe('a store written by schema version 1', () => {
  it('is version 1 on disk (the fixture was not regenerated)', async () => {
    for (const sub of ['predictions', 'aggregates']) {
      for (const name of await readdir(join(dataDir, sub))) {
        expect(JSON.parse(await readFile(join(dataDir, sub, name), 'utf8'))).toMatchObject({ schema_version: 1 });
      }
    }
    expect(STORE_SCHEMA_VERSION).toBe(4);
  });

  it('is healthy for `hap ml-metrics doctor` as it is, and again once the service has opened it', async () => {
    const before = await doctor();
    expect(before.stderr).toBe('');
    expect(JSON.parse(before.stdout)).toMatchObject({ problems: [] });
    expect(before.code).toBe(0);
    const tracker = await open();
    await tracker.close();
    const after = await doctor();
    expect(JSON.parse(after.stdout)).toMatchObject({ problems: [] });
    expect(after.code).toBe(0);
  });

  it.each([false, true])('answers every metric as version 1 did (read-only: %s)', async (readOnly) => {
    const tracker = await open(readOnly);
    try {
      const models = await tracker.listModels();
      // Version 1 listed all versions together; now those counts are under all_versions, and the
      // figures are the default version's (its performance answer).
      const v1Models = expected.models as unknown as Array<Record<string, unknown>>;
      expect(models.map((model) => ({
        model_name: model.model_name,
        versions: model.versions,
        latest_version: model.latest_version,
        total_predictions: model.all_versions.total_predictions,
        labeled_predictions: model.all_versions.labeled_predictions,
        last_prediction_at: model.all_versions.last_prediction_at,
      }))).toEqual(v1Models.map(({ accuracy: _a, confidence: _c, ...rest }) => rest));
      for (const model of models) {
        expect(model.model_version).toBe(model.latest_version);
        const performance = await tracker.getPerformance(model.model_name);
        expect(model).toMatchObject({ total_predictions: performance.total_predictions, accuracy: performance.accuracy, confidence: performance.confidence });
        expect(model.confidence_count).toBe(model.total_predictions);
      }
      for (const [key, answer] of Object.entries(expected.performance)) {
        const [name, version, window] = key.split('@') as [string, string, string];
        const now = await tracker.getPerformance(name, { version, window });
        expect(asVersion1(now, PERFORMANCE_ADDED), key).toEqual(roundConfidences(answer));
        expect(now.confidence_count).toBe(now.total_predictions);
        expect(now.user_satisfaction).toBeNull();
        expect(now.command_understanding_rate).toBeNull();
      }
      const comparisons = tracker.listComparisons('voice_recognition');
      expect(comparisons.map((comparison) => ({
        ...comparison,
        metrics_a: asVersion1(comparison.metrics_a, PERFORMANCE_ADDED),
        metrics_b: asVersion1(comparison.metrics_b, PERFORMANCE_ADDED),
      }))).toEqual(expected.comparisons.map((comparison) => ({ ...comparison, metrics_a: roundConfidences(comparison.metrics_a), metrics_b: roundConfidences(comparison.metrics_b) })));
      expect(comparisons[0]!.metrics_a.confidence_count).toBe(comparisons[0]!.metrics_a.total_predictions);
      expect(comparisons[0]!.metrics_a).toMatchObject({ estimated_accuracy: null, estimation_labeled_count: 0, estimation_prediction_count: 0 });
      expect(tracker.getTrainingHistory('voice_recognition')).toEqual(expected.training);
      // Once recomputed from the segments, the predicted-class counts cover every prediction.
      const counts = tracker.store.aggregates.sum('voice_recognition', '1.0', null, null);
      expect([...counts.predicted.values()].reduce((a, b) => a + b, 0)).toBe(counts.total);
    } finally {
      await tracker.close();
    }
  });

  it('takes new writes: a prediction without confidence, a rating, a late label into a v1 segment', async () => {
    let tracker = await open();
    const before = await tracker.getPerformance('voice_recognition', { version: '2.0' });
    await tracker.logPrediction({ prediction_id: 'new-1', model_name: 'voice_recognition', model_version: '2.0', prediction: { user_id: 1 }, timestamp: NOW.toISOString() });
    await tracker.recordGroundTruth('new-1', { rating: 5 });
    await tracker.recordGroundTruth('v-1', { ground_truth: { user_id: 1 }, rating: 2 }); // sealed segment 1, model version 1.0
    await tracker.close();
    tracker = await open();
    try {
      const after = await tracker.getPerformance('voice_recognition', { version: '2.0' });
      expect(after.total_predictions).toBe(before.total_predictions + 1);
      expect(after.confidence_count).toBe(before.confidence_count);
      expect(after.confidence).toBe(before.confidence);
      expect(after.user_satisfaction).toEqual({ mean: 5, count: 1, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 } });
      expect((await tracker.getPerformance('voice_recognition', { version: '1.0' })).user_satisfaction?.mean).toBe(2);
      expect(await tracker.getPrediction('new-1')).toMatchObject({ confidence: null, rating: 5, correct: null });
      expect(await tracker.getPrediction('v-1')).toMatchObject({ rating: 2, correct: true });
    } finally {
      await tracker.close();
    }
    expect((await doctor()).code).toBe(0);
  });

  it('still refuses a file from a newer version, with the same message', async () => {
    const path = join(dataDir, 'aggregates', 'segment-00000002.json');
    const summary = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...summary, schema_version: 5 }));
    await expect(open()).rejects.toThrow(
      /written by a newer hap-ml-metrics \(schema_version 5; this one reads up to 4\); upgrade hap-ml-metrics/,
    );
  });
});

describe('MIGRATIONS[1]', () => {
  it('gives a version-1 summary bucket confidence_count = total and empty ratings and predicted counts', () => {
    const v1 = {
      schema_version: 1,
      kind: 'segment-summary',
      groups: [{ model_name: 'm', buckets: [{ hour: 0, total: 3, confidence_sum: 2.1, labeled: 1, correct: 1, cells: [['1', '1', 1]] }] }],
    };
    expect(MIGRATIONS[1]!(v1)).toEqual({
      schema_version: 2,
      kind: 'segment-summary',
      predicted_complete: false,
      groups: [
        {
          model_name: 'm',
          buckets: [
            { hour: 0, total: 3, confidence_sum: 2.1, confidence_count: 3, labeled: 1, correct: 1, cells: [['1', '1', 1]], predicted: [], rating_count: 0, rating_sum: 0, ratings: [0, 0, 0, 0, 0] },
          ],
        },
      ],
    });
  });

  it('gives the performances stored in a comparison log the fields version 2 added', () => {
    const v1 = { schema_version: 1, kind: 'comparison-log', document: [{ metrics_a: { total_predictions: 4 }, metrics_b: { total_predictions: 0 } }] };
    expect(MIGRATIONS[1]!(v1)).toEqual({
      schema_version: 2,
      kind: 'comparison-log',
      document: [
        {
          metrics_a: { total_predictions: 4, confidence_count: 4, user_satisfaction: null, command_understanding_rate: null },
          metrics_b: { total_predictions: 0, confidence_count: 0, user_satisfaction: null, command_understanding_rate: null },
        },
      ],
    });
  });

  it('leaves other kinds as they are but for the version', () => {
    expect(MIGRATIONS[1]!({ schema_version: 1, kind: 'predictions-segment', records: [{ confidence: 0.5 }] })).toEqual({
      schema_version: 2,
      kind: 'predictions-segment',
      records: [{ confidence: 0.5 }],
    });
    // …and on through versions 3 and 4, which change no JSON document but for its version.
    expect(migrateStoredFile({ schema_version: 1, kind: 'predictions-segment', records: [{ confidence: 0.5 }] })).toEqual({
      value: { schema_version: 4, kind: 'predictions-segment', records: [{ confidence: 0.5 }] },
    });
  });
});

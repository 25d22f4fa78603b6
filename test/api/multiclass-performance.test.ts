/**
 * A multiclass model's performance through the REST API, against scores worked out by hand
 * (test/support/multiclass-fixture.ts): the headline precision, recall and F1 are the macro
 * averages, and the 95 % interval is Wilson's with z ≈ 1.96.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api/create-api-server.js';
import { ModelPerformanceSchema } from '../../src/domain/performance.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { logMulticlassModel, MULTICLASS_EXPECTED as EXPECTED, MULTICLASS_MODEL } from '../support/multiclass-fixture.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

let dir: TempDir;
let tracker: ModelPerformanceTracker;
let server: ApiServer;
let base: string;

beforeAll(async () => {
  dir = await createTempDir('multiclass-api-');
  tracker = await openTracker({ dataDir: dir.path });
  await logMulticlassModel(tracker);
  server = createApiServer({ tracker, logger: silentLogger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1_048_576 });
  base = `${(await server.start()).url}/api/v1/ml-metrics`;
});

afterAll(async () => {
  await server?.stop();
  await tracker?.close();
  await dir?.remove();
});

function expectScores(actual: { precision: number; recall: number; f1_score: number } | null, expected: { precision: number; recall: number; f1_score: number }, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(actual!.precision, `${what} precision`).toBeCloseTo(expected.precision, 12);
  expect(actual!.recall, `${what} recall`).toBeCloseTo(expected.recall, 12);
  expect(actual!.f1_score, `${what} F1`).toBeCloseTo(expected.f1_score, 12);
}

it('GET /models/{name}: the headline precision, recall and F1 of a multiclass model are the macro averages; the interval is the 95 % Wilson interval', async () => {
  const response = await fetch(`${base}/models/${MULTICLASS_MODEL}`);
  expect(response.status).toBe(200);
  const performance = ModelPerformanceSchema.parse(await response.json());
  expect(performance).toMatchObject({ task: 'multiclass', total_predictions: EXPECTED.total, labeled_predictions: EXPECTED.total, correct_predictions: EXPECTED.correct });
  expect(performance.accuracy).toBeCloseTo(EXPECTED.accuracy, 12);
  expectScores({ precision: performance.precision!, recall: performance.recall!, f1_score: performance.f1_score! }, EXPECTED.macro, 'headline');
  expectScores(performance.macro, EXPECTED.macro, 'macro');
  expectScores(performance.micro, EXPECTED.micro, 'micro');
  expectScores(performance.weighted, EXPECTED.weighted, 'weighted');
  expect(performance.per_class.map((entry) => entry.label)).toEqual(EXPECTED.per_class.map((entry) => entry.label));
  for (const [index, expected] of EXPECTED.per_class.entries()) {
    const actual = performance.per_class[index]!;
    expectScores(actual, expected, `class ${expected.label}`);
    expect(actual.false_positive_rate, `class ${expected.label} FPR`).toBeCloseTo(expected.false_positive_rate, 12);
    expect(actual.support).toBe(expected.support);
  }
  expect(performance.false_positive_rate).toBeCloseTo(EXPECTED.false_positive_rate, 12);
  expect(performance.accuracy_interval).not.toBeNull();
  expect(performance.accuracy_interval!.confidence_level).toBe(0.95);
  expect(performance.accuracy_interval!.lower).toBeCloseTo(EXPECTED.interval.lower, 9);
  expect(performance.accuracy_interval!.upper).toBeCloseTo(EXPECTED.interval.upper, 9);
  expect(performance.confusion_matrix).toEqual({ labels: ['a', 'b', 'c'], matrix: [[3, 1, 0], [1, 2, 1], [1, 0, 1]], unknown_truth: [0, 0, 0] });
});

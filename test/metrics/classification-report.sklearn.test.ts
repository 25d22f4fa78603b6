/**
 * classificationReport against scikit-learn's precision_recall_fscore_support, confusion_matrix
 * and accuracy_score (zero_division=0). Fixtures: test/fixtures/sklearn/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonValueSchema } from '../../src/domain/json.js';
import { classKey } from '../../src/metrics/class-key.js';
import { classificationReport, type ConfusionCell, type Scores } from '../../src/metrics/classification-report.js';

const TOLERANCE = 1e-9;

const ScoresSchema = z.object({ precision: z.number(), recall: z.number(), f1_score: z.number() });
const Count = z.number().int().nonnegative();
const CaseSchema = z.object({
  name: z.string(),
  task: z.enum(['binary', 'multiclass']),
  y_true: z.array(JsonValueSchema),
  y_pred: z.array(JsonValueSchema),
  labels: z.array(JsonValueSchema),
  per_class: z.array(
    ScoresSchema.extend({
      label: JsonValueSchema,
      support: Count,
      tp: Count,
      fp: Count,
      fn: Count,
      tn: Count,
      false_positive_rate: z.number(),
    }),
  ),
  macro: ScoresSchema,
  micro: ScoresSchema,
  weighted: ScoresSchema,
  accuracy: z.number(),
  confusion_matrix: z.array(z.array(Count)),
  pos_label: JsonValueSchema.optional(),
  binary: ScoresSchema.optional(),
  false_positive_rate: z.number(),
});
type Case = z.infer<typeof CaseSchema>;

const fixture = z
  .object({ cases: z.array(CaseSchema).min(60) })
  .parse(JSON.parse(readFileSync(new URL('../fixtures/sklearn/classification.json', import.meta.url), 'utf8')));

/** One cell per distinct (truth, predicted) pair of the samples. */
function cellsOf(yTrue: readonly unknown[], yPred: readonly unknown[]): ConfusionCell[] {
  expect(yPred).toHaveLength(yTrue.length);
  const cells = new Map<string, ConfusionCell>();
  yTrue.forEach((truthValue, index) => {
    const truth = classKey(truthValue);
    const predicted = classKey(yPred[index]);
    const id = JSON.stringify([truth, predicted]);
    const cell = cells.get(id);
    if (cell === undefined) cells.set(id, { truth, predicted, count: 1 });
    else cell.count += 1;
  });
  return [...cells.values()];
}

function expectNear(actual: number | null | undefined, expected: number, what: string): void {
  expect(actual, what).toBeTypeOf('number');
  const deviation = Math.abs((actual ?? Number.NaN) - expected);
  expect(deviation, `${what}: got ${actual}, sklearn ${expected}`).toBeLessThanOrEqual(TOLERANCE);
}

function expectScores(actual: Scores | null, expected: Scores, what: string): void {
  expect(actual, what).not.toBeNull();
  expectNear(actual?.precision, expected.precision, `${what}.precision`);
  expectNear(actual?.recall, expected.recall, `${what}.recall`);
  expectNear(actual?.f1_score, expected.f1_score, `${what}.f1_score`);
}

function reportOf(testCase: Case) {
  const positiveLabel = classKey(testCase.pos_label ?? null);
  return classificationReport(cellsOf(testCase.y_true, testCase.y_pred), { task: testCase.task, positiveLabel });
}

describe('classificationReport matches scikit-learn', () => {
  it.each(fixture.cases.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    const report = reportOf(testCase);

    expect(report.labeled).toBe(testCase.y_true.length);
    expect(report.labels).toEqual(testCase.labels.map(classKey));
    expect(report.per_class).toHaveLength(testCase.per_class.length);
    testCase.per_class.forEach((expected, index) => {
      const actual = report.per_class[index];
      const what = `per_class[${classKey(expected.label)}]`;
      expect(actual?.label, what).toBe(classKey(expected.label));
      expectScores(actual ?? null, expected, what);
      const { support, tp, fp, fn, tn } = expected;
      expect(actual, what).toMatchObject({ support, tp, fp, fn, tn });
      expectNear(actual?.false_positive_rate, expected.false_positive_rate, `${what}.false_positive_rate`);
    });

    expectScores(report.macro, testCase.macro, 'macro');
    expectScores(report.micro, testCase.micro, 'micro');
    expectScores(report.weighted, testCase.weighted, 'weighted');
    const headline = testCase.task === 'binary' ? testCase.binary : testCase.macro;
    expect(headline, 'fixture headline').toBeDefined();
    if (headline !== undefined) expectScores(report.headline, headline, 'headline');
    expectNear(report.false_positive_rate, testCase.false_positive_rate, 'false_positive_rate');
    // Single-label predictions with every truth known: micro precision is the accuracy.
    expectNear(report.micro?.precision, testCase.accuracy, 'accuracy');

    expect(report.confusion_matrix.labels).toEqual(report.labels);
    expect(report.confusion_matrix.matrix).toEqual(testCase.confusion_matrix);
    expect(report.confusion_matrix.unknown_truth).toEqual(report.labels.map(() => 0));
  });

  it('covers the kinds of case the fixtures promise', () => {
    const tasks = fixture.cases.map((testCase) => testCase.task);
    expect(tasks.filter((task) => task === 'binary').length).toBeGreaterThanOrEqual(20);
    expect(tasks.filter((task) => task === 'multiclass').length).toBeGreaterThanOrEqual(40);
    expect(Math.max(...fixture.cases.map((testCase) => testCase.y_true.length))).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...fixture.cases.map((testCase) => testCase.labels.length))).toBeGreaterThanOrEqual(12);
  });
});

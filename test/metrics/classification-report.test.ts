import { describe, expect, it } from 'vitest';
import { classKey } from '../../src/metrics/class-key.js';
import { classificationReport, type ConfusionCell } from '../../src/metrics/classification-report.js';
import { mulberry32 } from '../support/seeded-random.js';

const T = classKey(true);
const F = classKey(false);
const binary = { task: 'binary', positiveLabel: T } as const;
const multiclass = { task: 'multiclass', positiveLabel: T } as const;

function cell(truth: unknown, predicted: unknown, count: number): ConfusionCell {
  return { truth: truth === null ? null : classKey(truth), predicted: classKey(predicted), count };
}

describe('classificationReport', () => {
  it('gives nulls and empty lists when nothing is labeled', () => {
    for (const cells of [[], [cell(true, true, 0), cell(null, false, 0)]]) {
      const report = classificationReport(cells, binary);
      expect(report).toEqual({
        labeled: 0,
        labels: [],
        per_class: [],
        macro: null,
        micro: null,
        weighted: null,
        headline: null,
        false_positive_rate: null,
        confusion_matrix: { labels: [], matrix: [], unknown_truth: [] },
      });
    }
  });

  it('counts a truth-null cell only as a false positive of its predicted class', () => {
    // 3 right "cat", 1 "cat" that is really "dog", 2 right "dog", 4 "cat" known wrong with unknown truth.
    const report = classificationReport(
      [cell('cat', 'cat', 3), cell('dog', 'cat', 1), cell('dog', 'dog', 2), cell(null, 'cat', 4)],
      multiclass,
    );
    expect(report.labeled).toBe(10);
    expect(report.labels).toEqual([classKey('cat'), classKey('dog')]);
    const [cat, dog] = report.per_class;
    expect(cat).toMatchObject({ tp: 3, fp: 5, fn: 0, tn: 2, support: 3 });
    expect(cat?.precision).toBeCloseTo(3 / 8, 15);
    expect(cat?.recall).toBe(1);
    expect(cat?.f1_score).toBeCloseTo(6 / 11, 15);
    expect(cat?.false_positive_rate).toBeCloseTo(5 / 7, 15);
    // For "dog" the unknown-truth cells are true negatives: not dog, not predicted dog.
    expect(dog).toMatchObject({ tp: 2, fp: 0, fn: 1, tn: 7, support: 3, precision: 1, false_positive_rate: 0 });
    expect(dog?.recall).toBeCloseTo(2 / 3, 15);
    // Micro: precision over all 10 predictions, recall over the 6 with a known truth.
    expect(report.micro?.precision).toBeCloseTo(5 / 10, 15);
    expect(report.micro?.recall).toBeCloseTo(5 / 6, 15);
    expect(report.weighted?.recall).toBeCloseTo((3 * 1 + 3 * (2 / 3)) / 6, 15);
    expect(report.confusion_matrix).toEqual({
      labels: [classKey('cat'), classKey('dog')],
      matrix: [
        [3, 0],
        [1, 2],
      ],
      unknown_truth: [4, 0],
    });
  });

  it('gives zeros, not NaN, when every labeled prediction has an unknown truth', () => {
    const report = classificationReport([cell(null, true, 3), cell(null, false, 2)], binary);
    expect(report.labeled).toBe(5);
    expect(report.labels).toEqual([F, T]);
    expect(report.per_class.map((item) => item.support)).toEqual([0, 0]);
    expect(report.weighted).toEqual({ precision: 0, recall: 0, f1_score: 0 });
    expect(report.headline).toEqual({ precision: 0, recall: 0, f1_score: 0 });
    // Positive class true: 3 false positives, and the 2 predicted false are true negatives.
    expect(report.false_positive_rate).toBe(3 / 5);
    expect(report.confusion_matrix.unknown_truth).toEqual([2, 3]);
  });

  it('scores a binary positive label that never occurs as zeros and lists only labels seen', () => {
    const report = classificationReport([cell(false, false, 4)], binary);
    expect(report.labels).toEqual([F]);
    expect(report.per_class).toHaveLength(1);
    expect(report.headline).toEqual({ precision: 0, recall: 0, f1_score: 0 });
    expect(report.false_positive_rate).toBe(0);
    expect(report.macro).toEqual({ precision: 1, recall: 1, f1_score: 1 });
  });

  it('uses the positive class for a binary headline and the macro mean for multiclass', () => {
    const cells = [cell(true, true, 6), cell(true, false, 2), cell(false, true, 3), cell(false, false, 9)];
    const asBinary = classificationReport(cells, binary);
    expect(asBinary.headline).toEqual({ precision: 6 / 9, recall: 6 / 8, f1_score: 12 / 17 });
    expect(asBinary.false_positive_rate).toBe(3 / 12);
    const asMulticlass = classificationReport(cells, multiclass);
    expect(asMulticlass.headline).toEqual(asMulticlass.macro);
    expect(asMulticlass.false_positive_rate).toBeCloseTo((3 / 12 + 2 / 8) / 2, 15);
  });

  it('adds up repeated cells and ignores labels whose only cells have count 0', () => {
    const report = classificationReport([cell(1, 1, 2), cell(1, 1, 3), cell(1, 2, 1), cell(7, 7, 0)], multiclass);
    expect(report.labels).toEqual(['1', '2']);
    expect(report.per_class[0]).toMatchObject({ tp: 5, fn: 1, support: 6 });
  });

  it('sorts labels like scikit-learn, numbers numerically', () => {
    const report = classificationReport([cell(10, 9, 1), cell(-1, 2, 1), cell(2, 10, 1)], multiclass);
    expect(report.labels).toEqual(['-1', '2', '9', '10']);
  });

  it('rejects counts that are not non-negative integers', () => {
    for (const count of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => classificationReport([cell(true, true, count)], binary)).toThrow(RangeError);
    }
  });

  it('has micro precision equal to accuracy for random cells with known truths (seeded)', () => {
    const random = mulberry32(0x5eed);
    for (let round = 0; round < 300; round++) {
      const classes = 1 + Math.floor(random() * 12);
      const cells: ConfusionCell[] = [];
      let correct = 0;
      let total = 0;
      const pairs = Math.floor(random() * 40);
      for (let i = 0; i < pairs; i++) {
        const truth = Math.floor(random() * classes);
        const predicted = random() < 0.5 ? truth : Math.floor(random() * (classes + 2));
        const count = Math.floor(random() * 50);
        cells.push(cell(`c${truth}`, `c${predicted}`, count));
        total += count;
        if (truth === predicted) correct += count;
      }
      const report = classificationReport(cells, multiclass);
      expect(report.labeled).toBe(total);
      if (total === 0) {
        expect(report.micro).toBeNull();
        continue;
      }
      expect(report.micro?.precision).toBe(correct / total);
      // Every prediction has a known truth, so micro precision, recall and F1 coincide.
      expect(report.micro?.recall).toBe(correct / total);
      expect(report.micro?.f1_score).toBeCloseTo(correct / total, 15);
      const supports = report.per_class.reduce((sum, item) => sum + item.support, 0);
      expect(supports).toBe(total);
    }
  });
});


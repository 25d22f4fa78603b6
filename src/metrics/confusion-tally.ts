import { assertCount } from './assert-count.js';
import { compareClassKeys, type ClassKey } from './class-key.js';

/**
 * Count of labeled predictions with this (true label, predicted label).
 * `truth === null` means: known to be wrong, true label unknown.
 */
export interface ConfusionCell {
  truth: ClassKey | null;
  predicted: ClassKey;
  count: number;
}

/** One-vs-rest counts of one class. */
export interface ClassCounts {
  tp: number;
  /** Predicted as the class but truly another class, or truly unknown (a truth-null cell). */
  fp: number;
  fn: number;
  tn: number;
  /** Labeled predictions whose true label is the class. */
  support: number;
}

/** Confusion cells summed up per label and per (truth, predicted) pair. */
export interface ConfusionTally {
  /** Sum of all counts. */
  labeled: number;
  /** Every label that occurs as a truth or a prediction with a non-zero count, sorted with compareClassKeys. */
  labels: ClassKey[];
  /** Rows truth, columns predicted, both in `labels` order. */
  matrix: number[][];
  /** Per predicted label (in `labels` order): counts whose truth is unknown. */
  unknownTruth: number[];
  /** One-vs-rest counts of any label; a label never seen has all zeros except `tn = labeled`. */
  countsOf(label: ClassKey): ClassCounts;
}

/**
 * Sums confusion cells. Cells may repeat a (truth, predicted) pair; their counts add up.
 * Cells with count 0 contribute nothing, not even their labels.
 *
 * @throws RangeError when a count is not a non-negative safe integer.
 */
export function tallyConfusion(cells: readonly ConfusionCell[]): ConfusionTally {
  let labeled = 0;
  const truePositives = new Map<ClassKey, number>();
  const predictedTotals = new Map<ClassKey, number>();
  const supports = new Map<ClassKey, number>();
  const pairs = new Map<ClassKey, Map<ClassKey, number>>();
  const unknown = new Map<ClassKey, number>();

  for (const { truth, predicted, count } of cells) {
    assertCount('A confusion count', count);
    if (count === 0) continue;
    labeled += count;
    add(predictedTotals, predicted, count);
    if (truth === null) {
      add(unknown, predicted, count);
      continue;
    }
    add(supports, truth, count);
    if (truth === predicted) add(truePositives, truth, count);
    let row = pairs.get(truth);
    if (row === undefined) {
      row = new Map();
      pairs.set(truth, row);
    }
    add(row, predicted, count);
  }

  const labels = [...new Set([...supports.keys(), ...predictedTotals.keys()])].sort(compareClassKeys);
  const matrix = labels.map((truth) => labels.map((predicted) => pairs.get(truth)?.get(predicted) ?? 0));
  const unknownTruth = labels.map((predicted) => unknown.get(predicted) ?? 0);

  function countsOf(label: ClassKey): ClassCounts {
    const tp = truePositives.get(label) ?? 0;
    const support = supports.get(label) ?? 0;
    const fp = (predictedTotals.get(label) ?? 0) - tp;
    const fn = support - tp;
    return { tp, fp, fn, tn: labeled - tp - fp - fn, support };
  }

  return { labeled, labels, matrix, unknownTruth, countsOf };
}

function add(totals: Map<ClassKey, number>, key: ClassKey, count: number): void {
  totals.set(key, (totals.get(key) ?? 0) + count);
}

/**
 * Precision, recall, F1 and false-positive rate from confusion counts, matching scikit-learn's
 * `precision_recall_fscore_support(y_true, y_pred, average=..., zero_division=0)`.
 */
import type { ClassKey } from './class-key.js';
import { tallyConfusion, type ClassCounts, type ConfusionCell } from './confusion-tally.js';
import { averageScores, ratioOrZero, scoresFromCounts, type Scores } from './scores.js';

export type { ConfusionCell } from './confusion-tally.js';
export type { Scores } from './scores.js';

export interface ClassReport extends Scores {
  label: ClassKey;
  support: number;
  false_positive_rate: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface ClassificationReport {
  /** Sum of all counts. */
  labeled: number;
  /** Union of non-null truths and predicted labels, sorted with compareClassKeys. */
  labels: ClassKey[];
  /** Same order as `labels`. */
  per_class: ClassReport[];
  /** Unweighted mean over `labels`; null when labeled === 0. */
  macro: Scores | null;
  /** From tp, fp and fn summed over `labels`; null when labeled === 0. */
  micro: Scores | null;
  /** Support-weighted mean over `labels` (zeros when no truth is known); null when labeled === 0. */
  weighted: Scores | null;
  /** binary: the positive class's scores; multiclass: the macro scores. null when labeled === 0 */
  headline: Scores | null;
  /** binary: FP/(FP+TN) of the positive class; multiclass: macro mean of per-class FPR. null when labeled === 0 */
  false_positive_rate: number | null;
  confusion_matrix: {
    labels: ClassKey[];
    /** Rows truth, columns predicted, both in `labels` order. */
    matrix: number[][];
    /** Per predicted label, counts with truth null. */
    unknown_truth: number[];
  };
}

export interface ClassificationOptions {
  task: 'binary' | 'multiclass';
  /** Key (from classKey) of the positive class; used only when task is 'binary'. */
  positiveLabel: ClassKey;
}

/**
 * Per-class and averaged scores of labeled predictions.
 *
 * A truth-null cell counts in `labeled` and as a false positive of its predicted class only; it is
 * in no class's support or recall. For a binary task the headline is the positive label's scores,
 * even when that label never occurs (then zeros), like sklearn's `average='binary'`.
 *
 * @throws RangeError when a count is not a non-negative integer.
 */
export function classificationReport(
  cells: readonly ConfusionCell[],
  options: ClassificationOptions,
): ClassificationReport {
  const tally = tallyConfusion(cells);
  const per_class = tally.labels.map((label) => classReport(label, tally.countsOf(label)));
  const confusion_matrix = {
    labels: [...tally.labels],
    matrix: tally.matrix,
    unknown_truth: tally.unknownTruth,
  };
  const base = { labeled: tally.labeled, labels: tally.labels, per_class, confusion_matrix };
  if (tally.labeled === 0) {
    return { ...base, macro: null, micro: null, weighted: null, headline: null, false_positive_rate: null };
  }

  const macro = averageScores(per_class);
  const weighted = averageScores(
    per_class,
    per_class.map((item) => item.support),
  );
  const micro = scoresFromCounts(sum(per_class, 'tp'), sum(per_class, 'fp'), sum(per_class, 'fn'));

  if (options.task === 'binary') {
    const positive = classReport(options.positiveLabel, tally.countsOf(options.positiveLabel));
    return {
      ...base,
      macro,
      micro,
      weighted,
      headline: scoresOf(positive),
      false_positive_rate: positive.false_positive_rate,
    };
  }
  const meanFalsePositiveRate = ratioOrZero(sum(per_class, 'false_positive_rate'), per_class.length);
  return { ...base, macro, micro, weighted, headline: scoresOf(macro), false_positive_rate: meanFalsePositiveRate };
}

function classReport(label: ClassKey, counts: ClassCounts): ClassReport {
  const { tp, fp, fn, tn, support } = counts;
  return {
    label,
    ...scoresFromCounts(tp, fp, fn),
    support,
    false_positive_rate: ratioOrZero(fp, fp + tn),
    tp,
    fp,
    fn,
    tn,
  };
}

function scoresOf({ precision, recall, f1_score }: Scores): Scores {
  return { precision, recall, f1_score };
}

function sum(items: readonly ClassReport[], field: 'tp' | 'fp' | 'fn' | 'false_positive_rate'): number {
  return items.reduce((total, item) => total + item[field], 0);
}

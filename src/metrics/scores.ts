/** Precision, recall and F1 of one class or of an average over classes. */
export interface Scores {
  precision: number;
  recall: number;
  f1_score: number;
}

/** `numerator / denominator`, or 0 when the denominator is 0 (scikit-learn's `zero_division=0`). */
export function ratioOrZero(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * Scores from one-vs-rest counts, exactly as scikit-learn computes them with `zero_division=0`.
 * F1 is `2tp / (2tp + fp + fn)` (sklearn's form; equal to 2PR/(P+R) but defined whenever tp > 0).
 */
export function scoresFromCounts(tp: number, fp: number, fn: number): Scores {
  return {
    precision: ratioOrZero(tp, tp + fp),
    recall: ratioOrZero(tp, tp + fn),
    f1_score: ratioOrZero(2 * tp, 2 * tp + fp + fn),
  };
}

/**
 * Mean of each score over `items`: unweighted without `weights`, otherwise weighted by them.
 * Zeros when there are no items or the weights sum to 0.
 */
export function averageScores(items: readonly Scores[], weights?: readonly number[]): Scores {
  let total = 0;
  const sum = { precision: 0, recall: 0, f1_score: 0 };
  items.forEach((item, index) => {
    const weight = weights === undefined ? 1 : (weights[index] ?? 0);
    total += weight;
    sum.precision += weight * item.precision;
    sum.recall += weight * item.recall;
    sum.f1_score += weight * item.f1_score;
  });
  return {
    precision: ratioOrZero(sum.precision, total),
    recall: ratioOrZero(sum.recall, total),
    f1_score: ratioOrZero(sum.f1_score, total),
  };
}

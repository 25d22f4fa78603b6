/**
 * Running counts of one model version over one stretch of time: enough to compute every metric
 * without the raw records. Pure data; add, subtract and merge are exact (integers) except the
 * confidence sum.
 */
export interface BucketCounts {
  /** Predictions, labeled or not. */
  total: number;
  confidence_sum: number;
  labeled: number;
  correct: number;
  /** `${truthKey}\t${predictedKey}` → count; truthKey '' means "known wrong, true label unknown". */
  cells: Map<string, number>;
}

/** What one prediction adds to its bucket. */
export interface Contribution {
  model_name: string;
  model_version: string;
  /** Start of the hour the prediction was made in, in ms since the epoch. */
  hour: number;
  confidence: number;
  /** null when unlabeled. */
  outcome: { correct: boolean; truth: string | null; predicted: string } | null;
}

export const UNKNOWN_TRUTH = '';

export function emptyCounts(): BucketCounts {
  return { total: 0, confidence_sum: 0, labeled: 0, correct: 0, cells: new Map() };
}

export function cellKey(truth: string | null, predicted: string): string {
  return `${truth ?? UNKNOWN_TRUTH}\t${predicted}`;
}

export function splitCellKey(key: string): { truth: string | null; predicted: string } {
  const tab = key.indexOf('\t');
  const truth = key.slice(0, tab);
  return { truth: truth === UNKNOWN_TRUTH ? null : truth, predicted: key.slice(tab + 1) };
}

/** Adds (sign 1) or removes (sign -1) one prediction's contribution. */
export function applyContribution(counts: BucketCounts, contribution: Contribution, sign: 1 | -1): void {
  counts.total += sign;
  counts.confidence_sum += sign * contribution.confidence;
  const outcome = contribution.outcome;
  if (!outcome) return;
  counts.labeled += sign;
  if (outcome.correct) counts.correct += sign;
  const key = cellKey(outcome.truth, outcome.predicted);
  const next = (counts.cells.get(key) ?? 0) + sign;
  if (next === 0) counts.cells.delete(key);
  else counts.cells.set(key, next);
}

export function mergeCounts(into: BucketCounts, from: BucketCounts): void {
  into.total += from.total;
  into.confidence_sum += from.confidence_sum;
  into.labeled += from.labeled;
  into.correct += from.correct;
  for (const [key, count] of from.cells) {
    const next = (into.cells.get(key) ?? 0) + count;
    if (next === 0) into.cells.delete(key);
    else into.cells.set(key, next);
  }
}

export function cloneCounts(counts: BucketCounts): BucketCounts {
  return { ...counts, cells: new Map(counts.cells) };
}

/**
 * Running counts of one model version over one stretch of time: enough to compute every metric
 * without the raw records. Pure data; add, subtract and merge are exact (integers) except the
 * confidence sum.
 */
export interface BucketCounts {
  /** Predictions, labeled or not. */
  total: number;
  /** Sum of the confidences that are known... */
  confidence_sum: number;
  /** ...and how many there are (predictions with a null confidence are in neither). */
  confidence_count: number;
  labeled: number;
  correct: number;
  /** `${truthKey}\t${predictedKey}` → count; truthKey '' means "known wrong, true label unknown". */
  cells: Map<string, number>;
  /** Predicted class key → count, over every prediction, labeled or not. */
  predicted: Map<string, number>;
  /** Predictions with a user rating (1–5), the sum of the ratings, and how many gave each (index 0 = rating 1). */
  rating_count: number;
  rating_sum: number;
  ratings: [number, number, number, number, number];
}

/** What one prediction adds to its bucket. */
export interface Contribution {
  model_name: string;
  model_version: string;
  /** Start of the hour the prediction was made in, in ms since the epoch. */
  hour: number;
  /** null when the source gives none. */
  confidence: number | null;
  /** The predicted class key, labeled or not. */
  predicted: string;
  /** An integer 1–5, or null when the user gave none. */
  rating: number | null;
  /** null when unlabeled. */
  outcome: { correct: boolean; truth: string | null; predicted: string } | null;
}

export const UNKNOWN_TRUTH = '';

export function emptyCounts(): BucketCounts {
  return {
    total: 0,
    confidence_sum: 0,
    confidence_count: 0,
    labeled: 0,
    correct: 0,
    cells: new Map(),
    predicted: new Map(),
    rating_count: 0,
    rating_sum: 0,
    ratings: [0, 0, 0, 0, 0],
  };
}

export function cellKey(truth: string | null, predicted: string): string {
  return `${truth ?? UNKNOWN_TRUTH}\t${predicted}`;
}

export function splitCellKey(key: string): { truth: string | null; predicted: string } {
  const tab = key.indexOf('\t');
  const truth = key.slice(0, tab);
  return { truth: truth === UNKNOWN_TRUTH ? null : truth, predicted: key.slice(tab + 1) };
}

function addTo(map: Map<string, number>, key: string, count: number): void {
  const next = (map.get(key) ?? 0) + count;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

/** Adds (sign 1) or removes (sign -1) one prediction's contribution. */
export function applyContribution(counts: BucketCounts, contribution: Contribution, sign: 1 | -1): void {
  counts.total += sign;
  if (contribution.confidence !== null) {
    counts.confidence_sum += sign * contribution.confidence;
    counts.confidence_count += sign;
  }
  addTo(counts.predicted, contribution.predicted, sign);
  if (contribution.rating !== null) {
    counts.rating_count += sign;
    counts.rating_sum += sign * contribution.rating;
    counts.ratings[contribution.rating - 1] = (counts.ratings[contribution.rating - 1] ?? 0) + sign;
  }
  const outcome = contribution.outcome;
  if (!outcome) return;
  counts.labeled += sign;
  if (outcome.correct) counts.correct += sign;
  addTo(counts.cells, cellKey(outcome.truth, outcome.predicted), sign);
}

export function mergeCounts(into: BucketCounts, from: BucketCounts): void {
  into.total += from.total;
  into.confidence_sum += from.confidence_sum;
  into.confidence_count += from.confidence_count;
  into.labeled += from.labeled;
  into.correct += from.correct;
  for (const [key, count] of from.cells) addTo(into.cells, key, count);
  for (const [key, count] of from.predicted) addTo(into.predicted, key, count);
  into.rating_count += from.rating_count;
  into.rating_sum += from.rating_sum;
  from.ratings.forEach((count, index) => {
    into.ratings[index] = (into.ratings[index] ?? 0) + count;
  });
}

export function cloneCounts(counts: BucketCounts): BucketCounts {
  return { ...counts, cells: new Map(counts.cells), predicted: new Map(counts.predicted), ratings: [...counts.ratings] };
}

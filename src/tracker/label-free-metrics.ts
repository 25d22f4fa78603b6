import { ASSIST_NOT_UNDERSTOOD_LABELS } from '../domain/native-models.js';
import type { UserSatisfaction } from '../domain/performance.js';
import type { BucketCounts } from '../metrics/bucket-counts.js';
import { classKey } from '../metrics/class-key.js';

const NOT_UNDERSTOOD_KEYS = new Set(ASSIST_NOT_UNDERSTOOD_LABELS.map((label) => classKey(label)));

/** The users' ratings in `counts`; null when none was rated. Pure. */
export function userSatisfaction(counts: BucketCounts): UserSatisfaction | null {
  if (counts.rating_count === 0) return null;
  const [one, two, three, four, five] = counts.ratings;
  return {
    mean: counts.rating_sum / counts.rating_count,
    count: counts.rating_count,
    distribution: { '1': one, '2': two, '3': three, '4': four, '5': five },
  };
}

/**
 * `assist_intent`: 1 − (predictions whose predicted label is one of ASSIST_NOT_UNDERSTOOD_LABELS)
 * / (predictions whose predicted label is counted), labeled or not; null when there are none.
 * Every prediction's predicted label is counted, except in hours whose raw records retention
 * dropped before the store reached schema version 2. Pure.
 */
export function commandUnderstandingRate(counts: BucketCounts): number | null {
  let counted = 0;
  let notUnderstood = 0;
  for (const [predicted, count] of counts.predicted) {
    counted += count;
    if (NOT_UNDERSTOOD_KEYS.has(predicted)) notUnderstood += count;
  }
  return counted > 0 ? 1 - notUnderstood / counted : null;
}

/**
 * Store schema version 1 → 2. Version 2 lets a prediction have no confidence and a user rating,
 * and counts per bucket the known confidences, the ratings and the predicted classes.
 *
 * - `segment-summary`: every version-1 prediction had a confidence, so each bucket's
 *   `confidence_count` is its `total`; no rating existed (zero counts); the predicted-class counts
 *   cannot be recovered from a summary, so they are empty and `predicted_complete` is false
 *   (start-up recomputes the summary from its segment while the raw records remain).
 * - `comparison-log`: each stored performance gains `confidence_count` (= its
 *   `total_predictions`), `user_satisfaction: null` and `command_understanding_rate: null`.
 * - every other kind is unchanged: a number is a valid nullable confidence, and a record or a
 *   label intent without `rating` reads as `rating: null`.
 */
export function fromVersion1(raw: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...raw, schema_version: 2 };
  if (raw['kind'] === 'segment-summary') {
    next['predicted_complete'] = false;
    next['groups'] = mapArray(raw['groups'], (group) => ({
      ...group,
      buckets: mapArray(group['buckets'], (bucket) => ({
        ...bucket,
        confidence_count: bucket['total'],
        predicted: [],
        rating_count: 0,
        rating_sum: 0,
        ratings: [0, 0, 0, 0, 0],
      })),
    }));
  }
  if (raw['kind'] === 'comparison-log') {
    next['document'] = mapArray(raw['document'], (comparison) => ({
      ...comparison,
      metrics_a: performanceFromVersion1(comparison['metrics_a']),
      metrics_b: performanceFromVersion1(comparison['metrics_b']),
    }));
  }
  return next;
}

function performanceFromVersion1(value: unknown): unknown {
  if (!isObject(value)) return value;
  return { ...value, confidence_count: value['total_predictions'], user_satisfaction: null, command_understanding_rate: null };
}

/** Maps the objects of an array; anything else is left for the schema to refuse. */
function mapArray(value: unknown, map: (item: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((item: unknown) => (isObject(item) ? map(item) : item));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { ModelSummary } from '../domain/performance.js';
import type { VersionAggregates } from '../storage/aggregate-index.js';

/** Versions in the order they were first seen: the last is the newest. */
export function versionsInOrder(versions: readonly VersionAggregates[]): VersionAggregates[] {
  return versions.slice().sort((a, b) => a.first_seq - b.first_seq);
}

/** One model's summary (all versions together) from its versions' aggregates; `versions` must not be empty. */
export function summarizeModel(model: string, versions: readonly VersionAggregates[]): ModelSummary {
  const ordered = versionsInOrder(versions);
  let total = 0;
  let labeled = 0;
  let correct = 0;
  let confidenceSum = 0;
  let confidenceCount = 0;
  let last: string | null = null;
  for (const version of ordered) {
    total += version.all_time.total;
    labeled += version.all_time.labeled;
    correct += version.all_time.correct;
    confidenceSum += version.all_time.confidence_sum;
    confidenceCount += version.all_time.confidence_count;
    if (version.last_timestamp && (last === null || version.last_timestamp > last)) last = version.last_timestamp;
  }
  return {
    model_name: model,
    versions: ordered.map((version) => version.model_version),
    latest_version: ordered.at(-1)!.model_version,
    total_predictions: total,
    labeled_predictions: labeled,
    accuracy: labeled > 0 ? correct / labeled : null,
    confidence: confidenceCount > 0 ? confidenceSum / confidenceCount : null,
    confidence_count: confidenceCount,
    last_prediction_at: last,
  };
}

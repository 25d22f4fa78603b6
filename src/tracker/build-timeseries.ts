import type { ParsedTimeseriesQuery, Timeseries, TimeseriesPoint } from '../domain/timeseries.js';
import { DEFAULT_TIMESERIES_POINTS, MAX_TIMESERIES_POINTS } from '../domain/timeseries.js';
import type { BucketCounts } from '../metrics/bucket-counts.js';
import { emptyCounts, mergeCounts } from '../metrics/bucket-counts.js';
import { BUCKET_MS, bucketCount, bucketStart, bucketStarts } from '../metrics/time-buckets.js';
import type { AggregateReader } from '../storage/aggregate-index.js';
import { buildPerformance } from './build-performance.js';
import { InvalidInputError } from './errors.js';
import type { ModelConfig } from './tracker-config.js';

export interface TimeseriesContext {
  model_name: string;
  model_version: string;
  versions: string[];
  model: ModelConfig | undefined;
  now: Date;
}

/**
 * The buckets a query covers: [since, until) widened to whole buckets. Without `since`, the
 * default number of buckets back from `until` (default now, whose bucket is included).
 * Refuses more than MAX_TIMESERIES_POINTS buckets.
 */
export function timeseriesRange(query: ParsedTimeseriesQuery, now: Date): number[] {
  const { bucket } = query;
  const untilMs = query.until === undefined ? now.getTime() + 1 : Date.parse(query.until);
  const sinceMs =
    query.since === undefined ? bucketStart(untilMs - 1, bucket) - (DEFAULT_TIMESERIES_POINTS[bucket] - 1) * BUCKET_MS[bucket] : Date.parse(query.since);
  const count = bucketCount(sinceMs, untilMs, bucket);
  if (count > MAX_TIMESERIES_POINTS) {
    const message = `since..until spans ${count} buckets of ${bucket}; at most ${MAX_TIMESERIES_POINTS} per answer: narrow the range or use a wider bucket`;
    throw new InvalidInputError(message, [{ path: 'since', message }]);
  }
  return bucketStarts(sinceMs, untilMs, bucket);
}

/**
 * Sums the hourly aggregates of one model version into the buckets starting at `starts` (whole
 * hours, so each hour falls in exactly one bucket): one pass over the version's hours.
 */
export function sumIntoBuckets(aggregates: AggregateReader, model: string, version: string, starts: number[], widthMs: number): BucketCounts[] {
  const buckets = starts.map(() => emptyCounts());
  const first = starts[0];
  const hours = aggregates.get(model, version)?.hours;
  if (first === undefined || hours === undefined) return buckets;
  for (const [hour, counts] of hours) {
    const index = Math.floor((hour - first) / widthMs);
    const bucket = buckets[index];
    if (bucket !== undefined) mergeCounts(bucket, counts);
  }
  return buckets;
}

/** A point's metrics, computed as the performance answer computes them (same averaging, same interval). Pure. */
export function pointOf(counts: BucketCounts, startMs: number, endMs: number, context: TimeseriesContext): TimeseriesPoint {
  const start = new Date(startMs).toISOString();
  const end = new Date(endMs).toISOString();
  const performance = buildPerformance(counts, {
    ...context,
    window: { kind: 'range', spec: null, since: start, until: end },
    // A point carries no label-free estimate (it would read raw records): not asked for here.
    estimate: { estimated_accuracy: null, labeled: 0, predictions: 0 },
  });
  return {
    start,
    end,
    total_predictions: performance.total_predictions,
    labeled_predictions: performance.labeled_predictions,
    correct_predictions: performance.correct_predictions,
    accuracy: performance.accuracy,
    accuracy_interval: performance.accuracy_interval,
    precision: performance.precision,
    recall: performance.recall,
    f1_score: performance.f1_score,
    confidence: performance.confidence,
  };
}

/** One model version's time series from the hourly aggregates (never the raw records). */
export function buildTimeseries(aggregates: AggregateReader, query: ParsedTimeseriesQuery, context: TimeseriesContext): Timeseries {
  const width = BUCKET_MS[query.bucket];
  const starts = timeseriesRange(query, context.now);
  const buckets = sumIntoBuckets(aggregates, context.model_name, context.model_version, starts, width);
  const points = starts.map((start, index) => pointOf(buckets[index] ?? emptyCounts(), start, start + width, context));
  const first = starts[0] ?? 0;
  const last = starts.at(-1) ?? first - width;
  return {
    model_name: context.model_name,
    model_version: context.model_version,
    bucket: query.bucket,
    since: new Date(first).toISOString(),
    until: new Date(last + width).toISOString(),
    targets: { ...(context.model?.targets ?? {}) } as Record<string, number>,
    points,
  };
}

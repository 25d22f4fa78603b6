import type { TimeBucket } from '../domain/timeseries.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Width of a bucket in ms: every bucket is fixed-length in UTC (no daylight saving, no leap seconds). */
export const BUCKET_MS: Record<TimeBucket, number> = { '1h': HOUR_MS, '1d': DAY_MS, '1w': 7 * DAY_MS };

/** The epoch (1970-01-01) was a Thursday: ISO weeks start 3 days earlier, on Monday 1969-12-29. */
const ORIGIN_MS: Record<TimeBucket, number> = { '1h': 0, '1d': 0, '1w': -3 * DAY_MS };

/** Start (ms) of the bucket holding the instant `ms`. */
export function bucketStart(ms: number, bucket: TimeBucket): number {
  const width = BUCKET_MS[bucket];
  const origin = ORIGIN_MS[bucket];
  return Math.floor((ms - origin) / width) * width + origin;
}

/**
 * Starts of the buckets covering [sinceMs, untilMs): from the bucket holding `sinceMs` to the one
 * holding the instant before `untilMs`. Empty when `untilMs <= sinceMs`.
 */
export function bucketStarts(sinceMs: number, untilMs: number, bucket: TimeBucket): number[] {
  if (untilMs <= sinceMs) return [];
  const width = BUCKET_MS[bucket];
  const starts: number[] = [];
  for (let start = bucketStart(sinceMs, bucket); start < untilMs; start += width) starts.push(start);
  return starts;
}

/** How many buckets cover [sinceMs, untilMs), without listing them. */
export function bucketCount(sinceMs: number, untilMs: number, bucket: TimeBucket): number {
  if (untilMs <= sinceMs) return 0;
  return Math.floor((bucketStart(untilMs - 1, bucket) - bucketStart(sinceMs, bucket)) / BUCKET_MS[bucket]) + 1;
}

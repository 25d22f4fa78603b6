import type { BucketCounts } from '../metrics/bucket-counts.js';
import { cellKey, emptyCounts, splitCellKey } from '../metrics/bucket-counts.js';
import type { KeyTable } from './packed-hour-counts.js';
import type { SummaryBucket } from './segment-files.js';

/** One hour's counts as a segment summary stores them. */
export function countsToBucket(hour: number, counts: BucketCounts): SummaryBucket {
  return {
    hour,
    total: counts.total,
    confidence_sum: counts.confidence_sum,
    confidence_count: counts.confidence_count,
    labeled: counts.labeled,
    correct: counts.correct,
    cells: [...counts.cells.entries()].map(([cell, count]): [string | null, string, number] => {
      const { truth, predicted } = splitCellKey(cell);
      return [truth, predicted, count];
    }),
    predicted: [...counts.predicted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    rating_count: counts.rating_count,
    rating_sum: counts.rating_sum,
    ratings: [...counts.ratings],
  };
}

/** The counts a stored bucket holds. */
export function bucketToCounts(bucket: SummaryBucket): BucketCounts {
  const counts = emptyCounts();
  counts.total = bucket.total;
  counts.confidence_sum = bucket.confidence_sum;
  counts.confidence_count = bucket.confidence_count;
  counts.labeled = bucket.labeled;
  counts.correct = bucket.correct;
  for (const [truth, predicted, count] of bucket.cells) counts.cells.set(cellKey(truth, predicted), count);
  for (const [predicted, count] of bucket.predicted) counts.predicted.set(predicted, count);
  counts.rating_count = bucket.rating_count;
  counts.rating_sum = bucket.rating_sum;
  counts.ratings = [...bucket.ratings];
  return counts;
}

/**
 * mergeCounts(into, bucketToCounts(bucket)) without building the bucket's counts first (start-up
 * adds ~40,000 at 1,000,000 stored); with `keys`, each cell key is the table's one string for it.
 */
export function addBucketTo(into: BucketCounts, bucket: SummaryBucket, keys?: KeyTable): void {
  into.total += bucket.total;
  into.confidence_sum += bucket.confidence_sum;
  into.confidence_count += bucket.confidence_count;
  into.labeled += bucket.labeled;
  into.correct += bucket.correct;
  for (const [truth, predicted, count] of bucket.cells) addTo(into.cells, keys ? keys.key(keys.cellId(truth, predicted)) : cellKey(truth, predicted), count);
  for (const [predicted, count] of bucket.predicted) addTo(into.predicted, predicted, count);
  into.rating_count += bucket.rating_count;
  into.rating_sum += bucket.rating_sum;
  bucket.ratings.forEach((count, index) => {
    into.ratings[index] = (into.ratings[index] ?? 0) + count;
  });
}

function addTo(map: Map<string, number>, key: string, count: number): void {
  const next = (map.get(key) ?? 0) + count;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

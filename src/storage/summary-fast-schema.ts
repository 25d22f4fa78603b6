import { z } from 'zod';
import { SegmentSummarySchema, SummaryGroupSchema, type SummaryBucket } from './segment-files.js';

/** SummaryBucketSchema's keys: a bucket with any other key is left to zod (which drops extra keys). */
const BUCKET_KEYS = ['hour', 'total', 'confidence_sum', 'confidence_count', 'labeled', 'correct', 'cells', 'predicted', 'rating_count', 'rating_sum', 'ratings'] as const;

/** z.number().int(): a safe integer. */
const isInt = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value);
/** `Count`: z.number().int().min(0). */
const isCount = (value: unknown): boolean => isInt(value) && (value as number) >= 0;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `[string | null, string, int]`. */
function isCell(value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 3) return false;
  const [truth, predicted, count] = value as unknown[];
  return (truth === null || typeof truth === 'string') && typeof predicted === 'string' && isInt(count);
}

/** `[string, Count]`. */
function isPredictedCount(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && isCount(value[1]);
}

function isSummaryBucket(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  // Exactly the schema's keys (own, enumerable), so that the bucket itself is what zod would make of it.
  const keys = Object.keys(value);
  if (keys.length !== BUCKET_KEYS.length || Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key of BUCKET_KEYS) if (!Object.hasOwn(value, key)) return false;
  const { hour, total, confidence_sum, confidence_count, labeled, correct, cells, predicted, rating_count, rating_sum, ratings } = value;
  if (!isInt(hour) || !isCount(total) || !isCount(confidence_count) || !isCount(labeled) || !isCount(correct)) return false;
  if (typeof confidence_sum !== 'number' || !Number.isFinite(confidence_sum) || confidence_sum < 0) return false;
  if (!isCount(rating_count) || !isCount(rating_sum)) return false;
  if (!Array.isArray(ratings) || ratings.length !== 5 || !ratings.every(isCount)) return false;
  if (!Array.isArray(cells) || !cells.every(isCell)) return false;
  return Array.isArray(predicted) && predicted.every(isPredictedCount);
}

/**
 * A summary's buckets as SummaryBucketSchema would read them, checked in one walk: start-up reads
 * ~40 buckets and ~600 small tuples in each of up to 1,000 summaries, and zod's object and tuple
 * checks were a quarter of opening a store of 1,000,000 predictions. It accepts only buckets zod
 * accepts unchanged (exactly the schema's keys, plain arrays and objects as JSON.parse makes them,
 * the same number rules: safe integers, counts >= 0, a finite sum >= 0), and answers them as they
 * are; anything else is refused with one terse issue, and the reader parses the file again with
 * SegmentSummarySchema, whose issue is the one reported.
 */
const SummaryBucketsFastSchema = z.unknown().transform((value, context): SummaryBucket[] => {
  if (Array.isArray(value) && value.every(isSummaryBucket)) return value as SummaryBucket[];
  context.issues.push({ code: 'custom', message: 'not summary buckets as written', input: value });
  return z.NEVER;
});

/** SegmentSummarySchema's fast twin (see SummaryBucketsFastSchema): the same output, or refused. */
export const SegmentSummaryFastSchema = SegmentSummarySchema.extend({
  groups: z.array(SummaryGroupSchema.extend({ buckets: SummaryBucketsFastSchema })),
});

import { z } from 'zod';
import { JsonObjectSchema } from '../domain/json.js';
import { GroundTruthSourceSchema, PredictionLogSchema, RatingSchema } from '../domain/prediction.js';
import { ModelNameSchema, ModelVersionSchema, RecordIdSchema, TimestampSchema } from '../domain/names.js';
import { storedFileHeader } from './stored-file-version.js';

const Count = z.number().int().min(0);

/**
 * A label for a prediction in an older (sealed) segment, logged in the open segment before the
 * older one is rewritten: if the process dies in between, start-up applies it again.
 */
export const LabelIntentSchema = z.object({
  prediction_id: RecordIdSchema,
  segment: Count,
  /** The revision the target segment has once this label is in it. */
  target_revision: Count,
  ground_truth: JsonObjectSchema.nullable(),
  /** null (with correct and labeled_at) when only a rating was given to an unlabeled prediction. */
  ground_truth_source: GroundTruthSourceSchema.nullable(),
  correct: z.boolean().nullable(),
  labeled_at: TimestampSchema.nullable(),
  /** Absent in version 1 (which had no ratings). */
  rating: RatingSchema.nullable().default(null),
});
export type LabelIntent = z.infer<typeof LabelIntentSchema>;

/** predictions/segment-NNNNNNNN.json: a sealed, bounded run of predictions, in arrival order. */
export const SegmentFileSchema = z.object({
  ...storedFileHeader('predictions-segment'),
  segment: Count,
  /** Bumped each time the file is rewritten after it was sealed (late labels). */
  revision: Count,
  /** Sequence number of the first record; record i has first_seq + i. */
  first_seq: Count,
  created_at: TimestampSchema,
  records: z.array(PredictionLogSchema),
  label_log: z.array(LabelIntentSchema),
});
export type SegmentFile = z.infer<typeof SegmentFileSchema>;

const CellSchema = z.tuple([z.string().nullable(), z.string(), z.number().int()]);

const SummaryBucketSchema = z.object({
  hour: z.number().int(),
  total: Count,
  /** Sum and number of the known confidences (predictions with a null confidence are in neither). */
  confidence_sum: z.number().min(0),
  confidence_count: Count,
  labeled: Count,
  correct: Count,
  /** [true label key or null (known wrong, truth unknown), predicted label key, count] */
  cells: z.array(CellSchema),
  /** [predicted label key, count] over every prediction, labeled or not. */
  predicted: z.array(z.tuple([z.string(), Count])),
  /** Predictions with a user rating, the sum of their ratings, and how many gave 1, 2, 3, 4 and 5. */
  rating_count: Count,
  rating_sum: Count,
  ratings: z.tuple([Count, Count, Count, Count, Count]),
});
export type SummaryBucket = z.infer<typeof SummaryBucketSchema>;

export const SummaryGroupSchema = z.object({
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  /** Sequence number of this version's first prediction in the segment. */
  first_seq: Count,
  last_timestamp: TimestampSchema,
  buckets: z.array(SummaryBucketSchema),
});
export type SummaryGroup = z.infer<typeof SummaryGroupSchema>;

/**
 * aggregates/segment-NNNNNNNN.json: a sealed segment's counts per model, version and hour, and
 * the hashes of its prediction ids. It outlives the segment when retention drops the raw records.
 */
export const SegmentSummarySchema = z.object({
  ...storedFileHeader('segment-summary'),
  segment: Count,
  /** The segment revision these counts were computed from. */
  source_revision: Count,
  /** Which label keys the counts were computed with; a change of configuration rebuilds them. */
  label_fingerprint: z.string(),
  first_seq: Count,
  record_count: Count,
  min_timestamp: TimestampSchema.nullable(),
  max_timestamp: TimestampSchema.nullable(),
  /** True once retention removed the segment's raw records. */
  raw_dropped: z.boolean(),
  /** Sorted 32-bit FNV-1a hashes of the prediction ids, base64 (little-endian); empty once dropped. */
  id_hashes: z.string(),
  /**
   * False for a summary brought forward from version 1, whose buckets lack the predicted-class
   * counts: start-up recomputes it from the segment while the raw records are there.
   */
  predicted_complete: z.boolean(),
  groups: z.array(SummaryGroupSchema),
});
export type SegmentSummary = z.infer<typeof SegmentSummarySchema>;

export function segmentFileName(segment: number): string {
  return `segment-${String(segment).padStart(8, '0')}.json`;
}

export function parseSegmentFileName(name: string): number | null {
  const match = /^segment-(\d{8,})\.json$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** predictions/segment-NNNNNNNN.jsonl: the open segment, appended line by line (segment-log-lines.ts). */
export function openSegmentFileName(segment: number): string {
  return `segment-${String(segment).padStart(8, '0')}.jsonl`;
}

export function parseOpenSegmentFileName(name: string): number | null {
  const match = /^segment-(\d{8,})\.jsonl$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** One record per line, so a segment stays readable and cheap to write from cached record texts. */
export function serializeSegment(segment: SegmentFile, recordText: (record: SegmentFile['records'][number]) => string): string {
  const { records, label_log, ...header } = segment;
  const head = JSON.stringify(header).slice(0, -1);
  const body = records.map(recordText).join(',\n');
  const labels = label_log.map((intent) => JSON.stringify(intent)).join(',\n');
  return `${head},"records":[\n${body}\n],"label_log":[\n${labels}\n]}\n`;
}

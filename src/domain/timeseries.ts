import { z } from 'zod';
import { ModelNameSchema, ModelVersionSchema, TimestampSchema } from './names.js';

/** Bucket widths of a time series: an hour, a UTC day, an ISO week (Monday 00:00 UTC to the next Monday). */
export const TimeBucketSchema = z.enum(['1h', '1d', '1w'], { error: 'bucket must be 1h, 1d or 1w' });
export type TimeBucket = z.infer<typeof TimeBucketSchema>;

/** The most points one time-series answer holds; a longer range is refused (ask a wider bucket). */
export const MAX_TIMESERIES_POINTS = 1000;

/** How many buckets a time series covers when `since` is not given: back from `until` (default now). */
export const DEFAULT_TIMESERIES_POINTS: Record<TimeBucket, number> = { '1h': 48, '1d': 30, '1w': 26 };

/**
 * Query of `GET /models/{name}/timeseries` and `hap ml-metrics trend`. `since`/`until` pick whole
 * buckets: the first is the one holding `since`, the last the one holding the instant before `until`.
 */
export const TimeseriesQuerySchema = z
  .strictObject({
    bucket: TimeBucketSchema.default('1d'),
    since: TimestampSchema.optional(),
    until: TimestampSchema.optional(),
    version: ModelVersionSchema.optional(),
  })
  .refine((query) => query.since === undefined || query.until === undefined || Date.parse(query.since) < Date.parse(query.until), {
    path: ['since'],
    error: 'since must be earlier than until',
  });
export type TimeseriesQuery = z.input<typeof TimeseriesQuerySchema>;
export type ParsedTimeseriesQuery = z.output<typeof TimeseriesQuerySchema>;

const Rate = z.number().nullable();

/** One bucket: counts and the metrics over the predictions made in [start, end). */
export const TimeseriesPointSchema = z.object({
  start: z.string(),
  end: z.string(),
  total_predictions: z.number().int(),
  labeled_predictions: z.number().int(),
  correct_predictions: z.number().int(),
  accuracy: Rate,
  /** Wilson score interval of the accuracy (95 %), as in the performance answer; null without labels. */
  accuracy_interval: z.object({ lower: z.number(), upper: z.number(), confidence_level: z.number() }).nullable(),
  precision: Rate,
  recall: Rate,
  f1_score: Rate,
  confidence: Rate,
});
export type TimeseriesPoint = z.infer<typeof TimeseriesPointSchema>;

/** `GET /models/{name}/timeseries`: one point per bucket from `since` to `until`, oldest first, empty buckets included. */
export const TimeseriesSchema = z.object({
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  bucket: TimeBucketSchema,
  /** Start of the first bucket. */
  since: z.string(),
  /** End of the last bucket. */
  until: z.string(),
  /** The model's configured targets (metric → threshold), to draw beside the points. */
  targets: z.record(z.string(), z.number()),
  points: z.array(TimeseriesPointSchema),
});
export type Timeseries = z.infer<typeof TimeseriesSchema>;

import { z } from 'zod';
import { ModelVersionSchema, RecordIdSchema, TimestampSchema } from './names.js';

const WINDOW_PATTERN = /^(all|\d+|\d+[mhdw])$/;

/**
 * A metrics window: `all` (default), a duration back from now (`30m`, `12h`, `7d`, `2w`), or the
 * last N labeled predictions (`500`).
 */
export const WindowSpecSchema = z
  .string()
  .regex(WINDOW_PATTERN, { error: 'window must be "all", a duration such as 30m, 12h, 7d or 2w, or a count such as 500' })
  .refine((value) => !/^0+[mhdw]?$/.test(value), { error: 'window must be greater than zero' });

/** Query of `GET /models/{name}` and `hap ml-metrics performance`. */
export const PerformanceQuerySchema = z.strictObject({
  version: ModelVersionSchema.optional(),
  window: WindowSpecSchema.optional(),
  since: TimestampSchema.optional(),
  until: TimestampSchema.optional(),
});
export type PerformanceQuery = z.input<typeof PerformanceQuerySchema>;

/** Query of `GET /models/{name}/predictions` and `hap ml-metrics predictions`. */
export const PredictionsQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: 'limit must be a whole number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(1000, { error: 'limit must be at most 1000' })
    .default(50),
  /** The `next_cursor` of the previous page. */
  cursor: z.string().regex(/^\d+$/, { error: 'cursor must be the next_cursor of a previous page' }).optional(),
  version: ModelVersionSchema.optional(),
});
export type PredictionsQuery = z.input<typeof PredictionsQuerySchema>;

/** Query of `POST /models/{name}/compare` and `hap ml-metrics compare`. */
export const CompareQuerySchema = z.strictObject({
  version_a: ModelVersionSchema,
  version_b: ModelVersionSchema,
  window: WindowSpecSchema.optional(),
});
export type CompareQuery = z.input<typeof CompareQuerySchema>;

/** Query of `GET /models/{name}/training`. */
export const TrainingQuerySchema = z.strictObject({
  limit: z.coerce
    .number({ error: 'limit must be a whole number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(1000, { error: 'limit must be at most 1000' })
    .default(100),
});

export { RecordIdSchema };

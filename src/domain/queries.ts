import { z } from 'zod';
import { ModelVersionSchema, RecordIdSchema, TimestampSchema } from './names.js';

const WINDOW_PATTERN = /^(all|\d+|\d+[mhdw])$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** The longest duration window: 100 years. A much longer one would start before the earliest date a Date can hold. */
const MAX_WINDOW_MS = 36_525 * 86_400_000;

/** A duration window's length in milliseconds; 0 for `all` and counts. */
function windowMs(value: string): number {
  const match = /^(\d+)([mhdw])$/.exec(value);
  return match ? Number(match[1]) * (UNIT_MS[match[2]!] ?? 0) : 0;
}

/**
 * A metrics window: `all` (default), a duration back from now (`30m`, `12h`, `7d`, `2w`; at most
 * 100 years), or the last N labeled predictions (`500`).
 */
export const WindowSpecSchema = z
  .string()
  .regex(WINDOW_PATTERN, { error: 'window must be "all", a duration such as 30m, 12h, 7d or 2w, or a count such as 500' })
  .refine((value) => !/^0+[mhdw]?$/.test(value), { error: 'window must be greater than zero' })
  .refine((value) => windowMs(value) <= MAX_WINDOW_MS, { error: 'a window duration must be at most 100 years (36525d); use "all" for every prediction' });

/** How many entries a page holds: 1 to 1000, given as text in a query string. */
function pageLimit(defaultLimit: number) {
  return z.coerce
    .number({ error: 'limit must be a whole number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: 'limit must be at least 1' })
    .max(1000, { error: 'limit must be at most 1000' })
    .default(defaultLimit);
}

/**
 * Query of `GET /models/{name}` and `hap ml-metrics performance`: `window`, or `since`/`until`
 * (not both), with `since` at or before `until`.
 */
export const PerformanceQuerySchema = z
  .strictObject({
    version: ModelVersionSchema.optional(),
    window: WindowSpecSchema.optional(),
    since: TimestampSchema.optional(),
    until: TimestampSchema.optional(),
  })
  .superRefine((query, context) => {
    if (query.window !== undefined && (query.since !== undefined || query.until !== undefined)) {
      const range = [query.since !== undefined ? 'since' : null, query.until !== undefined ? 'until' : null].filter((key) => key !== null).join('/');
      context.addIssue({
        code: 'custom',
        path: ['window'],
        message: `give either window or ${range}, not both: window for a duration (7d), the last N labeled (500) or all; since/until for a range of instants`,
      });
    }
    if (query.since !== undefined && query.until !== undefined && Date.parse(query.since) > Date.parse(query.until)) {
      const message = `since (${query.since}) is later than until (${query.until}); since must be at or before until`;
      context.addIssue({ code: 'custom', path: ['since'], message });
      context.addIssue({ code: 'custom', path: ['until'], message });
    }
  });
export type PerformanceQuery = z.input<typeof PerformanceQuerySchema>;

/** Query of `GET /models/{name}/predictions` and `hap ml-metrics predictions`. */
export const PredictionsQuerySchema = z.strictObject({
  limit: pageLimit(50),
  /** The `next_cursor` of the previous page. */
  cursor: z.string().regex(/^\d+$/, { error: 'cursor must be the next_cursor of a previous page' }).optional(),
  version: ModelVersionSchema.optional(),
});
export type PredictionsQuery = z.input<typeof PredictionsQuerySchema>;

/** Query of `POST /models/{name}/compare` and `hap ml-metrics compare`. */
export const CompareQuerySchema = z
  .strictObject({
    version_a: ModelVersionSchema,
    version_b: ModelVersionSchema,
    window: WindowSpecSchema.optional(),
  })
  .refine((query) => query.version_a !== query.version_b, {
    path: ['version_b'],
    error: 'version_b must differ from version_a: a version compared with itself tells nothing',
  });
export type CompareQuery = z.input<typeof CompareQuerySchema>;

/** Query of `GET /models/{name}/training`. */
export const TrainingQuerySchema = z.strictObject({
  limit: pageLimit(100),
});

export { RecordIdSchema };

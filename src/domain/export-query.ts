import { z } from 'zod';
import { ModelVersionSchema, TimestampSchema } from './names.js';

/** `csv` (a header row, then one row per prediction) or `jsonl` (one stored record per line). */
export const ExportFormatSchema = z.enum(['csv', 'jsonl'], { error: 'format must be csv or jsonl' });
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

/**
 * Query of `GET /models/{name}/export` and `hap ml-metrics export`: the format (default csv), one
 * version (default: every version), and a time range of prediction timestamps (`since` included,
 * `until` excluded; since at or before until).
 */
export const ExportQuerySchema = z
  .strictObject({
    format: ExportFormatSchema.default('csv'),
    version: ModelVersionSchema.optional(),
    since: TimestampSchema.optional(),
    until: TimestampSchema.optional(),
  })
  .superRefine((query, context) => {
    if (query.since !== undefined && query.until !== undefined && Date.parse(query.since) > Date.parse(query.until)) {
      const message = `since (${query.since}) is later than until (${query.until}); since must be at or before until`;
      context.addIssue({ code: 'custom', path: ['since'], message });
      context.addIssue({ code: 'custom', path: ['until'], message });
    }
  });
export type ExportQuery = z.input<typeof ExportQuerySchema>;
export type ParsedExportQuery = z.output<typeof ExportQuerySchema>;

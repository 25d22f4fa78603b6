import { z } from 'zod';
import { BreakdownQuerySchema } from '../domain/breakdown.js';
import { DriftQuerySchema } from '../domain/drift.js';
import { CalibrationQuerySchema } from '../domain/calibration.js';
import { SlicesQuerySchema } from '../domain/slices.js';
import { ModelNameSchema } from '../domain/names.js';
import { CompareQuerySchema, PerformanceQuerySchema, PredictionsQuerySchema } from '../domain/queries.js';
import { READABLE_ERRORS } from '../domain/readable-errors.js';
import { ExportQuerySchema } from '../domain/export-query.js';
import { TimeseriesQuerySchema } from '../domain/timeseries.js';
import { CliUsageError } from './cli-errors.js';

/** The flag a user typed for each query field, so messages name what to change. */
const FLAG_OF_FIELD: Record<string, string> = {
  version: '--version',
  window: '--window',
  since: '--since',
  until: '--until',
  limit: '--limit',
  cursor: '--cursor',
  version_a: '--version-a',
  version_b: '--version-b',
  by: '--by',
  reference_since: '--reference-since',
  reference_until: '--reference-until',
  bins: '--bins',
  format: '--format',
  bucket: '--bucket',
  port: '--port',
  host: '--host',
  url: '--url',
  dataDir: '--data-dir',
  configPath: '--config',
};

/** Options every read command takes, as commander hands them over. */
export const ReadOptionsSchema = z.object({
  dataDir: z.string().min(1, { error: 'must name a directory' }).optional(),
  configPath: z.string().min(1, { error: 'must name a file' }).optional(),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// address such as http://localhost:8000' })
    .optional(),
  json: z.boolean().default(false),
});
export type ReadOptions = z.output<typeof ReadOptionsSchema>;

const PortSchema = z
  .string()
  .regex(/^\d+$/, { error: 'must be a whole number between 0 and 65535' })
  .transform(Number)
  .refine((port) => port <= 65_535, { error: 'must be a whole number between 0 and 65535' });

/** `hap ml-metrics serve` options; unset ones are left to the configuration file. */
export const ServeOptionsSchema = z.object({
  port: PortSchema.optional(),
  host: z.string().min(1, { error: 'must name an address such as 127.0.0.1' }).optional(),
  dataDir: z.string().min(1, { error: 'must name a directory' }).optional(),
  configPath: z.string().min(1, { error: 'must name a file' }).optional(),
  insecure: z.boolean().optional(),
});
export type ServeOptions = z.output<typeof ServeOptionsSchema>;

export type PerformanceArgs = z.output<typeof PerformanceQuerySchema>;
export type PredictionsArgs = z.output<typeof PredictionsQuerySchema>;
export type CompareArgs = z.output<typeof CompareQuerySchema>;
export type BreakdownArgs = z.output<typeof BreakdownQuerySchema>;
export type DriftArgs = z.output<typeof DriftQuerySchema>;
export type CalibrationArgs = z.output<typeof CalibrationQuerySchema>;
export type SlicesArgs = z.output<typeof SlicesQuerySchema>;
export type ExportArgs = z.output<typeof ExportQuerySchema>;
export type TrendArgs = z.output<typeof TimeseriesQuerySchema>;

/** Drops the options the user did not give, so strict schemas see only real keys. */
function defined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/** One line naming each bad flag, the value given and what the schema expects. */
export function usageErrorFromZod(error: z.ZodError, given: Record<string, unknown>): CliUsageError {
  const problems = error.issues.map((issue) => {
    const field = issue.path[0] === undefined ? '' : String(issue.path[0]);
    const flag = FLAG_OF_FIELD[field] ?? (field || 'argument');
    const value = given[field];
    if (value === undefined) return issue.message === 'required' ? `${flag} is required` : `${flag} is required: ${issue.message}`;
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    return `invalid ${flag} ${shown}: ${issue.message}`;
  });
  return new CliUsageError(problems.join('; '));
}

function parseWith<S extends z.ZodType>(schema: S, given: Record<string, unknown>): z.output<S> {
  const values = defined(given);
  const result = schema.safeParse(values, READABLE_ERRORS);
  if (!result.success) throw usageErrorFromZod(result.error, values);
  return result.data;
}

export function parseModelName(name: string): string {
  const result = ModelNameSchema.safeParse(name);
  if (!result.success) {
    const reason = result.error.issues.map((issue) => issue.message).join('; ');
    throw new CliUsageError(`invalid model name ${JSON.stringify(name)}: ${reason}`);
  }
  return result.data;
}

/** Commander names `--config` `config`; the schemas call it `configPath`, as runService does. */
export function parseReadOptions(options: Record<string, unknown>): ReadOptions {
  const { config, ...rest } = options;
  return parseWith(ReadOptionsSchema, { ...rest, configPath: config });
}

export function parseServeOptions(options: Record<string, unknown>): ServeOptions {
  return parseWith(ServeOptionsSchema, options);
}

export function parsePerformanceArgs(options: { version?: string; window?: string; since?: string; until?: string }): PerformanceArgs {
  return parseWith(PerformanceQuerySchema, options);
}

export function parsePredictionsArgs(options: { limit?: string; cursor?: string; version?: string }): PredictionsArgs {
  return parseWith(PredictionsQuerySchema, options);
}

export function parseBreakdownArgs(options: { by?: string; window?: string; version?: string }): BreakdownArgs {
  return parseWith(BreakdownQuerySchema, options);
}

export function parseDriftArgs(options: { version?: string; since?: string; until?: string; referenceSince?: string; referenceUntil?: string }): DriftArgs {
  const { referenceSince, referenceUntil, ...rest } = options;
  return parseWith(DriftQuerySchema, { ...rest, reference_since: referenceSince, reference_until: referenceUntil });
}

export function parseCalibrationArgs(options: { bins?: string; version?: string; window?: string; since?: string; until?: string }): CalibrationArgs {
  return parseWith(CalibrationQuerySchema, options);
}

export function parseSlicesArgs(options: { by?: string; limit?: string; version?: string; window?: string; since?: string; until?: string }): SlicesArgs {
  return parseWith(SlicesQuerySchema, options);
}

export function parseCompareArgs(options: { versionA?: string; versionB?: string; window?: string }): CompareArgs {
  return parseWith(CompareQuerySchema, { version_a: options.versionA, version_b: options.versionB, window: options.window });
}

export function parseExportArgs(options: { format?: string; version?: string; since?: string; until?: string }): ExportArgs {
  return parseWith(ExportQuerySchema, options);
}

export function parseTrendArgs(options: { bucket?: string; since?: string; until?: string; version?: string }): TrendArgs {
  return parseWith(TimeseriesQuerySchema, options);
}

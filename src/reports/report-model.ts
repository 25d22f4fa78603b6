import { z } from 'zod';

/**
 * The report's model: what the renderers (Markdown, HTML) draw, built by `buildReport` from the
 * tracker's answers. Pure data, so the renderers are pure functions of it.
 */

/** `--since` / `reports.period`: a duration back from now (30m, 12h, 7d, 2w), at most 366 days. */
export const ReportPeriodSchema = z
  .string({ error: 'since must be a duration such as 7d, 24h or 2w' })
  .regex(/^[1-9]\d{0,5}[mhdw]$/, { error: 'since must be a duration such as 7d, 24h or 2w (minutes m, hours h, days d, weeks w)' })
  .refine((value) => periodMs(value) <= 366 * 86_400_000, { error: 'since must be at most 366 days (366d or 52w)' });

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A checked period's length in milliseconds. */
export function periodMs(period: string): number {
  const match = /^(\d+)([mhdw])$/.exec(period);
  return match ? Number(match[1]) * (UNIT_MS[match[2]!] ?? 0) : 0;
}

const Rate = z.number().nullable();

/** One figure over the period, the previous period, and the change. */
export const FigureSchema = z.object({
  metric: z.string(),
  current: Rate,
  previous: Rate,
  /** current − previous; null when either is. */
  delta: Rate,
});
export type Figure = z.infer<typeof FigureSchema>;

/** A configured target and whether this period's figure meets it. */
export const TargetCheckSchema = z.object({
  metric: z.string(),
  /** A floor, or a ceiling for false_positive_rate. */
  kind: z.enum(['floor', 'ceiling']),
  target: z.number(),
  value: Rate,
  /** `unknown` when the period has no figure for the metric. */
  status: z.enum(['met', 'missed', 'unknown']),
});
export type TargetCheck = z.infer<typeof TargetCheckSchema>;

export const ConfusionSchema = z.object({ truth: z.string(), predicted: z.string(), count: z.number().int() });
export type Confusion = z.infer<typeof ConfusionSchema>;

/** One point of the daily (or per-bucket) accuracy line. */
export const PointSchema = z.object({ since: z.string(), until: z.string(), accuracy: Rate, labeled: z.number().int() });
export type Point = z.infer<typeof PointSchema>;

export const WorstSliceSchema = z.object({
  by: z.string(),
  value: z.string(),
  labeled_predictions: z.number().int(),
  accuracy: z.number(),
});

export const ReportDriftSchema = z.object({
  ks_statistic: Rate,
  ks_p_value: Rate,
  confidence_psi: Rate,
  chi2_p_value: Rate,
  predictions_psi: Rate,
  accuracy_delta: Rate,
  accuracy_p_value: Rate,
  change_points: z.array(z.object({ timestamp: z.string(), direction: z.enum(['drop', 'rise']), before: z.number(), after: z.number() })),
  /** True when a window held more raw records than the drift scan reads (only the newest were read). */
  sampled: z.boolean(),
});

export const ReportExperimentSchema = z.object({
  name: z.string(),
  version_a: z.string(),
  version_b: z.string(),
  status: z.enum(['running', 'decided', 'stopped']),
  winner: z.string().nullable(),
  metric: z.string(),
  delta: Rate,
  ended_at: z.string().nullable(),
});

export const ModelReportSchema = z.object({
  model_name: z.string(),
  model_version: z.string(),
  task: z.enum(['binary', 'multiclass']),
  counts: z.object({
    total: z.number().int(),
    labeled: z.number().int(),
    previous_total: z.number().int(),
    previous_labeled: z.number().int(),
  }),
  figures: z.array(FigureSchema),
  targets: z.array(TargetCheckSchema),
  drift: ReportDriftSchema.nullable(),
  /** Why drift is missing (e.g. the query failed), when it is. */
  drift_error: z.string().nullable(),
  confusions: z.array(ConfusionSchema),
  /** The slice fields looked at, and why those. */
  slice_fields: z.array(z.string()),
  slice_reason: z.string(),
  worst_slices: z.array(WorstSliceSchema),
  series: z.array(PointSchema),
  experiments: z.array(ReportExperimentSchema),
});
export type ModelReport = z.infer<typeof ModelReportSchema>;

export const ReportSchema = z.object({
  generated_at: z.string(),
  period: z.string(),
  since: z.string(),
  until: z.string(),
  previous_since: z.string(),
  previous_until: z.string(),
  models: z.array(ModelReportSchema),
});
export type Report = z.infer<typeof ReportSchema>;

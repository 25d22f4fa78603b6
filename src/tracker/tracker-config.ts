import { z } from 'zod';
import { JsonValueSchema } from '../domain/json.js';
import { ModelVersionSchema } from '../domain/names.js';
import { WindowSpecSchema } from '../domain/queries.js';
import { TargetMetricSchema } from '../domain/target-metric.js';

const Rate = z.number().min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' });

/** How one model's labels are read and what it should reach. */
export const ModelConfigSchema = z.strictObject({
  /**
   * The key of ground_truth and prediction that holds the class label. Unset: the ground
   * truth's single key (or, with several keys, all of them together).
   */
  label_key: z.string().min(1).optional(),
  /** `binary` or `multiclass`; unset: binary when every label seen is a boolean. */
  task: z.enum(['binary', 'multiclass']).optional(),
  /** Positive class of a binary model (default `true`). */
  positive_label: JsonValueSchema.optional(),
  /**
   * The version `GET /models/{name}`, `GET /models` and the sensors show when none is asked for.
   * Unset: the highest version in natural order (`1.10` > `1.9`, `v2` > `v1`).
   */
  current_version: ModelVersionSchema.optional(),
  /** Metric → threshold, as rates in [0, 1]. */
  targets: z.partialRecord(TargetMetricSchema, Rate).default({}),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const ComparisonConfigSchema = z.strictObject({
  /** Labeled predictions each version needs before a comparison may name a winner. */
  min_samples: z.number().int().min(1).default(30),
  /** Significance level of the accuracy test. */
  alpha: z.number().gt(0).lt(1).default(0.05),
});
export type ComparisonConfig = z.infer<typeof ComparisonConfigSchema>;

/** The tracker's part of the configuration (top-level keys of the config file). */
export const TrackerConfigSchema = z.strictObject({
  comparison: ComparisonConfigSchema.prefault({}),
  /** The window `GET /models/{name}` uses when none is asked for. */
  default_window: WindowSpecSchema.default('all'),
  models: z.record(z.string().min(1), ModelConfigSchema).default({}),
});
export type TrackerConfig = z.infer<typeof TrackerConfigSchema>;

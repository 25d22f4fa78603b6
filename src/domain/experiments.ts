import { z } from 'zod';
import { ModelNameSchema, ModelVersionSchema, TimestampSchema } from './names.js';

/**
 * Metrics an experiment can test: each is a mean of per-prediction values in [0, 1], which the
 * always-valid test needs. `precision`, `recall`, `false_positive_rate` and `acceptance_rate` are
 * proportions of a binary model's labeled predictions; `confidence` is the mean confidence.
 * F1 is not an average of per-prediction values, and a multiclass model's precision and recall
 * are averages over classes: neither can be tested this way.
 */
export const ExperimentMetricSchema = z.enum(['accuracy', 'precision', 'recall', 'false_positive_rate', 'acceptance_rate', 'confidence'], {
  error: 'metric must be one of accuracy, precision, recall, false_positive_rate, acceptance_rate, confidence (f1_score cannot be tested sequentially: it is not an average of per-prediction values)',
});
export type ExperimentMetric = z.infer<typeof ExperimentMetricSchema>;

const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.:\- ]*$/u;

export const ExperimentNameSchema = z
  .string()
  .min(1, { error: 'name must not be empty' })
  .max(100, { error: 'name is longer than 100 characters' })
  .regex(NAME_PATTERN, { error: 'name may hold letters, digits, spaces and _ . : - and must start with a letter or digit' });

/** `POST /experiments`. */
export const ExperimentInputSchema = z
  .strictObject({
    name: ExperimentNameSchema,
    model_name: ModelNameSchema,
    version_a: ModelVersionSchema,
    version_b: ModelVersionSchema,
    /** Share of units assigned to version_b. */
    allocation: z.number({ error: 'expected a number between 0 and 1 (exclusive)' }).gt(0, { error: 'must be above 0' }).lt(1, { error: 'must be below 1' }).default(0.5),
    metric: ExperimentMetricSchema.default('accuracy'),
    /** The smallest difference worth acting on (in the metric's units, 0.05 = 5 points); tunes the test. */
    min_detectable_effect: z.number({ error: 'expected a number' }).gt(0, { error: 'must be above 0' }).max(1, { error: 'must be at most 1' }).default(0.05),
    alpha: z.number({ error: 'expected a number' }).gt(0, { error: 'must be above 0' }).max(0.5, { error: 'must be at most 0.5' }).default(0.05),
    /** Stop counting at the first decision (default true); false keeps it running until stopped. */
    auto_stop: z.boolean({ error: 'expected true or false' }).default(true),
    /** Observations each version needs before the test looks (the normal approximation needs some). */
    min_samples: z.number().int({ error: 'expected a whole number' }).min(10, { error: 'must be at least 10' }).max(1_000_000).default(30),
  })
  .refine((input) => input.version_a !== input.version_b, { path: ['version_b'], error: 'version_b must differ from version_a' });
export type ExperimentInput = z.input<typeof ExperimentInputSchema>;

export const ExperimentStatusSchema = z.enum(['running', 'decided', 'stopped']);
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

/** One experiment as stored in experiments.json. */
export const ExperimentSchema = z.object({
  experiment_id: z.string().regex(/^exp-[0-9a-f]{8}$/),
  name: ExperimentNameSchema,
  /** For the hub's entity id: `sensor.ml_experiment_<slug>`. */
  slug: z.string().regex(/^[a-z0-9_]+$/),
  model_name: ModelNameSchema,
  version_a: ModelVersionSchema,
  version_b: ModelVersionSchema,
  allocation: z.number().gt(0).lt(1),
  metric_name: ExperimentMetricSchema,
  min_detectable_effect: z.number().gt(0).max(1),
  alpha: z.number().gt(0).max(0.5),
  auto_stop: z.boolean(),
  min_samples: z.number().int().min(10),
  status: ExperimentStatusSchema,
  /** Predictions made (own time) from created_at on count... */
  created_at: TimestampSchema,
  /** ...until ended_at (set when it stops or decides itself). */
  ended_at: TimestampSchema.nullable(),
  /** Set when it decided: the better version, or null for "no difference worth acting on". */
  winner: ModelVersionSchema.nullable(),
  /** Whether the decision was announced on the hub (`ml_metrics_experiment_decided`): once, also across restarts. */
  decision_announced: z.boolean(),
});
export type Experiment = z.infer<typeof ExperimentSchema>;

const Count = z.number().int().min(0);

/** `GET /experiments/{id}`: the experiment and its figures now. */
export const ExperimentReportSchema = ExperimentSchema.extend({
  /** Observations counted per version (labeled predictions for the proportions, predictions with a confidence for `confidence`). */
  samples: z.object({ a: Count, b: Count }),
  metric: z.object({
    a: z.number().nullable(),
    b: z.number().nullable(),
    /** b − a. */
    delta: z.number().nullable(),
    /** Always-valid (1 − alpha) confidence interval for delta; null until each version has min_samples. */
    interval: z.tuple([z.number(), z.number()]).nullable(),
  }),
  /** Always-valid p-value for "no difference": valid however often it is looked at. */
  p_value: z.number().min(0).max(1),
  decision: z.enum(['continue', 'stop']),
  reason: z.string(),
  evaluated_at: TimestampSchema,
});
export type ExperimentReport = z.infer<typeof ExperimentReportSchema>;

export const ExperimentListSchema = z.object({ experiments: z.array(ExperimentReportSchema) });

/** `GET /experiments/{id}/assign?unit=`. */
export const AssignQuerySchema = z.strictObject({
  unit: z.string().min(1, { error: 'unit must not be empty' }).max(200, { error: 'unit is longer than 200 characters' }),
});

export const AssignmentSchema = z.object({
  experiment_id: z.string(),
  unit: z.string(),
  version: ModelVersionSchema,
  status: ExperimentStatusSchema,
});
export type Assignment = z.infer<typeof AssignmentSchema>;

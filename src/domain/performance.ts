import { z } from 'zod';
import { JsonValueSchema } from './json.js';
import { ModelNameSchema, ModelVersionSchema } from './names.js';

/** A rate in [0, 1], or null when nothing was there to measure it on. */
const Rate = z.number().nullable();

export const AveragedScoresSchema = z.object({
  precision: z.number(),
  recall: z.number(),
  f1_score: z.number(),
});

export const ClassScoresSchema = z.object({
  /** The class label as it appears in ground truths and predictions. */
  label: JsonValueSchema,
  precision: z.number(),
  recall: z.number(),
  f1_score: z.number(),
  false_positive_rate: z.number(),
  /** Labeled predictions whose true label is this class. */
  support: z.number().int(),
});

export const ConfusionMatrixSchema = z.object({
  /** Row and column order: rows are true labels, columns predicted labels. */
  labels: z.array(JsonValueSchema),
  matrix: z.array(z.array(z.number().int())),
  /** Per predicted label: predictions known to be wrong whose true label is unknown (`correct: false` alone). */
  unknown_truth: z.array(z.number().int()),
});

export const WindowSchema = z.object({
  kind: z.enum(['all', 'duration', 'count', 'range']),
  /** As the caller wrote it: "all", "7d", "500", or null for since/until. */
  spec: z.string().nullable(),
  since: z.string().nullable(),
  until: z.string().nullable(),
});
export type Window = z.infer<typeof WindowSchema>;

/** The users' ratings of a window's predictions. */
export const UserSatisfactionSchema = z.object({
  /** Mean rating, 1–5. */
  mean: z.number(),
  /** Rated predictions. */
  count: z.number().int(),
  /** How many gave each rating. */
  distribution: z.object({ '1': z.number().int(), '2': z.number().int(), '3': z.number().int(), '4': z.number().int(), '5': z.number().int() }),
});
export type UserSatisfaction = z.infer<typeof UserSatisfactionSchema>;

/** The seed's ModelPerformance, computed on demand for one model version and window. */
export const ModelPerformanceSchema = z.object({
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  accuracy: Rate,
  precision: Rate,
  recall: Rate,
  f1_score: Rate,
  /** Mean confidence over the predictions in the window that have one, labeled or not; null when none has. */
  confidence: Rate,
  /** Predictions in the window with a confidence (native sources give none). */
  confidence_count: z.number().int(),
  total_predictions: z.number().int(),
  labeled_predictions: z.number().int(),
  correct_predictions: z.number().int(),
  incorrect_predictions: z.number().int(),
  last_evaluated: z.string(),
  task: z.enum(['binary', 'multiclass']),
  positive_label: JsonValueSchema.nullable(),
  accuracy_interval: z
    .object({ lower: z.number(), upper: z.number(), confidence_level: z.number() })
    .nullable(),
  false_positive_rate: Rate,
  /** Share of labeled predictions whose true label is the positive class (binary models). */
  acceptance_rate: Rate,
  micro: AveragedScoresSchema.nullable(),
  macro: AveragedScoresSchema.nullable(),
  weighted: AveragedScoresSchema.nullable(),
  per_class: z.array(ClassScoresSchema),
  confusion_matrix: ConfusionMatrixSchema,
  window: WindowSchema,
  /** Configured targets for this model (metric → threshold); false_positive_rate is a ceiling, the rest floors. */
  targets: z.record(z.string(), z.number()),
  versions: z.array(ModelVersionSchema),
  /** The users' ratings (1–5) of the window's predictions; null when none was rated. */
  user_satisfaction: UserSatisfactionSchema.nullable(),
  /**
   * `assist_intent` only: 1 − (predictions whose predicted label is a not-understood code) / total;
   * null for other models and for an empty window.
   */
  command_understanding_rate: Rate,
  /**
   * Accuracy estimated without waiting for labels: labeled predictions count as they are, each
   * unlabeled one as its confidence calibrated (isotonic regression) on the labeled ones with a
   * confidence; from the raw records of the window (at most ESTIMATE_SCAN_LIMIT = 5000, newest first). null
   * with fewer than 30 labeled predictions with a confidence. Comparisons stored before these three
   * fields existed read back with null and 0 (the defaults).
   */
  estimated_accuracy: Rate.default(null),
  /** Labeled predictions with a confidence the estimate's calibration was fitted on. */
  estimation_labeled_count: z.number().int().default(0),
  /** Predictions the estimate covers: the labeled ones and the unlabeled ones with a confidence. */
  estimation_prediction_count: z.number().int().default(0),
});
export type ModelPerformance = z.infer<typeof ModelPerformanceSchema>;

/**
 * One line of `GET /models`: the model's default version (`model_version`) over the default
 * window, the same figures `GET /models/{name}` answers; figures of every version together are
 * under `all_versions`.
 */
export const ModelSummarySchema = z.object({
  model_name: ModelNameSchema,
  /** The versions that have predictions, in natural order (`1.2`, `1.9`, `1.10`). */
  versions: z.array(ModelVersionSchema),
  /** The highest version that has predictions; null while none has. */
  latest_version: ModelVersionSchema.nullable(),
  /** The default version (`current_version` when configured, else the highest): the figures below are its. */
  model_version: ModelVersionSchema,
  window: WindowSchema,
  total_predictions: z.number().int(),
  labeled_predictions: z.number().int(),
  accuracy: Rate,
  /** Mean over the predictions that have a confidence; null when none has. */
  confidence: Rate,
  confidence_count: z.number().int(),
  /** This version's newest prediction. */
  last_prediction_at: z.string().nullable(),
  /** Every version together, all time. */
  all_versions: z.object({
    total_predictions: z.number().int(),
    labeled_predictions: z.number().int(),
    last_prediction_at: z.string().nullable(),
  }),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

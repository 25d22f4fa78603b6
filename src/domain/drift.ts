import { z } from 'zod';
import { ModelNameSchema, ModelVersionSchema, TimestampSchema } from './names.js';

/**
 * Query of `GET /models/{name}/drift` and `hap ml-metrics drift`: the current window
 * (`since`/`until`) against a reference window (`reference_since`/`reference_until`). Unset ends
 * are filled by the tracker (the current window defaults to the sensors' window back from now, the
 * reference to the same length just before it).
 */
export const DriftQuerySchema = z
  .strictObject({
    version: ModelVersionSchema.optional(),
    since: TimestampSchema.optional(),
    until: TimestampSchema.optional(),
    reference_since: TimestampSchema.optional(),
    reference_until: TimestampSchema.optional(),
  })
  .superRefine((query, context) => {
    for (const [from, to] of [
      ['since', 'until'],
      ['reference_since', 'reference_until'],
    ] as const) {
      const start = query[from];
      const end = query[to];
      if (start !== undefined && end !== undefined && Date.parse(start) > Date.parse(end)) {
        const message = `${from} (${start}) is later than ${to} (${end}); ${from} must be at or before ${to}`;
        context.addIssue({ code: 'custom', path: [from], message });
        context.addIssue({ code: 'custom', path: [to], message });
      }
    }
  });
export type DriftQuery = z.input<typeof DriftQuerySchema>;

const Count = z.number().int().nonnegative();

/** One window of a drift answer: its range and what was read of it. */
export const DriftWindowSchema = z.object({
  /** Predictions with since ≤ timestamp < until. */
  since: z.string(),
  until: z.string(),
  /** Predictions read (all of the window's raw records, or the newest `sample_limit` when `sampled`). */
  total_predictions: Count,
  labeled_predictions: Count,
  correct_predictions: Count,
  /** Predictions read that have a confidence. */
  confidence_count: Count,
  /** correct / labeled; null when none is labeled. */
  accuracy: z.number().nullable(),
  /** True when the window held more than `sample_limit` predictions: only the newest were read. */
  sampled: z.boolean(),
});
export type DriftWindow = z.infer<typeof DriftWindowSchema>;

/** A change in the correct/incorrect stream found by ADWIN. */
export const ChangePointSchema = z.object({
  /** The time of the prediction whose outcome revealed the change. */
  timestamp: z.string(),
  /** The time of the oldest prediction ADWIN kept: the change happened between it and `timestamp`. */
  changed_since: z.string(),
  metric: z.literal('accuracy'),
  direction: z.enum(['drop', 'rise']),
  /** Accuracy of the predictions ADWIN dropped (before the change). */
  before: z.number(),
  /** Accuracy of the predictions ADWIN kept (River's `estimation` at the detection). */
  after: z.number(),
  /** Accuracy of the labeled predictions after `timestamp` up to the next change point (null: none yet), and how many. */
  accuracy_since: z.number().nullable(),
  labeled_since: Count,
});
export type ChangePoint = z.infer<typeof ChangePointSchema>;

/** Drift between two windows of one model version. Figures are null where a window has too little data. */
export const DriftSchema = z.object({
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  reference: DriftWindowSchema,
  current: DriftWindowSchema,
  /** Most predictions read per window (the newest). */
  sample_limit: Count,
  /** Fewest predictions (with a confidence, for `confidence`; labeled, for the accuracy test) each window needs for a statistic. */
  min_samples: Count,
  confidence: z.object({
    /** Two-sample Kolmogorov–Smirnov statistic and p-value (scipy's `ks_2samp(method='asymp')`). */
    ks_statistic: z.number().nullable(),
    ks_p_value: z.number().nullable(),
    /** Population stability index over 10 equal-width bins of [0, 1]. */
    psi: z.number().nullable(),
  }),
  predictions: z.object({
    /** Chi-square test of homogeneity of the predicted labels (no continuity correction). */
    chi2_statistic: z.number().nullable(),
    chi2_p_value: z.number().nullable(),
    degrees_of_freedom: Count.nullable(),
    /** Population stability index over the union of the predicted labels. */
    psi: z.number().nullable(),
    /** Distinct predicted labels in the two windows. */
    labels: Count,
  }),
  accuracy: z.object({
    reference: z.number().nullable(),
    current: z.number().nullable(),
    /** current − reference. */
    delta: z.number().nullable(),
    /** Two-sided pooled two-proportion z test. */
    p_value: z.number().nullable(),
  }),
  /** Changes in the accuracy stream of both windows together, oldest first. */
  change_points: z.array(ChangePointSchema),
});
export type Drift = z.infer<typeof DriftSchema>;

import { z } from 'zod';
import { ModelNameSchema, ModelVersionSchema } from './names.js';
import { WindowSchema } from './performance.js';
import { PerformanceQuerySchema } from './queries.js';
import { RawScanSchema } from './raw-scan.js';

/**
 * Query of `GET /models/{name}/calibration` and `hap ml-metrics calibration`: the performance
 * query (`version`, `window` or `since`/`until`) and `bins` (1–100, default 10).
 */
export const CalibrationQuerySchema = PerformanceQuerySchema.safeExtend({
  bins: z.coerce
    .number({ error: 'bins must be a whole number from 1 to 100' })
    .int({ error: 'bins must be a whole number from 1 to 100' })
    .min(1, { error: 'bins must be a whole number from 1 to 100' })
    .max(100, { error: 'bins must be a whole number from 1 to 100' })
    .default(10),
});
export type CalibrationQuery = z.input<typeof CalibrationQuerySchema>;

/** One equal-width confidence bin: (lower, upper], the first [0, upper]. */
export const CalibrationBinSchema = z.object({
  lower: z.number(),
  upper: z.number(),
  /** Labeled predictions with a confidence in the bin. */
  count: z.number().int(),
  /** Their mean confidence; null for an empty bin. */
  mean_confidence: z.number().nullable(),
  /** The share of them that was correct; null for an empty bin. */
  accuracy: z.number().nullable(),
});

export type CalibrationBin = z.infer<typeof CalibrationBinSchema>;

/** `GET /models/{name}/calibration`: the reliability curve of one model version over a window. */
export const CalibrationSchema = z.object({
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  window: WindowSchema,
  /** N: the labeled predictions with a confidence the figures rest on. */
  labeled_with_confidence: z.number().int(),
  /** Σ count/N · |accuracy − mean_confidence| over the bins; null when N = 0. */
  ece: z.number().nullable(),
  /** mean (confidence − correct)², scikit-learn's brier_score_loss; null when N = 0. */
  brier_score: z.number().nullable(),
  bins: z.array(CalibrationBinSchema),
  scan: RawScanSchema,
});
export type Calibration = z.infer<typeof CalibrationSchema>;

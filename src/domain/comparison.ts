import { z } from 'zod';
import { ModelNameSchema, ModelVersionSchema, RecordIdSchema } from './names.js';
import { ModelPerformanceSchema } from './performance.js';

const Delta = z.number().nullable();

export const SignificanceTestSchema = z.object({
  method: z.enum(['mcnemar_exact', 'mcnemar_chi2', 'two_proportion_z']),
  statistic: z.number().nullable(),
  p_value: z.number(),
  alpha: z.number(),
  /** Inputs scored by both versions with both labeled (McNemar); 0 for the unpaired test. */
  paired_samples: z.number().int(),
});

/** The seed's ModelComparison: two versions of one model, side by side. */
export const ModelComparisonSchema = z.object({
  comparison_id: RecordIdSchema,
  model_name: ModelNameSchema,
  version_a: ModelVersionSchema,
  version_b: ModelVersionSchema,
  metrics_a: ModelPerformanceSchema,
  metrics_b: ModelPerformanceSchema,
  /** b − a; null where either side has no value. */
  deltas: z.object({
    accuracy: Delta,
    precision: Delta,
    recall: Delta,
    f1_score: Delta,
    confidence: Delta,
  }),
  /** The better version when the test says so; otherwise "inconclusive". */
  winner: z.string(),
  reason: z.string(),
  test: SignificanceTestSchema.nullable(),
  /** Labeled predictions each version needs before a comparison may decide. */
  min_samples: z.number().int(),
  /** Per version, the labeled predictions needed to detect the observed difference (alpha 0.05, power 0.8); null when there is no difference. */
  required_sample_size: z.number().int().nullable(),
  created_at: z.string(),
});
export type ModelComparison = z.infer<typeof ModelComparisonSchema>;

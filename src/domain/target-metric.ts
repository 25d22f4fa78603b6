import { z } from 'zod';

/** Metrics a target can be set on. false_positive_rate is a ceiling; every other target is a floor. */
export const TargetMetricSchema = z.enum([
  'accuracy',
  'precision',
  'recall',
  'f1_score',
  'confidence',
  'false_positive_rate',
  'acceptance_rate',
]);
export type TargetMetric = z.infer<typeof TargetMetricSchema>;

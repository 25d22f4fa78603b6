import type { ExperimentMetric } from '../domain/experiments.js';
import type { PredictionLog } from '../domain/prediction.js';

/** A labeled prediction's class keys (truth null when only "wrong" is known). */
export interface RecordOutcome {
  correct: boolean;
  truth: string | null;
  predicted: string;
}

/** What a metric needs to know about the model. */
export interface MetricContext {
  metric: ExperimentMetric;
  /** The positive class key of a binary model; null for a multiclass one. */
  positive: string | null;
}

/** Whether a higher value of the metric is better (false for the false-positive rate). */
export function higherIsBetter(metric: ExperimentMetric): boolean {
  return metric !== 'false_positive_rate';
}

/** Metrics that need a binary model. */
export function needsBinaryModel(metric: ExperimentMetric): boolean {
  return metric === 'precision' || metric === 'recall' || metric === 'false_positive_rate' || metric === 'acceptance_rate';
}

/**
 * The value one prediction adds to the metric's mean, or null when it does not count:
 * accuracy — 1 correct / 0 wrong over labeled predictions; precision — over labeled predictions
 * of the positive class, 1 when correct; recall — over truly positive ones, 1 when predicted
 * positive; false_positive_rate — over truly negative ones, 1 when predicted positive;
 * acceptance_rate — over labeled ones, 1 when truly positive;
 * confidence — the confidence, when there is one.
 */
export function observationValue(record: Pick<PredictionLog, 'confidence'>, outcome: RecordOutcome | null, context: MetricContext): number | null {
  if (context.metric === 'confidence') return record.confidence;
  if (outcome === null) return null;
  if (context.metric === 'accuracy') return outcome.correct ? 1 : 0;
  const positive = context.positive;
  if (positive === null) return null;
  // As the performance answer counts them: a prediction known wrong without its truth is a
  // false positive when it predicted the positive class, and in no class's support.
  const predictedPositive = outcome.predicted === positive;
  switch (context.metric) {
    case 'precision':
      return predictedPositive ? (outcome.correct ? 1 : 0) : null;
    case 'recall':
      return outcome.truth === positive ? (predictedPositive ? 1 : 0) : null;
    case 'false_positive_rate':
      return outcome.truth === null || outcome.truth === positive ? null : predictedPositive ? 1 : 0;
    case 'acceptance_rate':
      return outcome.truth === positive ? 1 : 0;
  }
}

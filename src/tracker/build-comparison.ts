import { randomUUID } from 'node:crypto';
import type { ModelComparison } from '../domain/comparison.js';
import type { ModelPerformance } from '../domain/performance.js';
import type { PairedOutcome } from '../metrics/version-comparison.js';
import { decideWinner } from '../metrics/version-comparison.js';
import type { ComparisonConfig } from './tracker-config.js';

function delta(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a;
}

/** The comparison of two versions' performance: deltas (b − a) and the winner, if the test names one. */
export function buildComparison(
  a: ModelPerformance,
  b: ModelPerformance,
  paired: PairedOutcome,
  settings: ComparisonConfig,
  now: Date,
): ModelComparison {
  const { min_samples, alpha } = settings;
  const decision = decideWinner(
    { version: a.model_version, correct: a.correct_predictions, labeled: a.labeled_predictions },
    { version: b.model_version, correct: b.correct_predictions, labeled: b.labeled_predictions },
    paired,
    min_samples,
    alpha,
  );
  return {
    comparison_id: randomUUID(),
    model_name: a.model_name,
    version_a: a.model_version,
    version_b: b.model_version,
    metrics_a: a,
    metrics_b: b,
    deltas: {
      accuracy: delta(a.accuracy, b.accuracy),
      precision: delta(a.precision, b.precision),
      recall: delta(a.recall, b.recall),
      f1_score: delta(a.f1_score, b.f1_score),
      confidence: delta(a.confidence, b.confidence),
    },
    winner: decision.winner,
    reason: decision.reason,
    test: decision.test,
    min_samples,
    required_sample_size: decision.required_sample_size,
    created_at: now.toISOString(),
  };
}

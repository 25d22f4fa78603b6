import type { ModelPerformance } from '../domain/performance.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import type { MetricFamily, Sample } from './prometheus-exposition.js';

type Rate = 'accuracy' | 'precision' | 'recall' | 'f1_score' | 'confidence';

/** The gauges: metric name, the field of ModelPerformance, and what it is. */
const GAUGES: { name: string; field: Rate; help: string }[] = [
  { name: 'ml_metrics_accuracy', field: 'accuracy', help: 'Share of labeled predictions that were correct' },
  { name: 'ml_metrics_precision', field: 'precision', help: 'Precision (binary: of the positive class; multiclass: macro average)' },
  { name: 'ml_metrics_recall', field: 'recall', help: 'Recall (binary: of the positive class; multiclass: macro average)' },
  { name: 'ml_metrics_f1_score', field: 'f1_score', help: 'F1 score (binary: of the positive class; multiclass: macro average)' },
  { name: 'ml_metrics_confidence', field: 'confidence', help: 'Mean confidence of the predictions that have one, labeled or not' },
];

/**
 * What `GET /metrics` shows, per model and version (labels `model`, `version`):
 * - counters over all time, from the running aggregates (so retention, which drops raw records
 *   and keeps aggregates, never lowers them): predictions, labeled predictions, correct ones;
 * - gauges over `window` (the sensors' window), as rates in [0, 1]. A gauge whose value is
 *   undefined (no labeled prediction in the window, no confidence given) has no sample.
 */
export async function collectMetricFamilies(tracker: ModelPerformanceTracker, window: string): Promise<MetricFamily[]> {
  const totals: Sample[] = [];
  const labeled: Sample[] = [];
  const correct: Sample[] = [];
  const gauges = new Map<Rate, Sample[]>(GAUGES.map(({ field }) => [field, []]));
  const aggregates = tracker.store.aggregates;
  for (const model of [...aggregates.models()].sort()) {
    const versions = aggregates.versions(model).sort((a, b) => (a.model_version < b.model_version ? -1 : a.model_version > b.model_version ? 1 : 0));
    for (const entry of versions) {
      const labels = { model, version: entry.model_version };
      totals.push({ labels, value: entry.all_time.total });
      labeled.push({ labels, value: entry.all_time.labeled });
      correct.push({ labels, value: entry.all_time.correct });
      const performance: ModelPerformance = await tracker.getPerformance(model, { version: entry.model_version, window });
      for (const { field } of GAUGES) {
        const value = performance[field];
        if (value !== null) gauges.get(field)!.push({ labels, value });
      }
    }
  }
  return [
    { name: 'ml_metrics_predictions_total', type: 'counter', help: 'Predictions logged, all time (including those whose raw records retention dropped)', samples: totals },
    { name: 'ml_metrics_labeled_predictions_total', type: 'counter', help: 'Predictions with a label (ground truth or correct/incorrect), all time', samples: labeled },
    { name: 'ml_metrics_correct_predictions_total', type: 'counter', help: 'Labeled predictions whose label says they were correct, all time', samples: correct },
    ...GAUGES.map(({ name, field, help }) => ({
      name,
      type: 'gauge' as const,
      help: `${help}, over the sensor window (${window}); absent while undefined`,
      samples: gauges.get(field)!,
    })),
  ];
}

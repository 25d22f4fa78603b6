import type { ModelConfig } from './tracker-config.js';
import type { JsonValue } from '../domain/json.js';
import { NATIVE_MODELS } from '../domain/native-models.js';
import type { ModelPerformance, Window } from '../domain/performance.js';
import type { BucketCounts } from '../metrics/bucket-counts.js';
import type { AccuracyEstimate } from '../metrics/estimated-accuracy.js';
import { splitCellKey } from '../metrics/bucket-counts.js';
import { classificationReport } from '../metrics/classification-report.js';
import type { ConfusionCell } from '../metrics/classification-report.js';
import { classKey, classValue } from '../metrics/class-key.js';
import { wilsonInterval } from '../metrics/wilson-interval.js';
import { commandUnderstandingRate, userSatisfaction } from './label-free-metrics.js';

export interface PerformanceContext {
  model_name: string;
  model_version: string;
  versions: string[];
  window: Window;
  model: ModelConfig | undefined;
  now: Date;
  /** The label-free accuracy estimate over the window's raw records. */
  estimate: AccuracyEstimate;
}

const BOOLEAN_KEYS = new Set(['true', 'false']);

/** The task of a model: as configured, else binary when every label seen (keys of `cells`) is a boolean. */
export function modelTask(cells: readonly ConfusionCell[], model: ModelConfig | undefined): 'binary' | 'multiclass' {
  const labelsSeen = new Set(cells.flatMap((cell) => (cell.truth === null ? [cell.predicted] : [cell.truth, cell.predicted])));
  return model?.task ?? (labelsSeen.size > 0 && [...labelsSeen].every((label) => BOOLEAN_KEYS.has(label)) ? 'binary' : 'multiclass');
}

/** Turns counts into the seed's ModelPerformance (plus per-class scores, intervals, confusion matrix). Pure. */
export function buildPerformance(counts: BucketCounts, context: PerformanceContext): ModelPerformance {
  const cells: ConfusionCell[] = [...counts.cells].map(([key, count]) => ({ ...splitCellKey(key), count }));
  const task = modelTask(cells, context.model);
  const positive = classKey(context.model?.positive_label ?? true);
  const report = classificationReport(cells, { task, positiveLabel: positive });
  const labeled = counts.labeled;
  const interval = wilsonInterval(counts.correct, labeled);
  const positiveTruths = report.per_class.find((row) => row.label === positive)?.support ?? 0;
  return {
    model_name: context.model_name,
    model_version: context.model_version,
    accuracy: labeled > 0 ? counts.correct / labeled : null,
    precision: report.headline?.precision ?? null,
    recall: report.headline?.recall ?? null,
    f1_score: report.headline?.f1_score ?? null,
    confidence: counts.confidence_count > 0 ? counts.confidence_sum / counts.confidence_count : null,
    confidence_count: counts.confidence_count,
    total_predictions: counts.total,
    labeled_predictions: labeled,
    correct_predictions: counts.correct,
    incorrect_predictions: labeled - counts.correct,
    last_evaluated: context.now.toISOString(),
    task,
    positive_label: task === 'binary' ? (classValue(positive) as JsonValue) : null,
    accuracy_interval: interval ? { ...interval, confidence_level: 0.95 } : null,
    false_positive_rate: report.false_positive_rate,
    acceptance_rate: task === 'binary' && labeled > 0 ? positiveTruths / labeled : null,
    micro: report.micro,
    macro: report.macro,
    weighted: report.weighted,
    per_class: report.per_class.map((row) => ({
      label: classValue(row.label) as JsonValue,
      precision: row.precision,
      recall: row.recall,
      f1_score: row.f1_score,
      false_positive_rate: row.false_positive_rate,
      support: row.support,
    })),
    confusion_matrix: {
      labels: report.confusion_matrix.labels.map((label) => classValue(label) as JsonValue),
      matrix: report.confusion_matrix.matrix,
      unknown_truth: report.confusion_matrix.unknown_truth,
    },
    window: context.window,
    targets: { ...(context.model?.targets ?? {}) } as Record<string, number>,
    versions: context.versions,
    user_satisfaction: userSatisfaction(counts),
    command_understanding_rate: context.model_name === NATIVE_MODELS.assistIntent ? commandUnderstandingRate(counts) : null,
    estimated_accuracy: context.estimate.estimated_accuracy,
    estimation_labeled_count: context.estimate.labeled,
    estimation_prediction_count: context.estimate.predictions,
  };
}

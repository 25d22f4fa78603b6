import type { Drift } from '../domain/drift.js';
import type { ExperimentReport } from '../domain/experiments.js';
import type { ModelPerformance } from '../domain/performance.js';
import type { Slices } from '../domain/slices.js';
import type { Confusion, Figure, ModelReport, Point, TargetCheck } from './report-model.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The figures a report compares, in the order it lists them. */
export const REPORT_METRICS = ['accuracy', 'precision', 'recall', 'f1_score', 'confidence', 'estimated_accuracy'] as const;

function rate(performance: ModelPerformance, metric: string): number | null {
  const value: unknown = (performance as Record<string, unknown>)[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Each metric this period against the previous one. */
export function compareFigures(current: ModelPerformance, previous: ModelPerformance): Figure[] {
  return REPORT_METRICS.map((metric) => {
    const now = rate(current, metric);
    const before = rate(previous, metric);
    return { metric, current: now, previous: before, delta: now === null || before === null ? null : now - before };
  });
}

/** The configured targets against this period's figures: false_positive_rate is a ceiling, the rest floors. */
export function checkTargets(performance: ModelPerformance): TargetCheck[] {
  return Object.entries(performance.targets)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([metric, target]) => {
      const kind = metric === 'false_positive_rate' ? 'ceiling' : 'floor';
      const value = rate(performance, metric);
      const status = value === null ? 'unknown' : (kind === 'floor' ? value >= target : value <= target) ? 'met' : 'missed';
      return { metric, kind, target, value, status };
    });
}

/** A label as text: strings as they are, other JSON as JSON. */
export function labelText(label: unknown): string {
  return typeof label === 'string' ? label : JSON.stringify(label) ?? 'null';
}

/** The largest off-diagonal cells of the confusion matrix (truth ≠ predicted), largest first. */
export function topConfusions(performance: ModelPerformance, limit = 3): Confusion[] {
  const { labels, matrix } = performance.confusion_matrix;
  const cells: Confusion[] = [];
  matrix.forEach((row, truth) =>
    row.forEach((count, predicted) => {
      if (truth !== predicted && count > 0) cells.push({ truth: labelText(labels[truth]), predicted: labelText(labels[predicted]), count });
    }),
  );
  return cells.sort((a, b) => b.count - a.count || (a.truth + a.predicted < b.truth + b.predicted ? -1 : 1)).slice(0, limit);
}

/** Slices with at least `minLabeled` labeled predictions and an accuracy, lowest accuracy first. */
export function worstSlices(answers: Slices[], minLabeled = 5, limit = 3): ModelReport['worst_slices'] {
  const slices = answers.flatMap((answer) =>
    answer.slices
      .filter((slice) => slice.kind !== 'other' && slice.accuracy !== null && slice.labeled_predictions >= minLabeled)
      .map((slice) => ({ by: answer.by, value: slice.value, labeled_predictions: slice.labeled_predictions, accuracy: slice.accuracy ?? 0 })),
  );
  return slices.sort((a, b) => a.accuracy - b.accuracy || b.labeled_predictions - a.labeled_predictions).slice(0, limit);
}

/** The drift answer, reduced to what a report shows. */
export function summarizeDrift(drift: Drift): NonNullable<ModelReport['drift']> {
  return {
    ks_statistic: drift.confidence.ks_statistic,
    ks_p_value: drift.confidence.ks_p_value,
    confidence_psi: drift.confidence.psi,
    chi2_p_value: drift.predictions.chi2_p_value,
    predictions_psi: drift.predictions.psi,
    accuracy_delta: drift.accuracy.delta,
    accuracy_p_value: drift.accuracy.p_value,
    change_points: drift.change_points.map(({ timestamp, direction, before, after }) => ({ timestamp, direction, before, after })),
    sampled: drift.reference.sampled || drift.current.sampled,
  };
}

/** The model's experiments that ended in the period or are still running. */
export function periodExperiments(experiments: ExperimentReport[], model: string, sinceMs: number, untilMs: number): ModelReport['experiments'] {
  return experiments
    .filter((experiment) => experiment.model_name === model)
    .filter((experiment) => {
      if (experiment.status === 'running') return true;
      const ended = experiment.ended_at === null ? Number.NaN : Date.parse(experiment.ended_at);
      return ended >= sinceMs && ended < untilMs;
    })
    .map((experiment) => ({
      name: experiment.name,
      version_a: experiment.version_a,
      version_b: experiment.version_b,
      status: experiment.status,
      winner: experiment.winner,
      metric: experiment.metric_name,
      delta: experiment.metric.delta,
      ended_at: experiment.ended_at,
    }));
}

/**
 * The buckets of the accuracy line: one a day for periods up to 31 days, else 30 equal ones. The
 * inner boundaries fall on whole hours, so each bucket is counted from the hourly aggregates and
 * only the period's two ends read raw records.
 */
export function seriesBuckets(sinceMs: number, untilMs: number): Array<{ since: string; until: string }> {
  const span = untilMs - sinceMs;
  const count = span <= 31 * DAY_MS ? Math.max(1, Math.ceil(span / DAY_MS)) : 30;
  const step = span <= 31 * DAY_MS ? DAY_MS : span / 30;
  const boundary = (index: number) => (index === 0 ? sinceMs : index === count ? untilMs : Math.floor((sinceMs + index * step) / HOUR_MS) * HOUR_MS);
  const buckets: Array<{ since: string; until: string }> = [];
  for (let index = 0; index < count; index += 1) {
    const from = boundary(index);
    const to = Math.min(untilMs, boundary(index + 1));
    if (to > from) buckets.push({ since: new Date(from).toISOString(), until: new Date(to).toISOString() });
  }
  return buckets;
}

/** Whether a period's accuracy line has a point a day (periods up to 31 days). */
export function isDailySeries(sinceMs: number, untilMs: number): boolean {
  return untilMs - sinceMs <= 31 * DAY_MS;
}

export function point(bucket: { since: string; until: string }, counts: { labeled: number; correct: number }): Point {
  return { ...bucket, accuracy: counts.labeled === 0 ? null : counts.correct / counts.labeled, labeled: counts.labeled };
}

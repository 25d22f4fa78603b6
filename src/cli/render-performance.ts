import type { JsonValue } from '../domain/json.js';
import type { ModelPerformance, Window } from '../domain/performance.js';
import { MIN_CALIBRATION_SAMPLES as MIN_ESTIMATE_LABELED } from '../metrics/estimated-accuracy.js';
import { formatTable } from './format-table.js';
import { NONE, formatCount, formatJsonValue, formatPercent, formatTimestamp, truncate } from './format-values.js';

/** The confusion matrix is printed up to this many classes; beyond, it would not fit a terminal. */
export const MAX_MATRIX_CLASSES = 12;

/** The metric names a target may use, in the order they are shown, with their display names. */
const HEADLINE_METRICS = [
  ['accuracy', 'accuracy'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['f1_score', 'F1 score'],
  ['confidence', 'confidence'],
  ['false_positive_rate', 'false positive rate'],
  ['acceptance_rate', 'acceptance rate'],
  ['command_understanding_rate', 'command understanding'],
] as const;
type HeadlineMetric = (typeof HEADLINE_METRICS)[number][0];

/** Shown only when they have a value or a target. */
const OPTIONAL_METRICS: ReadonlySet<string> = new Set(['false_positive_rate', 'acceptance_rate', 'command_understanding_rate']);

interface HeadlineRow {
  name: string;
  value: number | null;
  interval: string;
  target: number | undefined;
  /** A ceiling (false positive rate) rather than a floor. */
  ceiling: boolean;
}

/** `≥ 90.0% ✓`, `≤ 10.0% ✗`, or `≥ 90.0% ?` when there is no value to judge. */
export function formatTarget(value: number | null, target: number | undefined, ceiling: boolean): string {
  if (target === undefined) return '';
  const bound = `${ceiling ? '≤' : '≥'} ${formatPercent(target)}`;
  if (value === null) return `${bound} ?`;
  const met = ceiling ? value <= target : value >= target;
  return `${bound} ${met ? '✓' : '✗'}`;
}

export function describeWindow(window: Window): string {
  switch (window.kind) {
    case 'all':
      return 'all predictions';
    case 'count':
      return `last ${window.spec ?? '?'} labeled predictions`;
    case 'duration':
      return `last ${window.spec ?? '?'}${window.since ? ` (since ${formatTimestamp(window.since)})` : ''}`;
    case 'range':
      return `${window.since ? formatTimestamp(window.since) : 'the first prediction'} to ${
        window.until ? formatTimestamp(window.until) : 'now'
      }`;
  }
}

function headlineRows(performance: ModelPerformance): HeadlineRow[] {
  const values: Record<HeadlineMetric, number | null> = {
    accuracy: performance.accuracy,
    precision: performance.precision,
    recall: performance.recall,
    f1_score: performance.f1_score,
    confidence: performance.confidence,
    false_positive_rate: performance.false_positive_rate,
    acceptance_rate: performance.acceptance_rate,
    command_understanding_rate: performance.command_understanding_rate,
  };
  const interval = performance.accuracy_interval;
  const rows: HeadlineRow[] = [];
  for (const [key, name] of HEADLINE_METRICS) {
    const target = performance.targets[key];
    if (OPTIONAL_METRICS.has(key) && values[key] === null && target === undefined) continue;
    rows.push({
      name,
      value: values[key],
      interval:
        key === 'accuracy' && interval ? `${formatPercent(interval.lower)} – ${formatPercent(interval.upper)}` : '',
      target,
      ceiling: key === 'false_positive_rate',
    });
  }
  // Targets on metrics this version of the CLI does not know still show, unjudged.
  const known: ReadonlySet<string> = new Set(HEADLINE_METRICS.map(([key]) => key));
  for (const [key, target] of Object.entries(performance.targets)) {
    if (!known.has(key)) rows.push({ name: key, value: null, interval: '', target, ceiling: false });
  }
  return rows;
}

function renderHeadline(performance: ModelPerformance): string {
  const rows = headlineRows(performance);
  const level = performance.accuracy_interval?.confidence_level ?? 0.95;
  const hasTargets = rows.some((row) => row.target !== undefined);
  return formatTable(rows, [
    { header: 'metric', value: (row) => row.name },
    { header: 'value', align: 'right', value: (row) => formatPercent(row.value) },
    { header: `${Math.round(level * 100)}% interval`, value: (row) => row.interval },
    ...(hasTargets ? [{ header: 'target', value: (row: HeadlineRow) => formatTarget(row.value, row.target, row.ceiling) }] : []),
  ]);
}

function labelText(label: JsonValue | undefined, max = 20): string {
  return truncate(formatJsonValue(label), max);
}

function renderPerClass(performance: ModelPerformance): string {
  type Row = { label: string; precision: number; recall: number; f1: number; fpr: number | null; support: number | null };
  const rows: Row[] = performance.per_class.map((entry) => ({
    label: labelText(entry.label),
    precision: entry.precision,
    recall: entry.recall,
    f1: entry.f1_score,
    fpr: entry.false_positive_rate,
    support: entry.support,
  }));
  for (const [name, scores] of [
    ['macro avg', performance.macro],
    ['weighted avg', performance.weighted],
  ] as const) {
    if (scores) {
      rows.push({ label: name, precision: scores.precision, recall: scores.recall, f1: scores.f1_score, fpr: null, support: null });
    }
  }
  return formatTable(rows, [
    { header: 'class', value: (row) => row.label },
    { header: 'precision', align: 'right', value: (row) => formatPercent(row.precision) },
    { header: 'recall', align: 'right', value: (row) => formatPercent(row.recall) },
    { header: 'F1', align: 'right', value: (row) => formatPercent(row.f1) },
    { header: 'FPR', align: 'right', value: (row) => (row.fpr === null ? '' : formatPercent(row.fpr)) },
    { header: 'support', align: 'right', value: (row) => (row.support === null ? '' : formatCount(row.support)) },
  ]);
}

function renderConfusionMatrix(performance: ModelPerformance): string {
  const { labels, matrix, unknown_truth: unknownTruth } = performance.confusion_matrix;
  type Row = { name: string; counts: readonly number[] };
  const rows: Row[] = labels.map((label, index) => ({ name: labelText(label, 16), counts: matrix[index] ?? [] }));
  if (unknownTruth.some((count) => count > 0)) rows.push({ name: '(wrong, truth unknown)', counts: unknownTruth });
  return formatTable(rows, [
    { header: 'true \\ predicted', value: (row) => row.name },
    ...labels.map((label, column) => ({
      header: labelText(label, 12),
      align: 'right' as const,
      value: (row: Row) => formatCount(row.counts[column] ?? 0),
    })),
  ]);
}

/** The label-free estimate's line; none for a model whose predictions carry no confidence. */
function renderEstimate(performance: ModelPerformance): string | null {
  if (performance.confidence_count === 0) return null;
  const fitted = performance.estimation_labeled_count;
  if (performance.estimated_accuracy === null) {
    return `estimated accuracy: ${NONE} (needs ${MIN_ESTIMATE_LABELED} labeled predictions with a confidence to calibrate on; ${fitted} so far)`;
  }
  return (
    `estimated accuracy: ${formatPercent(performance.estimated_accuracy)} over ${formatCount(performance.estimation_prediction_count)} predictions ` +
    `(labeled as they are, unlabeled by their confidence calibrated on ${formatCount(fitted)} labeled)`
  );
}

/** `hap ml-metrics performance`: headline metrics against targets, then per class and the confusion matrix. */
export function renderPerformance(performance: ModelPerformance): string {
  const task =
    performance.task === 'binary' && performance.positive_label !== null
      ? `binary, positive class ${formatJsonValue(performance.positive_label)}`
      : performance.task;
  const others = performance.versions.filter((version) => version !== performance.model_version);
  const sections = [
    [
      `${performance.model_name} — version ${performance.model_version} (${task})`,
      `window: ${describeWindow(performance.window)}; evaluated ${formatTimestamp(performance.last_evaluated)}`,
      others.length > 0 ? `other versions: ${others.join(', ')}` : null,
    ]
      .filter((line) => line !== null)
      .join('\n'),
    renderHeadline(performance),
    `predictions: ${performance.total_predictions} total, ${performance.labeled_predictions} labeled, ` +
      `${performance.correct_predictions} correct, ${performance.incorrect_predictions} incorrect` +
      (performance.confidence_count === performance.total_predictions ? '' : `; ${performance.confidence_count} with a confidence`),
  ];
  const estimate = renderEstimate(performance);
  if (estimate !== null) sections.push(estimate);
  const satisfaction = performance.user_satisfaction;
  if (satisfaction) {
    const spread = Object.entries(satisfaction.distribution).map(([rating, count]) => `${rating}: ${count}`).join(', ');
    sections.push(`user satisfaction: ${satisfaction.mean.toFixed(2)} / 5 from ${satisfaction.count} rating(s) (${spread})`);
  }
  if (performance.labeled_predictions === 0) {
    sections.push(`No labeled predictions in this window: accuracy, precision and recall show ${NONE}.`);
  }
  if (performance.per_class.length > 0) sections.push(`Per class:\n${renderPerClass(performance)}`);
  const classes = performance.confusion_matrix.labels.length;
  if (classes > 0 && classes <= MAX_MATRIX_CLASSES) {
    sections.push(`Confusion matrix (rows: true class, columns: predicted):\n${renderConfusionMatrix(performance)}`);
  } else if (classes > MAX_MATRIX_CLASSES) {
    sections.push(`Confusion matrix: ${classes} classes, too many to print; use --json.`);
  }
  return sections.join('\n\n');
}

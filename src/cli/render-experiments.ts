import type { Assignment, ExperimentReport } from '../domain/experiments.js';
import { formatPairs, formatTable } from './format-table.js';
import { formatDelta, formatPercent, formatPValue, formatTimestamp, NONE } from './format-values.js';

function outcome(report: ExperimentReport): string {
  if (report.status === 'decided') return report.winner === null ? 'decided: no difference' : `decided: ${report.winner}`;
  return report.status;
}

/** `hap ml-metrics experiments`: newest first. */
export function renderExperimentList(reports: readonly ExperimentReport[]): string {
  if (reports.length === 0) return 'No experiments yet. Start one with: hap ml-metrics experiment create --help';
  return formatTable(reports, [
    { header: 'id', value: (r) => r.experiment_id },
    { header: 'name', value: (r) => r.name },
    { header: 'model', value: (r) => r.model_name },
    { header: 'a → b', value: (r) => `${r.version_a} → ${r.version_b}` },
    { header: 'metric', value: (r) => r.metric_name },
    { header: 'n a/b', align: 'right', value: (r) => `${r.samples.a}/${r.samples.b}` },
    { header: 'a', align: 'right', value: (r) => formatPercent(r.metric.a) },
    { header: 'b', align: 'right', value: (r) => formatPercent(r.metric.b) },
    { header: 'p', align: 'right', value: (r) => formatPValue(r.p_value) },
    { header: 'status', value: outcome },
  ]);
}

/** `hap ml-metrics experiment show|create|stop`. */
export function renderExperiment(report: ExperimentReport): string {
  const interval = report.metric.interval ? `${formatDelta(report.metric.interval[0])} to ${formatDelta(report.metric.interval[1])}` : NONE;
  return formatPairs([
    ['experiment', `${report.name} (${report.experiment_id})`],
    ['model', `${report.model_name}: ${report.version_a} (a) vs ${report.version_b} (b), ${Math.round(report.allocation * 100)}% to b`],
    ['status', outcome(report)],
    ['metric', report.metric_name],
    ['samples', `a ${report.samples.a}, b ${report.samples.b}`],
    ['a', formatPercent(report.metric.a)],
    ['b', formatPercent(report.metric.b)],
    ['b − a', formatDelta(report.metric.delta)],
    [`${Math.round((1 - report.alpha) * 100)}% interval`, `${interval} (always valid)`],
    ['p', `${formatPValue(report.p_value)} (always valid; alpha ${report.alpha})`],
    ['decision', report.decision],
    ['reason', report.reason],
    ['started', formatTimestamp(report.created_at)],
    ['ended', formatTimestamp(report.ended_at)],
    ['hub sensor', `sensor.ml_experiment_${report.slug}`],
  ]);
}

export function renderAssignment(assignment: Assignment): string {
  return `${assignment.unit}: ${assignment.version} (experiment ${assignment.experiment_id}, ${assignment.status})`;
}

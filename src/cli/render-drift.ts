import type { Drift, DriftWindow } from '../domain/drift.js';
import { formatPairs, formatTable } from './format-table.js';
import { formatCount, formatDecimal, formatDelta, formatPValue, formatPercent, formatTimestamp } from './format-values.js';

function describeRange(window: DriftWindow): string {
  const sampled = window.sampled ? ' (sampled: the newest only)' : '';
  return `${formatTimestamp(window.since)} → ${formatTimestamp(window.until)}: ${window.total_predictions} prediction(s), ${window.labeled_predictions} labeled${sampled}`;
}

/** `hap ml-metrics drift`: the two windows, each statistic, and the change points. */
export function renderDrift(drift: Drift): string {
  const lines = [
    `${drift.model_name} — version ${drift.model_version}: drift of the current window against the reference`,
    formatPairs([
      ['reference', describeRange(drift.reference)],
      ['current', describeRange(drift.current)],
      ['accuracy', `${formatPercent(drift.accuracy.reference)} → ${formatPercent(drift.accuracy.current)} (${formatDelta(drift.accuracy.delta)}, p ${formatPValue(drift.accuracy.p_value)})`],
      ['confidence KS', `${formatDecimal(drift.confidence.ks_statistic)} (p ${formatPValue(drift.confidence.ks_p_value)})`],
      ['confidence PSI', formatDecimal(drift.confidence.psi)],
      ['labels chi-square', `${formatDecimal(drift.predictions.chi2_statistic)} (p ${formatPValue(drift.predictions.chi2_p_value)}, ${drift.predictions.labels} label(s))`],
      ['labels PSI', formatDecimal(drift.predictions.psi)],
    ]),
  ];
  if (drift.reference.sampled || drift.current.sampled) lines.push(`A window held more than ${drift.sample_limit} predictions: only its newest ${drift.sample_limit} were read.`);
  lines.push(`Statistics need at least ${drift.min_samples} values in each window; — where there were fewer.`);
  if (drift.change_points.length === 0) {
    lines.push('No change point in the accuracy of these windows.');
  } else {
    lines.push(
      'Change points (ADWIN over the correct/incorrect stream):',
      formatTable(drift.change_points, [
        { header: 'found at', value: (point) => formatTimestamp(point.timestamp) },
        { header: 'began after', value: (point) => formatTimestamp(point.changed_since) },
        { header: 'change', value: (point) => point.direction },
        { header: 'before', align: 'right', value: (point) => formatPercent(point.before) },
        { header: 'after', align: 'right', value: (point) => formatPercent(point.after) },
        { header: 'since then', align: 'right', value: (point) => `${formatPercent(point.accuracy_since)} of ${formatCount(point.labeled_since)}` },
      ]),
    );
  }
  return lines.join('\n');
}

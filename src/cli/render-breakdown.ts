import type { Breakdown } from '../domain/breakdown.js';
import { formatTable } from './format-table.js';
import { NONE, formatCount, formatJsonValue, formatPercent, truncate } from './format-values.js';
import { describeWindow } from './render-performance.js';

/** `hap ml-metrics breakdown`: one line per value of the context key. */
export function renderBreakdown(breakdown: Breakdown): string {
  const title = `${breakdown.model_name} — version ${breakdown.model_version}, by context.${breakdown.by}; window: ${describeWindow(breakdown.window)}`;
  if (breakdown.groups.length === 0) return `${title}\nNo raw predictions in this window.`;
  const table = formatTable(breakdown.groups, [
    { header: breakdown.by, value: (group) => (group.value === null ? `${NONE} (no ${breakdown.by})` : truncate(formatJsonValue(group.value), 60)) },
    { header: 'predictions', align: 'right', value: (group) => formatCount(group.total_predictions) },
    { header: 'labeled', align: 'right', value: (group) => formatCount(group.labeled_predictions) },
    { header: 'correct', align: 'right', value: (group) => formatCount(group.correct_predictions) },
    { header: 'accuracy', align: 'right', value: (group) => formatPercent(group.accuracy) },
  ]);
  return `${title}\n${table}`;
}

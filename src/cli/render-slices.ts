import type { Slices } from '../domain/slices.js';
import { formatTable } from './format-table.js';
import { formatCount, formatPercent, truncate } from './format-values.js';
import { describePartialScan } from './render-calibration.js';
import { describeWindow } from './render-performance.js';

/** `hap ml-metrics slices`: one line per value of the field, largest first, "(other)" last. */
export function renderSlices(slices: Slices): string {
  const version = slices.model_version === null ? 'every version' : `version ${slices.model_version}`;
  const lines = [`${slices.model_name} — ${version}, by ${slices.by}; window: ${describeWindow(slices.window)}`];
  if (slices.slices.length === 0) {
    lines.push('No raw predictions in this window.');
  } else {
    lines.push(
      formatTable(slices.slices, [
        { header: slices.by, value: (slice) => truncate(slice.value, 60) },
        { header: 'predictions', align: 'right', value: (slice) => formatCount(slice.total_predictions) },
        { header: 'labeled', align: 'right', value: (slice) => formatCount(slice.labeled_predictions) },
        { header: 'accuracy', align: 'right', value: (slice) => formatPercent(slice.accuracy) },
        { header: 'precision', align: 'right', value: (slice) => formatPercent(slice.precision) },
        { header: 'recall', align: 'right', value: (slice) => formatPercent(slice.recall) },
        { header: 'F1', align: 'right', value: (slice) => formatPercent(slice.f1_score) },
        { header: 'confidence', align: 'right', value: (slice) => formatPercent(slice.confidence) },
      ]),
    );
    const other = slices.slices.find((slice) => slice.kind === 'other');
    if (other) lines.push(`(other): the values past the ${slices.limit} largest, together; --limit shows more (up to 100).`);
  }
  const partial = describePartialScan(slices.scan);
  if (partial !== null) lines.push(partial);
  return lines.join('\n');
}

import type { Timeseries, TimeseriesPoint } from '../domain/timeseries.js';
import { formatTable } from './format-table.js';
import { formatCount, formatPercent } from './format-values.js';
import { sparkline, sparkStats } from './sparkline.js';

interface Row {
  label: string;
  value: (point: TimeseriesPoint) => number | null;
  format: (value: number | null) => string;
}

const ROWS: Row[] = [
  { label: 'accuracy', value: (point) => point.accuracy, format: formatPercent },
  { label: 'precision', value: (point) => point.precision, format: formatPercent },
  { label: 'recall', value: (point) => point.recall, format: formatPercent },
  { label: 'F1', value: (point) => point.f1_score, format: formatPercent },
  { label: 'confidence', value: (point) => point.confidence, format: formatPercent },
  // Counts: an empty bucket has 0 predictions, drawn as the lowest block rather than a gap.
  { label: 'predictions', value: (point) => point.total_predictions, format: formatCount },
  { label: 'labeled', value: (point) => point.labeled_predictions, format: formatCount },
];

const BUCKET_NAME: Record<Timeseries['bucket'], string> = { '1h': 'hour', '1d': 'UTC day', '1w': 'ISO week (from Monday)' };

/** `hap ml-metrics trend`: one sparkline per metric, one character per bucket (a gap: no labeled prediction), with min/max/last. */
export function renderTrend(series: Timeseries): string {
  const span = `${series.since.slice(0, 16).replace('T', ' ')} → ${series.until.slice(0, 16).replace('T', ' ')} UTC`;
  const title = `${series.model_name} — version ${series.model_version}, ${series.points.length} × ${BUCKET_NAME[series.bucket]}, ${span}`;
  const rows = ROWS.map((row) => {
    const values = series.points.map(row.value);
    return { label: row.label, line: sparkline(values), stats: sparkStats(values), format: row.format };
  });
  const table = formatTable(rows, [
    { header: 'metric', value: (row) => row.label },
    { header: 'trend (oldest → newest)', value: (row) => row.line },
    { header: 'min', align: 'right', value: (row) => row.format(row.stats.min) },
    { header: 'max', align: 'right', value: (row) => row.format(row.stats.max) },
    { header: 'last', align: 'right', value: (row) => row.format(row.stats.last) },
  ]);
  const target = series.targets['accuracy'];
  const footer = target === undefined ? '' : `\naccuracy target: ${formatPercent(target)}`;
  return `${title}\n${table}${footer}`;
}

import type { ModelComparison } from '../domain/comparison.js';
import type { ModelPerformance } from '../domain/performance.js';
import { formatTable } from './format-table.js';
import { formatCount, formatDelta, formatPClause, formatPercent } from './format-values.js';

const METHOD_NAMES: Record<NonNullable<ModelComparison['test']>['method'], string> = {
  mcnemar_exact: "McNemar's exact test",
  mcnemar_chi2: "McNemar's chi-squared test",
  two_proportion_z: 'two-proportion z-test',
};

type RateKey = keyof ModelComparison['deltas'];
const COMPARED: ReadonlyArray<readonly [RateKey, string]> = [
  ['accuracy', 'accuracy'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['f1_score', 'F1 score'],
  ['confidence', 'confidence'],
];

interface Row {
  name: string;
  a: string;
  b: string;
  delta: string;
}

function countRow(name: string, pick: (metrics: ModelPerformance) => number, comparison: ModelComparison): Row {
  const a = pick(comparison.metrics_a);
  const b = pick(comparison.metrics_b);
  const difference = b - a;
  return { name, a: formatCount(a), b: formatCount(b), delta: difference > 0 ? `+${difference}` : difference === 0 ? '±0' : String(difference) };
}

/**
 * `hap ml-metrics compare`: both versions side by side, b − a, the winner and the test behind it;
 * `stored: false` (read from the data directory) says the comparison was not stored.
 */
export function renderComparison(comparison: ModelComparison, { stored = true }: { stored?: boolean } = {}): string {
  const rows: Row[] = COMPARED.map(([key, name]) => ({
    name,
    a: formatPercent(comparison.metrics_a[key]),
    b: formatPercent(comparison.metrics_b[key]),
    delta: formatDelta(comparison.deltas[key]),
  }));
  rows.push(countRow('predictions', (metrics) => metrics.total_predictions, comparison));
  rows.push(countRow('labeled', (metrics) => metrics.labeled_predictions, comparison));
  const table = formatTable(rows, [
    { header: 'metric', value: (row) => row.name },
    { header: comparison.version_a, align: 'right', value: (row) => row.a },
    { header: comparison.version_b, align: 'right', value: (row) => row.b },
    { header: `${comparison.version_b} − ${comparison.version_a}`, align: 'right', value: (row) => row.delta },
  ]);

  const { test } = comparison;
  const lines = [
    `${comparison.model_name}: version ${comparison.version_a} against ${comparison.version_b}`,
    '',
    table,
    '',
    `winner: ${comparison.winner}`,
    `reason: ${comparison.reason}`,
  ];
  if (test) {
    const paired = test.paired_samples > 0 ? `, ${test.paired_samples} paired samples` : '';
    const statistic = test.statistic === null ? '' : `, statistic ${test.statistic.toFixed(3)}`;
    lines.push(`test: ${METHOD_NAMES[test.method]}, ${formatPClause(test.p_value)} (alpha ${test.alpha}${statistic}${paired})`);
  } else {
    lines.push('test: none');
  }
  lines.push(`minimum labeled predictions per version: ${comparison.min_samples}`);
  if (comparison.required_sample_size !== null) {
    lines.push(`labeled predictions per version needed to detect this difference: ${comparison.required_sample_size}`);
  }
  if (!stored) lines.push('', 'Not stored: read directly from the data directory (read-only); compare with --url against the service to store it.');
  return lines.join('\n');
}

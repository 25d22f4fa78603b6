import type { ModelPerformance } from '../domain/performance.js';
import { h } from './dom.js';
import { count, jsonText, percent } from './format.js';

/** The confusion matrix as a table whose cells shade with their share of the row (a heatmap); numbers always shown. */
export function confusionTable(performance: ModelPerformance): HTMLElement {
  const { labels, matrix, unknown_truth: unknown } = performance.confusion_matrix;
  if (labels.length === 0) return h('p', { class: 'muted' }, 'No labeled prediction in this window.');
  const names = labels.map(jsonText);
  const head = h('tr', {}, h('th', { scope: 'col' }, 'true ↓ / predicted →'), ...names.map((name) => h('th', { scope: 'col' }, name)));
  const rows = matrix.map((row, i) => {
    const total = row.reduce((sum, value) => sum + value, 0);
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, names[i] ?? ''),
      ...row.map((value, j) => {
        const share = total > 0 ? value / total : 0;
        const kind = i === j ? 'hit' : 'miss';
        return h('td', { class: `heat ${kind}`, style: `--share:${share.toFixed(3)}`, title: `${value} of ${total} (${percent(share)})` }, count(value));
      }),
    );
  });
  const unknownRow = unknown.some((value) => value > 0)
    ? h('tr', {}, h('th', { scope: 'row' }, 'wrong, truth unknown'), ...unknown.map((value) => h('td', {}, count(value))))
    : null;
  return h('div', { class: 'scroll' }, h('table', { class: 'matrix' }, h('thead', {}, head), h('tbody', {}, ...rows, unknownRow)));
}

/** Precision, recall, F1 and support per class. */
export function perClassTable(performance: ModelPerformance): HTMLElement {
  if (performance.per_class.length === 0) return h('p', { class: 'muted' }, 'No labeled prediction in this window.');
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['class', 'precision', 'recall', 'F1', 'false positive rate', 'support'].map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...performance.per_class.map((row) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, jsonText(row.label)),
            h('td', {}, percent(row.precision)),
            h('td', {}, percent(row.recall)),
            h('td', {}, percent(row.f1_score)),
            h('td', {}, percent(row.false_positive_rate)),
            h('td', {}, count(row.support)),
          ),
        ),
      ),
    ),
  );
}

/** The headline figures with their targets. */
export function headline(performance: ModelPerformance): HTMLElement {
  const metrics: Array<[string, keyof ModelPerformance]> = [
    ['accuracy', 'accuracy'],
    ['precision', 'precision'],
    ['recall', 'recall'],
    ['F1', 'f1_score'],
    ['confidence', 'confidence'],
  ];
  const interval = performance.accuracy_interval;
  return h(
    'dl',
    { class: 'figures' },
    ...metrics.flatMap(([label, key]) => {
      const value = performance[key];
      const target = performance.targets[key];
      return [
        h('dt', {}, label),
        h(
          'dd',
          { 'data-field': key },
          percent(typeof value === 'number' ? value : null),
          target === undefined ? null : h('small', { class: 'muted' }, ` target ${percent(target, 0)}`),
        ),
      ];
    }),
    h('dt', {}, '95 % interval'),
    h('dd', {}, interval ? `${percent(interval.lower)} – ${percent(interval.upper)}` : '—'),
    h('dt', {}, 'labeled'),
    h('dd', { 'data-field': 'labeled' }, `${count(performance.labeled_predictions)} of ${count(performance.total_predictions)}`),
  );
}

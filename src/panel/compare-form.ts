import type { ModelComparison } from '../domain/comparison.js';
import { api } from './api.js';
import { errorLine, h } from './dom.js';
import { percent, utcTime } from './format.js';

function delta(value: number | null): string {
  if (value === null) return '—';
  const points = value * 100;
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pts`;
}

/** A comparison's verdict: the winner (or inconclusive), the test and p-value, the deltas. */
export function comparisonView(comparison: ModelComparison): HTMLElement {
  const test = comparison.test;
  return h(
    'div',
    { class: 'verdict', 'data-winner': comparison.winner },
    h('p', { class: 'big' }, comparison.winner === 'inconclusive' ? 'Inconclusive' : `Winner: v${comparison.winner}`),
    h('p', {}, comparison.reason),
    test ? h('p', { class: 'muted' }, `${test.method.replaceAll('_', ' ')}, p = ${test.p_value.toPrecision(3)} (α ${test.alpha}), ${test.paired_samples} paired`) : null,
    h(
      'p',
      {},
      `v${comparison.version_b} vs v${comparison.version_a}: accuracy ${delta(comparison.deltas.accuracy)}, F1 ${delta(comparison.deltas.f1_score)} · ` +
        `accuracy ${percent(comparison.metrics_a.accuracy)} → ${percent(comparison.metrics_b.accuracy)}`,
    ),
    h('p', { class: 'muted' }, `compared ${utcTime(comparison.created_at)}`),
  );
}

/** Two version pickers and a Compare button; shows the newest stored comparison until then. */
export function compareForm(model: string, versions: string[], latest: ModelComparison | undefined): HTMLElement {
  if (versions.length < 2) return h('p', { class: 'muted' }, 'Only one version has predictions: nothing to compare yet.');
  const pick = (name: string, selected: string) =>
    h('select', { name, 'aria-label': name === 'a' ? 'baseline version' : 'candidate version' }, ...versions.map((version) => h('option', { value: version, ...(version === selected ? { selected: true } : {}) }, version)));
  const a = pick('a', versions.at(-2) ?? '');
  const b = pick('b', versions.at(-1) ?? '');
  const out = h('div', { 'aria-live': 'polite' }, latest ? comparisonView(latest) : null);
  const form = h('form', { class: 'inline' }, h('label', {}, 'baseline ', a), h('label', {}, ' candidate ', b), h('button', { type: 'submit' }, 'Compare'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    out.replaceChildren(h('p', { class: 'muted' }, 'comparing…'));
    api.compare(model, a.value, b.value).then(
      (comparison) => out.replaceChildren(comparisonView(comparison)),
      (error: unknown) => out.replaceChildren(errorLine(error)),
    );
  });
  return h('div', {}, form, out);
}

import type { ModelPerformance, ModelSummary } from '../domain/performance.js';
import type { Timeseries } from '../domain/timeseries.js';
import { api } from './api.js';
import { errorLine, h, svg } from './dom.js';
import { count, missesTarget, percent, utcTime } from './format.js';
import { sparkPath } from './spark-path.js';

const SPARK_WIDTH = 160;
const SPARK_HEIGHT = 36;

/** The newest prediction of any version: the overview lists the most recently active model first. */
const lastActivity = (summary: ModelSummary) => summary.all_versions.last_prediction_at ?? '';

function sparkline(series: Timeseries, target: number | undefined): SVGElement {
  const values = series.points.map((point) => point.accuracy);
  const line = svg('path', { d: sparkPath(values, SPARK_WIDTH, SPARK_HEIGHT), class: 'spark-line' });
  const parts: Element[] = [];
  if (target !== undefined) {
    const y = SPARK_HEIGHT - target * SPARK_HEIGHT;
    parts.push(svg('line', { x1: 0, x2: SPARK_WIDTH, y1: y, y2: y, class: 'spark-target' }));
  }
  parts.push(line);
  const element = svg('svg', { viewBox: `-2 -2 ${SPARK_WIDTH + 4} ${SPARK_HEIGHT + 4}`, width: SPARK_WIDTH, height: SPARK_HEIGHT, class: 'spark', role: 'img' }, ...parts);
  const shown = values.filter((value) => value !== null).length;
  element.setAttribute('aria-label', `daily accuracy over the last ${series.points.length} days, ${shown} days with labels`);
  element.setAttribute('data-values', JSON.stringify(values));
  return element;
}

function card(summary: ModelSummary, performance: ModelPerformance, series: Timeseries): HTMLElement {
  const target = performance.targets['accuracy'];
  const below = missesTarget('accuracy', performance.accuracy, target);
  const href = `#/models/${encodeURIComponent(summary.model_name)}`;
  return h(
    'article',
    { class: `model-card${below ? ' below' : ''}`, 'data-model': summary.model_name },
    h('h2', {}, h('a', { href }, summary.model_name)),
    h('p', { class: 'muted' }, `version ${summary.model_version} · last prediction ${utcTime(lastActivity(summary))}`),
    h(
      'p',
      { class: 'headline' },
      h('span', { class: 'big', 'data-field': 'accuracy' }, percent(performance.accuracy)),
      ' accuracy',
      target === undefined ? null : h('span', { class: 'muted' }, ` · target ${percent(target, 0)}`),
    ),
    below ? h('p', { class: 'badge warn' }, '▼ below target') : target === undefined ? null : h('p', { class: 'badge ok' }, '✓ on target'),
    sparkline(series, target),
    h('p', { class: 'muted' }, `${count(performance.labeled_predictions)} labeled of ${count(performance.total_predictions)} predictions (${performance.window.spec ?? 'range'})`),
  );
}

/** The overview: one card per model, newest activity first. */
export async function renderOverview(main: HTMLElement): Promise<void> {
  const models = await api.models();
  models.sort((a, b) => lastActivity(b).localeCompare(lastActivity(a)) || a.model_name.localeCompare(b.model_name));
  const cards = await Promise.all(
    models.map(async (summary) => {
      try {
        const [performance, series] = await Promise.all([api.performance(summary.model_name), api.timeseries(summary.model_name, '1d')]);
        return card(summary, performance, series);
      } catch (error) {
        return h('article', { class: 'model-card' }, h('h2', {}, summary.model_name), errorLine(error));
      }
    }),
  );
  const grid = h('div', { class: 'grid' }, ...cards);
  const empty = models.length === 0 ? h('p', {}, 'No model has logged a prediction yet. POST one to api/v1/ml-metrics/predictions, or let the hub integration capture them.') : null;
  main.replaceChildren(h('h1', {}, 'Models'), empty ?? grid);
}

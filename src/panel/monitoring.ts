import type { Calibration } from '../domain/calibration.js';
import type { Drift } from '../domain/drift.js';
import type { ModelPerformance } from '../domain/performance.js';
import type { Slices } from '../domain/slices.js';
import { errorLine, h, section, svg } from './dom.js';
import { count, percent, utcTime } from './format.js';
import { decimal, psiWord, pText, reliabilityBars } from './monitoring-figures.js';

/** What the monitoring card shows: each answer, or the error that came instead. */
export interface MonitoringData {
  performance: ModelPerformance;
  calibration: Calibration | Error;
  drift: Drift | Error;
  slices: Slices | Error;
  sliceKeys: string[];
  sliceBy: string;
  onSliceBy: (by: string) => void;
}

const SIZE = 200;

/** Labeled predictions with a confidence the estimate needs (MIN_CALIBRATION_SAMPLES of src/metrics/estimated-accuracy.ts). */
const ESTIMATE_MIN_LABELED = 30;

/** The reliability diagram: accuracy per confidence bin (bars), mean confidence (dots), the diagonal of a calibrated model. */
function reliabilityDiagram(calibration: Calibration): SVGElement {
  const bars = reliabilityBars(calibration.bins);
  const y = (value: number) => SIZE - value * SIZE;
  const chart = svg(
    'svg',
    { viewBox: `-30 -10 ${SIZE + 40} ${SIZE + 40}`, width: SIZE + 40, height: SIZE + 40, role: 'img', 'aria-label': 'reliability diagram: accuracy per confidence bin against the diagonal', class: 'reliability' },
    svg('rect', { x: 0, y: 0, width: SIZE, height: SIZE, fill: 'none', stroke: 'currentColor', 'stroke-opacity': 0.3 }),
    ...bars.map((bar) => svg('rect', { x: bar.x * SIZE + 1, y: y(bar.height), width: Math.max(1, bar.width * SIZE - 2), height: bar.height * SIZE, fill: 'var(--accent)', 'fill-opacity': 0.6, 'data-count': bar.count })),
    svg('line', { x1: 0, y1: SIZE, x2: SIZE, y2: 0, stroke: 'currentColor', 'stroke-dasharray': '4 3' }),
    ...bars.map((bar) => svg('circle', { cx: (bar.x + bar.width / 2) * SIZE, cy: y(bar.dot), r: 3, fill: 'var(--focus)', stroke: 'var(--fg)', 'stroke-width': 0.5 })),
    svg('text', { x: SIZE / 2, y: SIZE + 24, 'text-anchor': 'middle', 'font-size': 11, fill: 'currentColor' }),
    svg('text', { x: -8, y: SIZE, 'text-anchor': 'end', 'font-size': 10, fill: 'currentColor' }),
  );
  const [xLabel, zero] = [...chart.querySelectorAll('text')];
  if (xLabel) xLabel.textContent = 'confidence';
  if (zero) zero.textContent = '0';
  chart.setAttribute('data-bars', String(bars.length));
  return chart;
}

function calibrationPart(calibration: Calibration | Error): HTMLElement {
  if (calibration instanceof Error) return h('div', {}, h('h3', {}, 'Calibration'), errorLine(calibration));
  return h(
    'div',
    { id: 'calibration' },
    h('h3', {}, 'Calibration'),
    h(
      'p',
      {},
      'ECE ',
      h('strong', { 'data-field': 'ece' }, percent(calibration.ece)),
      ' · Brier ',
      h('strong', { 'data-field': 'brier' }, decimal(calibration.brier_score)),
      h('span', { class: 'muted' }, ` · ${count(calibration.labeled_with_confidence)} labeled predictions with a confidence`),
    ),
    calibration.labeled_with_confidence === 0 ? h('p', { class: 'muted' }, 'No labeled prediction with a confidence in the window.') : reliabilityDiagram(calibration),
    h('p', { class: 'muted' }, 'Bars: how often the model was right at each confidence; dots: how sure it said it was. A calibrated model follows the dashed diagonal.'),
  );
}

function driftPart(drift: Drift | Error): HTMLElement {
  if (drift instanceof Error) return h('div', {}, h('h3', {}, 'Drift'), errorLine(drift));
  const row = (label: string, value: string, note: string) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value), h('td', { class: 'muted' }, note));
  const accuracy = drift.accuracy;
  return h(
    'div',
    { id: 'drift' },
    h('h3', {}, 'Drift'),
    h('p', { class: 'muted' }, `${utcTime(drift.current.since)} – ${utcTime(drift.current.until)} against ${utcTime(drift.reference.since)} – ${utcTime(drift.reference.until)}`),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        row('confidences (KS)', `D = ${decimal(drift.confidence.ks_statistic)}, ${pText(drift.confidence.ks_p_value)}`, ''),
        row('confidences (PSI)', decimal(drift.confidence.psi), psiWord(drift.confidence.psi)),
        row('predicted labels (χ²)', pText(drift.predictions.chi2_p_value), ''),
        row('predicted labels (PSI)', decimal(drift.predictions.psi), psiWord(drift.predictions.psi)),
        row('accuracy', `${percent(accuracy.reference)} → ${percent(accuracy.current)}`, pText(accuracy.p_value)),
      ),
    ),
    drift.change_points.length === 0
      ? h('p', { class: 'muted', 'data-field': 'change-points' }, 'No change point in the accuracy stream.')
      : h(
          'ul',
          { 'data-field': 'change-points' },
          ...drift.change_points.map((point) => h('li', {}, `${point.direction === 'drop' ? 'Dropped' : 'Rose'} from ${percent(point.before)} to ${percent(point.accuracy_since ?? point.after)} around ${utcTime(point.timestamp)}`)),
        ),
  );
}

function slicesPart(data: MonitoringData): HTMLElement {
  const select = h('select', { id: 'slice-by', 'aria-label': 'slice by' }, ...data.sliceKeys.map((key) => h('option', { value: key, ...(key === data.sliceBy ? { selected: true } : {}) }, key)));
  select.addEventListener('change', () => data.onSliceBy(select.value));
  const slices = data.slices;
  return h(
    'div',
    { id: 'slices' },
    h('h3', {}, 'Slices'),
    h('p', {}, h('label', { for: 'slice-by' }, 'by '), select),
    slices instanceof Error
      ? errorLine(slices)
      : h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, ...['value', 'predictions', 'labeled', 'accuracy', 'F1', 'confidence'].map((title) => h('th', { scope: 'col' }, title)))),
            h(
              'tbody',
              {},
              ...slices.slices.map((slice) =>
                h('tr', {}, h('th', { scope: 'row' }, slice.value), h('td', {}, count(slice.total_predictions)), h('td', {}, count(slice.labeled_predictions)), h('td', {}, percent(slice.accuracy)), h('td', {}, percent(slice.f1_score)), h('td', {}, percent(slice.confidence))),
              ),
            ),
          ),
        ),
  );
}

/** "Monitoring": the label-free estimate, calibration, drift and slices of the model's default version. */
export function monitoringSection(data: MonitoringData): HTMLElement {
  const performance = data.performance;
  return section(
    'Monitoring',
    'monitoring',
    h(
      'p',
      {},
      'Estimated accuracy (labels, and calibrated confidences for the unlabeled): ',
      h('strong', { 'data-field': 'estimated-accuracy' }, percent(performance.estimated_accuracy)),
      h(
        'span',
        { class: 'muted' },
        performance.estimated_accuracy === null
          ? ` · needs ${ESTIMATE_MIN_LABELED} labeled predictions with a confidence (has ${count(performance.estimation_labeled_count)})`
          : ` · from ${count(performance.estimation_labeled_count)} labeled with a confidence, over ${count(performance.estimation_prediction_count)} predictions`,
      ),
    ),
    h('div', { class: 'two' }, calibrationPart(data.calibration), driftPart(data.drift)),
    slicesPart(data),
  );
}

import type { TrainingLog } from '../domain/training.js';
import { api } from './api.js';
import { accuracyChart, trainingChart } from './charts.js';
import { compareForm } from './compare-form.js';
import { errorLine, h, section } from './dom.js';
import { percent, utcTime } from './format.js';
import { predictionsList } from './label-queue.js';
import { monitoringSection } from './monitoring.js';
import { sliceKeys } from './monitoring-figures.js';
import { confusionTable, headline, perClassTable } from './tables.js';

/** What the model page keeps between refreshes: the chart's bucket, the queue filter, undo of charts. */
export interface ModelPageState {
  bucket: '1h' | '1d' | '1w';
  unlabeledOnly: boolean;
  /** What the slices are by (a `context.*` key or `model_version`); the most used context key until chosen. */
  sliceBy: string | null;
  cleanups: Array<() => void>;
}

export function newModelPageState(): ModelPageState {
  return { bucket: '1d', unlabeledOnly: false, sliceBy: null, cleanups: [] };
}

/** The versions drawn on the chart: the newest four (the default one always among them). */
const MAX_CHART_VERSIONS = 4;

function trainingTable(sessions: TrainingLog[]): HTMLElement {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['time (UTC)', 'version', 'samples', 'train acc.', 'val. acc.', 'train loss', 'val. loss'].map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...sessions.map((session) =>
          h(
            'tr',
            {},
            h('td', {}, utcTime(session.timestamp)),
            h('td', {}, session.model_version),
            h('td', {}, String(session.training_samples)),
            h('td', {}, percent(session.training_accuracy)),
            h('td', {}, percent(session.validation_accuracy)),
            h('td', {}, session.training_loss?.toFixed(3) ?? '—'),
            h('td', {}, session.validation_loss?.toFixed(3) ?? '—'),
          ),
        ),
      ),
    ),
  );
}

/** Labels typed but not yet saved, by prediction id, and which one had the focus. */
function typedLabels(main: HTMLElement): { values: Map<string, string>; focused: string | null } {
  const values = new Map<string, string>();
  let focused: string | null = null;
  for (const input of main.querySelectorAll<HTMLInputElement>('tr[data-prediction] input[name="truth"]')) {
    const id = input.closest('tr')?.dataset['prediction'];
    if (id === undefined) continue;
    if (input.value !== '') values.set(id, input.value);
    if (document.activeElement === input) focused = id;
  }
  return { values, focused };
}

/** Puts typed labels back into the re-rendered rows, so a refresh never loses what the user is typing. */
function restoreTypedLabels(main: HTMLElement, typed: { values: Map<string, string>; focused: string | null }): void {
  for (const input of main.querySelectorAll<HTMLInputElement>('tr[data-prediction] input[name="truth"]')) {
    const id = input.closest('tr')?.dataset['prediction'];
    if (id === undefined) continue;
    const value = typed.values.get(id);
    if (value !== undefined) input.value = value;
    if (typed.focused === id) input.focus({ preventScroll: true });
  }
}

/**
 * The model page: metrics over time, confusion matrix, per-class scores, labeling queue, training,
 * comparison. Fetches first; false (nothing replaced) when `canReplace` says no once the answers
 * are in (the user is typing a label).
 */
export async function renderModelPage(main: HTMLElement, name: string, state: ModelPageState, refresh: () => void, canReplace: () => boolean): Promise<boolean> {
  const performance = await api.performance(name);
  const versions = performance.versions.slice(-MAX_CHART_VERSIONS);
  if (!versions.includes(performance.model_version)) versions.push(performance.model_version);
  const [series, predictions, training, comparisons] = await Promise.all([
    Promise.all(versions.map((version) => api.timeseries(name, state.bucket, version))),
    api.predictions(name, 100),
    api.training(name).catch(() => []),
    api.comparisons(name).catch(() => []),
  ]);
  const keys = sliceKeys(predictions.predictions);
  const sliceBy = state.sliceBy !== null && keys.includes(state.sliceBy) ? state.sliceBy : keys[0]!;
  const failed = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
  const [calibration, drift, slices] = await Promise.all([
    api.calibration(name).catch(failed),
    api.drift(name).catch(failed),
    api.slices(name, sliceBy).catch(failed),
  ]);
  if (!canReplace()) return false;
  const typed = typedLabels(main);
  for (const cleanup of state.cleanups.splice(0)) cleanup();

  const bucketButtons = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'bucket' },
    ...(['1h', '1d', '1w'] as const).map((bucket) =>
      h('button', { type: 'button', 'aria-pressed': String(bucket === state.bucket), onclick: () => { state.bucket = bucket; refresh(); } }, { '1h': 'hours', '1d': 'days', '1w': 'weeks' }[bucket]),
    ),
  );
  const chart = h('div', { class: 'chart', id: 'accuracy-chart' });
  const queueToggle = h('input', { type: 'checkbox', id: 'unlabeled-only', ...(state.unlabeledOnly ? { checked: true } : {}) });
  queueToggle.addEventListener('change', () => {
    state.unlabeledOnly = queueToggle.checked;
    refresh();
  });
  const trainingBox = h('div', { class: 'chart', id: 'training-chart' });
  const unlabeled = predictions.predictions.filter((prediction) => prediction.correct === null).length;

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← all models')),
    h('h1', {}, name, h('small', { class: 'muted' }, ` version ${performance.model_version}`)),
    section('Now', 'now', headline(performance), h('p', { class: 'muted' }, `window: ${performance.window.spec ?? 'range'} · versions: ${performance.versions.join(', ') || '—'}`)),
    section('Accuracy over time', 'over-time', bucketButtons, chart, h('p', { class: 'muted' }, 'Shaded: 95 % Wilson interval of the default version; dashed: the accuracy target; gaps: buckets without labels. UTC buckets, weeks from Monday.')),
    h('div', { class: 'two' }, section('Confusion matrix', 'confusion', confusionTable(performance)), section('Per class', 'per-class', perClassTable(performance))),
    monitoringSection({
      performance,
      calibration,
      drift,
      slices,
      sliceKeys: keys,
      sliceBy,
      onSliceBy: (by) => {
        state.sliceBy = by;
        refresh();
      },
    }),
    section(
      `Recent predictions (${unlabeled} to label)`,
      'predictions',
      h('p', {}, h('label', { for: 'unlabeled-only' }, queueToggle, ' unlabeled only (the labeling queue)')),
      predictionsList(predictions.predictions, refresh, state.unlabeledOnly),
    ),
    section('Training sessions', 'training', training.length === 0 ? h('p', { class: 'muted' }, 'No training session logged.') : h('div', {}, trainingBox, trainingTable(training))),
    section('Version comparison', 'compare', compareForm(name, performance.versions, comparisons[0])),
  );
  restoreTypedLabels(main, typed);
  try {
    state.cleanups.push(accuracyChart(chart, series, performance.model_version, performance.targets['accuracy']));
    if (training.length > 0) state.cleanups.push(trainingChart(trainingBox, training));
  } catch (error) {
    chart.replaceChildren(errorLine(error));
  }
  return true;
}

import type { PredictionLog } from '../domain/prediction.js';
import { api } from './api.js';
import { errorLine, h } from './dom.js';
import { jsonText, percent, utcTime } from './format.js';

/** The value of `text` as the type of `like` (a number stays a number, true/false booleans). */
function asTypeOf(like: unknown, text: string): unknown {
  if (typeof like === 'number' && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (typeof like === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function labelControls(prediction: PredictionLog, onLabeled: () => void): HTMLElement {
  const keys = Object.keys(prediction.prediction);
  const status = h('span', { class: 'muted', role: 'status' });
  const send = async (body: Record<string, unknown>) => {
    status.textContent = 'saving…';
    try {
      await api.label(prediction.prediction_id, body);
      status.textContent = 'saved';
      onLabeled();
    } catch (error) {
      status.replaceChildren(errorLine(error));
    }
  };
  const confirm = h('button', { type: 'button', class: 'ok', onclick: () => void send({ ground_truth: prediction.prediction }) }, '✓ Right');
  const parts: (HTMLElement | string)[] = [confirm];
  const key = keys.length === 1 ? keys[0] : undefined;
  if (key !== undefined) {
    const input = h('input', { type: 'text', name: 'truth', 'aria-label': `true ${key} of prediction ${prediction.prediction_id}`, placeholder: `true ${key}`, size: 10 });
    const correct = h('form', { class: 'inline' }, input, h('button', { type: 'submit' }, 'Correct'));
    correct.addEventListener('submit', (event) => {
      event.preventDefault();
      if (input.value.trim() === '') return;
      void send({ ground_truth: { [key]: asTypeOf(prediction.prediction[key], input.value.trim()) } });
    });
    parts.push(correct);
  } else {
    parts.push(h('button', { type: 'button', class: 'warn', onclick: () => void send({ correct: false }) }, '✗ Wrong'));
  }
  return h('div', { class: 'label-controls' }, ...parts, status);
}

/** Recent predictions shown (the queue shows every unlabeled one of those fetched). */
const SHOWN = 25;

/**
 * Recent predictions, newest first; unlabeled ones carry controls to confirm or correct them in
 * place (the labeling queue). "Unlabeled only" keeps just the queue.
 */
export function predictionsList(predictions: PredictionLog[], onLabeled: () => void, unlabeledOnly: boolean): HTMLElement {
  const shown = unlabeledOnly ? predictions.filter((prediction) => prediction.correct === null) : predictions.slice(0, SHOWN);
  if (shown.length === 0) return h('p', { class: 'muted' }, unlabeledOnly ? 'Nothing to label: every recent prediction has its ground truth.' : 'No prediction yet.');
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'predictions' },
      h('thead', {}, h('tr', {}, ...['time (UTC)', 'version', 'prediction', 'confidence', 'label'].map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...shown.map((prediction) =>
          h(
            'tr',
            { 'data-prediction': prediction.prediction_id },
            h('td', {}, utcTime(prediction.timestamp)),
            h('td', {}, prediction.model_version),
            h('td', {}, jsonText(prediction.prediction)),
            h('td', {}, percent(prediction.confidence)),
            h(
              'td',
              {},
              prediction.correct === null
                ? labelControls(prediction, onLabeled)
                : h('span', { class: prediction.correct ? 'badge ok' : 'badge warn' }, prediction.correct ? '✓ right' : `✗ wrong${prediction.ground_truth ? `: ${jsonText(prediction.ground_truth)}` : ''}`),
            ),
          ),
        ),
      ),
    ),
  );
}

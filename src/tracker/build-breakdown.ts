import type { Breakdown, BreakdownGroup } from '../domain/breakdown.js';
import type { JsonValue } from '../domain/json.js';
import type { Window } from '../domain/performance.js';
import type { PredictionLog } from '../domain/prediction.js';
import { classKey } from '../metrics/class-key.js';
import type { ResolvedWindow } from './window.js';
import { inTimeWindow } from './window.js';

interface Tally {
  value: JsonValue | null;
  total: number;
  labeled: number;
  correct: number;
}

/**
 * Groups one model version's raw records of a window by `context[by]` (records whose context
 * lacks the key: value null). Reads `records` newest first; a count window stops once it holds
 * that many labeled predictions, as the performance answer does. Time windows are exact to the
 * millisecond of the records' timestamps, as the performance answer's are.
 */
export async function buildBreakdown(
  records: AsyncIterable<{ record: PredictionLog }>,
  subject: { model_name: string; model_version: string; by: string; window: ResolvedWindow },
): Promise<Breakdown> {
  const { model_name, model_version, by, window } = subject;
  const tallies = new Map<string, Tally>();
  let labeled = 0;
  for await (const { record } of records) {
    if (record.model_name !== model_name || record.model_version !== model_version) continue;
    if (!inTimeWindow(record, window)) continue;
    const value = Object.hasOwn(record.context, by) ? (record.context[by] ?? null) : null;
    const key = value === null ? '' : classKey(value);
    let tally = tallies.get(key);
    if (!tally) {
      tally = { value, total: 0, labeled: 0, correct: 0 };
      tallies.set(key, tally);
    }
    tally.total += 1;
    if (record.correct !== null) {
      tally.labeled += 1;
      labeled += 1;
      if (record.correct) tally.correct += 1;
    }
    if (window.kind === 'count' && labeled === window.count) break;
  }
  const groups = [...tallies.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([, tally]): BreakdownGroup => ({
      value: tally.value,
      total_predictions: tally.total,
      labeled_predictions: tally.labeled,
      correct_predictions: tally.correct,
      accuracy: tally.labeled > 0 ? tally.correct / tally.labeled : null,
    }));
  return { model_name, model_version, window: window.window satisfies Window, by, groups };
}


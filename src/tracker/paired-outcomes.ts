import type { PredictionLog } from '../domain/prediction.js';
import { classKey } from '../metrics/class-key.js';
import type { PairedOutcome } from '../metrics/version-comparison.js';

/**
 * Pairs the labeled predictions of two versions of `model` by canonical `input_data` (inputs with
 * no data are not paired): per input, the first outcome of each version that `records` yields.
 * `records` comes newest first, so that is the newest outcome.
 */
export async function pairOutcomes(
  records: AsyncIterable<{ record: PredictionLog }>,
  model: string,
  versionA: string,
  versionB: string,
): Promise<PairedOutcome> {
  const outcomes = new Map<string, { a?: boolean; b?: boolean }>();
  for await (const { record } of records) {
    if (record.model_name !== model || record.correct === null) continue;
    if (record.model_version !== versionA && record.model_version !== versionB) continue;
    if (Object.keys(record.input_data).length === 0) continue;
    const key = classKey(record.input_data);
    const entry = outcomes.get(key) ?? {};
    const side = record.model_version === versionA ? 'a' : 'b';
    if (entry[side] === undefined) entry[side] = record.correct;
    outcomes.set(key, entry);
  }
  const paired: PairedOutcome = { pairs: 0, onlyA: 0, onlyB: 0 };
  for (const { a, b } of outcomes.values()) {
    if (a === undefined || b === undefined) continue;
    paired.pairs += 1;
    if (a && !b) paired.onlyA += 1;
    if (!a && b) paired.onlyB += 1;
  }
  return paired;
}

import { describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { buildDrift } from '../../src/tracker/build-drift.js';
import type { DriftRange } from '../../src/tracker/drift-ranges.js';

/** buildDrift on records handed in newest first: the sample bound, what it reads, overlapping windows. */
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function record(minute: number, fields: Partial<PredictionLog> = {}): PredictionLog {
  return {
    prediction_id: `p${minute}`,
    model_name: 'm',
    model_version: '1.0',
    input_data: {},
    prediction: { label: minute % 2 === 0 ? 'a' : 'b' },
    confidence: 0.5,
    ground_truth: null,
    ground_truth_source: null,
    correct: minute % 3 === 0,
    context: {},
    timestamp: new Date(T0 + minute * 60_000).toISOString(),
    labeled_at: null,
    rating: null,
    ...fields,
  };
}

function range(fromMinute: number, toMinute: number): DriftRange {
  const fromMs = T0 + fromMinute * 60_000;
  const toMs = T0 + toMinute * 60_000;
  return { fromMs, toMs, since: new Date(fromMs).toISOString(), until: new Date(toMs).toISOString() };
}

/** Minutes 0..199 newest first, counting how many records were pulled. */
function newestFirst(pulled: { count: number }, extra: PredictionLog[] = []): AsyncIterable<{ record: PredictionLog }> {
  return (async function* () {
    for (let minute = 199; minute >= 0; minute--) {
      pulled.count++;
      yield { record: record(minute) };
      if (minute === 150) for (const other of extra) yield { record: other };
    }
  })();
}

const predicted = (r: PredictionLog): string => JSON.stringify(r.prediction['label']);

describe('buildDrift', () => {
  it('keeps the newest sampleLimit predictions of each window and says so', async () => {
    const pulled = { count: 0 };
    const drift = await buildDrift(newestFirst(pulled), { model_name: 'm', model_version: '1.0', current: range(100, 200), reference: range(0, 100), predicted, sampleLimit: 30 });
    expect(drift.sample_limit).toBe(30);
    expect(drift.current).toMatchObject({ total_predictions: 30, sampled: true });
    expect(drift.reference).toMatchObject({ total_predictions: 30, sampled: true });
    // The current window holds minutes 170..199; the reference 70..99 — it stops once both are full.
    expect(pulled.count).toBe(131);
  });

  it('stops at the first record older than both windows and skips other models and versions', async () => {
    const pulled = { count: 0 };
    const others = [record(150, { model_version: '2.0' }), record(150, { model_name: 'other' })];
    const drift = await buildDrift(newestFirst(pulled, others), { model_name: 'm', model_version: '1.0', current: range(150, 180), reference: range(120, 150), predicted });
    expect(drift.current).toMatchObject({ total_predictions: 30, labeled_predictions: 30, correct_predictions: 10, sampled: false });
    expect(drift.reference.total_predictions).toBe(30);
    expect(pulled.count).toBe(81);
    expect(drift.predictions).toMatchObject({ labels: 2, chi2_statistic: 0, psi: 0 });
  });

  it('counts a record in both windows when they overlap, once in the change-point stream', async () => {
    const drift = await buildDrift(newestFirst({ count: 0 }), { model_name: 'm', model_version: '1.0', current: range(0, 200), reference: range(0, 200), predicted });
    expect(drift.current.total_predictions).toBe(200);
    expect(drift.reference.total_predictions).toBe(200);
    expect(drift.confidence).toEqual({ ks_statistic: 0, ks_p_value: 1, psi: 0 });
    expect(drift.accuracy.delta).toBe(0);
  });
});

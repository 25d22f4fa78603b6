import { describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { sliceText, sliceValue } from '../../src/tracker/build-slices.js';
import { resolveWindow } from '../../src/tracker/window.js';
import { scanWindowRecords } from '../../src/tracker/window-records.js';

const NOW = new Date('2024-01-15T12:00:00.000Z');

function record(minutesAgo: number, overrides: Partial<PredictionLog> = {}): PredictionLog {
  return {
    prediction_id: `r${minutesAgo}`,
    model_name: 'm',
    model_version: '1.0',
    input_data: {},
    prediction: { label: 'a' },
    confidence: 0.5,
    ground_truth: null,
    ground_truth_source: null,
    correct: null,
    context: {},
    timestamp: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString(),
    labeled_at: null,
    rating: null,
    ...overrides,
  };
}

async function* newestFirst(records: PredictionLog[]) {
  for (const entry of records) yield { record: entry };
}

async function scan(records: PredictionLog[], window: ReturnType<typeof resolveWindow>, limit = 100, version: string | null = '1.0') {
  const seen: string[] = [];
  const result = await scanWindowRecords(newestFirst(records), { model_name: 'm', model_version: version, window, limit }, (entry) => seen.push(entry.prediction_id));
  return { seen, result };
}

describe('scanWindowRecords', () => {
  const records = [record(1), record(2, { model_version: '2.0' }), record(3, { model_name: 'other' }), record(4, { correct: true }), record(5), record(6, { correct: false }), record(70)];

  it('reads one model version in a time window [since, until) and stops past its start', async () => {
    const window = resolveWindow(undefined, new Date(NOW.getTime() - 6 * 60_000).toISOString(), new Date(NOW.getTime() - 60_000).toISOString(), NOW);
    expect(await scan(records, window)).toEqual({ seen: ['r4', 'r5', 'r6'], result: { predictions: 3, limit: 100, complete: true } });
    expect((await scan(records, window, 100, null)).seen).toEqual(['r2', 'r4', 'r5', 'r6']);
  });

  it('stops after the N-th labeled prediction of a count window', async () => {
    expect((await scan(records, resolveWindow('1', undefined, undefined, NOW))).seen).toEqual(['r1', 'r4']);
    expect((await scan(records, resolveWindow('2', undefined, undefined, NOW))).seen).toEqual(['r1', 'r4', 'r5', 'r6']);
  });

  it('reads at most `limit` predictions and says the window held more', async () => {
    const window = resolveWindow('all', undefined, undefined, NOW);
    expect(await scan(records, window, 3)).toEqual({ seen: ['r1', 'r4', 'r5'], result: { predictions: 3, limit: 3, complete: false } });
    expect(await scan(records, window, 5)).toEqual({ seen: ['r1', 'r4', 'r5', 'r6', 'r70'], result: { predictions: 5, limit: 5, complete: true } });
  });
});

describe('sliceValue', () => {
  it('walks own keys only: an inherited name is missing, not a function', () => {
    const entry = record(1, { context: { device: { room: 'hall' }, list: [1, 2] } });
    expect(sliceValue(entry, 'context.device.room')).toBe('hall');
    expect(sliceValue(entry, 'context.toString')).toBeUndefined();
    expect(sliceValue(entry, 'context.device.hasOwnProperty')).toBeUndefined();
    expect(sliceValue(entry, 'context.list.length')).toBeUndefined();
    expect(sliceValue(entry, 'context.device.room.more')).toBeUndefined();
    expect(sliceValue(entry, 'model_version')).toBe('1.0');
  });

  it('writes strings as they are and other JSON as canonical text', () => {
    expect(sliceText('hall')).toBe('hall');
    expect(sliceText(2)).toBe('2');
    expect(sliceText(null)).toBe('null');
    expect(sliceText(true)).toBe('true');
    expect(sliceText({ b: 1, a: [2] })).toBe('{"a":[2],"b":1}');
  });
});

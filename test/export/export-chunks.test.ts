import { describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { exportChunks } from '../../src/export/export-chunks.js';
import { EXPORT_COLUMNS, exportFields } from '../../src/export/export-columns.js';
import { parseCsv } from '../support/parse-csv.js';

function record(n: number, fields: Partial<PredictionLog> = {}): PredictionLog {
  return {
    prediction_id: `p-${n}`,
    model_name: 'voice_recognition',
    model_version: '1.0',
    input_data: { sample: n },
    prediction: { user_id: n % 3 },
    confidence: 0.75,
    ground_truth: null,
    ground_truth_source: null,
    correct: null,
    context: {},
    timestamp: new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(),
    labeled_at: null,
    rating: null,
    ...fields,
  };
}

/** A source that counts how many records were pulled from it. */
function counting(total: number, make: (n: number) => PredictionLog = record): { pulled: () => number; records: AsyncIterable<PredictionLog> } {
  let pulled = 0;
  return {
    pulled: () => pulled,
    records: (async function* () {
      for (let n = 1; n <= total; n += 1) {
        pulled += 1;
        yield make(n);
      }
    })(),
  };
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

describe('exportChunks', () => {
  it('writes a header row and one RFC 4180 row per record; nested objects as JSON, null as an empty cell', async () => {
    const tricky = record(1, {
      prediction_id: 'id, with "quotes"\nand a line',
      ground_truth: { user_id: 'O\'Brien, "Bob"' },
      ground_truth_source: 'api',
      correct: false,
      labeled_at: '2024-01-01T01:00:00.000Z',
      rating: 4,
      context: { note: 'ü 語\r\nline' },
    });
    const rows = parseCsv(await text(exportChunks(counting(1, () => tricky).records, 'csv')));
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows).toHaveLength(2);
    const cells = Object.fromEntries(EXPORT_COLUMNS.map((column, index) => [column, rows[1]![index]]));
    expect(cells).toMatchObject({ prediction_id: tricky.prediction_id, correct: 'false', rating: '4', confidence: '0.75', model_version: '1.0' });
    expect(JSON.parse(cells['ground_truth']!)).toEqual(tricky.ground_truth);
    expect(JSON.parse(cells['context']!)).toEqual(tricky.context);
    expect(JSON.parse(cells['prediction']!)).toEqual(tricky.prediction);
    expect(rows[1]).toEqual(exportFields(tricky));
    const unlabeled = parseCsv(await text(exportChunks(counting(1).records, 'csv')))[1]!;
    expect(unlabeled[EXPORT_COLUMNS.indexOf('ground_truth')]).toBe('');
    expect(unlabeled[EXPORT_COLUMNS.indexOf('correct')]).toBe('');
  });

  it('writes JSON lines: each line the stored record, nothing before the first', async () => {
    const lines = (await text(exportChunks(counting(3).records, 'jsonl'))).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual([record(1), record(2), record(3)]);
  });

  it('pulls records only as pieces are asked for: the first piece comes before the source is read to its end', async () => {
    const source = counting(10_000);
    const iterator = exportChunks(source.records, 'jsonl')[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // About 64 KiB of ~230-character lines: a few hundred records, not 10,000.
    expect(source.pulled()).toBeGreaterThan(100);
    expect(source.pulled()).toBeLessThan(1_000);
    const afterFirst = source.pulled();
    await iterator.next();
    expect(source.pulled()).toBeLessThan(2 * afterFirst + 10);
    await iterator.return?.(undefined);
  });

  it('reports how many records each piece holds, adding up to all of them', async () => {
    const counts: number[] = [];
    const all = await text(exportChunks(counting(2_000).records, 'csv', (count) => counts.push(count)));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(2_000);
    expect(counts.length).toBeGreaterThan(1);
    expect(parseCsv(all)).toHaveLength(2_001);
  });
});

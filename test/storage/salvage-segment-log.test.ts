import { describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { salvageSegmentLog } from '../../src/storage/salvage-segment-log.js';
import type { SegmentFile } from '../../src/storage/segment-files.js';
import { headerLine, headerOf, labelLine, recordLine } from '../../src/storage/segment-log-lines.js';
import { STORE_SCHEMA_VERSION } from '../../src/storage/stored-file-version.js';

const NOW = new Date('2024-01-15T12:00:00.000Z');

function record(n: number, fields: Partial<PredictionLog> = {}): PredictionLog {
  return {
    prediction_id: `p-${n}`,
    model_name: 'm',
    model_version: '1.0',
    input_data: {},
    prediction: { label: n % 2 },
    confidence: 0.5,
    ground_truth: null,
    ground_truth_source: null,
    correct: null,
    context: {},
    timestamp: `2024-01-15T10:0${n}:00.000Z`,
    labeled_at: null,
    rating: null,
    ...fields,
  };
}

const SEGMENT: SegmentFile = { schema_version: STORE_SCHEMA_VERSION, kind: 'predictions-segment', segment: 3, revision: 1, first_seq: 20, created_at: NOW.toISOString(), records: [], label_log: [] };
const FALLBACK = { first_seq: 99, revision: 0, record_count: null };
const labeled = (n: number) => record(n, { ground_truth: { label: 1 }, ground_truth_source: 'api', correct: n % 2 === 1, labeled_at: NOW.toISOString() });

describe('salvageSegmentLog', () => {
  it('keeps every line that reads and applies; a garbled record costs itself, and a label of it one more', () => {
    const text = [
      headerLine(headerOf(SEGMENT)),
      recordLine(JSON.stringify(record(1))),
      '{"record":{"prediction_id":"p-2", garbage\n',
      recordLine(JSON.stringify(record(3))),
      labelLine(labeled(2)),
      labelLine(labeled(3)),
    ].join('');
    const salvage = salvageSegmentLog(text, 3, FALLBACK, NOW);
    expect(salvage).toMatchObject({ kept: 2, lost: 2, cut_off: false, trailing_lines: 0, lost_exact: true });
    expect(salvage.data).toMatchObject({ segment: 3, revision: 1, first_seq: 20, label_log: [] });
    expect(salvage.data!.records).toEqual([record(1), labeled(3)]);
  });

  it('takes the header from the fallback when it is unreadable, and a last line cut short only marks the file cut off', () => {
    const text = ['garbage header\n', recordLine(JSON.stringify(record(1))), recordLine(JSON.stringify(record(2))).slice(0, 30)].join('');
    const salvage = salvageSegmentLog(text, 3, FALLBACK, NOW);
    expect(salvage).toMatchObject({ kept: 1, lost: 0, cut_off: true });
    expect(salvage.data).toMatchObject({ segment: 3, revision: 0, first_seq: 99, created_at: record(1).timestamp });
  });

  it('gives no segment when nothing reads', () => {
    expect(salvageSegmentLog('garbage\nmore garbage\n', 3, FALLBACK, NOW)).toMatchObject({ kept: 0, lost: 1, data: null });
  });
});

import { describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { foldSegmentLog, splitLogLines } from '../../src/storage/fold-segment-log.js';
import type { LabelIntent, SegmentFile } from '../../src/storage/segment-files.js';
import { headerLine, headerOf, intentLine, labelLine, recordLine, segmentLogText } from '../../src/storage/segment-log-lines.js';
import { STORE_SCHEMA_VERSION } from '../../src/storage/stored-file-version.js';

function record(n: number, fields: Partial<PredictionLog> = {}): PredictionLog {
  return {
    prediction_id: `p-${n}`,
    model_name: 'voice_recognition',
    model_version: '1.0',
    input_data: { transcript: n % 2 === 0 ? 'lumière' : 'licht' },
    prediction: { user_id: n % 3 },
    confidence: n % 4 === 0 ? null : 0.5,
    ground_truth: null,
    ground_truth_source: null,
    correct: null,
    context: {},
    timestamp: `2024-01-15T10:${String(n).padStart(2, '0')}:00.000Z`,
    labeled_at: null,
    rating: null,
    ...fields,
  };
}

const SEGMENT: SegmentFile = {
  schema_version: STORE_SCHEMA_VERSION,
  kind: 'predictions-segment',
  segment: 7,
  revision: 0,
  first_seq: 60,
  created_at: '2024-01-15T10:00:00.000Z',
  records: [],
  label_log: [],
};

const INTENT: LabelIntent = {
  prediction_id: 'old-1',
  segment: 2,
  target_revision: 3,
  ground_truth: { user_id: 1 },
  ground_truth_source: 'api',
  correct: true,
  labeled_at: '2024-01-15T11:00:00.000Z',
  rating: 4,
};

const relabeled = record(2, { ground_truth: { user_id: 1 }, ground_truth_source: 'api', correct: false, labeled_at: '2024-01-15T11:30:00.000Z', rating: 2 });

/** Header, three records, a label of the second, an intent for a sealed segment, a fourth record. */
const LINES = [
  headerLine(headerOf(SEGMENT)),
  recordLine(JSON.stringify(record(1))),
  recordLine(JSON.stringify(record(2))),
  recordLine(JSON.stringify(record(3))),
  labelLine(relabeled),
  intentLine(INTENT),
  recordLine(JSON.stringify(record(4))),
];
const TEXT = LINES.join('');
const offsetOf = (line: number) => Buffer.byteLength(LINES.slice(0, line).join(''));

function folded(text: string) {
  const result = foldSegmentLog(text);
  if ('damage' in result) throw new Error(`unexpected damage: ${JSON.stringify(result.damage)}`);
  return result.log;
}

describe('foldSegmentLog', () => {
  it('folds records, labels and logged late labels in order', () => {
    const log = folded(TEXT);
    expect(log.torn).toBeNull();
    expect(log.bytes).toBe(Buffer.byteLength(TEXT));
    expect(log.data).toEqual({ ...SEGMENT, records: [record(1), relabeled, record(3), record(4)], label_log: [INTENT] });
  });

  it('gives back what segmentLogText wrote (a new log, a migrated or a repaired segment)', () => {
    const segment = { ...SEGMENT, revision: 2, records: [record(1), relabeled], label_log: [INTENT] };
    expect(folded(segmentLogText(segment)).data).toEqual(segment);
  });

  it('splits lines at their byte offsets (multi-byte characters count as bytes)', () => {
    const lines = splitLogLines(TEXT);
    expect(lines.map((line) => line.offset)).toEqual(LINES.map((_, index) => offsetOf(index)));
    expect(lines.every((line) => line.complete)).toBe(true);
    expect(splitLogLines('ab\ncd').at(-1)).toEqual({ text: 'cd', offset: 3, bytes: 2, complete: false });
  });

  it('leaves out a last line without its newline, even one that parses (its commit was never acknowledged)', () => {
    const cut = TEXT.slice(0, -1);
    const log = folded(cut);
    expect(log.data.records.map((r) => r.prediction_id)).toEqual(['p-1', 'p-2', 'p-3']);
    expect(log.torn).toMatchObject({ offset: offsetOf(6), bytes: Buffer.byteLength(LINES[6]!) - 1 });
    expect(log.bytes).toBe(offsetOf(6));
  });

  it('leaves out a garbled last line, and one that does not apply (a label for an unknown id)', () => {
    const garbage = folded(`${TEXT}\u0000\u0000\u0000\n`);
    expect(garbage.torn).toMatchObject({ offset: Buffer.byteLength(TEXT), reason: expect.stringMatching(/not valid JSON/) });
    expect(garbage.data.records).toHaveLength(4);
    const unknown = folded(`${TEXT}${labelLine(record(9))}`);
    expect(unknown.torn?.reason).toMatch(/no earlier line holds/);
  });

  it('reports damage for an unreadable line before the last, naming its line and byte offset', () => {
    const lines = [...LINES];
    lines[3] = '{"record":{"prediction_id":"p-3"\n';
    expect(foldSegmentLog(lines.join(''))).toEqual({ damage: { line: 4, offset: offsetOf(3), reason: expect.stringMatching(/not valid JSON/) } });
    lines[3] = recordLine(JSON.stringify(record(1)));
    expect(foldSegmentLog(lines.join(''))).toEqual({ damage: { line: 4, offset: offsetOf(3), reason: 'prediction_id "p-1" appears twice' } });
    lines[3] = '{"record":{"prediction_id":"p-3"},"extra":1}\n';
    expect(foldSegmentLog(lines.join(''))).toMatchObject({ damage: { line: 4, reason: 'not a record, label or intent line' } });
    lines[3] = `${JSON.stringify({ record: { ...record(3), confidence: 2 } })}\n`;
    expect(foldSegmentLog(lines.join(''))).toMatchObject({ damage: { line: 4, reason: expect.stringMatching(/at record\.confidence/) } });
    lines[3] = '\n';
    expect(foldSegmentLog(lines.join(''))).toMatchObject({ damage: { line: 4, reason: 'an empty line' } });
  });

  it('reports damage for an empty file, a bad header or one from a newer version', () => {
    expect(foldSegmentLog('')).toEqual({ damage: { line: 1, offset: 0, reason: 'the file is empty' } });
    expect(foldSegmentLog('{"schema_version": 3, garbage')).toMatchObject({ damage: { line: 1, reason: expect.stringMatching(/not valid JSON/) } });
    expect(foldSegmentLog(LINES[0]!.slice(0, -1))).toMatchObject({ damage: { line: 1, reason: 'the header line has no newline' } });
    const newer = `${JSON.stringify({ ...headerOf(SEGMENT), schema_version: 99 })}\n`;
    expect(foldSegmentLog(newer)).toMatchObject({ damage: { line: 1, reason: expect.stringMatching(/schema_version 99.*upgrade hap-ml-metrics/) } });
    expect(foldSegmentLog(`${JSON.stringify({ ...headerOf(SEGMENT), kind: 'segment-summary' })}\n`)).toMatchObject({ damage: { line: 1 } });
  });

  it('cut at any byte after the header, folds to the records of every whole line before the cut, and never reports damage', () => {
    const all = folded(TEXT).data.records.map((r) => r.prediction_id);
    const buffer = Buffer.from(TEXT);
    for (let cut = offsetOf(1); cut <= buffer.length; cut += 1) {
      const log = folded(buffer.subarray(0, cut).toString('utf8'));
      const whole = LINES.filter((_, index) => offsetOf(index + 1) <= cut).length;
      expect(log.bytes, `cut at ${cut}`).toBe(offsetOf(whole));
      expect(log.torn === null, `cut at ${cut}`).toBe(cut === offsetOf(whole));
      const records = folded(LINES.slice(0, whole).join('')).data.records.map((r) => r.prediction_id);
      expect(log.data.records.map((r) => r.prediction_id)).toEqual(records);
      expect(all.slice(0, records.length)).toEqual(records);
    }
  });
});

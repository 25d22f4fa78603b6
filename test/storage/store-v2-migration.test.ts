import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTracker } from '../../src/open-tracker.js';
import { foldSegmentLog } from '../../src/storage/fold-segment-log.js';
import { MIGRATIONS, STORE_SCHEMA_VERSION } from '../../src/storage/stored-file-version.js';
import { runHapInProcess } from '../support/run-hap.js';
import { copyStoreFixture, rounded, storeFiles } from '../support/store-fixture.js';
import type { TempDir } from '../support/temp-dir.js';

/** test/fixtures/store-v2: a data directory written by schema version 2 and what version 2 answered from it. */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'store-v2');

interface ExpectedV2 {
  now: string;
  config: unknown;
  models: unknown[];
  performance: Record<string, unknown>;
  predictions: Record<string, unknown>;
  comparisons: unknown[];
  training: unknown[];
  stats: { segments: number; stored_predictions: number; open_segment_records: number };
}

const expected = JSON.parse(await readFile(join(FIXTURE, 'expected-v2.json'), 'utf8')) as ExpectedV2;
const NOW = new Date(expected.now);

/** Fields of the performance answer added after version 2 (the label-free estimate): not in what version 2 answered. */
const ADDED_AFTER_V2 = new Set(['estimated_accuracy', 'estimation_labeled_count', 'estimation_prediction_count']);
function asVersion2(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asVersion2);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).filter(([key]) => !ADDED_AFTER_V2.has(key)).map(([key, item]) => [key, asVersion2(item)]));
  return value;
}

let dir: TempDir;
let dataDir: string;
let configPath: string;

beforeEach(async () => {
  ({ dir, dataDir, configPath } = await copyStoreFixture(FIXTURE, expected.config, 'store-v2-'));
});
afterEach(() => dir.remove());

const doctor = () => runHapInProcess(['ml-metrics', 'doctor', '--data-dir', dataDir, '--config', configPath, '--json']);
const open = (readOnly = false) => openTracker({ dataDir, config: expected.config, now: () => NOW, readOnly });
const predictionFiles = async () => (await readdir(join(dataDir, 'predictions'))).filter((name) => !name.startsWith('.')).sort();
const snapshot = () => storeFiles(dataDir);

async function expectAnswersOfVersion2(readOnly: boolean): Promise<void> {
  const tracker = await open(readOnly);
  try {
    expect(rounded(await tracker.listModels())).toEqual(rounded(expected.models));
    for (const [key, answer] of Object.entries(expected.performance)) {
      const [name, version, window] = key.split('@') as [string, string, string];
      expect(rounded(asVersion2(await tracker.getPerformance(name, { version, window }))), key).toEqual(rounded(answer));
    }
    for (const [id, record] of Object.entries(expected.predictions)) expect(await tracker.getPrediction(id), id).toEqual(record);
    expect(asVersion2(tracker.listComparisons('voice_recognition'))).toEqual(expected.comparisons);
    expect(tracker.getTrainingHistory('voice_recognition')).toEqual(expected.training);
    expect(tracker.store.stats()).toEqual(expected.stats);
  } finally {
    await tracker.close();
  }
}

describe('a store written by schema version 2', () => {
  it('is version 2 on disk, its open segment one JSON document (the fixture was not regenerated)', async () => {
    for (const sub of ['predictions', 'aggregates']) {
      for (const name of await readdir(join(dataDir, sub))) {
        expect(JSON.parse(await readFile(join(dataDir, sub, name), 'utf8'))).toMatchObject({ schema_version: 2 });
      }
    }
    expect(await predictionFiles()).toEqual([1, 2, 3, 4].map((n) => `segment-0000000${n}.json`));
    expect(STORE_SCHEMA_VERSION).toBe(4);
  });

  it('answers as version 2 did, read-only without touching a file', async () => {
    const before = await snapshot();
    await expectAnswersOfVersion2(true);
    expect(await snapshot()).toEqual(before);
  });

  it('answers as version 2 did once the service has rewritten its open segment as a log (the sealed files stay as they are)', async () => {
    const before = await snapshot();
    await expectAnswersOfVersion2(false);
    expect(await predictionFiles()).toEqual(['segment-00000001.json', 'segment-00000002.json', 'segment-00000003.json', 'segment-00000004.jsonl']);
    const after = await snapshot();
    for (const [file, text] of before) if (file !== 'predictions/segment-00000004.json') expect(after.get(file), file).toBe(text);
    // The log holds the document's 40 records (labels folded in) and its logged late label.
    const log = after.get('predictions/segment-00000004.jsonl')!;
    const folded = foldSegmentLog(log);
    if ('damage' in folded) throw new Error(folded.damage.reason);
    const document = JSON.parse(before.get('predictions/segment-00000004.json')!) as { records: unknown[]; label_log: unknown[]; first_seq: number };
    expect(folded.log.torn).toBeNull();
    expect(folded.log.data).toMatchObject({ schema_version: 4, segment: 4, first_seq: document.first_seq, revision: 0 });
    expect(folded.log.data.records).toEqual(document.records);
    expect(folded.log.data.label_log).toEqual(document.label_log);
    expect(log.split('\n').filter((line) => line !== '')).toHaveLength(1 + 40 + document.label_log.length);
    // …and a second start reads the log as it is.
    await expectAnswersOfVersion2(false);
    expect((await snapshot()).get('predictions/segment-00000004.jsonl')).toBe(log);
  });

  it('is healthy for `hap ml-metrics doctor` as it is, and again once the service has opened it', async () => {
    const before = await doctor();
    expect(before.stderr).toBe('');
    expect(JSON.parse(before.stdout)).toMatchObject({ problems: [] });
    const tracker = await open();
    await tracker.close();
    const after = await doctor();
    expect(JSON.parse(after.stdout)).toMatchObject({ problems: [] });
    expect(after.code).toBe(0);
  });

  it('takes new writes after the migration: predictions that seal segment 4, labels of a v2 record and a late label into a v2 sealed segment', async () => {
    let tracker = await open();
    const before = await tracker.getPerformance('voice_recognition', { version: '2.0' });
    for (let n = 0; n < 70; n += 1) {
      await tracker.logPrediction({ prediction_id: `new-${n}`, model_name: 'voice_recognition', model_version: '2.0', prediction: { user_id: n % 4 }, timestamp: NOW.toISOString() });
    }
    await tracker.recordGroundTruth('v-339', { ground_truth: { user_id: 3 }, rating: 5 });
    await tracker.recordGroundTruth('v-13', { ground_truth: { user_id: 1 } }); // sealed segment 1
    await tracker.close();
    // Segment 4 sealed at 100 records (its 40 and 60 new ones): its log stays; segment 5 open with the other 10.
    expect(await predictionFiles()).toEqual([1, 2, 3].map((n) => `segment-0000000${n}.json`).concat('segment-00000004.jsonl', 'segment-00000005.jsonl'));
    tracker = await open();
    try {
      expect((await tracker.getPerformance('voice_recognition', { version: '2.0' })).total_predictions).toBe(before.total_predictions + 70);
      expect(await tracker.getPrediction('v-339')).toMatchObject({ ground_truth: { user_id: 3 }, correct: true, rating: 5 });
      expect(await tracker.getPrediction('v-13')).toMatchObject({ ground_truth: { user_id: 1 }, correct: true });
      expect(tracker.store.stats()).toEqual({ segments: 5, stored_predictions: 410, open_segment_records: 10 });
    } finally {
      await tracker.close();
    }
    expect((await doctor()).code).toBe(0);
  });
});

describe('MIGRATIONS[2]', () => {
  it('changes no JSON file but for its version', () => {
    const summary = { schema_version: 2, kind: 'segment-summary', groups: [{ buckets: [{ total: 1 }] }] };
    expect(MIGRATIONS[2]!(summary)).toEqual({ ...summary, schema_version: 3 });
  });
});

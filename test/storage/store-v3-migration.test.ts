import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTracker } from '../../src/open-tracker.js';
import { nodeFileSystem } from '../../src/storage/file-system.js';
import { foldSegmentLog } from '../../src/storage/fold-segment-log.js';
import { SegmentFilesOnDisk } from '../../src/storage/segment-files-on-disk.js';
import { MIGRATIONS, STORE_SCHEMA_VERSION } from '../../src/storage/stored-file-version.js';
import { runHapInProcess } from '../support/run-hap.js';
import { copyStoreFixture, rounded, storeFiles } from '../support/store-fixture.js';
import type { TempDir } from '../support/temp-dir.js';

/** test/fixtures/store-v3: a data directory written by schema version 3 and what version 3 answered from it. */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'store-v3');

interface ExpectedV3 {
  now: string;
  config: unknown;
  models: unknown[];
  performance: Record<string, unknown>;
  predictions: Record<string, unknown>;
  comparisons: unknown[];
  training: unknown[];
  stats: { segments: number; stored_predictions: number; open_segment_records: number };
}

const expected = JSON.parse(await readFile(join(FIXTURE, 'expected-v3.json'), 'utf8')) as ExpectedV3;
const NOW = new Date(expected.now);
const V3_FILES = ['segment-00000001.json', 'segment-00000002.json', 'segment-00000003.json', 'segment-00000004.jsonl'];

let dir: TempDir;
let dataDir: string;
let configPath: string;

beforeEach(async () => {
  ({ dir, dataDir, configPath } = await copyStoreFixture(FIXTURE, expected.config, 'store-v3-'));
});
afterEach(() => dir.remove());

const doctor = () => runHapInProcess(['ml-metrics', 'doctor', '--data-dir', dataDir, '--config', configPath, '--json']);
const open = (readOnly = false) => openTracker({ dataDir, config: expected.config, now: () => NOW, readOnly });
const predictionPath = (name: string) => join(dataDir, 'predictions', name);
const predictionFiles = async () => (await readdir(join(dataDir, 'predictions'))).filter((name) => !name.startsWith('.')).sort();
const snapshot = () => storeFiles(dataDir);
const firstLine = async (name: string) => JSON.parse((await readFile(predictionPath(name), 'utf8')).split('\n')[0]!) as Record<string, unknown>;

async function expectAnswersOfVersion3(readOnly: boolean): Promise<void> {
  const tracker = await open(readOnly);
  try {
    expect(rounded(await tracker.listModels())).toEqual(rounded(expected.models));
    for (const [key, answer] of Object.entries(expected.performance)) {
      const [name, version, window] = key.split('@') as [string, string, string];
      expect(rounded(await tracker.getPerformance(name, { version, window })), key).toEqual(rounded(answer));
    }
    for (const [id, record] of Object.entries(expected.predictions)) expect(await tracker.getPrediction(id), id).toEqual(record);
    expect(tracker.listComparisons('voice_recognition')).toEqual(expected.comparisons);
    expect(tracker.getTrainingHistory('voice_recognition')).toEqual(expected.training);
    expect(tracker.store.stats()).toEqual(expected.stats);
  } finally {
    await tracker.close();
  }
}

describe('a store written by schema version 3', () => {
  it('is version 3 on disk: sealed JSON documents, the open segment a log headed "open-segment" (the fixture was not regenerated)', async () => {
    expect(await predictionFiles()).toEqual(V3_FILES);
    for (const sub of ['predictions', 'aggregates']) {
      for (const name of await readdir(join(dataDir, sub))) {
        const text = await readFile(join(dataDir, sub, name), 'utf8');
        expect(JSON.parse(name.endsWith('.jsonl') ? text.split('\n')[0]! : text)).toMatchObject({ schema_version: 3 });
      }
    }
    expect(await firstLine('segment-00000004.jsonl')).toMatchObject({ kind: 'open-segment', segment: 4 });
    expect(STORE_SCHEMA_VERSION).toBe(4);
  });

  it('answers as version 3 did, read-only or not, and opening it changes no file (nothing is converted)', async () => {
    const before = await snapshot();
    await expectAnswersOfVersion3(true);
    await expectAnswersOfVersion3(false);
    expect(await snapshot()).toEqual(before);
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

  it('takes new writes: segment 4 sealed as its log, late labels into a version-3 document (kept a document) and into that log', async () => {
    let tracker = await open();
    const before = await tracker.getPerformance('voice_recognition', { version: '2.0' });
    for (let n = 0; n < 70; n += 1) {
      await tracker.logPrediction({ prediction_id: `new-${n}`, model_name: 'voice_recognition', model_version: '2.0', prediction: { user_id: n % 4 }, timestamp: NOW.toISOString() });
    }
    const log4 = await readFile(predictionPath('segment-00000004.jsonl'), 'utf8');
    await tracker.recordGroundTruth('v-13', { ground_truth: { user_id: 1 } }); // sealed document 1
    await tracker.recordGroundTruth('v-339', { ground_truth: { user_id: 3 }, rating: 5 }); // segment 4, sealed as its log
    await tracker.close();
    // Segment 4 sealed at 100 records (its 40 and 60 new ones): its log is not copied; segment 5 open with the other 10.
    expect(await predictionFiles()).toEqual([...V3_FILES, 'segment-00000005.jsonl']);
    expect(log4.startsWith((await readFile(join(FIXTURE, 'data', 'predictions', 'segment-00000004.jsonl'), 'utf8')))).toBe(true);
    // The document was rewritten as a document (version 4 now); the sealed log as a compacted log with its revision bumped.
    expect(JSON.parse(await readFile(predictionPath('segment-00000001.json'), 'utf8'))).toMatchObject({ schema_version: 4, kind: 'predictions-segment', revision: 7 });
    expect(await firstLine('segment-00000004.jsonl')).toMatchObject({ schema_version: 4, kind: 'segment-log', segment: 4, revision: 1 });
    tracker = await open();
    try {
      expect((await tracker.getPerformance('voice_recognition', { version: '2.0' })).total_predictions).toBe(before.total_predictions + 70);
      expect(await tracker.getPrediction('v-339')).toMatchObject({ ground_truth: { user_id: 3 }, correct: true, rating: 5 });
      expect(await tracker.getPrediction('v-13')).toMatchObject({ ground_truth: { user_id: 1 }, correct: true });
      expect(await tracker.getPrediction('s-5')).toEqual(expected.predictions['s-5']);
      expect(tracker.store.stats()).toEqual({ segments: 5, stored_predictions: 410, open_segment_records: 10 });
    } finally {
      await tracker.close();
    }
    expect((await doctor()).code).toBe(0);
  });

  it('recovers from a stop while version 3 sealed its open segment (the log beside the document it was compacted into)', async () => {
    const folded = foldSegmentLog(await readFile(predictionPath('segment-00000004.jsonl'), 'utf8'));
    if ('damage' in folded) throw new Error(folded.damage.reason);
    await new SegmentFilesOnDisk(dataDir, nodeFileSystem).writeSegmentDocument(folded.log.data);
    // Segment 4 has a document and a log, and no summary: start-up removes the log, then takes the
    // document as the open segment in the single-document form and writes it as a log again.
    await expectAnswersOfVersion3(false);
    expect(await predictionFiles()).toEqual(V3_FILES);
    expect((await doctor()).code).toBe(0);
  });

  it('salvages a damaged version-3 document into a fresh document', async () => {
    await appendFile(predictionPath('segment-00000002.json'), 'this line is garbage\n');
    const report = await runHapInProcess(['ml-metrics', 'repair', '--data-dir', dataDir, '--config', configPath]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('predictions/segment-00000002.json: kept 100 prediction(s), lost 0');
    expect(await predictionFiles()).toEqual(V3_FILES);
    await expectAnswersOfVersion3(false);
  });
});

describe('MIGRATIONS[3]', () => {
  it('renames the log header\'s kind (a sealed log is no longer an open segment) and changes every other file but for its version', () => {
    const header = { schema_version: 3, kind: 'open-segment', segment: 4, revision: 0, first_seq: 300, created_at: NOW.toISOString() };
    expect(MIGRATIONS[3]!(header)).toEqual({ ...header, schema_version: 4, kind: 'segment-log' });
    const summary = { schema_version: 3, kind: 'segment-summary', groups: [{ buckets: [{ total: 1 }] }] };
    expect(MIGRATIONS[3]!(summary)).toEqual({ ...summary, schema_version: 4 });
  });
});

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStoredJson } from '../../src/storage/durable-json-file.js';
import { foldSegmentLog } from '../../src/storage/fold-segment-log.js';
import { SegmentFileSchema, SegmentSummarySchema } from '../../src/storage/segment-files.js';
import { CorruptFileError } from '../../src/storage/storage-errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { openTracker } from '../../src/open-tracker.js';
import { diffAggregates, expectSameMetrics } from '../support/aggregate-diff.js';
import { fixedClock, minutesBefore, SEED_TRAINING, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { useTrackerHarness } from '../support/tracker-harness.js';
import { mulberry32 } from '../support/seeded-random.js';

const harness = useTrackerHarness('recovery-');

function start(fs?: RecordingFileSystem): Promise<ModelPerformanceTracker> {
  return harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, ...(fs ? { fs } : {}) });
}

function stop(tracker: ModelPerformanceTracker): Promise<void> {
  return harness.close(tracker);
}

const segmentPath = (n: number) => join(harness.dir.path, 'predictions', `segment-${String(n).padStart(8, '0')}.json`);
const summaryPath = (n: number) => join(harness.dir.path, 'aggregates', `segment-${String(n).padStart(8, '0')}.json`);
/** A segment's log (the open one, and every sealed one since schema version 4). */
const logPath = (n: number) => `${segmentPath(n)}l`;
/** A sealed JSON document (schema version 3 and before), or a log folded. */
const readSegment = async (n: number) => {
  const sealed = await readFile(segmentPath(n), 'utf8').catch(() => null);
  if (sealed !== null) return parseStoredJson(segmentPath(n), sealed, SegmentFileSchema);
  const folded = foldSegmentLog(await readFile(logPath(n), 'utf8'));
  if ('damage' in folded) throw new Error(folded.damage.reason);
  return folded.log.data;
};
const readSummary = async (n: number) => parseStoredJson(summaryPath(n), await readFile(summaryPath(n), 'utf8'), SegmentSummarySchema);

/** A small deterministic PRNG, so a failing mix can be replayed from its seed. */
const random = mulberry32;

async function expectAggregatesMatchRebuild(tracker: ModelPerformanceTracker): Promise<void> {
  expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
}

describe('aggregates rebuild', () => {
  it.each([1, 2, 3])('equals the live aggregates after a random mix of predictions, late labels and relabels, across restarts (seed %i)', async (seed) => {
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const models = [
      { name: 'voice_recognition', versions: ['1.0', '1.1'], label: (v: number) => ({ user_id: v % 4 }) },
      { name: 'suggestion_engine', versions: ['1.0'], label: (v: number) => ({ accepted: v % 2 === 0 }) },
      { name: 'pattern_learner', versions: ['a', 'b', 'c'], label: (v: number) => ({ pattern_type: ['morning', 'evening', 'night'][v % 3]! }) },
    ];
    const logged: Array<{ id: string; model: (typeof models)[number] }> = [];
    let tracker = await start();
    let counter = 0;

    const round = async () => {
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 12; i += 1) {
        if (logged.length < 5 || next() < 0.6) {
          const model = pick(models);
          counter += 1;
          const id = `r${seed}-${counter}`;
          const value = Math.floor(next() * 12);
          const truth = next() < 0.3 ? model.label(Math.floor(next() * 12)) : null;
          const confidence = Math.round(next() * 1000) / 1000;
          ops.push(
            tracker.logPrediction({
              prediction_id: id,
              model_name: model.name,
              model_version: pick(model.versions),
              input_data: { x: Math.floor(next() * 20) },
              prediction: { ...model.label(value), confidence },
              confidence,
              ...(truth ? { ground_truth: truth } : {}),
              timestamp: minutesBefore(Math.floor(next() * 60 * 24 * 5)),
            }),
          );
          logged.push({ id, model });
        } else {
          const { id, model } = pick(logged);
          const kind = next();
          const label = kind < 0.6 ? { ground_truth: model.label(Math.floor(next() * 12)) } : { correct: kind < 0.8 };
          // A label may race its own prediction's insert in the same round: NotFound is fine then.
          ops.push(tracker.recordGroundTruth(id, label).catch((error: Error) => (error.name === 'NotFoundError' ? null : Promise.reject(error))));
        }
      }
      await Promise.all(ops);
    };

    for (let i = 0; i < 8; i += 1) await round();
    await expectAggregatesMatchRebuild(tracker);
    const performance = await tracker.getPerformance('voice_recognition', { version: '1.0' });
    await stop(tracker);

    tracker = await start();
    await expectAggregatesMatchRebuild(tracker);
    expectSameMetrics(await tracker.getPerformance('voice_recognition', { version: '1.0' }), performance);
    for (let i = 0; i < 8; i += 1) await round();
    await expectAggregatesMatchRebuild(tracker);
    expect(tracker.store.stats().segments).toBeGreaterThan(8);
    const live = await tracker.listModels();
    await stop(tracker);

    tracker = await start();
    await expectAggregatesMatchRebuild(tracker);
    expectSameMetrics(await tracker.listModels(), live);
  });

  it('rebuilds a summary file deleted while stopped; metrics are unchanged', async () => {
    let tracker = await start();
    for (let n = 1; n <= 35; n += 1) await tracker.logPrediction(voicePrediction(n, n % 2 === 0 ? { ground_truth: { user_id: n % 3 } } : {}));
    await tracker.recordGroundTruth('p-15', { ground_truth: { user_id: 1 } });
    const performance = await tracker.getPerformance('voice_recognition');
    await stop(tracker);
    // Read once stopped: the late label for p-15 reaches sealed segment 2 and its summary at close.
    const original = await readFile(summaryPath(2), 'utf8');

    await rm(summaryPath(2));
    tracker = await start();
    expect(await readFile(summaryPath(2), 'utf8')).toBe(original);
    expectSameMetrics(await tracker.getPerformance('voice_recognition'), performance);
    await expectAggregatesMatchRebuild(tracker);
  });
});

describe('interrupted late label', () => {
  async function crashDuringLabel(failOn: string): Promise<void> {
    const fs = new RecordingFileSystem();
    const tracker = await start(fs);
    for (let n = 1; n <= 25; n += 1) await tracker.logPrediction(voicePrediction(n));
    fs.fault = (call) => (call.op === 'rename' && call.path.endsWith(failOn) ? 'EIO' : null);
    const label = tracker.recordGroundTruth('p-3', { ground_truth: { user_id: 0 }, labeled_at: '2024-01-15T11:30:00Z' });
    // Acknowledged: its commit point (the open segment, holding the label in its label log) is on
    // disk; rewriting sealed segment 1 is derived work, deferred (to the next seal, or the close),
    // and redone at start-up when it did not happen.
    await expect(label).resolves.toMatchObject({ prediction_id: 'p-3', correct: true });
    // The close tries the deferred rewrite, and the fault stops it where a crash would have.
    await stop(tracker);
  }

  it('re-applies a logged label at start-up when the sealed segment was not rewritten', async () => {
    await crashDuringLabel('predictions/.segment-00000001.jsonl.tmp');
    // The open segment holds the intent; sealed segment 1 and its summary are as before.
    expect((await readSegment(3)).label_log).toMatchObject([{ prediction_id: 'p-3', segment: 1, target_revision: 1 }]);
    expect((await readSegment(1)).revision).toBe(0);
    expect((await readSegment(1)).records[2]).toMatchObject({ prediction_id: 'p-3', correct: null });

    const tracker = await start();
    expect(await tracker.store.get('p-3')).toMatchObject({ ground_truth: { user_id: 0 }, correct: true, labeled_at: '2024-01-15T11:30:00.000Z' });
    expect((await readSegment(1)).revision).toBe(1);
    expect((await readSegment(1)).records[2]).toMatchObject({ prediction_id: 'p-3', correct: true });
    // Sealed segment 1 is still a log, rewritten whole (compacted) with its revision bumped.
    expect((await readFile(logPath(1), 'utf8')).split('\n')[0]).toMatch(/^\{"schema_version":4,"kind":"segment-log","segment":1,"revision":1,/);
    expect(await readSummary(1)).toMatchObject({ source_revision: 1 });
    expect(await tracker.getPerformance('voice_recognition')).toMatchObject({ labeled_predictions: 1, correct_predictions: 1 });
    await expectAggregatesMatchRebuild(tracker);
  });

  it('recomputes the summary at start-up when the segment was rewritten but its summary was not', async () => {
    await crashDuringLabel('aggregates/.segment-00000001.json.tmp');
    expect((await readSegment(1)).revision).toBe(1);
    expect(await readSummary(1)).toMatchObject({ source_revision: 0 });

    const tracker = await start();
    expect(await readSummary(1)).toMatchObject({ source_revision: 1 });
    expect(await tracker.getPerformance('voice_recognition')).toMatchObject({ labeled_predictions: 1, correct_predictions: 1 });
    await expectAggregatesMatchRebuild(tracker);
  });

  it('rebuilds the summary of a segment sealed just before a crash', async () => {
    const fs = new RecordingFileSystem();
    let tracker = await start(fs);
    for (let n = 1; n <= 10; n += 1) await tracker.logPrediction(voicePrediction(n, { ground_truth: { user_id: 1 } }));
    fs.fault = (call) => (call.op === 'rename' && call.path.endsWith('aggregates/.segment-00000001.json.tmp') ? 'EIO' : null);
    // The summary is derived: p-11's commit point (segment 2) is on disk, so it is acknowledged.
    await expect(tracker.logPrediction(voicePrediction(11))).resolves.toMatchObject({ prediction_id: 'p-11' });
    await stop(tracker);

    tracker = await start();
    expect(await readSummary(1)).toMatchObject({ record_count: 10, source_revision: 0 });
    // p-11 was written to segment 2 before the failure: its commit is on disk, so it is there.
    expect(tracker.store.stats().stored_predictions).toBe(11);
    await expectAggregatesMatchRebuild(tracker);
    await tracker.logPrediction(voicePrediction(12));
    expect(tracker.store.stats()).toMatchObject({ segments: 2, stored_predictions: 12 });
  });
});

describe('corrupt files', () => {
  /** A stopped store: sealed segments 1 and 2 with summaries, open segment 3, training and comparison logs. */
  async function seedStore(): Promise<void> {
    const tracker = await start();
    for (let n = 1; n <= 25; n += 1) await tracker.logPrediction(voicePrediction(n, { ground_truth: { user_id: 1 } }));
    await tracker.logTraining(SEED_TRAINING);
    await stop(tracker);
  }

  async function expectOpenRejected(path: string, message: RegExp): Promise<void> {
    const before = await readFile(path);
    const attempt = openTracker({ dataDir: harness.dir.path, config: SMALL_SEGMENTS_CONFIG, now: fixedClock });
    await expect(attempt).rejects.toBeInstanceOf(CorruptFileError);
    await expect(attempt).rejects.toThrow(path);
    await expect(attempt).rejects.toThrow(message);
    expect(await readFile(path)).toEqual(before);
    // The failed open released the lock it took.
    await expect(readFile(join(harness.dir.path, '.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  }

  it('names an open segment log with an unreadable line before its last, and leaves it untouched', async () => {
    await seedStore();
    const lines = (await readFile(logPath(3), 'utf8')).split('\n');
    lines[2] = lines[2]!.slice(0, 40);
    const offset = Buffer.byteLength(`${lines.slice(0, 2).join('\n')}\n`);
    await writeFile(logPath(3), lines.join('\n'));
    await expectOpenRejected(logPath(3), new RegExp(`line 3 \\(byte ${offset}\\): not valid JSON`));
  });

  it('names an open segment log whose header is garbage', async () => {
    await seedStore();
    await writeFile(logPath(3), '{"schema_version": 1, garbage');
    await expectOpenRejected(logPath(3), /not valid JSON/);
  });

  it('names an empty file', async () => {
    await seedStore();
    await writeFile(logPath(3), '');
    await expectOpenRejected(logPath(3), /the file is empty/);
  });

  it('names a damaged sealed file beside the log of the same segment, and keeps the log', async () => {
    await seedStore();
    await writeFile(segmentPath(3), '{"schema_version": 3, garbage');
    await expectOpenRejected(segmentPath(3), /not valid JSON/);
    expect(await readFile(logPath(3), 'utf8')).toContain('"p-25"');
  });

  it('names a summary with a field of the wrong type, and where', async () => {
    await seedStore();
    const summary = JSON.parse(await readFile(summaryPath(1), 'utf8')) as Record<string, unknown>;
    await writeFile(summaryPath(1), JSON.stringify({ ...summary, record_count: 'ten' }));
    await expectOpenRejected(summaryPath(1), /does not match the expected format at record_count/);
  });

  it('asks to upgrade for a file written by a newer version (schema_version 99)', async () => {
    await seedStore();
    const summary = JSON.parse(await readFile(summaryPath(2), 'utf8')) as Record<string, unknown>;
    await writeFile(summaryPath(2), JSON.stringify({ ...summary, schema_version: 99 }));
    await expectOpenRejected(summaryPath(2), /schema_version 99.*upgrade hap-ml-metrics/);
  });

  it('names a corrupt training log', async () => {
    await seedStore();
    await writeFile(join(harness.dir.path, 'training.json'), '[1, 2');
    await expectOpenRejected(join(harness.dir.path, 'training.json'), /not valid JSON/);
  });

  it('opens again once the file is repaired (the failed open released the lock)', async () => {
    await seedStore();
    const good = await readFile(logPath(3), 'utf8');
    await writeFile(logPath(3), '');
    await expectOpenRejected(logPath(3), /empty/);
    await writeFile(logPath(3), good);
    const tracker = await start();
    expect(tracker.store.stats().stored_predictions).toBe(25);
  });

  it('reports a corrupt sealed segment when it is read (start-up reads only summaries), and keeps taking writes', { timeout: 10_000 }, async () => {
    await seedStore();
    const text = await readFile(logPath(1), 'utf8');
    const truncated = text.slice(0, 100);
    await writeFile(logPath(1), truncated);
    const tracker = await start();
    expect(tracker.store.stats().stored_predictions).toBe(25);
    await expect(tracker.getPredictions('voice_recognition', { limit: 100 })).rejects.toThrow(logPath(1));
    await expect(tracker.recordGroundTruth('p-3', { correct: false })).rejects.toThrow(logPath(1));
    await expect(tracker.logPrediction(voicePrediction(3))).rejects.toThrow(logPath(1));
    // The failures above did not wedge the commit queue.
    await expect(tracker.logPrediction(voicePrediction(26))).resolves.toEqual({ prediction_id: 'p-26', correct: null });
    await expect(tracker.recordGroundTruth('p-26', { correct: true })).resolves.toMatchObject({ correct: true });
    expect(await readFile(logPath(1), 'utf8')).toBe(truncated);
  });
});

describe('a clean restart', () => {
  it('writes nothing: after late labels on sealed segments and a close, opening the store again touches no file', async () => {
    let tracker = await start();
    for (let n = 1; n <= 35; n += 1) await tracker.logPrediction(voicePrediction(n));
    // Late labels for sealed segments (logged in the open segment, then applied) and the open one.
    for (const n of [2, 14, 23, 34]) await tracker.recordGroundTruth(`p-${n}`, { ground_truth: { user_id: 1 }, labeled_at: minutesBefore(n) });
    await stop(tracker);
    const fs = new RecordingFileSystem();
    tracker = await start(fs);
    await tracker.getPerformance('voice_recognition');
    await stop(tracker);
    // (mkdir -p of the directories that exist changes nothing.)
    expect(fs.calls().filter((call) => ['writeFileSynced', 'rename', 'syncDirectory', 'unlink'].includes(call.op)).map((call) => `${call.op} ${call.path.slice(harness.dir.path.length)}`)).toEqual([]);
  });
});

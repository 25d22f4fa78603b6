import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelPerformance } from '../../src/domain/performance.js';
import { parseStoredJson } from '../../src/storage/durable-json-file.js';
import { SegmentSummarySchema } from '../../src/storage/segment-files.js';
import { NotFoundError } from '../../src/tracker/errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { diffAggregates, expectSameMetrics } from '../support/aggregate-diff.js';
import { NOW, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const DAY = 86_400_000;
const OLD = new Date(NOW.getTime() - 400 * DAY);
const ago = (base: Date, minutes: number) => new Date(base.getTime() - minutes * 60_000).toISOString();

const harness = useTrackerHarness('retention-');
/** The tracker's clock: tests move it. */
let clock = NOW;

beforeEach(() => {
  clock = NOW;
});

function start(fs?: RecordingFileSystem): Promise<ModelPerformanceTracker> {
  return harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => clock, ...(fs ? { fs } : {}) });
}

function stop(tracker: ModelPerformanceTracker): Promise<void> {
  return harness.close(tracker);
}

const files = async (sub: string) => (await readdir(join(harness.dir.path, sub))).filter((name) => !name.startsWith('.')).sort();
const name = (n: number) => `segment-${String(n).padStart(8, '0')}.json`;
/** A segment's file: its log (the open one, and every sealed one since schema version 4). */
const log = (n: number) => `${name(n)}l`;
const summary = async (n: number) => {
  const path = join(harness.dir.path, 'aggregates', name(n));
  return parseStoredJson(path, await readFile(path, 'utf8'), SegmentSummarySchema);
};

/**
 * p-1..p-20 logged 400 days ago (segments 1 and 2); p-21..p-25 logged now but timestamped 400
 * days ago, with p-26..p-30 made now (segment 3: its newest record is recent); p-31..p-45 made
 * now (segment 4 sealed, 5 open). Every third prediction is labeled.
 */
async function logHistory(tracker: ModelPerformanceTracker): Promise<void> {
  for (let n = 1; n <= 45; n += 1) {
    clock = n <= 20 ? OLD : NOW;
    const madeAt = n <= 25 ? OLD : NOW;
    const truth = n % 3 === 0 ? { ground_truth: { user_id: n % 2 === 0 ? n % 3 : 2 } } : {};
    await tracker.logPrediction(voicePrediction(n, { timestamp: ago(madeAt, 100 - n), ...truth }));
  }
}

/**
 * The figures kept in the aggregates. The label-free estimate is computed from the raw records
 * (README "Estimated accuracy"), so it covers only what retention keeps and is left out here.
 */
function aggregated(performance: ModelPerformance): ModelPerformance {
  return { ...performance, estimated_accuracy: null, estimation_labeled_count: 0, estimation_prediction_count: 0 };
}

describe('retention', () => {
  it('drops whole sealed segments older than retention_days; their summaries and all-time metrics stay', async () => {
    let tracker = await start();
    await logHistory(tracker);
    expect(await files('predictions')).toEqual([1, 2, 3, 4, 5].map(log));
    const allTime = await tracker.getPerformance('voice_recognition');
    const models = await tracker.listModels();
    const oldRange = { since: ago(OLD, 200), until: ago(OLD, 0) };
    const oldPerformance = await tracker.getPerformance('voice_recognition', oldRange);
    expect(oldPerformance.total_predictions).toBe(25);

    expect(await tracker.applyRetention()).toEqual({ segments: 2, records: 20 });
    expect(await files('predictions')).toEqual([3, 4, 5].map(log));
    expect(await files('aggregates')).toEqual([1, 2, 3, 4].map(name));
    for (const n of [1, 2]) expect(await summary(n)).toMatchObject({ segment: n, raw_dropped: true, id_hashes: '', record_count: 10 });
    expect(await summary(3)).toMatchObject({ raw_dropped: false });

    const kept = await tracker.getPerformance('voice_recognition');
    expectSameMetrics(aggregated(kept), aggregated(allTime));
    expect(kept.estimation_prediction_count).toBeLessThan(allTime.estimation_prediction_count);
    expectSameMetrics(await tracker.listModels(), models);
    expectSameMetrics(aggregated(await tracker.getPerformance('voice_recognition', oldRange)), aggregated(oldPerformance));
    const ids = (await tracker.getPredictions('voice_recognition', { limit: 100 })).predictions.map((p) => p.prediction_id);
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `p-${45 - i}`));
    expect(tracker.store.stats()).toEqual({ segments: 5, stored_predictions: 25, open_segment_records: 5 });
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);

    await expect(tracker.recordGroundTruth('p-5', { correct: true })).rejects.toBeInstanceOf(NotFoundError);
    expect(await tracker.store.get('p-5')).toBeNull();
    // Recent ones are intact and still take labels; so does the old record in the kept segment 3.
    await expect(tracker.recordGroundTruth('p-22', { ground_truth: { user_id: 1 } })).resolves.toMatchObject({ correct: true });
    await expect(tracker.recordGroundTruth('p-44', { ground_truth: { user_id: 2 } })).resolves.toMatchObject({ correct: true });
    expect(await tracker.applyRetention()).toEqual({ segments: 0, records: 0 });

    const labeled = await tracker.getPerformance('voice_recognition');
    tracker = await stop(tracker).then(() => start());
    expectSameMetrics(aggregated(await tracker.getPerformance('voice_recognition')), aggregated(labeled));
    expect(labeled.total_predictions).toBe(45);
    await expect(tracker.recordGroundTruth('p-15', { correct: true })).rejects.toBeInstanceOf(NotFoundError);
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
  });

  it('writes the summary durably before removing the raw file, then fsyncs the directory', async () => {
    const fs = new RecordingFileSystem();
    const tracker = await start(fs);
    await logHistory(tracker);
    fs.reset();
    await tracker.applyRetention();
    const steps = fs
      .calls()
      .filter((call) => call.op !== 'readFile' && call.op !== 'readdir')
      .map((call) => `${call.op} ${(call.to ?? call.path).slice(harness.dir.path.length + 1)}`);
    const segmentSteps = (n: number) => [
      `writeFileSynced aggregates/.${name(n)}.tmp`,
      `rename aggregates/${name(n)}`,
      'syncDirectory aggregates',
      `unlink predictions/${log(n)}`,
      'syncDirectory predictions',
    ];
    expect(steps).toEqual([...segmentSteps(1), ...segmentSteps(2)]);
  });

  it('finishes a retention stopped between its summary and the removal of the raw file', async () => {
    const fs = new RecordingFileSystem();
    let tracker = await start(fs);
    await logHistory(tracker);
    const allTime = await tracker.getPerformance('voice_recognition');
    fs.fault = (call) => (call.op === 'unlink' ? 'EIO' : null);
    await expect(tracker.applyRetention()).rejects.toThrow('EIO');
    await stop(tracker);
    expect(await files('predictions')).toEqual([1, 2, 3, 4, 5].map(log));
    expect(await summary(1)).toMatchObject({ raw_dropped: true });

    // A start-up that writes says so (issue 9b): the removal is logged, naming the segment.
    const logger = recordingLogger();
    const restartFs = new RecordingFileSystem();
    tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: () => clock, fs: restartFs, logger });
    expect(restartFs.calls('unlink').map((call) => call.path)).toEqual([join(harness.dir.path, 'predictions', log(1))]);
    expect(logger.entries.filter((entry) => entry.message.includes('retention had dropped'))).toMatchObject([{ level: 'info', fields: { segment: 1 } }]);
    expect(await files('predictions')).toEqual([2, 3, 4, 5].map(log));
    expectSameMetrics(aggregated(await tracker.getPerformance('voice_recognition')), aggregated(allTime));
    expect(await tracker.applyRetention()).toEqual({ segments: 1, records: 10 });
    expect(await files('predictions')).toEqual([3, 4, 5].map(log));
    expectSameMetrics(aggregated(await tracker.getPerformance('voice_recognition')), aggregated(allTime));
  });
});

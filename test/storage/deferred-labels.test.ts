import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStoredJson } from '../../src/storage/durable-json-file.js';
import { foldSegmentLog } from '../../src/storage/fold-segment-log.js';
import { SegmentSummarySchema } from '../../src/storage/segment-files.js';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { diffAggregates, expectSameMetrics } from '../support/aggregate-diff.js';
import { fixedClock, NOW, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/**
 * Late labels for sealed segments: logged as intent lines in the open segment's log (the commit
 * point), kept in memory, and written into their sealed segments once, when the open segment
 * seals, when more sealed segments wait than the segment cache holds, or when the store closes.
 */
const harness = useTrackerHarness('deferred-labels-');
let clock = NOW;

function start(options: { fs?: RecordingFileSystem; config?: object } = {}): Promise<ModelPerformanceTracker> {
  clock = NOW;
  return harness.open({ config: options.config ?? SMALL_SEGMENTS_CONFIG, now: () => clock, ...(options.fs ? { fs: options.fs } : {}) });
}

const name = (n: number) => `segment-${String(n).padStart(8, '0')}.json`;
const logPath = (n: number) => join(harness.dir.path, 'predictions', `${name(n)}l`);
const summaryPath = (n: number) => join(harness.dir.path, 'aggregates', name(n));
async function onDisk(n: number) {
  const folded = foldSegmentLog(await readFile(logPath(n), 'utf8'));
  if ('damage' in folded) throw new Error(folded.damage.reason);
  return folded.log.data;
}
const summary = async (n: number) => parseStoredJson(summaryPath(n), await readFile(summaryPath(n), 'utf8'), SegmentSummarySchema);
/** Renames onto segment n's log: its creation (as the open segment), then one per rewrite. */
const renamesOnto = (fs: RecordingFileSystem, n: number) => fs.calls('rename').filter((call) => call.to === logPath(n)).length;

async function expectAggregatesMatchRebuild(tracker: ModelPerformanceTracker): Promise<void> {
  expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
}

/** p-1..p-15: segment 1 sealed (p-1..p-10), segment 2 open (p-11..p-15). */
async function logFifteen(tracker: ModelPerformanceTracker): Promise<void> {
  for (let n = 1; n <= 15; n += 1) await tracker.logPrediction(voicePrediction(n));
}

describe('late labels for a sealed segment', () => {
  it('are logged in the open segment and read from memory; the sealed log is rewritten once, when the open segment seals', async () => {
    const fs = new RecordingFileSystem();
    const tracker = await start({ fs });
    await logFifteen(tracker);
    const sealedLog = await readFile(logPath(1), 'utf8');
    expect(renamesOnto(fs, 1)).toBe(1);

    const appendsBefore = fs.calls('appendFileSynced').length;
    await tracker.recordGroundTruth('p-3', { ground_truth: { user_id: 0 } });
    await tracker.recordGroundTruth('p-4', { ground_truth: { user_id: 2 } });
    // Each label is one append (its intent line) to the open segment's log; segment 1 is untouched.
    expect(fs.calls('appendFileSynced').slice(appendsBefore).map((call) => call.path)).toEqual([logPath(2), logPath(2)]);
    expect(fs.calls('appendFileSynced').slice(appendsBefore).every((call) => (call.bytes ?? 0) < 400)).toBe(true);
    expect(renamesOnto(fs, 1)).toBe(1);
    expect(await readFile(logPath(1), 'utf8')).toBe(sealedLog);
    expect((await onDisk(2)).label_log.map((intent) => [intent.prediction_id, intent.target_revision])).toEqual([
      ['p-3', 1],
      ['p-4', 2],
    ]);

    // Every reader sees them: by id, in listings, in the metrics, in the label-free estimate's outcomes.
    expect(await tracker.store.get('p-3')).toMatchObject({ ground_truth: { user_id: 0 }, correct: true });
    const listed = (await tracker.getPredictions('voice_recognition', { limit: 100 })).predictions.find((p) => p.prediction_id === 'p-4');
    expect(listed).toMatchObject({ ground_truth: { user_id: 2 } });
    expect(await tracker.getPerformance('voice_recognition')).toMatchObject({ labeled_predictions: 2 });
    await expectAggregatesMatchRebuild(tracker);

    // p-16..p-20 fill segment 2; p-21 seals it: segment 1 is rewritten first, once, with both labels.
    for (let n = 16; n <= 21; n += 1) await tracker.logPrediction(voicePrediction(n));
    expect(renamesOnto(fs, 1)).toBe(2);
    const rewritten = await onDisk(1);
    expect(rewritten.revision).toBe(2);
    expect(rewritten.records.filter((record) => record.correct !== null).map((record) => record.prediction_id)).toEqual(['p-3', 'p-4']);
    expect(await summary(1)).toMatchObject({ source_revision: 2 });
    await expectAggregatesMatchRebuild(tracker);
  });

  it('a reader opened meanwhile (the CLI) reads them from the open log and leaves the sealed files as they are', async () => {
    const tracker = await start();
    await logFifteen(tracker);
    await tracker.recordGroundTruth('p-3', { ground_truth: { user_id: 0 } });
    const sealedLog = await readFile(logPath(1), 'utf8');
    const sealedSummary = await readFile(summaryPath(1), 'utf8');

    const reader = await openTracker({ dataDir: harness.dir.path, config: SMALL_SEGMENTS_CONFIG, now: fixedClock, readOnly: true });
    try {
      expect(await reader.store.get('p-3')).toMatchObject({ ground_truth: { user_id: 0 }, correct: true });
      const listed = (await reader.getPredictions('voice_recognition', { limit: 100 })).predictions.find((p) => p.prediction_id === 'p-3');
      expect(listed).toMatchObject({ correct: true });
      expectSameMetrics(await reader.getPerformance('voice_recognition'), await tracker.getPerformance('voice_recognition'));
    } finally {
      await reader.close();
    }
    expect(await readFile(logPath(1), 'utf8')).toBe(sealedLog);
    expect(await readFile(summaryPath(1), 'utf8')).toBe(sealedSummary);
  });

  it('are written into their segments when the store closes, so start-up has none to apply', async () => {
    let tracker = await start();
    await logFifteen(tracker);
    await tracker.recordGroundTruth('p-3', { ground_truth: { user_id: 0 } });
    const performance = await tracker.getPerformance('voice_recognition');
    await harness.close(tracker);
    expect((await onDisk(1)).records[2]).toMatchObject({ prediction_id: 'p-3', correct: true });
    expect(await summary(1)).toMatchObject({ source_revision: 1 });

    tracker = await start();
    expectSameMetrics(await tracker.getPerformance('voice_recognition'), performance);
    await expectAggregatesMatchRebuild(tracker);
  });

  it('wait for at most as many sealed segments as the segment cache holds; past that, all are written at once', async () => {
    const fs = new RecordingFileSystem();
    const config = { ...SMALL_SEGMENTS_CONFIG, storage: { ...SMALL_SEGMENTS_CONFIG.storage, segment_cache_size: 2 } };
    const tracker = await start({ fs, config });
    for (let n = 1; n <= 35; n += 1) await tracker.logPrediction(voicePrediction(n));
    // Segments 1-3 sealed, 4 open. Labels for two sealed segments wait...
    await tracker.recordGroundTruth('p-2', { ground_truth: { user_id: 2 } });
    await tracker.recordGroundTruth('p-12', { ground_truth: { user_id: 0 } });
    expect([1, 2, 3].map((n) => renamesOnto(fs, n))).toEqual([1, 1, 1]);
    // ...a third is one more than the cache holds: the three are written in that commit.
    await tracker.recordGroundTruth('p-22', { ground_truth: { user_id: 1 } });
    expect([1, 2, 3].map((n) => renamesOnto(fs, n))).toEqual([2, 2, 2]);
    expect((await onDisk(3)).records[1]).toMatchObject({ prediction_id: 'p-22', correct: true });
    await expectAggregatesMatchRebuild(tracker);
  });

  it('a segment that retention drops keeps its waiting labels in its summary', async () => {
    const tracker = await start();
    for (let n = 1; n <= 15; n += 1) await tracker.logPrediction(voicePrediction(n, { timestamp: '2023-01-01T00:00:00.000Z' }));
    await tracker.recordGroundTruth('p-3', { ground_truth: { user_id: 0 } });
    const before = await tracker.getPerformance('voice_recognition');
    expect(before.labeled_predictions).toBe(1);

    expect(await tracker.applyRetention()).toEqual({ segments: 1, records: 10 });
    expect(await summary(1)).toMatchObject({ raw_dropped: true, groups: [{ buckets: [{ labeled: 1, correct: 1 }] }] });
    await harness.close(tracker);

    const reopened = await start();
    expect(await reopened.getPerformance('voice_recognition')).toMatchObject({ labeled_predictions: 1, correct_predictions: 1 });
    await expectAggregatesMatchRebuild(reopened);
  });

  it('when the rewrite before a seal fails, the segment does not seal; the store re-reads its files and loses no label', async () => {
    const fs = new RecordingFileSystem();
    const tracker = await start({ fs });
    await logFifteen(tracker);
    await tracker.recordGroundTruth('p-3', { ground_truth: { user_id: 0 } });
    for (let n = 16; n <= 20; n += 1) await tracker.logPrediction(voicePrediction(n));
    fs.fault = (call) => (call.op === 'rename' && call.to === logPath(1) ? 'EIO' : null);
    // p-21 would seal segment 2: the rewrite of segment 1 fails, so p-21 waits for the next commit,
    // which first re-reads the store (the label is applied again from segment 2's log: that fails
    // too while the fault lasts, and p-21 is refused, not lost).
    await expect(tracker.logPrediction(voicePrediction(21))).rejects.toThrow();
    fs.fault = null;
    await expect(tracker.logPrediction(voicePrediction(21))).resolves.toMatchObject({ prediction_id: 'p-21' });
    expect((await onDisk(1)).records[2]).toMatchObject({ prediction_id: 'p-3', correct: true });
    expect(tracker.store.stats()).toMatchObject({ segments: 3, stored_predictions: 21 });
    expect(await tracker.store.get('p-3')).toMatchObject({ correct: true });
    await expectAggregatesMatchRebuild(tracker);
  });
});

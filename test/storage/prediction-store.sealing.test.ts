/**
 * The open segment's log around its edges: a partial append that failed (cut back off, whether
 * the cut works at once or only at the next re-read), and a stop during sealing (before or after
 * the next segment's log and the sealed one's summary; version 3's log left beside its sealed document).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSystem } from '../../src/storage/file-system.js';
import { nodeFileSystem } from '../../src/storage/file-system.js';
import { foldSegmentLog } from '../../src/storage/fold-segment-log.js';
import { SegmentFilesOnDisk } from '../../src/storage/segment-files-on-disk.js';
import { StorageUnavailableError } from '../../src/tracker/errors.js';
import { diffAggregates } from '../support/aggregate-diff.js';
import { fixedClock, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { errnoError, RecordingFileSystem } from '../support/recording-file-system.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('sealing-');
const logPath = (n: number) => join(harness.dir.path, 'predictions', `segment-${String(n).padStart(8, '0')}.jsonl`);
const predictionFiles = async () => (await readdir(join(harness.dir.path, 'predictions'))).filter((name) => !name.startsWith('.')).sort();

/** The real file system, but an append writes only part of its lines before failing with ENOSPC (a disk that fills mid-write); `truncateFails` makes the cut back fail too. */
function fillingDisk(): { fs: FileSystem; full: boolean; truncateFails: boolean } {
  const state = { full: false, truncateFails: false, fs: nodeFileSystem };
  state.fs = {
    ...nodeFileSystem,
    async appendFileSynced(path, data) {
      if (!state.full) return nodeFileSystem.appendFileSynced(path, data);
      await nodeFileSystem.appendFileSynced(path, data.slice(0, Math.floor(data.length * 0.7)));
      throw errnoError('ENOSPC', `no space left on device, write '${path}'`);
    },
    async truncateFileSynced(path, length) {
      if (state.truncateFails) throw errnoError('EIO', `i/o error, truncate '${path}'`);
      return nodeFileSystem.truncateFileSynced(path, length);
    },
  };
  return state;
}

describe('a partial append that failed', () => {
  it.each([
    ['cut back at once', false],
    ['cut back at the re-read before the next write, when the first cut fails too', true],
  ])('is %s: the rejected predictions are not stored, now or after a restart', async (_name, truncateFails) => {
    const disk = fillingDisk();
    let tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, fs: disk.fs });
    for (let n = 1; n <= 12; n += 1) await tracker.logPrediction(voicePrediction(n));
    const size = (await stat(logPath(2))).size;

    disk.full = true;
    disk.truncateFails = truncateFails;
    const results = await Promise.allSettled([13, 14, 15].map((n) => tracker.logPrediction(voicePrediction(n))));
    for (const result of results) expect(result.status === 'rejected' && result.reason instanceof StorageUnavailableError).toBe(true);
    if (!truncateFails) expect((await stat(logPath(2))).size).toBe(size);
    expect((await stat(logPath(2))).size >= size).toBe(true);

    disk.full = false;
    disk.truncateFails = false;
    await tracker.logPrediction(voicePrediction(16));
    for (const n of [13, 14, 15]) expect(await tracker.store.get(`p-${n}`), `p-${n}`).toBeNull();
    expect(tracker.store.stats().stored_predictions).toBe(13);
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
    await harness.close(tracker);

    const logger = recordingLogger();
    tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, logger });
    for (const n of [13, 14, 15]) expect(await tracker.store.get(`p-${n}`), `p-${n}`).toBeNull();
    expect(await tracker.store.get('p-16')).toMatchObject({ prediction_id: 'p-16' });
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
  });
});

describe('a stop during sealing', () => {
  const summaryPath = (n: number) => join(harness.dir.path, 'aggregates', `segment-${String(n).padStart(8, '0')}.json`);
  const summaryFiles = async () => (await readdir(join(harness.dir.path, 'aggregates'))).filter((name) => !name.startsWith('.')).sort();

  /** Ten predictions fill segment 1 (p-4 relabeled by a label line); p-11 is the commit that seals it, with `fault` on. */
  async function sealWith(fault: (call: { op: string; path: string; to?: string | undefined }) => 'EIO' | null): Promise<Error | null> {
    const fs = new RecordingFileSystem();
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, fs });
    for (let n = 1; n <= 10; n += 1) await tracker.logPrediction(voicePrediction(n, { ground_truth: { user_id: n % 3 } }));
    await tracker.recordGroundTruth('p-4', { ground_truth: { user_id: 2 } });
    fs.fault = fault;
    const outcome = await tracker.logPrediction(voicePrediction(11)).then(
      () => null,
      (error: unknown) => error as Error,
    );
    // The fault stays on until the close: the summary is written alongside, and may finish after the answer.
    await harness.close(tracker);
    return outcome;
  }
  const createsLog2 = (call: { op: string; to?: string | undefined }) => call.op === 'rename' && call.to === logPath(2);
  const writesSummary1 = (call: { op: string; to?: string | undefined }) => call.op === 'rename' && call.to === summaryPath(1);

  it('seals by writing nothing: the log stays as it is, the next log is created, and the summary is written beside it', async () => {
    const fs = new RecordingFileSystem();
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, fs });
    for (let n = 1; n <= 10; n += 1) await tracker.logPrediction(voicePrediction(n));
    const log1 = await readFile(logPath(1), 'utf8');
    fs.reset();
    await tracker.logPrediction(voicePrediction(11));
    await harness.close(tracker);
    const written = fs.calls().filter((call) => ['writeFileSynced', 'appendFileSynced', 'rename', 'unlink'].includes(call.op));
    expect(written.map((call) => `${call.op} ${(call.to ?? call.path).slice(harness.dir.path.length + 1)}`).sort()).toEqual(
      ['writeFileSynced predictions/.segment-00000002.jsonl.tmp', 'rename predictions/segment-00000002.jsonl', 'writeFileSynced aggregates/.segment-00000001.json.tmp', 'rename aggregates/segment-00000001.json'].sort(),
    );
    expect(await readFile(logPath(1), 'utf8')).toBe(log1);
    expect(await predictionFiles()).toEqual(['segment-00000001.jsonl', 'segment-00000002.jsonl']);
  });

  it('before the next log and the summary: the segment is open again, full (the next prediction seals it), and nothing acknowledged is lost', async () => {
    const failure = await sealWith((call) => (createsLog2(call) || writesSummary1(call) ? 'EIO' : null));
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect(await predictionFiles()).toEqual(['segment-00000001.jsonl']);
    expect(await summaryFiles()).toEqual([]);

    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock });
    expect(tracker.store.stats()).toEqual({ segments: 1, stored_predictions: 10, open_segment_records: 10 });
    expect(await tracker.store.get('p-4')).toMatchObject({ ground_truth: { user_id: 2 }, correct: false });
    await expect(tracker.logPrediction(voicePrediction(11))).resolves.toMatchObject({ prediction_id: 'p-11' });
    expect(tracker.store.stats()).toEqual({ segments: 2, stored_predictions: 11, open_segment_records: 1 });
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
    await harness.close(tracker);
    expect(await predictionFiles()).toEqual(['segment-00000001.jsonl', 'segment-00000002.jsonl']);
    expect(await summaryFiles()).toEqual(['segment-00000001.json']);
  });

  it('after the summary but before the next log: the highest log has a summary, so it is sealed and no segment is open', async () => {
    const failure = await sealWith((call) => (createsLog2(call) ? 'EIO' : null));
    expect(failure).toBeInstanceOf(StorageUnavailableError);
    expect(await predictionFiles()).toEqual(['segment-00000001.jsonl']);
    expect(await summaryFiles()).toEqual(['segment-00000001.json']);

    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock });
    expect(tracker.store.stats()).toEqual({ segments: 1, stored_predictions: 10, open_segment_records: 0 });
    // A label for segment 1 is now a late label: logged in the new segment 2, then segment 1 rewritten.
    await expect(tracker.recordGroundTruth('p-5', { ground_truth: { user_id: 0 } })).resolves.toMatchObject({ correct: false });
    await expect(tracker.logPrediction(voicePrediction(11))).resolves.toMatchObject({ prediction_id: 'p-11' });
    expect(tracker.store.stats()).toEqual({ segments: 2, stored_predictions: 11, open_segment_records: 1 });
    expect(await tracker.store.get('p-4')).toMatchObject({ ground_truth: { user_id: 2 }, correct: false });
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
    await harness.close(tracker);
    const reopened = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock });
    expect(await reopened.store.get('p-5')).toMatchObject({ ground_truth: { user_id: 0 }, correct: false });
    await harness.close(reopened);
  });

  it('after the next log, before the summary: start-up rebuilds the missing summary of the sealed log', async () => {
    const failure = await sealWith((call) => (writesSummary1(call) ? 'EIO' : null));
    // The summary is derived: p-11's commit point (segment 2's log) is on disk, so it is acknowledged.
    expect(failure).toBeNull();
    expect(await summaryFiles()).toEqual([]);
    const logger = recordingLogger();
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, logger });
    expect(logger.entries.some((entry) => entry.message === 'rebuilt a missing segment summary' && entry.fields?.['segment'] === 1)).toBe(true);
    expect(await summaryFiles()).toEqual(['segment-00000001.json']);
    expect(tracker.store.stats()).toEqual({ segments: 2, stored_predictions: 11, open_segment_records: 1 });
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
    await harness.close(tracker);
  });

  it('of schema version 3 (its log left beside the sealed JSON document it was compacted into): start-up removes the log once the document reads, and loses nothing', async () => {
    await sealWith(() => null);
    // What version 3 left when stopped after writing segment 1's document, before removing its log.
    const folded = foldSegmentLog(await readFile(logPath(1), 'utf8'));
    if ('damage' in folded) throw new Error(folded.damage.reason);
    await new SegmentFilesOnDisk(harness.dir.path, nodeFileSystem).writeSegmentDocument({ ...folded.log.data, schema_version: 3 } as never);
    expect(await predictionFiles()).toEqual(['segment-00000001.json', 'segment-00000001.jsonl', 'segment-00000002.jsonl']);

    const logger = recordingLogger();
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, logger });
    expect(await predictionFiles()).toEqual(['segment-00000001.json', 'segment-00000002.jsonl']);
    expect(logger.entries.some((entry) => entry.message === 'removed the log of a segment sealed just before a stop' && entry.fields?.['segment'] === 1)).toBe(true);
    expect(tracker.store.stats()).toEqual({ segments: 2, stored_predictions: 11, open_segment_records: 1 });
    expect(await tracker.store.get('p-4')).toMatchObject({ ground_truth: { user_id: 2 }, correct: false });
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
    await harness.close(tracker);
  });
});

/**
 * The open segment's log around its edges: a partial append that failed (cut back off, whether
 * the cut works at once or only at the next re-read), and a stop during sealing (the log left
 * beside its sealed file).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSystem } from '../../src/storage/file-system.js';
import { nodeFileSystem } from '../../src/storage/file-system.js';
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
  it('leaves the log beside its sealed file: start-up removes it once the sealed file reads, and loses nothing', async () => {
    const fs = new RecordingFileSystem();
    let tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, fs });
    for (let n = 1; n <= 10; n += 1) await tracker.logPrediction(voicePrediction(n, { ground_truth: { user_id: n % 3 } }));
    await tracker.recordGroundTruth('p-4', { ground_truth: { user_id: 2 } });
    // p-11 seals segment 1: its sealed file and summary are written, then the log cannot be removed.
    fs.fault = (call) => (call.op === 'unlink' && call.path === logPath(1) ? 'EIO' : null);
    await expect(tracker.logPrediction(voicePrediction(11))).resolves.toMatchObject({ prediction_id: 'p-11' });
    fs.fault = null;
    await harness.close(tracker);
    expect(await predictionFiles()).toEqual(['segment-00000001.json', 'segment-00000001.jsonl', 'segment-00000002.jsonl']);
    const sealed = JSON.parse(await readFile(join(harness.dir.path, 'predictions', 'segment-00000001.json'), 'utf8')) as { records: Array<{ prediction_id: string; correct: boolean }> };
    // Compacted: the label line folded into the record.
    expect(sealed.records.find((record) => record.prediction_id === 'p-4')).toMatchObject({ correct: false });

    const logger = recordingLogger();
    tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, logger });
    expect(await predictionFiles()).toEqual(['segment-00000001.json', 'segment-00000002.jsonl']);
    expect(logger.entries.some((entry) => entry.message === 'removed the log of a segment sealed just before a stop' && entry.fields?.['segment'] === 1)).toBe(true);
    expect(tracker.store.stats()).toEqual({ segments: 2, stored_predictions: 11, open_segment_records: 1 });
    expect(await tracker.store.get('p-4')).toMatchObject({ ground_truth: { user_id: 2 }, correct: false });
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);
  });
});

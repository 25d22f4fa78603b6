import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStoredJson } from '../../src/storage/durable-json-file.js';
import { foldSegmentLog } from '../../src/storage/fold-segment-log.js';
import { SegmentFileSchema, SegmentSummarySchema } from '../../src/storage/segment-files.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { fixedClock, minutesBefore, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('segments-');

function start(config: unknown, fs?: RecordingFileSystem): Promise<ModelPerformanceTracker> {
  return harness.open({ config, now: fixedClock, ...(fs ? { fs } : {}) });
}

async function storedFiles(sub: 'predictions' | 'aggregates'): Promise<string[]> {
  return (await readdir(join(harness.dir.path, sub))).filter((name) => !name.startsWith('.')).sort();
}

/** A sealed segment file, or the open segment's log folded. */
async function readSegment(name: string) {
  const path = join(harness.dir.path, 'predictions', name);
  const text = await readFile(path, 'utf8');
  if (!name.endsWith('.jsonl')) return parseStoredJson(path, text, SegmentFileSchema);
  const folded = foldSegmentLog(text);
  if ('damage' in folded) throw new Error(`${name}: ${folded.damage.reason}`);
  expect(folded.log.torn).toBeNull();
  return folded.log.data;
}

async function readSummary(name: string) {
  const path = join(harness.dir.path, 'aggregates', name);
  return parseStoredJson(path, await readFile(path, 'utf8'), SegmentSummarySchema);
}

/** Logs predictions `from..to` in concurrent groups of `group` (each group is one or two commits). */
async function logRange(tracker: ModelPerformanceTracker, from: number, to: number, group = 1, fields: (n: number) => object = () => ({})): Promise<void> {
  for (let start = from; start <= to; start += group) {
    const batch: Promise<unknown>[] = [];
    for (let n = start; n < start + group && n <= to; n += 1) batch.push(tracker.logPrediction({ ...voicePrediction(n), ...fields(n) }));
    await Promise.all(batch);
  }
}

/** The most bytes one call wrote: a file written whole, or a commit appended to the open segment's log. */
const largestWrite = (fs: RecordingFileSystem) => Math.max(0, ...[...fs.calls('writeFileSynced'), ...fs.calls('appendFileSynced')].map((call) => call.bytes ?? 0));

/** Fixed-width ids and inputs, so a record's text is the same length whatever its number. */
/** Same-width ids and inputs; made up to 2000 minutes before now (a timestamp ahead of the clock is refused). */
const fixedWidth = (n: number) => ({ prediction_id: `p-${String(n).padStart(6, '0')}`, input_data: { sample: 100_000 + n }, timestamp: minutesBefore(2000 - n) });

/**
 * Between 200 and 2,000 predictions the segment number (20 → 200) and the sequence numbers
 * (199 → 1999) gain one digit; a summary holds three such numbers (segment, first_seq, a
 * group's first_seq). Anything more is growth with history.
 */
const COUNTER_DIGITS = 3;

/** The text of a logged label (a LabelIntent) as the open segment stores it. */
function intentText(fields: { prediction_id: string; segment: number; target_revision: number; correct: boolean }): string {
  return JSON.stringify({
    prediction_id: fields.prediction_id,
    segment: fields.segment,
    target_revision: fields.target_revision,
    ground_truth: { user_id: 2 },
    ground_truth_source: 'api',
    correct: fields.correct,
    labeled_at: fixedClock().toISOString(),
    rating: null,
  });
}

describe('segment bounds', () => {
  it('seals a segment at segment_max_records: 95 predictions make 9 sealed segments of 10 and an open one of 5', async () => {
    const tracker = await start(SMALL_SEGMENTS_CONFIG);
    await logRange(tracker, 1, 95, 7);
    const segments = await storedFiles('predictions');
    // Ten logs: nine sealed (each kept as it was written), and the open one.
    expect(segments).toEqual(Array.from({ length: 10 }, (_, i) => `segment-${String(i + 1).padStart(8, '0')}.jsonl`));
    const summaries = await storedFiles('aggregates');
    expect(summaries).toEqual(segments.slice(0, 9).map((name) => name.slice(0, -1)));

    let seq = 0;
    for (const [index, name] of segments.entries()) {
      const segment = await readSegment(name);
      expect(segment.segment).toBe(index + 1);
      expect(segment.first_seq).toBe(seq);
      expect(segment.records.length).toBe(index < 9 ? 10 : 5);
      expect(segment.records.map((r) => r.prediction_id)).toEqual(Array.from({ length: segment.records.length }, (_, i) => `p-${seq + i + 1}`));
      seq += segment.records.length;
      if (index < 9) {
        const summary = await readSummary(name.slice(0, -1));
        expect(summary).toMatchObject({ segment: index + 1, first_seq: segment.first_seq, record_count: 10, raw_dropped: false, source_revision: 0 });
        expect(summary.min_timestamp).toBe(segment.records[0]!.timestamp);
        expect(summary.max_timestamp).toBe(segment.records[9]!.timestamp);
        expect(summary.groups.map((g) => [g.model_name, g.model_version, g.buckets.reduce((sum, b) => sum + b.total, 0)])).toEqual([['voice_recognition', '1.0', 10]]);
      }
    }
    expect(tracker.store.stats()).toEqual({ segments: 10, stored_predictions: 95, open_segment_records: 5 });
  });

  it('keeps every segment file within segment_max_bytes (ASCII records of ~1 KB)', async () => {
    const maxBytes = 16_384;
    const config = { ...SMALL_SEGMENTS_CONFIG, storage: { segment_max_records: 100_000, segment_max_bytes: maxBytes } };
    const tracker = await start(config);
    await logRange(tracker, 1, 120, 5, (n) => ({ input_data: { sample: n, spectrum: 'x'.repeat(900) } }));
    const segments = await storedFiles('predictions');
    expect(segments.length).toBeGreaterThanOrEqual(7);
    const sizes = await Promise.all(segments.map(async (name) => (await stat(join(harness.dir.path, 'predictions', name))).size));
    for (const [index, size] of sizes.entries()) expect(size, segments[index]).toBeLessThanOrEqual(maxBytes);
    expect(tracker.store.stats().stored_predictions).toBe(120);
  });

  it('counts segment_max_bytes in bytes of UTF-8, not in characters (multi-byte records)', async () => {
    const maxBytes = 16_384;
    const config = { ...SMALL_SEGMENTS_CONFIG, storage: { segment_max_records: 100_000, segment_max_bytes: maxBytes } };
    const tracker = await start(config);
    // 300 CJK characters: 300 UTF-16 code units, 900 bytes of UTF-8.
    await logRange(tracker, 1, 80, 5, (n) => ({ input_data: { sample: n }, context: { transcript: '音'.repeat(300) } }));
    const segments = await storedFiles('predictions');
    const sizes = await Promise.all(segments.map(async (name) => (await stat(join(harness.dir.path, 'predictions', name))).size));
    for (const [index, size] of sizes.entries()) expect(size, segments[index]).toBeLessThanOrEqual(maxBytes);
  });

  it('writes no more bytes per write after 2,000 predictions than after 200 (a write does not grow with history)', async () => {
    const fs = new RecordingFileSystem({ keepData: false });
    const tracker = await start(SMALL_SEGMENTS_CONFIG, fs);
    // In groups of 20 in both runs: a new segment's log is created with the records of its first
    // commit (up to 10), so its size depends on the group, not on the history.
    await logRange(tracker, 1, 200, 20, fixedWidth);
    const after200 = largestWrite(fs);
    // A sealed segment of 10 records of ~330 bytes, a new log or a summary: a few kilobytes at most.
    expect(after200).toBeGreaterThan(1000);
    expect(after200).toBeLessThan(8000);
    fs.reset();
    await logRange(tracker, 201, 2000, 20, fixedWidth);
    expect(largestWrite(fs)).toBeLessThanOrEqual(after200 + COUNTER_DIGITS);
    expect(tracker.store.stats().stored_predictions).toBe(2000);
  });

  it('keeps writes bounded under label-only traffic for sealed segments (the open segment label log does not grow without end)', async () => {
    const fs = new RecordingFileSystem({ keepData: false });
    const tracker = await start(SMALL_SEGMENTS_CONFIG, fs);
    await logRange(tracker, 1, 200, 4, fixedWidth);
    const after200 = largestWrite(fs);
    fs.reset();
    // 400 late labels, 20 at a time, for predictions in sealed segments; no new predictions.
    const perCommit = 20;
    for (let round = 0; round < 20; round += 1) {
      const ids = Array.from({ length: perCommit }, (_, i) => fixedWidth(1 + ((round * perCommit + i) % 190)).prediction_id);
      await Promise.all(ids.map((id) => tracker.recordGroundTruth(id, { ground_truth: { user_id: round % 3 } })));
    }
    // A write may hold one segment (as after 200 predictions) plus the logged labels of one commit.
    const largestIntent = intentText({ prediction_id: 'p-000190', segment: 19, target_revision: 99, correct: false }).length + 2;
    expect(largestWrite(fs)).toBeLessThanOrEqual(after200 + perCommit * largestIntent);
  });
});

describe('reading a page of one model', () => {
  // Issue 9b(c): a page of a model with few predictions read every sealed segment of the history
  // (a read of the disk each once the cache was full), so the hostile suite slowed quadratically.
  it('reads only the sealed segments whose summary holds the model (and version) asked for', async () => {
    const fs = new RecordingFileSystem({ keepData: false });
    const tracker = await start({ ...SMALL_SEGMENTS_CONFIG, storage: { segment_max_records: 10, segment_cache_size: 1 } }, fs);
    await logRange(tracker, 1, 25, 5);
    await tracker.logPrediction({ prediction_id: 'rare-1', model_name: 'rare', prediction: { label: 'a' } });
    await tracker.logPrediction({ prediction_id: 'rare-2', model_name: 'rare', model_version: '2.0', prediction: { label: 'b' } });
    await logRange(tracker, 26, 60, 5);
    const segmentReads = () => fs.calls('readFile').filter((call) => call.path.includes(`${join('predictions', 'segment-')}`)).length;

    const before = segmentReads();
    const page = await tracker.getPredictions('rare', { limit: 1000 });
    expect(page.predictions.map((record) => record.prediction_id)).toEqual(['rare-2', 'rare-1']);
    expect(segmentReads() - before, 'segments read for a model held by one sealed segment').toBe(1);

    const versioned = await tracker.getPredictions('rare', { limit: 1000, version: '2.0' });
    expect(versioned.predictions.map((record) => record.prediction_id)).toEqual(['rare-2']);

    // The model that is in every segment still reads them all (the page is unchanged).
    const all = await tracker.getPredictions('voice_recognition', { limit: 1000 });
    expect(all.predictions).toHaveLength(60);
  });
});

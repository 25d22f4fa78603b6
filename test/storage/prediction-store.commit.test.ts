import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError, StorageUnavailableError } from '../../src/tracker/errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { diffAggregates } from '../support/aggregate-diff.js';
import { fixedClock, minutesBefore, SEED_TRAINING, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import type { FsCall, FsEvent } from '../support/recording-file-system.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('commit-');

function start(config: unknown, fs?: RecordingFileSystem): Promise<ModelPerformanceTracker> {
  return harness.open({ config, now: fixedClock, ...(fs ? { fs } : {}) });
}

async function restart(tracker: ModelPerformanceTracker, config: unknown): Promise<ModelPerformanceTracker> {
  await harness.close(tracker);
  return start(config);
}

const isCall = (event: FsEvent | undefined): event is FsCall => event?.kind === 'call';
const MUTATING = new Set(['writeFileSynced', 'appendFileSynced', 'truncateFileSynced', 'rename', 'syncDirectory', 'unlink', 'mkdir']);
const tempOf = (target: string) => join(dirname(target), `.${basename(target)}.tmp`);

/**
 * Index of the event that makes the first successful write matching `contains` (to `path`, when
 * given) durable: an append to the open segment's log (it fdatasyncs before it finishes), or the
 * syncDirectory after the rename of a written temp file; -1 when there is none.
 */
function durableAt(events: FsEvent[], contains: (data: string) => boolean, path?: string): number {
  const append = events.findIndex(
    (e) => isCall(e) && e.op === 'appendFileSynced' && !e.error && (path === undefined || e.path === path) && contains(e.data ?? ''),
  );
  const created = durableCreateAt(events, contains, path);
  if (append < 0) return created;
  return created < 0 ? append : Math.min(append, created);
}

function durableCreateAt(events: FsEvent[], contains: (data: string) => boolean, path?: string): number {
  const write = events.findIndex(
    (e) => isCall(e) && e.op === 'writeFileSynced' && !e.error && (path === undefined || e.path === path) && contains(e.data ?? ''),
  );
  if (write < 0) return -1;
  const temp = (events[write] as FsCall).path;
  const rename = events.findIndex((e, i) => i > write && isCall(e) && e.op === 'rename' && e.path === temp && !e.error);
  if (rename < 0) return -1;
  const target = (events[rename] as FsCall).to!;
  return events.findIndex((e, i) => i > rename && isCall(e) && e.op === 'syncDirectory' && e.path === dirname(target) && !e.error);
}

const markAt = (events: FsEvent[], label: string) => events.findIndex((e) => e.kind === 'mark' && e.label === label);

/**
 * Every write of `ownFile` files that finished before `index` has its rename and directory fsync
 * before `index` too. (The prediction store and the training/comparison logs write independently.)
 */
function everyWriteDurableBefore(events: FsEvent[], index: number, ownFile: (path: string) => boolean): string[] {
  const problems: string[] = [];
  events.slice(0, index).forEach((event, i) => {
    if (!isCall(event) || event.op !== 'writeFileSynced' || event.error || !ownFile(event.path)) return;
    const rename = events.findIndex((e, j) => j > i && isCall(e) && e.op === 'rename' && e.path === event.path);
    const target = rename < 0 ? '' : (events[rename] as FsCall).to!;
    const sync = rename < 0 ? -1 : events.findIndex((e, j) => j > rename && isCall(e) && e.op === 'syncDirectory' && e.path === dirname(target));
    if (rename < 0 || rename > index || sync < 0 || sync > index) problems.push(`${event.path} (event ${i}) was not durable before event ${index}`);
  });
  return problems;
}

describe('group commit', () => {
  it.each([
    ['segments of 1000', { schema_version: 1 }, 5],
    // Each segment of 10 costs three file writes whatever the batching: its log created, its
    // sealed file and its summary (50 × 3), plus the appends.
    ['segments of 10', SMALL_SEGMENTS_CONFIG, 160],
  ])('commits 500 concurrent predictions in few writes (%s), each resolved only after the write holding it is durable', async (_name, config, maxWrites) => {
    const fs = new RecordingFileSystem();
    const tracker = await start(config, fs);
    fs.reset();
    const ids = Array.from({ length: 500 }, (_, i) => `p-${i + 1}`);
    await Promise.all(ids.map((id, i) => tracker.logPrediction(voicePrediction(i + 1)).then(() => fs.mark(`resolved ${id}`))));

    const writes = [...fs.calls('writeFileSynced'), ...fs.calls('appendFileSynced')];
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.length).toBeLessThanOrEqual(maxWrites);
    for (const id of ids) {
      const resolved = markAt(fs.events, `resolved ${id}`);
      const durable = durableAt(fs.events, (data) => data.includes(`{"prediction_id":"${id}",`));
      expect(durable, `${id} was never durably written`).toBeGreaterThan(0);
      expect(resolved, `${id} resolved before the write holding it was durable`).toBeGreaterThan(durable);
    }
    expect(tracker.store.stats().stored_predictions).toBe(500);
  });
});

describe('durable order', () => {
  it('writes every file as temp → fsync → rename → fsync directory (appends to the open segment\'s log: fdatasynced), and resolves nothing before that', async () => {
    const fs = new RecordingFileSystem();
    let tracker = await start({ ...SMALL_SEGMENTS_CONFIG, comparison: { min_samples: 1, alpha: 0.05 } }, fs);
    fs.reset();
    const done = (label: string) => () => fs.mark(label);
    await Promise.all(Array.from({ length: 35 }, (_, i) => tracker.logPrediction(voicePrediction(i + 1)).then(done(`insert p-${i + 1}`))));
    // Late labels (sealed segments and the open one), inserts that seal, training and a comparison, all at once.
    const labels = [2, 7, 13, 18, 24, 33, 34];
    await Promise.all([
      ...labels.map((n) =>
        tracker.recordGroundTruth(`p-${n}`, { ground_truth: { user_id: 1 }, labeled_at: minutesBefore(n) }).then(done(`label p-${n}`)),
      ),
      ...[36, 37, 38, 39, 40, 41].map((n) => tracker.logPrediction(voicePrediction(n, { model_version: '2.0', ground_truth: { user_id: 1 } })).then(done(`insert p-${n}`))),
      tracker.logTraining(SEED_TRAINING).then(done('training')),
    ]);
    await tracker.compareVersions('voice_recognition', { version_a: '1.0', version_b: '2.0' }).then(done('comparison'));

    // The store's commits and the training/comparison logs write concurrently, so check each file's
    // own sequence: its temp file written (and fsynced), renamed over it, then its directory fsynced.
    const mutating = fs.calls().filter((call) => MUTATING.has(call.op));
    expect(mutating.filter((call) => call.error)).toEqual([]);
    expect(mutating.filter((call) => call.op === 'mkdir' || call.op === 'truncateFileSynced')).toEqual([]);
    // Appends go only to an open segment's log that exists (was created, renamed into place, before).
    mutating.forEach((call, i) => {
      if (call.op !== 'appendFileSynced') return;
      expect(call.path.endsWith('.jsonl'), call.path).toBe(true);
      expect(mutating.slice(0, i).some((other) => other.op === 'rename' && other.to === call.path), `${call.path} appended before it was created`).toBe(true);
    });
    // The only removals are of sealed segments' logs, after their sealed file was renamed into
    // place and its directory fsynced (the sealed file is durable before the log goes).
    mutating.forEach((call, i) => {
      if (call.op !== 'unlink') return;
      expect(call.path.endsWith('.jsonl'), call.path).toBe(true);
      const sealed = call.path.slice(0, -1);
      const renamed = mutating.findIndex((other) => other.op === 'rename' && other.to === sealed);
      expect(renamed, `${call.path} removed before ${sealed} was written`).toBeGreaterThanOrEqual(0);
      const synced = mutating.findIndex((other, j) => j > renamed && other.op === 'syncDirectory' && other.path === dirname(sealed));
      expect(synced, `${sealed} not durable before ${call.path} was removed`).toBeGreaterThan(renamed);
      expect(synced).toBeLessThan(i);
    });
    // The directory is fsynced only after a file in it was created, renamed or removed.
    mutating.forEach((call, i) => {
      if (call.op !== 'syncDirectory') return;
      const previous = mutating.slice(0, i).filter((other) => other.op !== 'syncDirectory' && other.op !== 'writeFileSynced' && other.op !== 'appendFileSynced');
      expect(previous.some((other) => dirname(other.to ?? other.path) === call.path), `directory fsync of ${call.path} with nothing created or removed in it`).toBe(true);
    });
    const writes = mutating.filter((call) => call.op === 'writeFileSynced');
    const renames = mutating.filter((call) => call.op === 'rename');
    expect(renames).toHaveLength(writes.length);
    mutating.forEach((call, i) => {
      if (call.op !== 'writeFileSynced') return;
      const next = mutating.findIndex((other, j) => j > i && (other.path === call.path || other.to === call.path));
      const rename = mutating[next];
      expect(rename, call.path).toMatchObject({ op: 'rename', path: call.path });
      expect(call.path).toBe(tempOf(rename!.to!));
      const sync = mutating.findIndex((other, j) => j > next && other.op === 'syncDirectory' && other.path === dirname(rename!.to!));
      expect(sync, `no directory fsync after ${rename!.to}`).toBeGreaterThan(next);
      // Nothing else touches the file between its rename and that fsync.
      expect(mutating.slice(next + 1, sync).filter((other) => other.path === rename!.to || other.to === rename!.to || other.path === call.path)).toEqual([]);
    });
    const files = new Set(mutating.filter((call) => call.op === 'rename').map((call) => call.to!.slice(harness.dir.path.length + 1)));
    expect([...files].filter((file) => !file.startsWith('predictions/') && !file.startsWith('aggregates/')).sort()).toEqual(['comparisons.json', 'training.json', 'versions.json']);

    const marks = fs.events.flatMap((event, index) => (event.kind === 'mark' ? [{ label: event.label, index }] : []));
    expect(marks).toHaveLength(35 + labels.length + 6 + 2);
    const writerOf = (label: string): ((path: string) => boolean) => {
      if (label === 'training') return (path) => path.endsWith('.training.json.tmp');
      if (label === 'comparison') return (path) => path.endsWith('.comparisons.json.tmp');
      return (path) => path.includes('/predictions/') || path.includes('/aggregates/');
    };
    for (const { label, index } of marks) {
      if (label.startsWith('insert ')) {
        // A prediction resolves after the write holding it is durable (and, for the first of a
        // version, after the versions registry's write): later commits may already be under way.
        const id = label.slice('insert '.length);
        const durable = durableAt(fs.events, (data) => data.includes(`{"prediction_id":"${id}",`));
        expect(durable, `${id} was never durably written`).toBeGreaterThan(0);
        expect(index, `${id} resolved before the write holding it was durable`).toBeGreaterThan(durable);
        continue;
      }
      expect(everyWriteDurableBefore(fs.events, index, writerOf(label)), label).toEqual([]);
    }
    for (const n of labels) {
      // The label's text (its unique labeled_at) is durable in the commit point — the open
      // segment's log (a label line, or an intent line for a sealed record) — before the label resolves;
      // rewriting a sealed segment is derived work that may follow.
      const resolved = markAt(fs.events, `label p-${n}`);
      const labeledAt = `"labeled_at":"${minutesBefore(n)}"`;
      const paths = new Set([...fs.calls('writeFileSynced'), ...fs.calls('appendFileSynced')].filter((call) => call.data?.includes(labeledAt)).map((call) => call.path));
      expect(paths.size, `p-${n}`).toBeGreaterThan(0);
      const durable = [...paths].map((path) => durableAt(fs.events, (data) => data.includes(labeledAt), path)).filter((at) => at > 0);
      expect(durable.length, `p-${n}`).toBeGreaterThan(0);
      expect(Math.min(...durable), `p-${n}`).toBeLessThan(resolved);
    }

    tracker = await restart(tracker, SMALL_SEGMENTS_CONFIG);
    for (const n of labels) expect(await tracker.store.get(`p-${n}`), `p-${n}`).toMatchObject({ labeled_at: minutesBefore(n), correct: n % 3 === 1 });
  });
});

describe('write failure', () => {
  it.each([
    ['ENOSPC on writing or appending to a file', ['writeFileSynced', 'appendFileSynced'], 'ENOSPC'],
    ['EROFS on appending to or renaming a file', ['appendFileSynced', 'rename'], 'EROFS'],
  ] as const)('rejects with StorageUnavailableError and stores nothing (%s); accepts writes once the disk recovers', async (_name, ops, code) => {
    const fs = new RecordingFileSystem();
    let tracker = await start(SMALL_SEGMENTS_CONFIG, fs);
    for (let n = 1; n <= 12; n += 1) await tracker.logPrediction(voicePrediction(n));
    const before = await tracker.getPerformance('voice_recognition');

    fs.fault = (call) => ((ops as readonly string[]).includes(call.op) ? code : null);
    const insert = tracker.logPrediction(voicePrediction(100));
    await expect(insert).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(insert).rejects.toThrow(code);
    // A late label for a sealed segment and one for the open segment fail the same way.
    await expect(tracker.recordGroundTruth('p-3', { ground_truth: { user_id: 0 } })).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(tracker.recordGroundTruth('p-11', { ground_truth: { user_id: 2 } })).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(await tracker.store.get('p-100')).toBeNull();
    expect(await tracker.getPerformance('voice_recognition')).toEqual(before);

    fs.fault = null;
    await tracker.logPrediction(voicePrediction(101));
    expect(await tracker.store.get('p-100')).toBeNull();
    expect(await tracker.store.get('p-3')).toMatchObject({ ground_truth: null, correct: null });
    expect(await tracker.store.get('p-11')).toMatchObject({ ground_truth: null, correct: null });
    const ids = (await tracker.getPredictions('voice_recognition', { limit: 100 })).predictions.map((p) => p.prediction_id);
    expect(ids).toEqual(['p-101', ...Array.from({ length: 12 }, (_, i) => `p-${12 - i}`)]);
    expect(diffAggregates(tracker.store.aggregates, await tracker.store.rebuildAggregates())).toEqual([]);

    tracker = await restart(tracker, SMALL_SEGMENTS_CONFIG);
    expect(await tracker.store.get('p-100')).toBeNull();
    expect((await tracker.getPerformance('voice_recognition')).total_predictions).toBe(13);
    // The failed id was never stored, so it is free (not a conflict).
    await expect(tracker.logPrediction(voicePrediction(100))).resolves.toEqual({ prediction_id: 'p-100', correct: null });
  });

  it('stores none of the rejected predictions when a write fails midway through a commit that sealed a segment', async () => {
    const fs = new RecordingFileSystem();
    let tracker = await start(SMALL_SEGMENTS_CONFIG, fs);
    for (let n = 1; n <= 6; n += 1) await tracker.logPrediction(voicePrediction(n));
    // p-7..p-15 at once: p-7..p-10 fill segment 1, which is sealed and written; p-11.. go to
    // segment 2, whose log cannot be created, so the commit fails.
    fs.fault = (call) => (call.op === 'writeFileSynced' && call.path.endsWith('.segment-00000002.jsonl.tmp') ? 'ENOSPC' : null);
    const ids = Array.from({ length: 9 }, (_, i) => `p-${7 + i}`);
    const results = await Promise.allSettled(ids.map((_, i) => tracker.logPrediction(voicePrediction(7 + i))));
    const rejected = ids.filter((_, i) => results[i]!.status === 'rejected');
    expect(rejected).toContain('p-15');
    fs.fault = null;

    await tracker.logPrediction(voicePrediction(50));
    const stored = new Set((await tracker.getPredictions('voice_recognition', { limit: 100 })).predictions.map((p) => p.prediction_id));
    expect(rejected.filter((id) => stored.has(id)), 'rejected but stored').toEqual([]);
    tracker = await restart(tracker, SMALL_SEGMENTS_CONFIG);
    const storedAfterRestart = new Set((await tracker.getPredictions('voice_recognition', { limit: 100 })).predictions.map((p) => p.prediction_id));
    expect(rejected.filter((id) => storedAfterRestart.has(id)), 'rejected but stored after restart').toEqual([]);
  });

  it('rejects only the duplicate, not the rest of its commit', async () => {
    const tracker = await start(SMALL_SEGMENTS_CONFIG);
    await tracker.logPrediction(voicePrediction(1));
    const results = await Promise.allSettled([2, 1, 3].map((n) => tracker.logPrediction(voicePrediction(n))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(tracker.store.stats().stored_predictions).toBe(3);
  });
});

/**
 * The crash harness at byte granularity (crash-safety.test.ts kills the real service at random
 * points; this cuts where a kill or a power cut can leave the open segment's log): the last group
 * commit's appended bytes are cut at EVERY byte offset. Each time the store must open (never
 * refuse), keep every record and label acknowledged before that commit, keep exactly the lines of
 * that commit that are whole before the cut, log the dropped torn line (file and byte offset),
 * cut it away, and take new writes that read back after a restart.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { openTracker } from '../../src/open-tracker.js';
import { fixedClock, minutesBefore, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { recordingLogger } from '../support/recording-logger.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('torn-commit-');
const LOG = join('predictions', 'segment-00000002.jsonl');

/** What one line of the last commit does, read by the test itself (not by the code under test). */
type CommitLine = { end: number; record?: PredictionLog; label?: { prediction_id: string; labeled_at: string | null } };

function commitLines(data: string): CommitLine[] {
  const lines: CommitLine[] = [];
  let end = 0;
  for (const text of data.split('\n').slice(0, -1)) {
    end += Buffer.byteLength(text) + 1;
    lines.push({ end, ...(JSON.parse(text) as Omit<CommitLine, 'end'>) });
  }
  return lines;
}

describe('a crash in the middle of the last group commit', () => {
  it('cut at every byte offset of its appended bytes: opens, keeps everything acknowledged before it, drops and logs the torn line, takes new writes', { timeout: 300_000 }, async () => {
    const fs = new RecordingFileSystem();
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock, fs });
    // Acknowledged one by one: segment 1 sealed (p-1..p-10), segment 2 open (p-11..p-14), labels
    // of a sealed record (an intent line, then its segment rewritten) and of an open one.
    for (let n = 1; n <= 14; n += 1) await tracker.logPrediction(voicePrediction(n));
    await tracker.recordGroundTruth('p-3', { ground_truth: { user_id: 0 }, labeled_at: minutesBefore(3) });
    await tracker.recordGroundTruth('p-12', { ground_truth: { user_id: 1 }, labeled_at: minutesBefore(2) });
    const acknowledged = new Map<string, PredictionLog | null>();
    for (let n = 1; n <= 14; n += 1) acknowledged.set(`p-${n}`, await tracker.getPrediction(`p-${n}`));

    // The burst: the first call is committed alone (the queue was idle), the rest together.
    fs.reset();
    const burst: Array<[string, Promise<unknown>]> = [
      ['p-15', tracker.logPrediction(voicePrediction(15))],
      ['p-16', tracker.logPrediction(voicePrediction(16, { ground_truth: { user_id: 1 } }))],
      ['label p-13', tracker.recordGroundTruth('p-13', { ground_truth: { user_id: 2 }, labeled_at: minutesBefore(1) })],
      ['p-17', tracker.logPrediction(voicePrediction(17))],
    ];
    await Promise.all(burst.map(([label, promise]) => promise.then(() => fs.mark(label))));
    await harness.close(tracker);

    const appends = fs.calls('appendFileSynced');
    const last = appends.at(-1)!;
    expect(last.path).toBe(join(harness.dir.path, LOG));
    const lastAt = fs.events.indexOf(last);
    const data = last.data!;
    const lines = commitLines(data);
    expect(lines.length, 'the last commit holds several lines').toBeGreaterThanOrEqual(3);
    // What was acknowledged before the last commit started also counts.
    for (const [label] of burst) {
      const at = fs.events.findIndex((event) => event.kind === 'mark' && event.label === label);
      if (at < lastAt && !label.startsWith('label')) acknowledged.set(label, await readBack(label));
    }
    expect(acknowledged.size).toBeGreaterThanOrEqual(14);

    const path = join(harness.dir.path, LOG);
    const full = await readFile(path);
    const start = full.length - Buffer.byteLength(data);
    expect(full.subarray(start).toString('utf8')).toBe(data);

    let warnings = 0;
    for (let cut = 0; cut < Buffer.byteLength(data); cut += 1) {
      await writeFile(path, full.subarray(0, start + cut));
      const whole = lines.filter((line) => line.end <= cut);
      const kept = whole.length === 0 ? 0 : whole.at(-1)!.end;
      const logger = recordingLogger();
      const reopened = await openTracker({ dataDir: harness.dir.path, config: SMALL_SEGMENTS_CONFIG, now: fixedClock, logger });
      try {
        // Everything acknowledged before the last commit, as acknowledged (unless a whole line of it relabeled it).
        for (const [id, record] of acknowledged) {
          const relabeled = whole.find((line) => line.label?.prediction_id === id);
          const stored = await reopened.getPrediction(id);
          if (relabeled) expect(stored, `cut ${cut}: ${id}`).toMatchObject(relabeled.label!);
          else expect(stored, `cut ${cut}: ${id}`).toEqual(record);
        }
        // Of the last commit, exactly its whole lines.
        for (const line of lines) {
          if (!line.record) continue;
          const stored = await reopened.getPrediction(line.record.prediction_id);
          if (line.end <= cut) expect(stored, `cut ${cut}`).toMatchObject({ prediction_id: line.record.prediction_id, timestamp: line.record.timestamp });
          else if (!acknowledged.has(line.record.prediction_id)) expect(stored, `cut ${cut}: ${line.record.prediction_id}`).toBeNull();
        }
        const dropped = logger.entries.filter((entry) => entry.level === 'warn' && /dropped the unreadable last line/.test(entry.message));
        if (cut === kept) {
          expect(dropped, `cut ${cut} is at a line's end: nothing torn`).toEqual([]);
        } else {
          warnings += 1;
          expect(dropped, `cut ${cut}`).toHaveLength(1);
          expect(dropped[0]!.fields).toMatchObject({ file: LOG, offset: start + kept });
        }
        expect((await stat(path)).size, `cut ${cut}: the torn line is cut away`).toBe(start + kept);
        await reopened.logPrediction(voicePrediction(99));
      } finally {
        await reopened.close();
      }
      const reader = await openTracker({ dataDir: harness.dir.path, config: SMALL_SEGMENTS_CONFIG, now: fixedClock, readOnly: true, logger: recordingLogger() });
      try {
        expect(await reader.getPrediction('p-99'), `cut ${cut}`).toMatchObject({ prediction_id: 'p-99' });
        const expectedCount = 14 + [15, 16, 17].filter((n) => acknowledged.has(`p-${n}`) || whole.some((line) => line.record?.prediction_id === `p-${n}`)).length + 1;
        expect(reader.store.stats().stored_predictions, `cut ${cut}`).toBe(expectedCount);
      } finally {
        await reader.close();
      }
    }
    expect(warnings).toBe(Buffer.byteLength(data) - lines.length);

    async function readBack(id: string): Promise<PredictionLog | null> {
      const reader = await openTracker({ dataDir: harness.dir.path, config: SMALL_SEGMENTS_CONFIG, now: fixedClock, readOnly: true });
      try {
        return await reader.getPrediction(id);
      } finally {
        await reader.close();
      }
    }
  });
});

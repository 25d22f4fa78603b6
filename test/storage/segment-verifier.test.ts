import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTracker } from '../../src/open-tracker.js';
import { SegmentCheckUnavailableError } from '../../src/storage/storage-errors.js';
import { SegmentVerifier } from '../../src/storage/segment-verifier.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { recordingLogger } from '../support/recording-logger.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

const CONFIG = { schema_version: 1, storage: { segment_max_records: 10 }, models: { voice_recognition: { label_key: 'user_id' } } };

let dir: TempDir;
let tracker: ModelPerformanceTracker;

beforeEach(async () => {
  dir = await createTempDir('segment-verifier-');
  const writer = await openTracker({ dataDir: dir.path, config: CONFIG });
  for (let i = 0; i < 45; i += 1) await writer.logPrediction({ prediction_id: `p${i}`, model_name: 'voice_recognition', prediction: { user_id: i % 3 } });
  await writer.close();
});

afterEach(async () => {
  await tracker.close();
  await dir.remove();
});

describe('SegmentVerifier', () => {
  it('reports each unreadable sealed segment once, by its file, and only those', async () => {
    await appendFile(join(dir.path, 'predictions', 'segment-00000002.jsonl'), 'garbage\n');
    await writeFile(join(dir.path, 'predictions', 'segment-00000004.jsonl'), '{"schema_version":2');
    tracker = await openTracker({ dataDir: dir.path, config: CONFIG });
    const found: Array<{ file: string; reason: string }> = [];
    const verifier = new SegmentVerifier({ store: tracker.store, onUnreadable: (file, reason) => found.push({ file, reason }), logger: recordingLogger('storage'), pauseMs: 0 });
    verifier.start();
    await verifier.finished();
    expect(found.map((entry) => entry.file)).toEqual(['predictions/segment-00000002.jsonl', 'predictions/segment-00000004.jsonl']);
    expect(found[0]!.reason).toMatch(/not valid JSON/);
  });

  it('stop() ends the scan before the next segment', async () => {
    tracker = await openTracker({ dataDir: dir.path, config: CONFIG });
    const read: number[] = [];
    const store = tracker.store;
    const verifier = new SegmentVerifier({
      store: {
        sealedSegmentsWithRecords: () => store.sealedSegmentsWithRecords(),
        segmentFile: (segment) => store.segmentFile(segment),
        verifySealedSegment: async (segment) => {
          read.push(segment);
          if (read.length === 1) void verifier.stop();
        },
      },
      onUnreadable: () => undefined,
      logger: recordingLogger('storage'),
      pauseMs: 0,
    });
    verifier.start();
    await verifier.finished();
    expect(store.sealedSegmentsWithRecords().length).toBeGreaterThan(1);
    expect(read).toHaveLength(1);
  });

  it('uses the given check, and when that check stops working finishes on its own thread with the same findings', async () => {
    await writeFile(join(dir.path, 'predictions', 'segment-00000003.jsonl'), '{"schema_version":2');
    tracker = await openTracker({ dataDir: dir.path, config: CONFIG });
    const asked: number[] = [];
    let closed = 0;
    const found: string[] = [];
    const logger = recordingLogger('storage');
    const verifier = new SegmentVerifier({
      store: tracker.store,
      check: {
        verify: async (segment) => {
          asked.push(segment);
          if (segment >= 2) throw new SegmentCheckUnavailableError('the segment check worker exited (code 1)');
        },
        close: async () => {
          closed += 1;
        },
      },
      onUnreadable: (file) => found.push(file),
      logger,
      pauseMs: 0,
    });
    verifier.start();
    await verifier.finished();
    // Segment 1 by the check; 2 failed there and was redone here; 3 and 4 never went to the check again.
    expect(asked).toEqual([1, 2]);
    expect(found).toEqual(['predictions/segment-00000003.jsonl']);
    expect(closed).toBeGreaterThanOrEqual(1);
    expect(logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.message)).toEqual([
      'the off-thread segment check stopped working; the rest is checked on the main thread',
    ]);
  });

  it('pauses after a segment at least twice as long as its check took (the check takes at most a third of a CPU)', async () => {
    tracker = await openTracker({ dataDir: dir.path, config: CONFIG });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const asked: number[] = [];
      const verifier = new SegmentVerifier({
        store: tracker.store,
        check: {
          verify: async (segment) => {
            asked.push(segment);
            // The check of segment 1 takes 30 ms (of the fake clock).
            if (segment === 1) vi.advanceTimersByTime(30);
          },
          close: async () => undefined,
        },
        onUnreadable: () => undefined,
        logger: recordingLogger('storage'),
        pauseMs: 5,
      });
      verifier.start();
      await vi.advanceTimersByTimeAsync(5);
      expect(asked).toEqual([1]);
      await vi.advanceTimersByTimeAsync(59);
      expect(asked).toEqual([1]);
      await vi.advanceTimersByTimeAsync(1);
      expect(asked).toEqual([1, 2]);
      // Segment 2's check took no time: the pause is pauseMs again.
      await vi.advanceTimersByTimeAsync(5);
      expect(asked).toEqual([1, 2, 3]);
      await verifier.stop();
    } finally {
      vi.useRealTimers();
    }
  });
  it('waits startDelayMs before the first segment, and a stop during the wait ends it without a check', async () => {
    tracker = await openTracker({ dataDir: dir.path, config: CONFIG });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const asked: number[] = [];
      const check = { verify: async (segment: number) => void asked.push(segment), close: async () => undefined };
      const verifier = new SegmentVerifier({ store: tracker.store, check, onUnreadable: () => undefined, logger: recordingLogger('storage'), pauseMs: 5, startDelayMs: 1000 });
      verifier.start();
      await vi.advanceTimersByTimeAsync(1000);
      expect(asked).toEqual([]);
      await vi.advanceTimersByTimeAsync(5);
      expect(asked).toEqual([1]);
      await verifier.stop();

      const stopped: number[] = [];
      const early = new SegmentVerifier({
        store: tracker.store,
        check: { verify: async (segment: number) => void stopped.push(segment), close: async () => undefined },
        onUnreadable: () => undefined,
        logger: recordingLogger('storage'),
        startDelayMs: 60_000,
      });
      early.start();
      await vi.advanceTimersByTimeAsync(100);
      await early.stop();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(stopped).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});

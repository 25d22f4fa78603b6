import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { openTracker } from '../../src/open-tracker.js';
import { OffThreadSegmentCheck as FromSources, workerLimits } from '../../src/storage/off-thread-segment-check.js';
import { outcomesOf } from '../../src/storage/outcome-columns.js';
import { CorruptFileError } from '../../src/storage/storage-errors.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { PROJECT_ROOT } from '../support/spawn-service.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

const harness = useTrackerHarness('off-thread-check-');
const CONFIG = { schema_version: 1, storage: { segment_max_records: 10 }, models: { voice_recognition: { label_key: 'user_id' } } };

/** The worker runs compiled JavaScript: the module under test is the built one, as the service loads it. */
type Built = typeof import('../../src/storage/off-thread-segment-check.js');
let built: Built;

beforeAll(async () => {
  await ensureBuilt();
  built = (await import(pathToFileURL(join(PROJECT_ROOT, 'dist', 'storage', 'off-thread-segment-check.js')).href)) as Built;
}, 120_000);

async function sealedStore(dir: string): Promise<void> {
  const writer = await openTracker({ dataDir: dir, config: CONFIG });
  for (let i = 0; i < 25; i += 1) await writer.logPrediction({ prediction_id: `p${i}`, model_name: 'voice_recognition', prediction: { user_id: i % 3 } });
  await writer.close();
}

describe('OffThreadSegmentCheck', () => {
  it('sizes the worker heap for the largest segment it may read (16 MB of old generation per MiB, at least 16)', () => {
    expect(workerLimits(16_384)).toEqual({ maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 });
    expect(workerLimits(1024 * 1024)).toEqual({ maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 });
    expect(workerLimits(1024 * 1024 + 1).maxOldGenerationSizeMb).toBe(32);
    expect(workerLimits(64 * 1024 * 1024).maxOldGenerationSizeMb).toBe(1024);
  });

  it('is not offered when running from the TypeScript sources (no compiled worker beside it)', () => {
    expect(FromSources.open(harness.dir.path)).toBeNull();
  });

  it('passes a good segment and names a damaged one with the reason readSegment gives', async () => {
    await sealedStore(harness.dir.path);
    await appendFile(join(harness.dir.path, 'predictions', 'segment-00000002.jsonl'), 'garbage\n');
    const check = built.OffThreadSegmentCheck.open(harness.dir.path);
    expect(check).not.toBeNull();
    try {
      await expect(check!.verify(1)).resolves.toBeUndefined();
      const failure = await check!.verify(2).then(
        () => null,
        (error: unknown) => error,
      );
      // The error class of the built module (the one the service throws and the verifier tests for).
      const { CorruptFileError: BuiltCorrupt } = (await import(pathToFileURL(join(PROJECT_ROOT, 'dist', 'storage', 'storage-errors.js')).href)) as {
        CorruptFileError: typeof CorruptFileError;
      };
      expect(failure).toBeInstanceOf(BuiltCorrupt);
      expect((failure as CorruptFileError).path).toMatch(/segment-00000002\.jsonl$/);
      expect((failure as CorruptFileError).reason).toMatch(/not valid JSON/);
      // A missing segment is refused too, and the worker keeps answering after failures.
      await expect(check!.verify(99)).rejects.toThrow(/segment-00000099/);
      await expect(check!.verify(1)).resolves.toBeUndefined();
    } finally {
      await check!.close();
    }
    await expect(check!.verify(1)).rejects.toThrow(/closed/);
  });

  it('reads a segment\'s outcome columns off the thread: those of the records readSegment gives, or why it does not read', async () => {
    await sealedStore(harness.dir.path);
    await appendFile(join(harness.dir.path, 'predictions', 'segment-00000002.jsonl'), 'garbage\n');
    const check = built.OffThreadSegmentCheck.open(harness.dir.path)!;
    const { SegmentFilesOnDisk } = await import('../../src/storage/segment-files-on-disk.js');
    const { nodeFileSystem } = await import('../../src/storage/file-system.js');
    const data = await new SegmentFilesOnDisk(harness.dir.path, nodeFileSystem).readSegment(1);
    try {
      const outcomes = await check.readOutcomes(1);
      expect([...outcomes.keys()]).toEqual(['voice_recognition']);
      expect(outcomes).toEqual(outcomesOf(data.records, data.first_seq));
      expect(outcomes.get('voice_recognition')!.seq.length).toBe(10);
      await expect(check.readOutcomes(2)).rejects.toThrow(/not valid JSON/);
      // Checks and reads share the worker: both answer, in any mix.
      const [checked, read] = await Promise.all([check.verify(1), check.readOutcomes(1)]);
      expect(checked).toBeUndefined();
      expect(read).toEqual(outcomes);
    } finally {
      await check.close();
    }
    const { SegmentCheckUnavailableError: BuiltUnavailable } = (await import(pathToFileURL(join(PROJECT_ROOT, 'dist', 'storage', 'storage-errors.js')).href)) as typeof import('../../src/storage/storage-errors.js');
    await expect(check.readOutcomes(1)).rejects.toBeInstanceOf(BuiltUnavailable);
  });

  it('close() cuts a check in progress', async () => {
    await sealedStore(harness.dir.path);
    const check = built.OffThreadSegmentCheck.open(harness.dir.path)!;
    const outcome = check.verify(1).then(
      () => 'answered',
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    await check.close();
    expect(await outcome).toMatch(/closed/);
  });

  it('ends the worker once it has been idle for idleMs, and starts it again for the next request', async () => {
    await sealedStore(harness.dir.path);
    const check = built.OffThreadSegmentCheck.open(harness.dir.path, 1024 * 1024, 100)!;
    try {
      expect(check.running).toBe(false);
      await expect(check.verify(1)).resolves.toBeUndefined();
      expect(check.running).toBe(true);
      await vi.waitFor(() => expect(check.running).toBe(false), { timeout: 10_000, interval: 20 });
      // The ended worker's exit does not reject what its successor was asked.
      const again = [check.verify(1), check.readOutcomes(2)];
      await expect(Promise.all(again)).resolves.toHaveLength(2);
      expect(check.running).toBe(true);
    } finally {
      await check.close();
    }
    expect(check.running).toBe(false);
  });
});

/**
 * The real file system (src/storage/file-system.ts) really fsyncs, in the right order. The
 * recording file system of the other storage tests stands in front of `FileSystem`, so it cannot
 * see whether `nodeFileSystem` calls fsync at all; a SIGKILL cannot either (the page cache
 * survives it). Issue 9, item 13: making the real `FileHandle.sync()` a no-op passed every storage
 * test. Here node's own calls are spied on — `open`, `rename`, and `FileHandle`'s `writeFile`,
 * `sync`, `datasync` — and a commit that creates a file must go: write temp → fsync temp → rename →
 * fsync directory → acknowledged; a commit that appends: write → fdatasync → acknowledged.
 */
import fsPromises, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DurableJsonFile } from '../../src/storage/durable-json-file.js';
import { z } from 'zod';
import { fixedClock, SMALL_SEGMENTS_CONFIG, voicePrediction } from '../support/predictions.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** The real calls, in the order they finished: `write <file>`, `fsync <file>`, `rename <from> → <to>`, or a mark. */
let events: string[] = [];
let root = '';

const relative = (file: string | undefined) => (file === undefined ? '?' : path.relative(root, file) || '.');

async function spyOnRealCalls(): Promise<void> {
  const openFds = new Map<number, string>();
  const realOpen = fsPromises.open.bind(fsPromises);
  const realRename = fsPromises.rename.bind(fsPromises);
  vi.spyOn(fsPromises, 'open').mockImplementation(async (file, ...rest) => {
    const handle = await realOpen(file, ...rest);
    openFds.set(handle.fd, String(file));
    return handle;
  });
  vi.spyOn(fsPromises, 'rename').mockImplementation(async (from, to) => {
    await realRename(from, to);
    events.push(`rename ${relative(String(from))} → ${relative(String(to))}`);
  });
  const probe = await realOpen(process.execPath, 'r');
  const prototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  for (const method of ['sync', 'datasync', 'writeFile', 'write'] as const) {
    const real = prototype[method] as (this: FileHandle, ...args: unknown[]) => Promise<unknown>;
    vi.spyOn(prototype, method).mockImplementation(async function (this: FileHandle, ...args: unknown[]) {
      const file = openFds.get(this.fd);
      const result = await real.apply(this, args);
      events.push(`${method === 'writeFile' || method === 'write' ? 'write' : 'fsync'} ${relative(file)}`);
      return result;
    } as never);
  }
}

beforeEach(async () => {
  events = [];
  await spyOnRealCalls();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('DurableJsonFile on the real file system', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('durable-fsync-');
    root = dir.path;
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('writes the temp file, fsyncs it, renames it over the target, fsyncs the directory — then resolves', async () => {
    const file = new DurableJsonFile(path.join(dir.path, 'doc.json'), { schema: z.object({ n: z.number() }) });
    await file.write({ n: 1 });
    events.push('resolved');
    expect(events).toEqual(['write .doc.json.tmp', 'fsync .doc.json.tmp', 'rename .doc.json.tmp → doc.json', 'fsync .', 'resolved']);
  });
});

describe('a commit of the store on the real file system', () => {
  const harness = useTrackerHarness('store-fsync-');

  it('acknowledges a segment\'s first prediction only after its log was created durably (temp, fsync, rename, directory fsync), the next ones after their append was fdatasynced', async () => {
    root = harness.dir.path;
    const tracker = await harness.open({ config: SMALL_SEGMENTS_CONFIG, now: fixedClock });
    events = [];
    await tracker.logPrediction(voicePrediction(1));
    events.push('acknowledged');
    const log = path.join('predictions', 'segment-00000001.jsonl');
    const temp = path.join('predictions', '.segment-00000001.jsonl.tmp');
    // The first prediction of a version also registers the version (versions.json) before it is acknowledged.
    const registry = ['write .versions.json.tmp', 'fsync .versions.json.tmp', 'rename .versions.json.tmp → versions.json', 'fsync .'];
    expect(events).toEqual([`write ${temp}`, `fsync ${temp}`, `rename ${temp} → ${log}`, 'fsync predictions', ...registry, 'acknowledged']);
    events = [];
    await tracker.logPrediction(voicePrediction(2));
    events.push('acknowledged');
    // An append: one fdatasync of the log, no rename, no directory fsync.
    expect(events).toEqual([`write ${log}`, `fsync ${log}`, 'acknowledged']);
  });
});

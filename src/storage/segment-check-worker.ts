/**
 * Worker-thread entry of OffThreadSegmentCheck: reads and validates sealed segment files (the
 * same SegmentFilesOnDisk.readSegment the store uses) so their JSON parse and schema check never
 * block the service's event loop, and answers the outcome columns of segments the label-free
 * estimate reads (outcome-columns.ts). One request in, one answer out, one segment at a time.
 */
import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../logging/to-error.js';
import { nodeFileSystem } from './file-system.js';
import { SegmentFilesOnDisk } from './segment-files-on-disk.js';
import { CorruptFileError } from './storage-errors.js';
import type { SegmentCheckAnswer, SegmentCheckRequest } from './off-thread-segment-check.js';
import { outcomesOf } from './outcome-columns.js';

if (parentPort === null) throw new Error('segment-check-worker runs only as a worker thread');
const port: MessagePort = parentPort;
const files = new SegmentFilesOnDisk((workerData as { dataDir: string }).dataDir, nodeFileSystem);

/** One segment at a time: two parsed segments at once could outgrow the worker's small heap. */
let queue: Promise<void> = Promise.resolve();

async function answer({ id, segment, outcomes }: SegmentCheckRequest): Promise<void> {
  try {
    const data = await files.readSegment(segment);
    if (!outcomes) {
      port.postMessage({ id, segment, ok: true } satisfies SegmentCheckAnswer);
      return;
    }
    const columns = [...outcomesOf(data.records, data.first_seq)];
    // Moved, not copied: the columns are typed arrays over their own buffers.
    const buffers = columns.flatMap(([, c]) => [c.ms.buffer, c.seq.buffer, c.version.buffer, c.confidence.buffer, c.correct.buffer] as ArrayBuffer[]);
    port.postMessage({ id, segment, ok: true, outcomes: columns } satisfies SegmentCheckAnswer, buffers);
  } catch (error) {
    port.postMessage({
      id,
      segment,
      ok: false,
      path: error instanceof CorruptFileError ? error.path : files.segmentPath(segment),
      reason: error instanceof CorruptFileError ? error.reason : describeError(error),
    } satisfies SegmentCheckAnswer);
  }
}

port.on('message', (request: SegmentCheckRequest) => {
  queue = queue.then(() => answer(request));
});

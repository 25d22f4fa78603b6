/**
 * Worker-thread entry of OffThreadSegmentCheck: reads and validates sealed segment files (the
 * same SegmentFilesOnDisk.readSegment the store uses) so their JSON parse and schema check never
 * block the service's event loop. One message in (a segment number), one answer out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../logging/to-error.js';
import { nodeFileSystem } from './file-system.js';
import { SegmentFilesOnDisk } from './segment-files-on-disk.js';
import { CorruptFileError } from './storage-errors.js';
import type { SegmentCheckAnswer } from './off-thread-segment-check.js';

const port = parentPort;
if (port === null) throw new Error('segment-check-worker runs only as a worker thread');
const files = new SegmentFilesOnDisk((workerData as { dataDir: string }).dataDir, nodeFileSystem);

port.on('message', (segment: number) => {
  files.readSegment(segment).then(
    () => port.postMessage({ segment, ok: true } satisfies SegmentCheckAnswer),
    (error: unknown) =>
      port.postMessage({
        segment,
        ok: false,
        path: error instanceof CorruptFileError ? error.path : files.segmentPath(segment),
        reason: error instanceof CorruptFileError ? error.reason : describeError(error),
      } satisfies SegmentCheckAnswer),
  );
});

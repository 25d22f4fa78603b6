/**
 * Bytes written per acknowledged prediction when predictions come one at a time (each awaited
 * before the next), as a home sends them: what the store hands the file system (the counting file
 * system of bench/counting-fs.ts) and, with --device, what reached the block device (its
 * /sys/block/<device>/stat sectors written, after a final `sync`: data pages, journal and
 * metadata). For a device figure the data directory must be alone on that device, e.g. a loop
 * mounted ext4 image:
 *
 *   truncate -s 256M /tmp/trickle.img && mkfs.ext4 -q /tmp/trickle.img
 *   mkdir -p /tmp/trickle && mount -o loop /tmp/trickle.img /tmp/trickle   # /dev/loopN
 *   npx tsx tools/measure-trickle-writes.ts --data-dir /tmp/trickle/data --device loopN --predictions 2000
 *
 * Uses the shipped configuration (segments of 1,000): the figure includes sealing (one compaction
 * of each full segment into its sealed file, and its summary).
 *
 * --interval-ms N waits N ms after each acknowledged prediction, as a home's predictions are
 * spaced (seconds to minutes apart): past ext4's journal commit interval (5 s by default) each
 * one's metadata reaches the journal in a commit of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countingFileSystem } from '../bench/counting-fs.js';
import { shippedConfig } from '../bench/config.js';
import { syncedDeviceWrites } from '../bench/proc-stats.js';
import { openTracker } from '../src/open-tracker.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    device: { type: 'string' },
    predictions: { type: 'string', default: '2000' },
    'interval-ms': { type: 'string', default: '0' },
  },
});
const count = Number(values.predictions);
if (!Number.isSafeInteger(count) || count < 1) throw new Error('--predictions takes a whole number of at least 1');
const intervalMs = Number(values['interval-ms']);
if (!Number.isSafeInteger(intervalMs) || intervalMs < 0) throw new Error('--interval-ms takes a whole number of milliseconds (0 or more)');
const device = values.device;
if (device !== undefined && !/^[a-z0-9]+$/.test(device)) throw new Error('--device takes a block device name such as loop0');
const dataDir = values['data-dir'] ?? join(mkdtempSync(join(tmpdir(), 'trickle-')), 'data');

/** Bytes written to the device so far (its /sys/block/<device>/stat, after a `sync`). */
function deviceBytes(): number {
  return device === undefined ? 0 : syncedDeviceWrites(`/sys/block/${device}/stat`)!.bytes;
}

const { fs, counts } = countingFileSystem();
const tracker = await openTracker({ dataDir, config: shippedConfig(dataDir), fs });
const started = { app: counts.bytes, files: counts.files, directories: counts.directorySyncs, device: deviceBytes() };
const latencies: number[] = [];
let requestBytes = 0;
let steadyFrom = 0;
for (let n = 0; n < count; n += 1) {
  const body = {
    prediction_id: `trickle-${n}`,
    model_name: 'voice_recognition',
    model_version: '1.0',
    input_data: { audio_length: 2.5, sample_rate: 16000 },
    prediction: { user_id: n % 4 },
    confidence: 0.5 + (n % 50) / 100,
    context: { device: 'living_room_mic' },
  };
  requestBytes += Buffer.byteLength(JSON.stringify(body));
  const began = performance.now();
  await tracker.logPrediction(body);
  latencies.push(performance.now() - began);
  // The steady figure leaves out the log's creation (the first commit) and the close.
  if (n === 0) steadyFrom = deviceBytes();
  if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
const steadyTo = deviceBytes();
await tracker.close();
const ended = { app: counts.bytes, files: counts.files, directories: counts.directorySyncs, device: deviceBytes() };
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
const result = {
  predictions: count,
  ...(intervalMs > 0 ? { interval_ms: intervalMs } : {}),
  request_bytes_mean: Math.round(requestBytes / count),
  app_bytes_per_prediction: Math.round((ended.app - started.app) / count),
  file_syncs_per_prediction: Number(((ended.files - started.files) / count).toFixed(3)),
  directory_syncs_per_prediction: Number(((ended.directories - started.directories) / count).toFixed(3)),
  ...(device === undefined
    ? {}
    : {
        device,
        device_bytes_per_prediction: Math.round((ended.device - started.device) / count),
        // Between the first prediction's commit (which creates the log) and the last one's, the close left out.
        ...(count > 1 ? { device_bytes_per_prediction_steady: Math.round((steadyTo - steadyFrom) / (count - 1)) } : {}),
      }),
  ack_p50_ms: Number(at(50).toFixed(2)),
  ack_p99_ms: Number(at(99).toFixed(2)),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
if (values['data-dir'] === undefined) rmSync(join(dataDir, '..'), { recursive: true, force: true });

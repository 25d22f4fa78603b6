import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEventMappings } from '../../src/integration/load-event-mappings.js';
import { EventCapture } from '../../src/integration/event-capture.js';
import { MatchingConfigSchema } from '../../src/integration/hub-config.js';
import type { HubEvent } from '../../src/integration/hub-schemas.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { openTracker } from '../../src/open-tracker.js';
import { waitFor } from '../fakes/fake-hub.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/** Hub events that meet a full or read-only disk are kept (bounded) and stored once it recovers. */

let dir: TempDir;
let fs: RecordingFileSystem;
let tracker: ModelPerformanceTracker;
let capture: EventCapture;

function event(type: string, data: Record<string, unknown>, id: string): HubEvent {
  return { event_type: type, data, origin: 'LOCAL', time_fired: new Date().toISOString(), context: { id, parent_id: null, user_id: null } };
}

beforeEach(async () => {
  dir = await createTempDir('hap-disk-full-');
  fs = new RecordingFileSystem({ keepData: false });
  tracker = await openTracker({ dataDir: dir.path, fs, config: { schema_version: 1, models: { voice_recognition: { label_key: 'user_id' } } } });
});

afterEach(async () => {
  await capture.stop();
  await tracker.close();
  await dir.remove();
});

function start(retryQueueMax = 100): void {
  capture = new EventCapture({
    hub: { subscribeEvents: async () => async () => undefined },
    tracker,
    mappings: loadEventMappings({}),
    matching: MatchingConfigSchema.parse({ pending_seconds: 0 }),
    logger: silentLogger,
    retryQueueMax,
    retryDelayMs: 20,
  });
}

describe('hub events while the disk refuses writes', () => {
  it.each(['ENOSPC', 'EROFS'])('keeps them in order and stores them when the disk recovers (%s)', async (code) => {
    start();
    fs.fault = (call) => (call.op === 'writeFileSynced' ? code : null);
    await capture.handle(event('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'v1' }, 'C1'));
    await capture.handle(event('voice_identification_corrected', { prediction_id: 'v1', user_id: 'bob' }, 'C2'));
    await capture.handle(event('voice_identified', { user_id: 'carol', confidence: 0.8, prediction_id: 'v2' }, 'C3'));
    expect(capture.pendingRetries).toBe(3);
    expect(tracker.health()).toMatchObject({ status: 'degraded', stored_predictions: 0 });
    expect(tracker.health().reason).toContain(code);

    fs.fault = null;
    await waitFor(() => capture.pendingRetries === 0, 10_000, 'the kept events to be stored');
    expect(await tracker.getPrediction('v1')).toMatchObject({ correct: false, ground_truth: { user_id: 'bob' } });
    expect(await tracker.getPrediction('v2')).toMatchObject({ correct: null });
    expect(tracker.health()).toMatchObject({ status: 'ok', stored_predictions: 2 });
    expect(capture.counts()['voice_identified']).toMatchObject({ captured: 2, failed: 0, dropped: 0 });
  });

  it('gives up the oldest kept events when the queue is full, and counts them', async () => {
    start(2);
    fs.fault = (call) => (call.op === 'writeFileSynced' ? 'ENOSPC' : null);
    for (let i = 1; i <= 4; i += 1) {
      await capture.handle(event('voice_identified', { user_id: 'a', confidence: 0.5, prediction_id: `v${i}` }, `C${i}`));
    }
    expect(capture.pendingRetries).toBe(2);
    expect(capture.counts()['voice_identified']).toMatchObject({ dropped: 2 });
    fs.fault = null;
    await waitFor(() => capture.pendingRetries === 0, 10_000, 'the kept events');
    expect(await tracker.getPrediction('v1')).toBeNull();
    expect(await tracker.getPrediction('v4')).not.toBeNull();
  });
});

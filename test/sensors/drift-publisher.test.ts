import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTracker } from '../../src/open-tracker.js';
import { DRIFT_EVENT } from '../../src/sensors/drift-alarm.js';
import { DriftPublisher } from '../../src/sensors/drift-publisher.js';
import type { HubPort } from '../../src/sensors/hub-port.js';
import type { SensorsState } from '../../src/sensors/sensor-publisher.js';
import { openSensorsStateStore } from '../../src/sensors/sensor-publisher.js';
import type { JsonDocumentStore } from '../../src/storage/json-document-store.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { waitFor } from '../fakes/fake-hub.js';
import { recordingLogger } from '../support/recording-logger.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

/** DriftPublisher over a real tracker: evaluation after changes, and an event the hub refused is fired again later. */
class RecordingHubPort implements HubPort {
  readonly posts: { entityId: string; state: string; attributes: Record<string, unknown> }[] = [];
  readonly events: { eventType: string; data: Record<string, unknown> }[] = [];
  failEvents = false;

  async postState(entityId: string, state: string, attributes: Record<string, unknown>): Promise<void> {
    this.posts.push({ entityId, state, attributes });
  }

  async fireEvent(eventType: string, data: Record<string, unknown>): Promise<void> {
    if (this.failEvents) throw new Error('not connected to Home Assistant');
    this.events.push({ eventType, data });
  }
}

const SENSOR = 'binary_sensor.ml_voice_drifting';
let dir: TempDir;
let tracker: ModelPerformanceTracker;
let stateStore: JsonDocumentStore<SensorsState>;
let drift: DriftPublisher | undefined;

beforeEach(async () => {
  dir = await createTempDir('drift-publisher-');
  tracker = await openTracker({ dataDir: dir.path, config: { schema_version: 1, hub: { sensors: { window: '1d' } } } });
  stateStore = await openSensorsStateStore({ dataDir: dir.path });
});

afterEach(async () => {
  await drift?.stop();
  drift = undefined;
  await tracker.close();
  await dir.remove();
});

/** 200 predictions over the last 10 hours, every 20th wrong, then 100 where 3 in 5 are wrong. */
async function logDrop(): Promise<void> {
  const start = Date.now() - 10 * 3_600_000;
  for (let i = 0; i < 300; i++) {
    const correct = i < 200 ? i % 20 !== 19 : i % 5 < 2;
    await tracker.logPrediction({
      model_name: 'voice',
      prediction: { person: 'alice' },
      ground_truth: { person: correct ? 'alice' : 'bob' },
      timestamp: new Date(start + i * 100_000).toISOString(),
    });
  }
}

describe('DriftPublisher', () => {
  it('evaluates a model shortly after its changes, and fires a refused event again on the next evaluation, once', async () => {
    const hub = new RecordingHubPort();
    hub.failEvents = true;
    const log = recordingLogger('sensors');
    drift = new DriftPublisher({ tracker, hub, logger: log, stateStore, debounceMs: 20, maxWaitMs: 200 });
    drift.start();
    await logDrop();
    await waitFor(() => hub.posts.some((post) => post.entityId === SENSOR && post.state === 'on'), 10_000, 'the drift sensor on');
    await drift.evaluateAll();
    expect(hub.events).toEqual([]);
    expect(stateStore.document.drift).toEqual({});
    expect(log.entries.some((entry) => entry.level === 'warn' && /could not fire a drift event/.test(entry.message))).toBe(true);

    hub.failEvents = false;
    await drift.evaluateAll();
    expect(hub.events.map((event) => event.eventType)).toEqual([DRIFT_EVENT]);
    const data = hub.events[0]!.data;
    expect(data).toMatchObject({ model_name: 'voice', model_version: '1.0', metric: 'accuracy' });
    expect(data['before'] as number).toBeGreaterThan(data['after'] as number);
    expect(stateStore.document.drift['voice']).toEqual({ model_version: '1.0', timestamp: data['timestamp'] });
    await drift.evaluateAll();
    expect(hub.events).toHaveLength(1);
  });

  it('does nothing after stop', async () => {
    const hub = new RecordingHubPort();
    drift = new DriftPublisher({ tracker, hub, logger: recordingLogger('sensors'), stateStore, debounceMs: 20, maxWaitMs: 200 });
    drift.start();
    await drift.stop();
    await tracker.logPrediction({ model_name: 'voice', prediction: { person: 'alice' } });
    await drift.evaluateAll();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hub.posts).toEqual([]);
  });
});

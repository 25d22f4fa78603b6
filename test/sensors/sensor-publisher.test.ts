import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SensorsState } from '../../src/sensors/sensor-publisher.js';
import { SensorPublisher, openSensorsStateStore } from '../../src/sensors/sensor-publisher.js';
import type { SensorsConfigInput } from '../../src/sensors/sensors-config.js';
import { SensorsConfigSchema } from '../../src/sensors/sensors-config.js';
import type { JsonDocumentStore } from '../../src/storage/json-document-store.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { openTracker } from '../../src/open-tracker.js';
import { STORE_SCHEMA_VERSION } from '../../src/storage/stored-file-version.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { recordingLogger, type LogEntry, type RecordingLogger } from '../support/recording-logger.js';
import { RecordingHubPort } from '../support/recording-hub-port.js';

const MODEL = 'voice_recognition';
const ENTITIES = [
  'sensor.ml_voice_recognition_accuracy',
  'sensor.ml_voice_recognition_precision',
  'sensor.ml_voice_recognition_recall',
  'sensor.ml_voice_recognition_f1_score',
  'sensor.ml_voice_recognition_confidence',
  'sensor.ml_voice_recognition_predictions',
  'sensor.ml_voice_recognition_estimated_accuracy',
  'binary_sensor.ml_voice_recognition_below_target',
];

let dir: TempDir;
let tracker: ModelPerformanceTracker;
let stateStore: JsonDocumentStore<SensorsState>;
let hub: RecordingHubPort;
let log: RecordingLogger;
let logs: LogEntry[];
const publishers: SensorPublisher[] = [];

async function openAll(targets: Record<string, number> = {}): Promise<void> {
  tracker = await openTracker({ dataDir: dir.path, config: { schema_version: 1, models: { [MODEL]: { targets } } } });
  stateStore = await openSensorsStateStore({ dataDir: dir.path });
}

function publisher(config: SensorsConfigInput = {}, configuredModels: string[] = []): SensorPublisher {
  const created = new SensorPublisher({
    tracker,
    hub,
    logger: log,
    config: SensorsConfigSchema.parse(config),
    stateStore,
    configuredModels,
  });
  publishers.push(created);
  return created;
}

/** Logs `count` predictions of MODEL, labeled correct or wrong (or unlabeled), at `timestamp` (default now). */
async function logPredictions(count: number, label: 'correct' | 'wrong' | 'none', timestamp?: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const groundTruth = label === 'none' ? {} : { ground_truth: { intent: label === 'correct' ? 'lights_on' : 'lights_off' } };
    const logged = await tracker.logPrediction({
      model_name: MODEL,
      prediction: { intent: 'lights_on' },
      confidence: 0.8,
      ...groundTruth,
      ...(timestamp ? { timestamp } : {}),
    });
    ids.push(logged.prediction_id);
  }
  return ids;
}

/** Lets pending promise work run (setImmediate is never faked here) until `done()` or a bound. */
async function settle(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200 && !done(); turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

beforeEach(async () => {
  dir = await createTempDir('sensor-publisher-');
  hub = new RecordingHubPort();
  log = recordingLogger('sensors');
  logs = log.entries;
});

afterEach(async () => {
  vi.useRealTimers();
  for (const created of publishers.splice(0)) await created.stop();
  await tracker.close();
  await dir.remove();
});

describe('SensorPublisher publishing', () => {
  it('publishes a model after its predictions, debounced', async () => {
    await openAll();
    publisher({ debounce_ms: 10 }).start();
    await logPredictions(3, 'none');
    await vi.waitFor(() => expect(hub.latest('sensor.ml_voice_recognition_predictions')?.state).toBe('3'));
    expect(new Set(hub.posts.map((post) => post.entityId))).toEqual(new Set(ENTITIES));
    expect(hub.latest('sensor.ml_voice_recognition_accuracy')?.state).toBe('unknown');
    expect(hub.latest('sensor.ml_voice_recognition_confidence')?.state).toBe('80.0');
    expect(hub.latest('binary_sensor.ml_voice_recognition_below_target')?.state).toBe('off');

    await logPredictions(1, 'correct');
    await vi.waitFor(() => expect(hub.latest('sensor.ml_voice_recognition_accuracy')?.state).toBe('100.0'));
    expect(hub.latest('sensor.ml_voice_recognition_accuracy')?.attributes).toMatchObject({ labeled_predictions: 1, total_predictions: 4, window: '7d' });
  });

  it('publishes a burst at most 5 s after its first change, however long it lasts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await openAll();
    publisher({ debounce_ms: 2000 }).start();
    // A new model's entities appear as unknown at once; its numbers wait for the debounce.
    const predictionPosts = () => hub.posts.filter((post) => post.entityId === 'sensor.ml_voice_recognition_predictions' && post.state !== 'unknown');
    // Five changes one second apart (t = 0 … 4 s): the 2 s debounce never elapses.
    for (let second = 0; second < 5; second += 1) {
      if (second > 0) vi.advanceTimersByTime(1000);
      await logPredictions(1, 'none');
    }
    vi.advanceTimersByTime(999);
    await settle(() => false);
    expect(predictionPosts()).toEqual([]);
    vi.advanceTimersByTime(1); // t = 5 s after the first change
    await settle(() => predictionPosts().length > 0);
    expect(predictionPosts().map((post) => post.state)).toEqual(['5']);
  });

  it('does not post a state again while it is unchanged', async () => {
    await openAll();
    await logPredictions(2, 'correct');
    const sensors = publisher();
    await sensors.evaluateAll();
    expect(hub.posts.map((post) => post.entityId)).toEqual(ENTITIES);
    await sensors.evaluateAll();
    await sensors.evaluateAll();
    expect(hub.posts).toHaveLength(ENTITIES.length);

    await logPredictions(1, 'none');
    await sensors.evaluateAll();
    // An unlabeled prediction changes the counts of every sensor, but nothing the problem sensor shows.
    expect(hub.posts.slice(ENTITIES.length).map((post) => post.entityId)).toEqual(ENTITIES.slice(0, 7));
    expect(hub.latest('sensor.ml_voice_recognition_predictions')?.state).toBe('3');
  });

  it('republishAll posts every entity again', async () => {
    await openAll();
    await logPredictions(2, 'correct');
    const sensors = publisher();
    await sensors.evaluateAll();
    await sensors.republishAll();
    expect(hub.posts.map((post) => post.entityId)).toEqual([...ENTITIES, ...ENTITIES]);
    await sensors.evaluateAll();
    expect(hub.posts).toHaveLength(2 * ENTITIES.length);
  });

  it('retries posts the hub refused on the next evaluation, logging the failure once', async () => {
    await openAll();
    await logPredictions(2, 'correct');
    const sensors = publisher();
    hub.failPosts = true;
    await expect(sensors.evaluateAll()).resolves.toBeUndefined();
    await expect(sensors.evaluateAll()).resolves.toBeUndefined();
    expect(hub.attempts.posts).toBe(2 * ENTITIES.length);
    expect(logs.filter((entry) => entry.level === 'warn' && entry.message.startsWith('could not post'))).toHaveLength(1);

    hub.failPosts = false;
    await sensors.evaluateAll();
    expect(hub.posts.map((post) => post.entityId)).toEqual(ENTITIES);
    expect(logs.some((entry) => entry.level === 'info' && entry.message === 'post state works again')).toBe(true);
  });

  it('stop() leaves no timer or subscription behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await openAll();
    const sensors = publisher({ debounce_ms: 1000 });
    sensors.start();
    await logPredictions(1, 'none');
    expect(vi.getTimerCount()).toBeGreaterThan(0);

    await sensors.stop();
    const attempts = hub.attempts.posts;
    expect(vi.getTimerCount()).toBe(0);
    await logPredictions(1, 'none');
    expect(vi.getTimerCount()).toBe(0);
    await sensors.evaluateAll();
    await sensors.republishAll();
    expect(hub.attempts.posts).toBe(attempts);
  });
});

describe('SensorPublisher arms numeric_state automations (entities exist, unknown, before the first number)', () => {
  const statesOf = (entityId: string) => hub.posts.filter((post) => post.entityId === entityId).map((post) => post.state);

  it('publishes a configured model with no prediction yet as unknown when the hub connects', async () => {
    await openAll({ accuracy: 0.9 });
    await publisher({}, [MODEL]).republishAll();
    expect(hub.posts.map((post) => post.entityId)).toEqual(ENTITIES);
    expect(new Set(hub.posts.map((post) => post.state))).toEqual(new Set(['unknown']));
  });

  it('shows a new model as unknown on its first prediction, then its first evaluation, even one already below target', async () => {
    await openAll({ accuracy: 0.9 });
    publisher({ debounce_ms: 10, min_samples: 2 }).start();
    await logPredictions(1, 'wrong');
    await logPredictions(2, 'correct');
    await vi.waitFor(() => expect(hub.latest('sensor.ml_voice_recognition_predictions')?.state).toBe('3'));
    const accuracy = statesOf('sensor.ml_voice_recognition_accuracy');
    expect(accuracy[0]).toBe('unknown');
    expect(accuracy.slice(1).every((state) => Number(state) < 90)).toBe(true);
    expect(accuracy.at(-1)).toBe('66.7');
    const problem = statesOf('binary_sensor.ml_voice_recognition_below_target');
    expect([problem[0], problem.at(-1)]).toEqual(['unknown', 'on']);
  });

  it('never shows unknown again for a model whose numbers the hub may already show', async () => {
    await openAll({ accuracy: 0.9 });
    await logPredictions(2, 'correct');
    const sensors = publisher({ debounce_ms: 10 }, [MODEL]);
    sensors.start();
    await logPredictions(1, 'wrong');
    await vi.waitFor(() => expect(hub.latest('sensor.ml_voice_recognition_accuracy')?.state).toBe('66.7'));
    await sensors.republishAll();
    expect(statesOf('sensor.ml_voice_recognition_accuracy')).not.toContain('unknown');
  });
});

describe('SensorPublisher announcements', () => {
  const dropEvents = () => hub.events.filter((event) => event.eventType === 'ml_metrics_performance_drop');
  const recoveredEvents = () => hub.events.filter((event) => event.eventType === 'ml_metrics_performance_recovered');

  it('fires a drop once, also across a restart, then one recovery', async () => {
    await openAll({ accuracy: 0.9 });
    await logPredictions(15, 'correct');
    const wrong = await logPredictions(5, 'wrong');
    const first = publisher();
    await first.evaluateAll();
    expect(hub.events).toEqual([
      {
        eventType: 'ml_metrics_performance_drop',
        data: {
          model_name: MODEL,
          model_version: '1.0',
          metric: 'accuracy',
          value: 75,
          target: 90,
          baseline: null,
          window: '7d',
          reason: 'below_target',
        },
      },
    ]);
    expect(hub.latest('binary_sensor.ml_voice_recognition_below_target')?.state).toBe('on');
    expect(hub.latest('binary_sensor.ml_voice_recognition_below_target')?.attributes).toMatchObject({
      failing_metrics: ['accuracy'],
      failing_details: [{ metric: 'accuracy', value: 75, target: 90 }],
    });
    await first.evaluateAll();
    await first.republishAll();
    expect(hub.events).toHaveLength(1);

    // A restart: new publisher, state store read back from sensors-state.json.
    await first.stop();
    const stored = JSON.parse(await readFile(join(dir.path, 'sensors-state.json'), 'utf8'));
    expect(stored).toMatchObject({ schema_version: STORE_SCHEMA_VERSION, kind: 'sensors-state', document: { alerts: { [MODEL]: { accuracy: { reason: 'below_target' } } } } });
    stateStore = await openSensorsStateStore({ dataDir: dir.path });
    const second = publisher();
    await second.republishAll();
    await second.evaluateAll();
    expect(hub.events).toHaveLength(1);

    for (const id of wrong) await tracker.recordGroundTruth(id, { correct: true });
    await second.evaluateAll();
    await second.evaluateAll();
    expect(dropEvents()).toHaveLength(1);
    expect(recoveredEvents()).toEqual([
      {
        eventType: 'ml_metrics_performance_recovered',
        data: expect.objectContaining({ metric: 'accuracy', value: 100, target: 90, reason: 'below_target' }),
      },
    ]);
    expect(hub.latest('binary_sensor.ml_voice_recognition_below_target')?.state).toBe('off');
    expect(stateStore.document.alerts).toEqual({});
  });

  it('waits for min_samples labels before judging', async () => {
    await openAll({ accuracy: 0.9 });
    await logPredictions(19, 'wrong');
    const sensors = publisher();
    await sensors.evaluateAll();
    expect(hub.events).toEqual([]);
    await logPredictions(1, 'wrong');
    await sensors.evaluateAll();
    expect(dropEvents()).toHaveLength(1);
  });

  it('fires a drop under the previous window', async () => {
    await openAll();
    const tenDaysAgo = new Date(Date.now() - 10 * 24 * 3_600_000).toISOString();
    await logPredictions(20, 'correct', tenDaysAgo);
    await logPredictions(18, 'correct');
    await logPredictions(2, 'wrong');
    const sensors = publisher();
    await sensors.evaluateAll();
    expect(dropEvents().find((event) => event.data['metric'] === 'accuracy')?.data).toEqual({
      model_name: MODEL,
      model_version: '1.0',
      metric: 'accuracy',
      value: 90,
      target: null,
      baseline: 100,
      window: '7d',
      reason: 'below_baseline',
    });
    // The old predictions are outside the 7d window the sensors show.
    expect(hub.latest('sensor.ml_voice_recognition_predictions')?.state).toBe('20');
  });

  it('retries an event the hub refused, and remembers it only once accepted', async () => {
    await openAll({ accuracy: 0.9 });
    await logPredictions(20, 'wrong');
    const sensors = publisher();
    hub.failEvents = true;
    await sensors.evaluateAll();
    await sensors.evaluateAll();
    expect(hub.attempts.events).toBe(2);
    expect(hub.events).toEqual([]);
    expect(stateStore.document.alerts).toEqual({});
    expect(logs.filter((entry) => entry.level === 'warn' && entry.message.startsWith('could not fire'))).toHaveLength(1);

    hub.failEvents = false;
    await sensors.evaluateAll();
    await sensors.evaluateAll();
    expect(dropEvents()).toHaveLength(1);
    expect(stateStore.document.alerts[MODEL]?.accuracy?.reason).toBe('below_target');
  });
});

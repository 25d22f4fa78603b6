import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startApp } from '../../src/app.js';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { DRIFT_EVENT } from '../../src/sensors/drift-alarm.js';
import { FakeHub, waitFor } from '../fakes/fake-hub.js';
import { mulberry32 } from '../support/seeded-random.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

/** The drift sensor and event through the composition root, on the fake hub, across a restart. */
const HOUR = 3_600_000;
const CONFIG = ConfigSchema.parse({
  schema_version: 1,
  log_level: 'silent',
  api: { port: 0 },
  models: { voice: { label_key: 'person' } },
  hub: { sensors: { window: '1d' } },
});

let hub: FakeHub;
let dir: TempDir;
let app: App | null = null;

beforeEach(async () => {
  hub = await FakeHub.start();
  dir = await createTempDir('drift-hub-');
});

afterEach(async () => {
  await app?.stop();
  app = null;
  await hub.close();
  await dir.remove();
});

/** 300 predictions over the day before yesterday's last 16 hours (95 % right), then 300 over the last 22 hours (60 %). */
async function seedStore(): Promise<void> {
  const tracker = await openTracker({ dataDir: dir.path, config: CONFIG });
  const random = mulberry32(11);
  const now = Date.now();
  for (let i = 0; i < 600; i++) {
    const recent = i >= 300;
    const at = recent ? now - 22 * HOUR + (i - 300) * ((21 * HOUR) / 300) : now - 40 * HOUR + i * ((15 * HOUR) / 300);
    const correct = random() < (recent ? 0.6 : 0.95);
    await tracker.logPrediction({
      model_name: 'voice',
      prediction: { person: 'alice' },
      confidence: 0.9,
      ground_truth: { person: correct ? 'alice' : 'bob' },
      timestamp: new Date(at).toISOString(),
    });
  }
  await tracker.close();
}

async function start(): Promise<App> {
  const config = { ...CONFIG, data_dir: dir.path };
  return startApp({ config, logger: createLogger({ level: 'silent' }), env: { HA_URL: hub.url, HA_TOKEN: 'test-token' } });
}

const driftEvents = () => hub.firedEvents.filter((event) => event.event_type === DRIFT_EVENT);

describe('binary_sensor.ml_<model>_drifting and ml_metrics_drift_detected', () => {
  it('turns on and fires once for a drop in the current window, and not again after a restart', async () => {
    await seedStore();
    app = await start();
    await waitFor(() => hub.getState('binary_sensor.ml_voice_drifting')?.state === 'on', 20_000, 'the drift sensor on');
    await waitFor(() => driftEvents().length === 1, 10_000, 'one drift event');
    const sensor = hub.getState('binary_sensor.ml_voice_drifting')!;
    expect(sensor.attributes).toMatchObject({ device_class: 'problem', model_name: 'voice', model_version: '1.0', metric: 'accuracy' });
    const { before, after, timestamp } = sensor.attributes as { before: number; after: number; timestamp: string };
    expect(before).toBeGreaterThan(after);
    expect(Date.parse(timestamp)).toBeGreaterThan(Date.now() - 24 * HOUR);
    const [event] = driftEvents();
    expect(event!.data).toMatchObject({ model_name: 'voice', model_version: '1.0', metric: 'accuracy', before, after, timestamp });
    // Evaluating again announces nothing new.
    await app.hub!.drift.evaluateAll();
    expect(driftEvents()).toHaveLength(1);
    const saved = JSON.parse(await readFile(join(dir.path, 'sensors-state.json'), 'utf8')) as { document: { drift: Record<string, unknown> } };
    expect(saved.document.drift['voice']).toEqual({ model_version: '1.0', timestamp });

    await app.stop();
    app = null;
    const postsBefore = hub.statePosts.filter((post) => post.entityId === 'binary_sensor.ml_voice_drifting').length;
    app = await start();
    await waitFor(() => hub.statePosts.filter((post) => post.entityId === 'binary_sensor.ml_voice_drifting').length > postsBefore, 20_000, 'the drift sensor posted again');
    await app.hub!.drift.evaluateAll();
    expect(hub.getState('binary_sensor.ml_voice_drifting')?.state).toBe('on');
    expect(driftEvents()).toHaveLength(1);
  });

  it('stays off without a change', async () => {
    const tracker = await openTracker({ dataDir: dir.path, config: CONFIG });
    for (let i = 0; i < 100; i++) {
      await tracker.logPrediction({ model_name: 'voice', prediction: { person: 'alice' }, ground_truth: { person: 'alice' }, timestamp: new Date(Date.now() - (i + 1) * 10 * 60_000).toISOString() });
    }
    await tracker.close();
    app = await start();
    await waitFor(() => hub.getState('binary_sensor.ml_voice_drifting') !== undefined, 20_000, 'the drift sensor');
    await app.hub!.drift.evaluateAll();
    expect(hub.getState('binary_sensor.ml_voice_drifting')).toMatchObject({ state: 'off', attributes: { before: null, after: null, timestamp: null } });
    expect(driftEvents()).toHaveLength(0);
  });
});

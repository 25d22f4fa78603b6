import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHub, waitFor } from '../fakes/fake-hub.js';
import type { RunningService } from '../support/spawn-service.js';
import { spawnService } from '../support/spawn-service.js';
import { createTempDir } from '../support/temp-dir.js';

/** The service as a user runs it (`node dist/bundle/main.js` with HA_URL and HA_TOKEN) against the fake hub. */

const CONFIG = {
  schema_version: 1,
  log_level: 'info',
  models: { voice_recognition: { label_key: 'user_id', targets: { accuracy: 0.9 } } },
  hub: { sensors: { window: '7d', min_samples: 2, debounce_ms: 50 }, capture: { matching: { pending_seconds: 1 } } },
};

let hub: FakeHub;
let service: RunningService | null = null;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  hub = await FakeHub.start();
  const temp = await createTempDir('hap-hub-service-');
  cleanup = temp.remove;
  dataDir = temp.path;
});

afterEach(async () => {
  await service?.stop();
  service = null;
  await hub.close();
  await cleanup();
});

let dataDir: string;

function state(entityId: string): string | undefined {
  return hub.getState(entityId)?.state;
}

describe('the service against a hub', () => {
  it('runs standalone and says so when no hub is configured', async () => {
    service = await spawnService({ dataDir, config: CONFIG, env: { HA_URL: '', HA_TOKEN: '', SUPERVISOR_TOKEN: '' } });
    const running = service;
    await waitFor(() => /no hub configured .*running standalone/.test(running.logs()), 10_000, 'the standalone log line');
    const status = await service.stop();
    service = null;
    expect(status).toMatchObject({ code: 0, signal: null });
  });

  it('captures events, turns confirmations into ground truth, publishes sensors, and re-publishes after a hub restart', async () => {
    service = await spawnService({ dataDir, config: CONFIG, env: { HA_URL: hub.url, HA_TOKEN: 'test-token' } });
    await waitFor(() => hub.activeSubscriptions('voice_identified') === 1, 15_000, 'the subscription');
    expect(hub.everSubscribedToAll).toBe(false);

    hub.fireEvent('voice_identified', { user_id: 'alice', confidence: 0.9, prediction_id: 'v1' });
    hub.fireEvent('voice_identified', { user_id: 'bob', confidence: 0.7, prediction_id: 'v2' });
    hub.fireEvent('voice_identification_confirmed', { prediction_id: 'v1' });
    hub.fireEvent('voice_identification_corrected', { prediction_id: 'v2', user_id: 'carol' });
    await waitFor(() => state('sensor.ml_voice_recognition_accuracy') === '50.0', 15_000, 'the accuracy sensor at 50.0');
    const accuracy = hub.getState('sensor.ml_voice_recognition_accuracy')!;
    expect(accuracy.attributes).toMatchObject({
      unit_of_measurement: '%',
      state_class: 'measurement',
      model_name: 'voice_recognition',
      labeled_predictions: 2,
      correct_predictions: 1,
      target: 90,
    });
    await waitFor(() => state('binary_sensor.ml_voice_recognition_below_target') === 'on', 15_000, 'below_target on');
    await waitFor(() => hub.firedEvents.some((event) => event.event_type === 'ml_metrics_performance_drop'), 15_000, 'the drop event');
    const drops = hub.firedEvents.filter((event) => event.event_type === 'ml_metrics_performance_drop');
    expect(drops).toHaveLength(1);
    expect(drops[0]?.data).toMatchObject({ model_name: 'voice_recognition', metric: 'accuracy', value: 50, target: 90 });

    await hub.restart();
    expect(state('sensor.ml_voice_recognition_accuracy')).toBeUndefined();
    await waitFor(() => state('sensor.ml_voice_recognition_accuracy') === '50.0', 30_000, 'the sensors after the restart');
    await waitFor(() => hub.activeSubscriptions('voice_identified') === 1, 15_000, 'the subscription after the restart');
    hub.fireEvent('voice_identified', { user_id: 'alice', confidence: 0.95, prediction_id: 'v3' });
    hub.fireEvent('voice_identification_confirmed', { prediction_id: 'v3' });
    await waitFor(() => state('sensor.ml_voice_recognition_accuracy') === '66.7', 15_000, 'the accuracy after new events');
    // The drop persists: announced once, across the reconnection.
    expect(hub.firedEvents.filter((event) => event.event_type === 'ml_metrics_performance_drop')).toHaveLength(1);

    const response = await fetch(`${service.api}/models/voice_recognition`);
    expect(await response.json()).toMatchObject({ total_predictions: 3, labeled_predictions: 3, correct_predictions: 2 });
  });

  it('exits non-zero with a clear line when the hub refuses the token', async () => {
    service = await spawnService({ dataDir, config: CONFIG, env: { HA_URL: hub.url, HA_TOKEN: 'wrong-token' } });
    const status = await service.exited;
    const logs = service.logs();
    service = null;
    expect(status.code).not.toBe(0);
    expect(status.code).not.toBeNull();
    expect(logs).toMatch(/token/i);
    expect(logs).not.toContain('wrong-token');
  });
});

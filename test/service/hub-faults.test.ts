import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { FakeHub, waitFor } from '../fakes/fake-hub.js';
import type { RunningService } from '../support/spawn-service.js';
import { spawnService } from '../support/spawn-service.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/**
 * Hub faults against the service as a user runs it, each with its documented outcome
 * (README, "Hub faults"). The half-open socket and malformed frames are proven on the
 * connection itself in test/integration/hub-connection.test.ts.
 */

const CONFIG = {
  schema_version: 1,
  models: { voice_recognition: { label_key: 'user_id', targets: { accuracy: 0.9 } } },
  hub: { sensors: { debounce_ms: 50, min_samples: 1 } },
};

let hub: FakeHub;
let dir: TempDir;
let service: RunningService | null = null;

beforeEach(async () => {
  hub = await FakeHub.start();
  dir = await createTempDir('hap-hub-faults-');
});

afterEach(async () => {
  await service?.stop();
  service = null;
  await hub.close();
  await dir.remove();
});

async function start(): Promise<RunningService> {
  service = await spawnService({ dataDir: dir.path, config: CONFIG, env: { HA_URL: hub.url, HA_TOKEN: 'test-token' } });
  await waitFor(() => hub.activeSubscriptions('voice_identified') === 1, 15_000, 'the subscription');
  return service;
}

async function health(running: RunningService): Promise<{ stored_predictions: number; hub: { connected: boolean } }> {
  return (await (await fetch(`${running.api}/health`)).json()) as { stored_predictions: number; hub: { connected: boolean } };
}

async function stored(running: RunningService): Promise<PredictionLog[]> {
  const response = await fetch(`${running.api}/models/voice_recognition/predictions?limit=1000`);
  if (response.status === 404) return [];
  return ((await response.json()) as { predictions: PredictionLog[] }).predictions;
}

function fireBurst(from: number, to: number): void {
  for (let n = from; n <= to; n += 1) hub.fireEvent('voice_identified', { prediction_id: `b-${n}`, user_id: n % 3, confidence: 0.8 });
}

describe('hub faults', () => {
  it('socket dropped mid-burst: what arrived is stored once, what was fired while disconnected is lost, a replay is not double-counted', async () => {
    const running = await start();
    fireBurst(1, 100);
    hub.dropConnections();
    fireBurst(101, 150); // nobody is subscribed: the hub does not keep these
    await waitFor(() => hub.activeSubscriptions('voice_identified') === 1, 30_000, 'the re-subscription');
    fireBurst(151, 200);
    const afterBurst = async () => new Set((await stored(running)).map((record) => record.prediction_id));
    let ids = new Set<string>();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      ids = await afterBurst();
      if ([...Array(50).keys()].every((i) => ids.has(`b-${151 + i}`))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let n = 151; n <= 200; n += 1) expect(ids.has(`b-${n}`), `b-${n} fired after the reconnection`).toBe(true);
    for (let n = 101; n <= 150; n += 1) expect(ids.has(`b-${n}`), `b-${n} fired while disconnected`).toBe(false);
    const before = ids.size;

    // The sender replays everything: nothing is counted twice.
    fireBurst(1, 200);
    let total = 0;
    const replayDeadline = Date.now() + 15_000;
    while (Date.now() < replayDeadline) {
      total = (await health(running)).stored_predictions;
      if (total === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(before).toBeGreaterThanOrEqual(50);
    expect(total).toBe(200);
    const records = await stored(running);
    expect(new Set(records.map((record) => record.prediction_id)).size).toBe(records.length);
  });

  it('a token revoked while disconnected stops the service with a clear line and exit code 1', async () => {
    const running = await start();
    hub.revokeToken('test-token');
    hub.dropConnections();
    const status = await running.exited;
    service = null;
    expect(status.code).toBe(1);
    expect(running.logs()).toMatch(/rejected the access token.*HA_TOKEN/);
  });

  it('a hub slow to accept state posts delays the sensors, not the capture', async () => {
    hub.setStatePostDelay(1500);
    const running = await start();
    hub.fireEvent('voice_identified', { prediction_id: 'slow-1', user_id: 1, confidence: 0.9 });
    hub.fireEvent('voice_identification_confirmed', { prediction_id: 'slow-1' });
    // Captured and labeled while the sensor posts are still hanging.
    const deadline = Date.now() + 10_000;
    let record: PredictionLog | undefined;
    while (Date.now() < deadline) {
      record = (await stored(running))[0];
      if (record?.correct === true) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(record).toMatchObject({ prediction_id: 'slow-1', correct: true });
    expect(hub.getState('sensor.ml_voice_recognition_accuracy')).toBeUndefined();
    await waitFor(() => hub.getState('sensor.ml_voice_recognition_accuracy')?.state === '100.0', 30_000, 'the slow sensor post');
  });

  it('a hub restart: states cleared, then published again; the service keeps running', async () => {
    const running = await start();
    hub.fireEvent('voice_identified', { prediction_id: 'r-1', user_id: 1, confidence: 0.9 });
    hub.fireEvent('voice_identification_confirmed', { prediction_id: 'r-1' });
    await waitFor(() => hub.getState('sensor.ml_voice_recognition_accuracy')?.state === '100.0', 15_000, 'the sensor');
    await hub.restart({ downMs: 1500 });
    expect(hub.getState('sensor.ml_voice_recognition_accuracy')).toBeUndefined();
    await waitFor(() => hub.getState('sensor.ml_voice_recognition_accuracy')?.state === '100.0', 30_000, 'the sensor after the restart');
    expect((await health(running)).hub.connected).toBe(true);
  });
});

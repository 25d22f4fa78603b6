import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHub, waitFor } from '../fakes/fake-hub.js';
import type { RunningService } from '../support/spawn-service.js';
import { spawnService } from '../support/spawn-service.js';
import { createTempDir } from '../support/temp-dir.js';

/** An experiment from start to decision as a user runs it: the service process, its REST API, the fake hub. */

const CONFIG = {
  schema_version: 1,
  log_level: 'info',
  models: { voice_recognition: { label_key: 'user_id' } },
  // Evaluated every second, so the test need not wait a minute.
  experiments: { evaluate_cron: '* * * * * *' },
};

let hub: FakeHub;
let service: RunningService | null = null;
let cleanup: () => Promise<void>;
let dataDir: string;

beforeEach(async () => {
  hub = await FakeHub.start();
  const temp = await createTempDir('hap-experiments-');
  cleanup = temp.remove;
  dataDir = temp.path;
});

afterEach(async () => {
  await service?.stop();
  service = null;
  await hub.close();
  await cleanup();
});

async function post(url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('an experiment in the running service', () => {
  it('is created over REST, assigned over the hub, decided on its own, shown as a sensor and announced once', async () => {
    service = await spawnService({ dataDir, config: CONFIG, env: { HA_URL: hub.url, HA_TOKEN: 'test-token' } });
    const api = service.api;
    await waitFor(() => hub.activeSubscriptions('ml_experiment_assign') === 1, 15_000, 'the assign subscription');

    const created = await post(`${api}/experiments`, { name: 'Voice v2', model_name: 'voice_recognition', version_a: '1.0', version_b: '2.0', min_detectable_effect: 0.1 });
    expect(created.status).toBe(201);
    const id = created.body['experiment_id'] as string;
    await waitFor(() => hub.getState('sensor.ml_experiment_voice_v2')?.state === 'running', 15_000, 'the experiment sensor');

    // The hub asks which version the kitchen speaker gets; the add-on answers on the bus.
    hub.fireEvent('ml_experiment_assign', { experiment_id: id, unit: 'kitchen_speaker' });
    await waitFor(() => hub.firedEvents.some((event) => event.event_type === 'ml_experiment_assigned'), 15_000, 'the assignment reply');
    const reply = hub.firedEvents.find((event) => event.event_type === 'ml_experiment_assigned')!;
    const rest = (await (await fetch(`${api}/experiments/${id}/assign?unit=kitchen_speaker`)).json()) as Record<string, unknown>;
    expect(reply.data).toEqual({ experiment_id: id, unit: 'kitchen_speaker', version: rest['version'], status: 'running' });
    hub.fireEvent('ml_experiment_assign', { experiment_id: 'exp-00000000', unit: 'x' });
    await waitFor(() => hub.firedEvents.filter((event) => event.event_type === 'ml_experiment_assigned').length === 2, 15_000, 'the error reply');
    expect(hub.firedEvents.filter((event) => event.event_type === 'ml_experiment_assigned')[1]!.data).toMatchObject({ experiment_id: 'exp-00000000', unit: 'x', error: expect.stringMatching(/no experiment/) });

    // Version 1.0 is right half the time, 2.0 always.
    for (let i = 0; i < 160; i += 1) {
      const version = i % 2 === 0 ? '1.0' : '2.0';
      const right = version === '2.0' || i % 4 === 0;
      const answer = await post(`${api}/predictions`, { model_name: 'voice_recognition', model_version: version, prediction: { user_id: right ? 1 : 2 }, ground_truth: { user_id: 1 } });
      expect(answer.status).toBe(201);
    }
    await waitFor(() => hub.getState('sensor.ml_experiment_voice_v2')?.state === 'decided', 20_000, 'the decided sensor');
    expect(hub.getState('sensor.ml_experiment_voice_v2')?.attributes).toMatchObject({ winner: '2.0', decision: 'stop', experiment_id: id });
    await waitFor(() => hub.firedEvents.some((event) => event.event_type === 'ml_metrics_experiment_decided'), 15_000, 'the decided event');
    // A few more evaluations: still one announcement.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const decided = hub.firedEvents.filter((event) => event.event_type === 'ml_metrics_experiment_decided');
    expect(decided).toHaveLength(1);
    expect(decided[0]!.data).toMatchObject({ experiment_id: id, winner: '2.0', model_name: 'voice_recognition' });
    expect(service.logs()).toMatch(/experiment decided/);

    // Everyone now gets the winner.
    const after = (await (await fetch(`${api}/experiments/${id}/assign?unit=anyone`)).json()) as Record<string, unknown>;
    expect(after).toMatchObject({ version: '2.0', status: 'decided' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { createExperimentRoutes } from '../../src/api/experiment-routes.js';
import type { Assignment, ExperimentReport } from '../../src/domain/experiments.js';
import { Experiments } from '../../src/experiments/experiments-service.js';
import { createLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

interface ErrorBody {
  error: string;
  issues?: { path: string; message: string }[];
}

let base = '';
let stop: () => Promise<void> = async () => {};

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

beforeAll(async () => {
  const dir: TempDir = await createTempDir('experiment-routes-');
  const tracker = await openTracker({ dataDir: dir.path });
  const logger = createLogger({ level: 'silent' });
  const experiments = await Experiments.open({ dataDir: dir.path, tracker, logger });
  const server = createApiServer({ tracker, logger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024, extraRoutes: createExperimentRoutes(experiments) });
  const { url } = await server.start();
  base = `${url}/api/v1/ml-metrics`;
  stop = async () => {
    await server.stop();
    await experiments.flush();
    await tracker.close();
    await dir.remove();
  };
});

afterAll(async () => {
  await stop();
});

describe('/experiments', () => {
  let id = '';

  it('creates (201), feeds through POST /predictions, and reports the figures', async () => {
    const created = await call<ExperimentReport>('POST', '/experiments', { name: 'Voice v2', model_name: 'voice_recognition', version_a: '1.0', version_b: '2.0', allocation: 0.25 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'running', allocation: 0.25, samples: { a: 0, b: 0 }, p_value: 1, decision: 'continue', winner: null });
    id = created.body.experiment_id;
    for (let i = 0; i < 6; i += 1) {
      const version = i % 2 === 0 ? '1.0' : '2.0';
      const answer = await call('POST', '/predictions', { model_name: 'voice_recognition', model_version: version, prediction: { user_id: 1 }, ground_truth: { user_id: i < 4 ? 1 : 2 } });
      expect(answer.status).toBe(201);
    }
    const report = await call<ExperimentReport>('GET', `/experiments/${id}`);
    expect(report.status).toBe(200);
    expect(report.body.samples).toEqual({ a: 3, b: 3 });
    expect(report.body.metric).toMatchObject({ a: 2 / 3, b: 2 / 3, delta: 0, interval: null });
    const list = await call<{ experiments: ExperimentReport[] }>('GET', '/experiments');
    expect(list.body.experiments.map((experiment) => experiment.experiment_id)).toEqual([id]);
  });

  it('assigns a unit the same version every time', async () => {
    const first = await call<Assignment>('GET', `/experiments/${id}/assign?unit=kitchen_speaker`);
    expect(first.status).toBe(200);
    expect(['1.0', '2.0']).toContain(first.body.version);
    const again = await call<Assignment>('GET', `/experiments/${id}/assign?unit=kitchen_speaker`);
    expect(again.body).toEqual(first.body);
    const missing = await call<ErrorBody>('GET', `/experiments/${id}/assign`);
    expect(missing.status).toBe(400);
    expect(missing.body.issues?.map((issue) => issue.path)).toEqual(['unit']);
  });

  it('answers 400 naming the field, 409 for a taken name, 404 for an unknown id', async () => {
    const bad = await call<ErrorBody>('POST', '/experiments', { name: 'x', model_name: 'voice_recognition', version_a: '1.0', version_b: '1.0' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((issue) => issue.path)).toEqual(['version_b']);
    const taken = await call<ErrorBody>('POST', '/experiments', { name: 'Voice v2', model_name: 'voice_recognition', version_a: '1.0', version_b: '3.0' });
    expect(taken.status).toBe(409);
    expect((await call('GET', '/experiments/exp-00000000')).status).toBe(404);
    expect((await call('POST', '/experiments/exp-00000000/stop')).status).toBe(404);
  });

  it('stops (200), then 409', async () => {
    const stopped = await call<ExperimentReport>('POST', `/experiments/${id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    expect((await call<ErrorBody>('POST', `/experiments/${id}/stop`)).status).toBe(409);
    expect((await call<Assignment>('GET', `/experiments/${id}/assign?unit=anyone`)).body.version).toBe('1.0');
  });
});

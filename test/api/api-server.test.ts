import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import type { ModelComparison } from '../../src/domain/comparison.js';
import type { ModelPerformance, ModelSummary } from '../../src/domain/performance.js';
import type { PredictionLog } from '../../src/domain/prediction.js';
import type { TrainingLog } from '../../src/domain/training.js';
import type { ModelVersionList } from '../../src/domain/versions.js';
import { createLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { type PredictionPage } from '../../src/domain/responses.js';
import { SEED_PREDICTION, SEED_TRAINING } from '../support/predictions.js';

// The seed document's example bodies, verbatim.
interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}
interface ErrorBody {
  error: string;
  issues: { path: string; message: string }[];
}

let base = '';
let stop: () => Promise<void> = async () => {};

async function call<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

const modelNames = async (): Promise<string[]> =>
  (await call<{ models: ModelSummary[] }>('GET', '/models')).body.models.map((model) => model.model_name).sort();

const predictionIds = async (model: string): Promise<string[]> =>
  (await call<PredictionPage>('GET', `/models/${encodeURIComponent(model)}/predictions?limit=1000`)).body.predictions.map(
    (prediction) => prediction.prediction_id,
  );

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ml-metrics-api-'));
  const tracker = await openTracker({ dataDir });
  const logger = createLogger({ level: 'silent' });
  const server = createApiServer({ tracker, logger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 });
  const { url } = await server.start();
  base = `${url}/api/v1/ml-metrics`;
  stop = async () => {
    await server.stop();
    await tracker.close();
    await rm(dataDir, { recursive: true, force: true });
  };
});

afterAll(async () => {
  await stop();
});

describe('POST /predictions', () => {
  it("stores the seed's example and answers 201 with the id and correctness", async () => {
    const answer = await call<{ prediction_id: string; correct: boolean | null }>('POST', '/predictions', SEED_PREDICTION);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(typeof answer.body.prediction_id).toBe('string');
    expect(answer.body.prediction_id.length).toBeGreaterThan(0);
    expect(answer.body.correct).toBe(true);
    expect(await modelNames()).toContain('voice_recognition');
  });

  it('answers 409 to a prediction id logged twice and keeps the first', async () => {
    const first = await call('POST', '/predictions', { ...SEED_PREDICTION, prediction_id: 'dup-1' });
    expect(first.status).toBe(201);
    const before = await predictionIds('voice_recognition');
    const second = await call<ErrorBody>('POST', '/predictions', { ...SEED_PREDICTION, prediction_id: 'dup-1', confidence: 0.1 });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatch(/dup-1/);
    expect(second.body.issues).toEqual([]);
    expect(await predictionIds('voice_recognition')).toEqual(before);
  });

  it('answers 400 naming the field, and stores nothing', async () => {
    const before = await modelNames();
    const answer = await call<ErrorBody>('POST', '/predictions', { ...SEED_PREDICTION, model_name: 'never_stored', confidence: 1.5 });
    expect(answer.status).toBe(400);
    expect(answer.body.issues.map((issue) => issue.path)).toContain('confidence');
    expect(answer.body.error.length).toBeGreaterThan(0);
    expect(await modelNames()).toEqual(before);
  });

  it('answers 400 for a missing required field and for an unknown field', async () => {
    const { prediction: _prediction, ...withoutPrediction } = SEED_PREDICTION;
    const missing = await call<ErrorBody>('POST', '/predictions', withoutPrediction);
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((issue) => issue.path)).toContain('prediction');
    const unknown = await call<ErrorBody>('POST', '/predictions', { ...SEED_PREDICTION, colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues.length).toBeGreaterThan(0);
  });

  it('answers 400 to malformed JSON, a non-object body and an empty body, storing nothing', async () => {
    const before = await predictionIds('voice_recognition');
    const malformed = await call<ErrorBody>('POST', '/predictions', '{"model_name": "voice_recognition",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/^request body is not valid JSON: /);
    expect(malformed.body.issues).toEqual([]);
    for (const body of ['[1, 2]', 'null', '"text"', '42']) {
      const answer = await call<ErrorBody>('POST', '/predictions', body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.error).toMatch(/must be a JSON object/);
    }
    const empty = await fetch(`${base}/predictions`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error).toMatch(/empty/);
    expect(await predictionIds('voice_recognition')).toEqual(before);
  });

  it('accepts model names with spaces and any script, and reads them back through the URL', async () => {
    const name = 'Küche Sprache 語音';
    const logged = await call('POST', '/predictions', { ...SEED_PREDICTION, model_name: name });
    expect(logged.status).toBe(201);
    const performance = await call<ModelPerformance>('GET', `/models/${encodeURIComponent(name)}`);
    expect(performance.status).toBe(200);
    expect(performance.body.model_name).toBe(name);
    const page = await call<PredictionPage>('GET', `/models/${encodeURIComponent(name)}/predictions`);
    expect(page.status).toBe(200);
    expect(page.body.model_name).toBe(name);
    expect(page.body.predictions).toHaveLength(1);
  });
});

describe('POST /predictions/{id}/ground-truth', () => {
  it('labels a prediction and answers 200 with the updated record', async () => {
    const { ground_truth: _truth, ...unlabeled } = SEED_PREDICTION;
    const logged = await call<{ prediction_id: string; correct: boolean | null }>('POST', '/predictions', { ...unlabeled, prediction_id: 'label me/1' });
    expect(logged.status).toBe(201);
    expect(logged.body.correct).toBeNull();
    const answer = await call<PredictionLog>('POST', `/predictions/${encodeURIComponent('label me/1')}/ground-truth`, {
      ground_truth: { user_id: 2 },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.prediction_id).toBe('label me/1');
    expect(answer.body.ground_truth).toEqual({ user_id: 2 });
    expect(answer.body.correct).toBe(false);
    expect(answer.body.ground_truth_source).toBe('api');
  });

  it('accepts {"correct": false} alone', async () => {
    const { ground_truth: _truth, ...unlabeled } = SEED_PREDICTION;
    await call('POST', '/predictions', { ...unlabeled, prediction_id: 'only-correct' });
    const answer = await call<PredictionLog>('POST', '/predictions/only-correct/ground-truth', { correct: false });
    expect(answer.status).toBe(200);
    expect(answer.body.correct).toBe(false);
    expect(answer.body.ground_truth).toBeNull();
  });

  it('answers 404 to an unknown prediction id and 400 to an empty label', async () => {
    const unknown = await call<ErrorBody>('POST', '/predictions/no-such-id/ground-truth', { ground_truth: { user_id: 1 } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.issues).toEqual([]);
    const empty = await call<ErrorBody>('POST', '/predictions/only-correct/ground-truth', {});
    expect(empty.status).toBe(400);
    expect(empty.body.issues.map((issue) => issue.path)).toContain('ground_truth');
  });
});

describe('GET /models and /models/{name}', () => {
  it('lists models', async () => {
    const answer = await call<{ models: ModelSummary[] }>('GET', '/models');
    expect(answer.status).toBe(200);
    const voice = answer.body.models.find((model) => model.model_name === 'voice_recognition');
    expect(voice?.total_predictions).toBeGreaterThan(0);
  });

  it("answers the seed's performance fields", async () => {
    const answer = await call<ModelPerformance>('GET', '/models/voice_recognition');
    expect(answer.status).toBe(200);
    for (const key of [
      'model_name',
      'model_version',
      'accuracy',
      'precision',
      'recall',
      'f1_score',
      'confidence',
      'total_predictions',
      'correct_predictions',
      'incorrect_predictions',
      'last_evaluated',
    ]) {
      expect(answer.body, key).toHaveProperty(key);
    }
    expect(answer.body.model_name).toBe('voice_recognition');
    expect(answer.body.model_version).toBe('1.0');
  });

  it('passes version, window, since and until to the tracker', async () => {
    const answer = await call<ModelPerformance>('GET', '/models/voice_recognition?version=1.0&window=7d');
    expect(answer.status).toBe(200);
    expect(answer.body.window.spec).toBe('7d');
    const range = await call<ModelPerformance>('GET', '/models/voice_recognition?since=2024-01-01T00:00:00Z&until=2099-01-01T00:00:00Z');
    expect(range.status).toBe(200);
  });

  it('answers 400 to a bad query and to a repeated query key', async () => {
    const bad = await call<ErrorBody>('GET', '/models/voice_recognition?window=forever');
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue) => issue.path)).toContain('window');
    const repeated = await call<ErrorBody>('GET', '/models/voice_recognition?version=1.0&version=1.1');
    expect(repeated.status).toBe(400);
    expect(repeated.body.issues).toEqual([{ path: 'version', message: 'given more than once' }]);
  });

  it('answers 404 to an unknown model', async () => {
    const answer = await call<ErrorBody>('GET', '/models/no_such_model');
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatch(/no_such_model/);
  });

  it('keeps an encoded slash inside the model name', async () => {
    const answer = await call<ErrorBody>('GET', '/models/voice_recognition%2Fpredictions');
    expect(answer.status).toBe(400);
    expect(answer.body).not.toHaveProperty('predictions');
    expect(answer.body.issues.map((issue) => issue.path)).toEqual(['name']);
    const blank = await call<ErrorBody>('GET', '/models/%20voice_recognition/predictions');
    expect(blank.status).toBe(400);
    expect(blank.body.issues.map((issue) => issue.path)).toEqual(['name']);
    const bad = await call<ErrorBody>('GET', '/models/%E0%A4%A');
    expect(bad.status).toBe(400);
  });
});

describe('GET /models/{name}/predictions', () => {
  it('pages newest first with limit and next_cursor', async () => {
    const ids = ['page-1', 'page-2', 'page-3', 'page-4', 'page-5'];
    for (const [index, id] of ids.entries()) {
      const answer = await call('POST', '/predictions', {
        ...SEED_PREDICTION,
        model_name: 'paging_model',
        prediction_id: id,
        timestamp: `2024-01-15T10:0${index}:00Z`,
      });
      expect(answer.status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${encodeURIComponent(cursor)}`;
      const page: Answer<PredictionPage> = await call<PredictionPage>('GET', `/models/paging_model/predictions${query}`);
      expect(page.status).toBe(200);
      expect(page.body.model_name).toBe('paging_model');
      expect(page.body.predictions.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.predictions.map((prediction) => prediction.prediction_id));
      cursor = page.body.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('defaults to 50 and refuses a limit out of range', async () => {
    const page = await call<PredictionPage>('GET', '/models/paging_model/predictions');
    expect(page.status).toBe(200);
    expect(page.body.predictions).toHaveLength(5);
    expect(page.body.next_cursor).toBeNull();
    const bad = await call<ErrorBody>('GET', '/models/paging_model/predictions?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue) => issue.path)).toContain('limit');
  });

  it('answers 404 for an unknown model', async () => {
    expect((await call('GET', '/models/no_such_model/predictions')).status).toBe(404);
  });
});

describe('training sessions', () => {
  it("stores the seed's session (201) and refuses it twice (409)", async () => {
    const answer = await call<TrainingLog>('POST', '/training', SEED_TRAINING);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ ...SEED_TRAINING, model_version: '1.0' });
    expect(typeof answer.body.timestamp).toBe('string');
    const again = await call<ErrorBody>('POST', '/training', SEED_TRAINING);
    expect(again.status).toBe(409);
  });

  it('answers 400 naming the field', async () => {
    const answer = await call<ErrorBody>('POST', '/training', { ...SEED_TRAINING, training_session_id: 'bad', training_samples: -1 });
    expect(answer.status).toBe(400);
    expect(answer.body.issues.map((issue) => issue.path)).toContain('training_samples');
  });

  it('lists sessions newest first', async () => {
    await call('POST', '/training', { ...SEED_TRAINING, training_session_id: 'old', timestamp: '2023-01-01T00:00:00Z' });
    await call('POST', '/training', { ...SEED_TRAINING, training_session_id: 'new', timestamp: '2030-01-01T00:00:00Z' });
    const answer = await call<{ model_name: string; sessions: TrainingLog[] }>('GET', '/models/voice_recognition/training');
    expect(answer.status).toBe(200);
    expect(answer.body.model_name).toBe('voice_recognition');
    const ids = answer.body.sessions.map((session) => session.training_session_id);
    expect(ids).toContain('train_20240115_001');
    expect(ids.indexOf('new')).toBeLessThan(ids.indexOf('old'));
    expect(ids).not.toContain('bad');
  });
});

describe('comparisons', () => {
  beforeAll(async () => {
    for (const version of ['1.0', '1.1']) {
      for (let index = 0; index < 4; index += 1) {
        const answer = await call('POST', '/predictions', {
          model_name: 'compared_model',
          model_version: version,
          prediction: { user_id: 1 },
          confidence: 0.8,
          ground_truth: { user_id: index % 2 === 0 || version === '1.1' ? 1 : 2 },
        });
        expect(answer.status).toBe(201);
      }
    }
  });

  it('compares with versions in the query (201), as in the seed', async () => {
    const answer = await call<ModelComparison>('POST', '/models/compared_model/compare?version_a=1.0&version_b=1.1');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ model_name: 'compared_model', version_a: '1.0', version_b: '1.1' });
    expect(typeof answer.body.winner).toBe('string');
    expect(answer.body.metrics_a.model_version).toBe('1.0');
    expect(answer.body.metrics_b.model_version).toBe('1.1');
  });

  it('compares with versions in a JSON body', async () => {
    const answer = await call<ModelComparison>('POST', '/models/compared_model/compare', { version_a: '1.1', version_b: '1.0' });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ version_a: '1.1', version_b: '1.0' });
  });

  it('answers 400 when a version is missing or the query and body disagree', async () => {
    const missing = await call<ErrorBody>('POST', '/models/compared_model/compare?version_a=1.0');
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((issue) => issue.path)).toContain('version_b');
    const clash = await call<ErrorBody>('POST', '/models/compared_model/compare?version_a=1.0', { version_a: '1.1', version_b: '1.0' });
    expect(clash.status).toBe(400);
    expect(clash.body.issues.map((issue) => issue.path)).toEqual(['version_a']);
    const itself = await call<ErrorBody>('POST', '/models/compared_model/compare?version_a=1.1&version_b=1.1');
    expect(itself.status).toBe(400);
    expect(itself.body.issues).toEqual([{ path: 'version_b', message: expect.stringMatching(/differ from version_a/) }]);
  });

  it('answers 404 for an unknown model', async () => {
    expect((await call('POST', '/models/no_such_model/compare?version_a=1.0&version_b=1.1')).status).toBe(404);
  });

  it('lists stored comparisons newest first', async () => {
    const answer = await call<{ model_name: string; comparisons: ModelComparison[] }>('GET', '/models/compared_model/comparisons');
    expect(answer.status).toBe(200);
    expect(answer.body.model_name).toBe('compared_model');
    expect(answer.body.comparisons.map((comparison) => [comparison.version_a, comparison.version_b])).toEqual([
      ['1.1', '1.0'],
      ['1.0', '1.1'],
    ]);
  });
});

describe('GET /models/{name}/versions', () => {
  it('lists the registry in natural version order, registered automatically by predictions and training sessions', async () => {
    for (const version of ['1.9', '1.10']) {
      expect((await call('POST', '/predictions', { model_name: 'versioned_model', model_version: version, prediction: { user_id: 1 }, ground_truth: { user_id: 1 } })).status).toBe(201);
    }
    expect((await call('POST', '/training', { ...SEED_TRAINING, model_name: 'versioned_model', model_version: '1.2', training_session_id: 'v-1.2' })).status).toBe(201);
    const answer = await call<ModelVersionList>('GET', '/models/versioned_model/versions');
    expect(answer.status).toBe(200);
    expect(answer.body.model_name).toBe('versioned_model');
    expect(answer.body.versions.map((v) => [v.model_version, v.registered_from, v.total_predictions, v.accuracy, v.training_sessions, v.current])).toEqual([
      ['1.2', 'training', 0, null, ['v-1.2'], false],
      ['1.9', 'prediction', 1, 1, [], false],
      ['1.10', 'prediction', 1, 1, [], true],
    ]);
  });

  it('answers 404 for an unknown model and 400 for a query parameter', async () => {
    expect((await call('GET', '/models/no_such_model/versions')).status).toBe(404);
    const query = await call<ErrorBody>('GET', '/models/versioned_model/versions?version=1.0');
    expect(query.status).toBe(400);
    expect(query.body.issues.map((issue) => issue.path)).toEqual(['version']);
  });
});

describe('health and routing', () => {
  it('answers health', async () => {
    const answer = await call<{ status: string; models: number }>('GET', '/health');
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ok');
    expect(answer.body.models).toBeGreaterThan(0);
  });

  it('answers 404 to an unknown path', async () => {
    for (const path of ['/nope', '/models/voice_recognition/nope', '/predictions/x', '/models/']) {
      const answer = await call<ErrorBody>('GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.issues).toEqual([]);
    }
    // `/` is the dashboard (test/api/panel-serving.test.ts); other paths outside the API are not found.
    const outside = await fetch(base.replace('/api/v1/ml-metrics', '/nope'));
    expect(outside.status).toBe(404);
  });

  it('answers 405 with Allow to a wrong method', async () => {
    const get = await call<ErrorBody>('GET', '/predictions');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const del = await call('DELETE', '/models');
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET');
    const put = await call('PUT', '/models/voice_recognition/compare');
    expect(put.headers.get('allow')).toBe('POST');
  });

  it('has no GET of a single prediction and no CORS headers', async () => {
    const answer = await call('GET', '/predictions/dup-1');
    expect(answer.status).toBe(404);
    const health = await fetch(`${base}/health`, { headers: { origin: 'http://evil.example' } });
    expect(health.headers.get('access-control-allow-origin')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { CliError, CliUsageError } from '../../src/cli/cli-errors.js';
import { RemoteSource } from '../../src/cli/remote-source.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | null;
}

/** A fetch that answers from a table of `METHOD path` → [status, body] and records what it was asked. */
function fakeFetch(answers: Record<string, [number, unknown]>): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    seen.push({ method, url: url.href, authorization: headers.get('authorization') });
    const answer = answers[`${method} ${url.pathname}`];
    if (!answer) return new Response(JSON.stringify({ error: 'no such endpoint', issues: [] }), { status: 404 });
    const [status, body] = answer;
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  };
  return { fetch: fake as typeof fetch, seen };
}

const summary = (name: string) => ({
  model_name: name,
  versions: ['1.0'],
  latest_version: '1.0',
  model_version: '1.0',
  window: { kind: 'all', spec: 'all', since: null, until: null },
  total_predictions: 1,
  labeled_predictions: 1,
  accuracy: 1,
  confidence: 0.9,
  confidence_count: 1,
  last_prediction_at: '2024-01-15T10:30:00.000Z',
  all_versions: { total_predictions: 1, labeled_predictions: 1, last_prediction_at: '2024-01-15T10:30:00.000Z' },
});

const MODELS = 'GET /api/v1/ml-metrics/models';

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('RemoteSource', () => {
  it('calls the REST API under /api/v1/ml-metrics with the query and the bearer token', async () => {
    const { fetch, seen } = fakeFetch({
      'GET /api/v1/ml-metrics/models/living%20room/predictions': [
        200,
        { model_name: 'living room', predictions: [], next_cursor: null },
      ],
    });
    for (const url of ['http://hub.local:8000', 'http://hub.local:8000/', 'http://hub.local:8000/api/v1/ml-metrics/']) {
      const source = new RemoteSource({ url, token: 's3cret', fetch });
      await source.getPredictions('living room', { limit: 5, cursor: '10' });
    }
    expect(seen.map((request) => request.url)).toEqual(
      Array(3).fill('http://hub.local:8000/api/v1/ml-metrics/models/living%20room/predictions?limit=5&cursor=10'),
    );
    expect(seen.every((request) => request.authorization === 'Bearer s3cret')).toBe(true);
  });

  it('sends no Authorization header without a token, and POSTs compare', async () => {
    const { fetch, seen } = fakeFetch({});
    const source = new RemoteSource({ url: 'http://hub.local:8000', fetch });
    await failure(source.compareVersions('voice', { version_a: '1.0', version_b: '1.1' }));
    expect(seen[0]).toEqual({
      method: 'POST',
      url: 'http://hub.local:8000/api/v1/ml-metrics/models/voice/compare?version_a=1.0&version_b=1.1',
      authorization: null,
    });
  });

  it('keeps the JSON exactly as the service sent it, next to the checked value', async () => {
    const document = { models: [{ ...summary('voice'), extra_field: 'kept' }] };
    const { fetch } = fakeFetch({ [MODELS]: [200, document] });
    const answer = await new RemoteSource({ url: 'http://hub.local', fetch }).listModels();
    expect(answer.json).toEqual(document);
    expect(answer.value.models[0]?.model_name).toBe('voice');
  });

  it('turns a 404 on an untracked model into "no model named", listing the known ones', async () => {
    const { fetch } = fakeFetch({
      [MODELS]: [200, { models: [summary('voice_recognition'), summary('intent')] }],
      'GET /api/v1/ml-metrics/models/voice_recognition': [404, { error: 'model voice_recognition has no version 9', issues: [] }],
    });
    const source = new RemoteSource({ url: 'http://hub.local', fetch });
    const unknown = await failure(source.getPerformance('x', {}));
    expect(unknown).toBeInstanceOf(CliError);
    expect(unknown.message).toBe('no model named "x"; known models: voice_recognition, intent');
    const version = await failure(source.getPerformance('voice_recognition', { version: '9' }));
    expect(version.message).toBe('model voice_recognition has no version 9');
  });

  it('treats an empty training history of an untracked model as unknown', async () => {
    const { fetch } = fakeFetch({
      [MODELS]: [200, { models: [] }],
      'GET /api/v1/ml-metrics/models/ghost/training': [200, { model_name: 'ghost', sessions: [] }],
    });
    const error = await failure(new RemoteSource({ url: 'http://hub.local', fetch }).getTrainingHistory('ghost'));
    expect(error.message).toBe('no model named "ghost"; no models are tracked yet');
  });

  it('explains refusals, bad requests and answers that are not the API', async () => {
    const { fetch } = fakeFetch({
      [MODELS]: [401, { error: 'missing or wrong API token', issues: [] }],
      'GET /api/v1/ml-metrics/models/voice': [400, { error: 'invalid query: window: bad', issues: [] }],
      'GET /api/v1/ml-metrics/models/voice/training': [200, '<html>proxy</html>'],
      'GET /api/v1/ml-metrics/models/voice/predictions': [200, { model_name: 'voice' }],
    });
    const source = new RemoteSource({ url: 'http://hub.local', fetch });
    expect((await failure(source.listModels())).message).toBe(
      "http://hub.local refused the request (HTTP 401); set ML_METRICS_API_TOKEN to the add-on's api_token",
    );
    const bad = await failure(source.getPerformance('voice', {}));
    expect(bad).toBeInstanceOf(CliUsageError);
    expect(bad.message).toBe('invalid query: window: bad');
    expect((await failure(source.getTrainingHistory('voice'))).message).toMatch(
      /^unexpected answer from http:\/\/hub\.local\/api\/v1\/ml-metrics\/models\/voice\/training \(the answer is not JSON\); is --url the address/,
    );
    expect((await failure(source.getPredictions('voice', { limit: 1 }))).message).toMatch(/\(predictions: /);
  });

  it('says which address could not be reached and why', async () => {
    const refused = (async () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 10.0.0.9:8000') });
    }) as typeof fetch;
    const error = await failure(new RemoteSource({ url: 'http://10.0.0.9:8000', fetch: refused }).listModels());
    expect(error.message).toBe('cannot reach http://10.0.0.9:8000: connect ECONNREFUSED 10.0.0.9:8000');

    const slow = (async (_input: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const timeout = await failure(new RemoteSource({ url: 'http://10.0.0.9:8000', fetch: slow, timeoutMs: 50 }).listModels());
    expect(timeout.message).toBe('cannot reach http://10.0.0.9:8000: no answer within 50 ms');
  });
});

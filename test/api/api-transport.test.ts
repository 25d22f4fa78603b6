import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServerOptions } from '../../src/api/create-api-server.js';
import type { ModelSummary } from '../../src/domain/performance.js';
import { StorageUnavailableError } from '../../src/tracker/errors.js';
import { openTracker } from '../../src/open-tracker.js';
import { type ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { type PredictionPage, type TrackerHealth } from '../../src/domain/responses.js';
import { recordingLogger } from '../support/recording-logger.js';

const MiB = 1024 * 1024;
const PREDICTION = { model_name: 'voice_recognition', prediction: { user_id: 1 }, confidence: 0.9 };

interface Harness {
  base: string;
  port: number;
  lines: string[];
  stop(): Promise<void>;
}

const running: Harness[] = [];

afterEach(async () => {
  while (running.length > 0) await running.pop()?.stop();
});

/** The API over a real tracker on a temp directory, or over `tracker` when given (a stub). */
async function startApi(options: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ml-metrics-api-'));
  const tracker = options.tracker ?? (await openTracker({ dataDir }));
  const logger = recordingLogger('ml-metrics');
  const { lines } = logger;
  const server = createApiServer({ logger, host: '127.0.0.1', port: 0, bodyLimitBytes: MiB, ...options, tracker });
  const { url, port } = await server.start();
  const harness: Harness = {
    base: `${url}/api/v1/ml-metrics`,
    port,
    lines,
    stop: async () => {
      await server.stop();
      if (options.tracker === undefined) await tracker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  running.push(harness);
  return harness;
}

/** A tracker stand-in for what the real one cannot be made to do on demand (fail, stall, degrade). */
function stubTracker(methods: Partial<Record<keyof ModelPerformanceTracker, (...args: never[]) => unknown>>): ModelPerformanceTracker {
  return methods as unknown as ModelPerformanceTracker;
}

const post = (url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(url, { method: 'POST', body, headers });

async function storedCount(base: string, model: string): Promise<number> {
  const models = (await (await fetch(`${base}/models`)).json()) as { models: ModelSummary[] };
  if (!models.models.some((summary) => summary.model_name === model)) return 0;
  const page = (await (await fetch(`${base}/models/${model}/predictions?limit=1000`)).json()) as PredictionPage;
  return page.predictions.length;
}

/** Sends a chunked body (no Content-Length) of `size` bytes with node:http. */
function postChunked(port: number, path: string, size: number): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), connection: res.headers.connection }));
    });
    // The server cuts the connection after its 413: writes still under way may fail.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe('request bodies', () => {
  it('answers 413 to a body over the limit (Content-Length) and stores nothing', async () => {
    const api = await startApi();
    const padding = 'x'.repeat(MiB + 10);
    const response = await post(`${api.base}/predictions`, JSON.stringify({ ...PREDICTION, context: { padding } }));
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: string; issues: unknown[] };
    expect(body.error).toMatch(/larger than the limit of 1048576 bytes/);
    expect(body.issues).toEqual([]);
    expect(await storedCount(api.base, 'voice_recognition')).toBe(0);
  });

  it('answers 413 to a chunked body once it passes the limit', async () => {
    const api = await startApi();
    const answer = await postChunked(api.port, '/api/v1/ml-metrics/predictions', 3 * MiB);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/larger than the limit/);
    // The rest of the body is not read: the connection is closed rather than drained.
    expect(answer.connection).toBe('close');
    // The server still answers afterwards.
    expect((await fetch(`${api.base}/health`)).status).toBe(200);
  });

  it('refuses an oversized Expect: 100-continue request before the body is sent', async () => {
    const api = await startApi();
    const answer = await new Promise<{ status: number; continued: boolean; connection: string | undefined }>((resolve, reject) => {
      let continued = false;
      const req = request(
        {
          host: '127.0.0.1',
          port: api.port,
          path: '/api/v1/ml-metrics/predictions',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(5 * MiB), expect: '100-continue' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, continued, connection: res.headers.connection }));
        },
      );
      req.on('continue', () => {
        continued = true;
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer).toEqual({ status: 413, continued: false, connection: 'close' });
    expect((await fetch(`${api.base}/health`)).status).toBe(200);
  });

  it('accepts a body just under the limit', async () => {
    const api = await startApi();
    const body = JSON.stringify({ ...PREDICTION, context: { padding: '' } });
    const padding = 'x'.repeat(MiB - Buffer.byteLength(body) - 100);
    const response = await post(`${api.base}/predictions`, JSON.stringify({ ...PREDICTION, context: { padding } }));
    expect(response.status).toBe(201);
  });

  it('answers 415 to a body that is not declared as JSON, and accepts a charset', async () => {
    const api = await startApi();
    const plain = await post(`${api.base}/predictions`, JSON.stringify(PREDICTION), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: string }).error).toMatch(/Content-Type: application\/json/);
    const form = await post(`${api.base}/predictions`, 'a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(await storedCount(api.base, 'voice_recognition')).toBe(0);
    const utf8 = await post(`${api.base}/predictions`, JSON.stringify(PREDICTION), { 'content-type': 'application/json; charset=utf-8' });
    expect(utf8.status).toBe(201);
  });

  it('answers 400 to a body that is not UTF-8', async () => {
    const api = await startApi();
    const response = await fetch(`${api.base}/predictions`, {
      method: 'POST',
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
  });

  it('answers 400 to an encoded surrogate or an overlong encoding, and reads a body after a byte order mark', async () => {
    const api = await startApi();
    const send = (bytes: number[]) =>
      fetch(`${api.base}/predictions`, { method: 'POST', body: Buffer.from(bytes), headers: { 'content-type': 'application/json' } });
    // "\uD800" as UTF-8 bytes (ED A0 80), and "/" as an overlong two-byte form (C0 AF), inside a string.
    for (const bad of [[0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const response = await send([0x7b, 0x22, ...bad, 0x22, 0x3a, 0x31, 0x7d]);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('request body is not valid UTF-8; send UTF-8 encoded JSON');
    }
    const withMark = await send([0xef, 0xbb, 0xbf, ...Buffer.from(JSON.stringify(PREDICTION))]);
    expect(withMark.status).toBe(201);
    expect(await storedCount(api.base, 'voice_recognition')).toBe(1);
  });
});

describe('bearer token', () => {
  const TOKEN = 's3cret-Token_value';

  it('refuses requests without the right token (401) but answers health', async () => {
    const api = await startApi({ apiToken: TOKEN });
    const missing = await fetch(`${api.base}/models`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const body = (await missing.json()) as { error: string; issues: unknown[] };
    expect(body.issues).toEqual([]);
    // Standalone, the token comes from ML_METRICS_API_TOKEN: the message says so.
    expect(body.error).toContain('ML_METRICS_API_TOKEN');
    const wrong = await fetch(`${api.base}/models`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    const prefix = await fetch(`${api.base}/models`, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } });
    expect(prefix.status).toBe(401);
    const basic = await fetch(`${api.base}/models`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    const right = await fetch(`${api.base}/models`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    const health = await fetch(`${api.base}/health`);
    expect(health.status).toBe(200);
    // Unknown paths do not reveal themselves without a token.
    expect((await fetch(`${api.base}/nope`)).status).toBe(401);
    expect((await fetch(`${api.base}/nope`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('stores nothing from a refused POST and never logs the token', async () => {
    const api = await startApi({ apiToken: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const refused = await post(`${api.base}/predictions`, JSON.stringify(PREDICTION), { 'content-type': 'application/json', authorization: 'Bearer wrong' });
    expect(refused.status).toBe(401);
    const models = (await (await fetch(`${api.base}/models`, { headers: auth })).json()) as { models: unknown[] };
    expect(models.models).toEqual([]);
    const stored = await post(`${api.base}/predictions`, JSON.stringify(PREDICTION), { 'content-type': 'application/json', ...auth });
    expect(stored.status).toBe(201);
    expect(api.lines.some((line) => line.includes('status=201'))).toBe(true);
    const log = api.lines.join('\n');
    expect(log).not.toContain(TOKEN);
    expect(log.toLowerCase()).not.toContain('authorization');
  });

  it('needs no token when none is configured', async () => {
    const api = await startApi();
    expect((await fetch(`${api.base}/models`)).status).toBe(200);
  });
});

describe('errors the tracker throws', () => {
  it('answers 500 without details and logs the stack', async () => {
    const api = await startApi({
      tracker: stubTracker({
        listModels: () => {
          throw new TypeError('secret internal detail');
        },
      }),
    });
    const response = await fetch(`${api.base}/models`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'internal error; see the service log', issues: [] });
    const log = api.lines.join('\n');
    expect(log).toContain('secret internal detail');
    expect(log).toMatch(/TypeError: secret internal detail.*at /s);
    expect(api.lines.some((line) => / error /.test(line) && line.includes('status=500'))).toBe(true);
  });

  it('answers 503 to StorageUnavailableError and to a degraded health with its body', async () => {
    const degraded: TrackerHealth = { status: 'degraded', models: 1, stored_predictions: 3, segments: 1, data_dir: '/data', reason: 'disk full' };
    const api = await startApi({
      tracker: stubTracker({
        logPrediction: async () => {
          throw new StorageUnavailableError('the disk is full; free space in /data');
        },
        health: () => degraded,
      }),
    });
    const response = await post(`${api.base}/predictions`, JSON.stringify(PREDICTION));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'the disk is full; free space in /data', issues: [] });
    const health = await fetch(`${api.base}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ...degraded, process: { rss_bytes: expect.any(Number), heap_used_bytes: expect.any(Number) } });
  });
});

describe('connections', () => {
  it('keeps connections alive', async () => {
    const api = await startApi();
    const response = await fetch(`${api.base}/health`);
    await response.arrayBuffer();
    expect(response.headers.get('connection')).toBe('keep-alive');
  });

  it('stop() waits for a request in flight, then closes', async () => {
    let release: () => void = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const tracker = stubTracker({
      logPrediction: async () => {
        calls += 1;
        await stalled;
        return { prediction_id: 'p1', correct: null };
      },
    });
    const server = createApiServer({ tracker, logger: recordingLogger('ml-metrics'), host: '127.0.0.1', port: 0, bodyLimitBytes: MiB });
    const { url } = await server.start();
    const inFlight = post(`${url}/api/v1/ml-metrics/predictions`, JSON.stringify(PREDICTION));
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    await expect(fetch(`${url}/api/v1/ml-metrics/health`)).rejects.toThrow();
    release();
    const response = await inFlight;
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ prediction_id: 'p1', correct: null });
    await stopping;
    expect(stopped).toBe(true);
  });

  it('logs one debug line per request with method, path, status and duration', async () => {
    const api = await startApi();
    // 400 (this endpoint takes no query); the query string is not logged.
    await (await fetch(`${api.base}/models?x=1`)).arrayBuffer();
    const line = api.lines.find((entry) => entry.includes('path=/api/v1/ml-metrics/models'));
    expect(line).toMatch(/ debug .*method=GET path=\/api\/v1\/ml-metrics\/models status=400 ms=\d+/);
  });
});

describe('endpoints without query parameters', () => {
  it('refuse unknown ones with 400 naming them, like the others', async () => {
    const api = await startApi();
    const models = await fetch(`${api.base}/models?verbose=1`);
    expect(models.status).toBe(400);
    expect(await models.json()).toMatchObject({ issues: [{ path: 'verbose', message: 'unknown query parameter "verbose"' }] });
    expect((await fetch(`${api.base}/models`)).status).toBe(200);
  });
});

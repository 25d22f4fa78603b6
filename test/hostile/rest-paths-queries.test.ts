/**
 * Hostile REST paths and query strings (issue 5): random methods, model names and ids in the
 * path (unicode, path-like, encoded, double-encoded, raw `%`), random query strings (repeated
 * keys, `__proto__`, weird encodings), random paging cursors and limits, and raw bytes on the
 * socket. Never a 5xx; a refusal is a 4xx with `{error, issues}`; what is answered 2xx matches its
 * schema; nothing but a valid label changes the store; no prototype is polluted and no file
 * appears outside the data directory.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ModelComparisonSchema } from '../../src/domain/comparison.js';
import { DriftQuerySchema } from '../../src/domain/drift.js';
import { ModelVersionSchema } from '../../src/domain/names.js';
import { ModelPerformanceSchema } from '../../src/domain/performance.js';
import { LoggedPredictionSchema, PredictionLogSchema } from '../../src/domain/prediction.js';
import { PerformanceQuerySchema, PredictionsQuerySchema, TrainingQuerySchema } from '../../src/domain/queries.js';
import {
  ComparisonListResponseSchema,
  HealthResponseSchema,
  ModelListResponseSchema,
  PredictionPageResponseSchema,
  TrainingHistoryResponseSchema,
} from '../../src/domain/responses.js';
import { TrainingLogSchema } from '../../src/domain/training.js';
import { refusedTimestamp, refusedWindow, validGroundTruthBody, validTimestamp, validWindow } from './support/hostile-bodies.js';
import { expectOnlyStoreFiles, expectPrototypesUnchanged, PathWatch, snapshotPrototypes, storeFingerprint, type StoreFingerprint } from './support/hostile-guards.js';
import { hostileJsonObject, toJsonText } from './support/hostile-json.js';
import { CaseCounter, checkProperty, runs, timeoutFor } from './support/hostile-runs.js';
import { SEEDED_IDS, SEEDED_MODELS, SEEDED_VERSIONS, startHostileService, type HostileService } from './support/hostile-service.js';
import { hostileString, POISON_KEYS, refusedString, validModelName, validRecordId } from './support/hostile-strings.js';
import { expectNoServerError, percentEncode, RawHttpClient, sendRawBytes, writeIntoUrl, type RawAnswer } from './support/http-client.js';

const API = '/api/v1/ml-metrics';
const counter = new CaseCounter('REST paths and queries');

let service: HostileService;
let client: RawHttpClient;
let prototypes: ReturnType<typeof snapshotPrototypes>;
let watch: PathWatch;

beforeAll(async () => {
  prototypes = snapshotPrototypes();
  service = await startHostileService('hap-hostile-paths-');
  client = RawHttpClient.fromUrl(service.url);
  watch = await PathWatch.start([process.cwd(), tmpdir(), service.root], [service.root, process.cwd()]);
});

afterAll(async () => {
  console.log(counter.report());
  client?.close();
  await service?.stop();
});

async function fingerprint(): Promise<StoreFingerprint> {
  return storeFingerprint(service.tracker, service.dataDir);
}

async function expectServiceIntact(): Promise<void> {
  const health = await client.send({ method: 'GET', target: `${API}/health` });
  expect(health.status).toBe(200);
  expect(HealthResponseSchema.safeParse(JSON.parse(health.text)).success).toBe(true);
  expectPrototypesUnchanged(prototypes);
  expect(await readdir(service.root)).toEqual(['data']);
  await expectOnlyStoreFiles(service.dataDir);
  await watch.expectNothingCreated();
}

type UrlStyle = 'encoded' | 'double' | 'raw' | 'raw-slashes';
const urlStyle = fc.constantFrom<UrlStyle>('encoded', 'double', 'raw', 'raw-slashes');

/** Text for a path segment: seeded names and ids, valid names, anything (rarely 20 kB, past the header limit). */
const segmentText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SEEDED_MODELS, ...SEEDED_IDS) },
  { weight: 2, arbitrary: validModelName },
  { weight: 5, arbitrary: hostileString({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 20_000 }).map((length) => 'n'.repeat(length)) },
);

/** A query string written in hostile ways: odd keys, repeats, raw `%`, `&&`, keys without `=`. */
const queryString = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom('version', 'window', 'since', 'until', 'limit', 'cursor', 'version_a', 'version_b', ...POISON_KEYS), hostileString({ maxLength: 8 })),
        fc.oneof(fc.constantFrom('1.0', '1.1', '7d', 'all', '10', '0', '-1', '2024-01-15T00:00:00Z'), hostileString({ maxLength: 20 })),
        fc.constantFrom<UrlStyle | 'no-value'>('encoded', 'double', 'raw', 'no-value'),
      ),
      { maxLength: 6 },
    ),
    fc.constantFrom('&', '&&', ';', '&amp;'),
  )
  .map(([pairs, separator]) =>
    pairs
      .map(([key, value, how]) => {
        const style = how === 'no-value' ? 'raw' : how;
        const writtenKey = style === 'raw' ? writeIntoUrl(key, 'raw').replaceAll('&', '%26').replaceAll('=', '%3D') : writeIntoUrl(key, style);
        return how === 'no-value' ? writtenKey : `${writtenKey}=${writeIntoUrl(value, style)}`;
      })
      .join(separator),
  );

const DASHBOARD_FILES = new Set(['/', '/index.html', '/panel/app.js', '/panel/app.css']);

const PATH_TEMPLATES = [
  (a: string) => `${API}/models/${a}`,
  (a: string) => `${API}/models/${a}/predictions`,
  (a: string) => `${API}/models/${a}/training`,
  (a: string) => `${API}/models/${a}/comparisons`,
  (a: string) => `${API}/models/${a}/export`,
  (a: string) => `${API}/models/${a}/compare`,
  (a: string) => `${API}/predictions/${a}/ground-truth`,
  (a: string) => `${API}/${a}`,
  (a: string) => `${API}/models/${a}/${a}`,
  (a: string) => `/${a}`,
  () => `${API}/models`,
  () => `${API}/health`,
  () => `${API}/openapi.json`,
  () => `${API}/predictions`,
  () => `${API}/training`,
  () => '/metrics',
  ...SEEDED_MODELS.map((model) => () => `${API}/models/${encodeURIComponent(model)}/export`),
];

/** Every schema a 2xx answer of this API can have. */
const ANSWER_SCHEMAS: z.ZodType[] = [
  ModelPerformanceSchema,
  PredictionPageResponseSchema,
  TrainingHistoryResponseSchema,
  ComparisonListResponseSchema,
  ModelListResponseSchema,
  HealthResponseSchema,
  ModelComparisonSchema,
  PredictionLogSchema,
  LoggedPredictionSchema,
  TrainingLogSchema,
];

function expectKnownAnswer(target: string, body: unknown): void {
  if (target.startsWith('/metrics')) {
    expect(body).toMatch(/^# HELP ml_metrics_predictions_total /);
    return;
  }
  if (/^\/api\/v1\/ml-metrics\/models\/[^/?]+\/export(\?|$)/.test(target)) {
    // CSV (a header row) or JSON lines (an object per line).
    expect(typeof body === 'string' && (body.startsWith('prediction_id,') || body === '' || body.startsWith('{"prediction_id"'))).toBe(true);
    return;
  }
  if (target.startsWith(`${API}/openapi.json`)) {
    expect(body).toMatchObject({ openapi: expect.any(String) });
    return;
  }
  expect(ANSWER_SCHEMAS.some((schema) => schema.safeParse(body).success), `2xx answer to ${target.slice(0, 200)} matches no response schema`).toBe(true);
}

describe('random methods, paths and query strings', () => {
  it(`never answer 5xx, and every 2xx answer matches a response schema (${runs(300)} cases)`, async () => {
    const request = fc.record({
      method: fc.oneof(
        { weight: 6, arbitrary: fc.constant('GET') },
        { weight: 2, arbitrary: fc.constant('POST') },
        { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'FOO') },
      ),
      template: fc.constantFrom(...PATH_TEMPLATES),
      segment: segmentText,
      style: urlStyle,
      query: fc.option(queryString, { nil: undefined }),
      body: fc.option(hostileJsonObject, { nil: undefined }),
    });
    await checkProperty(counter, 'any method, path and query', request, runs(300), async ({ method, template, segment, style, query, body }, tally) => {
      watch.note(segment);
      const target = `${template(writeIntoUrl(segment, style))}${query === undefined ? '' : `?${query}`}`;
      if (method === 'HEAD') {
        // On a raw socket: a 431 from the server's clientError handler carries a JSON body even for
        // HEAD, which node's HTTP client rejects as a framing error (see the report); the status is what counts here.
        const { hostname, port } = new URL(service.url);
        const raw = await sendRawBytes(hostname, Number(port), Buffer.from(`HEAD ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1'));
        tally(String(raw.status));
        expect(raw.status, `HEAD ${target.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
        expect(raw.status, `HEAD ${target.slice(0, 200)}`).toBeLessThan(500);
        return;
      }
      const answer = await client.send({ method, target, ...(body === undefined || method === 'GET' ? {} : { body: toJsonText(body) }) });
      tally(String(answer.status));
      // The dashboard's files (`/`, `/index.html`, `/panel/app.js`, `/panel/app.css`) are the only non-JSON answers.
      if (method === 'GET' && answer.status === 200 && DASHBOARD_FILES.has(target.split('?')[0] ?? '')) {
        expect(answer.headers['content-type']).toMatch(/^text\/(html|css|javascript); charset=utf-8$/);
        return;
      }
      const parsed = expectNoServerError(answer, `${method} ${target.slice(0, 200)}`);
      if (answer.status < 300) expectKnownAnswer(target, parsed);
      expectPrototypesUnchanged(prototypes);
    });
    await expectServiceIntact();
  }, timeoutFor(300, 100));
});

// ------------------------------------------------------------------ invalid queries on known models: exactly 400

const shapeOf = <S extends z.ZodObject>(schema: S, key: string): z.ZodType => schema.shape[key] as z.ZodType;

const refusedLimit = fc
  .oneof(
    fc.constantFrom('0', '-1', '1001', '1.5', 'abc', '', ' ', 'Infinity', 'NaN', '1e4', '0x3E9', '１０', 'true', '[]', '1_000', '--1', '2e3'),
    fc.integer({ min: 1001 }).map(String),
    fc.integer({ max: 0 }).map(String),
    hostileString({ maxLength: 6 }),
  )
  .filter((value) => !shapeOf(PredictionsQuerySchema, 'limit').safeParse(value).success);

const refusedCursor = fc
  .oneof(fc.constantFrom('-1', '1.5', 'abc', '', ' 1', '1 ', '١٢', '0x1', '1e3', '+1', 'null'), hostileString({ maxLength: 10 }))
  .filter((value) => !/^\d+$/.test(value));

const refusedVersion = refusedString(ModelVersionSchema, 64).filter((value) => value.length <= 1_000);

/** A valid query for one of the three GET endpoints that take one, plus one change that makes it invalid. */
const invalidQueryRequest = fc
  .tuple(
    fc.constantFrom(...SEEDED_MODELS),
    fc.oneof(
      fc.record({
        endpoint: fc.constant('' as const),
        valid: fc.record({ version: fc.constantFrom(...SEEDED_VERSIONS), window: validWindow, since: validTimestamp, until: validTimestamp }, { requiredKeys: [] }),
        bad: fc.oneof(
          refusedVersion.map((value) => ['version', value] as const),
          refusedWindow.map((value) => ['window', value] as const),
          refusedTimestamp.map((value) => ['since', value] as const),
          refusedTimestamp.map((value) => ['until', value] as const),
        ),
        known: fc.constant(Object.keys(PerformanceQuerySchema.shape)),
      }),
      fc.record({
        endpoint: fc.constant('/predictions' as const),
        valid: fc.record({ limit: fc.integer({ min: 1, max: 1000 }).map(String), cursor: fc.nat().map(String), version: fc.constantFrom(...SEEDED_VERSIONS) }, { requiredKeys: [] }),
        bad: fc.oneof(refusedLimit.map((value) => ['limit', value] as const), refusedCursor.map((value) => ['cursor', value] as const), refusedVersion.map((value) => ['version', value] as const)),
        known: fc.constant(Object.keys(PredictionsQuerySchema.shape)),
      }),
      fc.record({
        endpoint: fc.constant('/drift' as const),
        valid: fc.record({ version: fc.constantFrom(...SEEDED_VERSIONS), since: validTimestamp, until: validTimestamp, reference_since: validTimestamp, reference_until: validTimestamp }, { requiredKeys: [] }),
        bad: fc.oneof(
          refusedVersion.map((value) => ['version', value] as const),
          refusedTimestamp.map((value) => ['since', value] as const),
          refusedTimestamp.map((value) => ['reference_since', value] as const),
          refusedTimestamp.map((value) => ['reference_until', value] as const),
        ),
        known: fc.constant(Object.keys(DriftQuerySchema.shape)),
      }),
      fc.record({
        endpoint: fc.constant('/training' as const),
        valid: fc.record({ limit: fc.integer({ min: 1, max: 1000 }).map(String) }, { requiredKeys: [] }),
        bad: refusedLimit.map((value) => ['limit', value] as const),
        known: fc.constant(Object.keys(TrainingQuerySchema.shape)),
      }),
    ),
    fc.constantFrom('bad value', 'unknown key', 'repeated key'),
    fc.oneof(fc.constantFrom(...POISON_KEYS), hostileString({ maxLength: 10 })),
  )
  // An empty parameter counts as absent (what forms send), so it cannot make a query invalid.
  .filter(([, { bad }, change]) => change !== 'bad value' || bad[1] !== '')
  .map(([model, { endpoint, valid, bad, known }, change, extraKey]) => {
    const pairs: [string, string][] = Object.entries(valid);
    let what: string;
    if (change === 'bad value') {
      const index = pairs.findIndex(([key]) => key === bad[0]);
      if (index === -1) pairs.push([bad[0], bad[1]]);
      else pairs[index] = [bad[0], bad[1]];
      what = `${bad[0]}=${JSON.stringify(bad[1]).slice(0, 60)}`;
    } else if (change === 'unknown key' && !known.includes(extraKey)) {
      pairs.push([extraKey, '1']);
      what = `unknown key ${JSON.stringify(extraKey)}`;
    } else {
      const key = known[extraKey.length % known.length]!;
      const value = Object.hasOwn(valid, key) ? String((valid as Record<string, unknown>)[key]) : key === 'limit' ? '5' : key === 'cursor' ? '3' : key === 'window' ? '7d' : '1.0';
      pairs.push([key, value], [key, value]);
      what = `${key} given twice`;
    }
    const query = pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&');
    return { target: `${API}/models/${percentEncode(model)}${endpoint}?${query}`, what };
  });

describe('query strings made invalid on purpose', () => {
  it(`are refused with 400 on known models and change nothing (${runs(150)} cases)`, async () => {
    const before = await fingerprint();
    await checkProperty(counter, 'GET /models/{name}[/predictions|/training|/drift], invalid query by construction', invalidQueryRequest, runs(150), async ({ target, what }) => {
      const answer = await client.send({ method: 'GET', target });
      expectNoServerError(answer, `${target.slice(0, 200)} (${what})`);
      expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe(400);
      expect(await fingerprint(), `store changed by GET ${target.slice(0, 200)}`).toEqual(before);
    });
    await expectServiceIntact();
  }, timeoutFor(150, 100));
});

// ------------------------------------------------------------------ duration windows

describe('duration windows of any length', () => {
  it(`never answer 5xx: short ones are answered, ones that reach past what a date can hold are refused with 400 (${runs(80)} cases)`, async () => {
    const cases = fc.record({
      digits: fc.oneof(fc.integer({ min: 1, max: 99 }).map(String), fc.stringMatching(/^[1-9]\d{0,29}$/)),
      unit: fc.constantFrom('m', 'h', 'd', 'w'),
      // Models with both versions 1.0 and 1.1 (suggestion_engine has only 1.0).
      model: fc.constantFrom(...SEEDED_MODELS.filter((model) => model !== 'suggestion_engine')),
      compare: fc.boolean(),
    });
    await checkProperty(counter, 'GET /models/{name} and compare, duration windows', cases, runs(80), async ({ digits, unit, model, compare }, tally) => {
      const window = `${digits}${unit}`;
      const target = compare
        ? `${API}/models/${percentEncode(model)}/compare?version_a=1.0&version_b=1.1&window=${window}`
        : `${API}/models/${percentEncode(model)}?window=${window}`;
      const answer = await client.send({ method: compare ? 'POST' : 'GET', target });
      tally(String(answer.status));
      const body = expectNoServerError(answer, target);
      // Up to 99 of any unit is always fine; 13 digits of minutes already reach back ~2 million years.
      if (digits.length <= 2) expect(answer.status, answer.text.slice(0, 200)).toBeLessThan(300);
      if (digits.length >= 13) {
        expect(answer.status, answer.text.slice(0, 200)).toBe(400);
        expect((body as { error: string }).error).toMatch(/window/);
      }
    });
    await expectServiceIntact();
  }, timeoutFor(80, 100));
});

// ------------------------------------------------------------------ paging

describe('paging with random limits and cursors', () => {
  it(`walking next_cursor yields every prediction once, newest first; any digit cursor gives a valid page (${runs(80)} cases)`, async () => {
    const cases = fc.record({
      model: fc.constantFrom(...SEEDED_MODELS),
      limit: fc.integer({ min: 1, max: 40 }),
      version: fc.option(fc.constantFrom(...SEEDED_VERSIONS), { nil: undefined }),
      start: fc.option(fc.oneof(fc.nat({ max: 100 }).map(String), fc.constantFrom('0', '007', '99999999999999999999999', '9007199254740993', '1'.repeat(400))), { nil: undefined }),
    });
    await checkProperty(counter, 'GET /models/{name}/predictions, paging', cases, runs(80), async ({ model, limit, version, start }, tally) => {
      const all = await service.tracker.getPredictions(model, { limit: 1000, ...(version === undefined ? {} : { version }) });
      const expected = all.predictions.map((record) => record.prediction_id);
      const seen: string[] = [];
      let cursor = start;
      for (let page = 0; page < 1000; page += 1) {
        const query = [`limit=${limit}`, ...(version === undefined ? [] : [`version=${percentEncode(version)}`]), ...(cursor === undefined ? [] : [`cursor=${cursor}`])].join('&');
        const answer = await client.send({ method: 'GET', target: `${API}/models/${percentEncode(model)}/predictions?${query}` });
        const body = expectNoServerError(answer, `page ${page} of ${model} (${query.slice(0, 100)})`);
        expect(answer.status, answer.text.slice(0, 200)).toBe(200);
        const document = PredictionPageResponseSchema.parse(body);
        expect(document.model_name).toBe(model);
        expect(document.predictions.length).toBeLessThanOrEqual(limit);
        for (const record of document.predictions) {
          expect(record.model_name).toBe(model);
          if (version !== undefined) expect(record.model_version).toBe(version);
        }
        seen.push(...document.predictions.map((record) => record.prediction_id));
        tally('pages');
        if (document.next_cursor === null) break;
        expect(document.next_cursor).toMatch(/^\d+$/);
        expect(document.predictions.length, 'a page with a next_cursor is full').toBe(limit);
        cursor = document.next_cursor;
      }
      // From the start: exactly every prediction, in order. From a random cursor: an in-order tail of them.
      if (start === undefined) expect(seen).toEqual(expected);
      else {
        expect(new Set(seen).size).toBe(seen.length);
        const offset = seen.length === 0 ? expected.length : expected.indexOf(seen[0]!);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(seen).toEqual(expected.slice(offset, offset + seen.length));
        expect(offset + seen.length).toBe(expected.length);
      }
    });
    await expectServiceIntact();
  }, timeoutFor(80, 400));
});

// ------------------------------------------------------------------ ids in the path

describe('ground truth with random ids in the path', () => {
  it(`a label lands only on the stored prediction the path names; other ids change nothing and create no file (${runs(120)} cases)`, async () => {
    const storedIds = new Set((await allPredictionIds()).values());
    const cases = fc.record({
      id: fc.oneof(fc.constantFrom(...SEEDED_IDS), validRecordId, hostileString({ maxLength: 40, huge: true })).filter((id) => id.length > 0),
      style: urlStyle,
      body: validGroundTruthBody.map((body) => {
        const copy = { ...body };
        if ('ground_truth' in copy) delete copy['correct'];
        return copy;
      }),
    });
    await checkProperty(counter, 'POST /predictions/{id}/ground-truth, random ids', cases, runs(120), async ({ id, style, body }, tally) => {
      watch.note(id);
      const segment = writeIntoUrl(id, style);
      const target = `${API}/predictions/${segment}/ground-truth`;
      const decoded = decodeSegment(segment);
      const before = await fingerprint();
      const answer = await client.send({ method: 'POST', target, body: toJsonText(body) });
      tally(String(answer.status));
      expectNoServerError(answer, `${target.slice(0, 200)}`);
      if (decoded !== null && storedIds.has(decoded) && !segment.includes('/')) {
        if (answer.status === 200) {
          const record = PredictionLogSchema.parse(JSON.parse(answer.text));
          expect(record.prediction_id).toBe(decoded);
          return;
        }
      } else {
        expect(answer.status, `${target.slice(0, 200)} → ${answer.status}`).toBeGreaterThanOrEqual(400);
      }
      expect(await fingerprint(), `store changed by a refused label at ${target.slice(0, 200)}`).toEqual(before);
    });
    await expectServiceIntact();
  }, timeoutFor(120, 150));
});

async function allPredictionIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const { record } of service.tracker.store.newestFirst()) ids.push(record.prediction_id);
  return ids;
}

/** What the router makes of a path segment: its percent-decoding, or null when that fails (a 400). */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ raw bytes on the socket

describe('raw request lines', () => {
  it(`bytes no client would send in the request line and headers never get a 5xx, and the server keeps answering (${runs(40)} cases)`, async () => {
    const { hostname, port } = new URL(service.url);
    const requestBytes = fc.oneof(
      fc.tuple(fc.constantFrom('GET', 'POST', 'G\u0000T', 'get', ''), fc.uint8Array({ maxLength: 200 })).map(([method, bytes]) =>
        Buffer.concat([Buffer.from(`${method} ${API}/models/`, 'latin1'), Buffer.from(bytes), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1')]),
      ),
      fc.tuple(fc.string({ unit: 'binary', maxLength: 100 }), fc.uint8Array({ maxLength: 100 })).map(([name, value]) =>
        Buffer.concat([Buffer.from(`GET ${API}/health HTTP/1.1\r\nHost: x\r\n${name}: `, 'utf8'), Buffer.from(value), Buffer.from('\r\nConnection: close\r\n\r\n', 'latin1')]),
      ),
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.concat([Buffer.from(bytes), Buffer.from('\r\n\r\n')])),
      fc.integer({ min: 17_000, max: 80_000 }).map((length) => Buffer.from(`GET ${API}/models/${'a'.repeat(length)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 'latin1')),
    );
    await checkProperty(counter, 'raw request bytes on a socket', requestBytes, runs(40), async (bytes, tally) => {
      const answer = await sendRawBytes(hostname, Number(port), bytes);
      tally(answer.status === 0 ? 'closed without an answer' : String(answer.status));
      // 0: the server closed the connection without an answer (a request it never saw the end of).
      if (answer.status !== 0) expect(answer.status, answer.text.slice(0, 200)).toBeLessThan(500);
      const health: RawAnswer = await client.send({ method: 'GET', target: `${API}/health` });
      expect(health.status).toBe(200);
    });
    await expectServiceIntact();
  }, timeoutFor(40, 300));
});

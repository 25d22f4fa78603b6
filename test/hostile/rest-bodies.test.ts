/**
 * Hostile REST bodies (issue 5): random JSON, wrong types for every field, NaN/Infinity as raw
 * tokens, 100 kB strings, 10k arrays, nesting 1,000+ deep, `__proto__`/`constructor`/`prototype`
 * keys at every level, unicode and path-like names and ids, sent to every endpoint that takes a
 * body. Never a 5xx; a refusal is a 4xx with `{error, issues}`; what is accepted is valid when
 * read back (also after a restart); nothing refused changes the store; no prototype is polluted
 * and no file appears outside the data directory.
 */
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { MAX_BODY_DEPTH } from '../../src/api/read-json-body.js';
import { ModelComparisonSchema } from '../../src/domain/comparison.js';
import { ModelVersionSchema } from '../../src/domain/names.js';
import { GroundTruthInputSchema, LoggedPredictionSchema, PredictionInputSchema, PredictionLogSchema } from '../../src/domain/prediction.js';
import { HealthResponseSchema, PredictionPageResponseSchema } from '../../src/domain/responses.js';
import { TrainingInputSchema, TrainingLogSchema } from '../../src/domain/training.js';
import { createLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import {
  cloneBody,
  invalidGroundTruthBody,
  invalidPredictionBody,
  invalidTrainingBody,
  refusedWindow,
  validGroundTruthBody,
  validPredictionBody,
  validTrainingBody,
  validWindow,
  type Body,
} from './support/hostile-bodies.js';
import {
  expectOnlyStoreFiles,
  expectPrototypesUnchanged,
  PathWatch,
  snapshotPrototypes,
  storeFingerprint,
  withRoundedFloats,
  type StoreFingerprint,
} from './support/hostile-guards.js';
import { bulkyJsonValue, deepNesting, hostileJsonObject, hostileJsonValue, objectFromEntries, rawNumberToken, toJsonText, withoutProtoKeys } from './support/hostile-json.js';
import { CaseCounter, checkProperty, runs, timeoutFor, timeoutForStoreSize } from './support/hostile-runs.js';
import { fixedClock, HOSTILE_CONFIG, SEEDED_IDS, SEEDED_MODELS, startHostileService, type HostileService } from './support/hostile-service.js';
import { hostileString, notAString, refusedString, validModelName, validRecordId } from './support/hostile-strings.js';
import { expectNoServerError, RawHttpClient, writeIntoUrl, type RawAnswer } from './support/http-client.js';

const API = '/api/v1/ml-metrics';
const counter = new CaseCounter('REST bodies');
/**
 * Makes ids unique across cases. Take it once per case (`nextSerial()`) and keep it: a case
 * that read the shared counter again after an await found another case's id (issue 9b(a)).
 */
let serial = 0;
const nextSerial = (): number => (serial += 1);

let service: HostileService;
let client: RawHttpClient;
let prototypes: ReturnType<typeof snapshotPrototypes>;
let watch: PathWatch;

beforeAll(async () => {
  prototypes = snapshotPrototypes();
  service = await startHostileService('hap-hostile-bodies-');
  client = RawHttpClient.fromUrl(service.url);
  watch = await PathWatch.start([process.cwd(), tmpdir(), service.root], [service.root, process.cwd()]);
});

afterAll(async () => {
  console.log(counter.report());
  client?.close();
  await service?.stop();
});

function post(target: string, body: unknown, contentType?: string): Promise<RawAnswer> {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : toJsonText(body);
  return client.send({ method: 'POST', target, body: text, ...(contentType === undefined ? {} : { contentType }) });
}

/** Remembers every string of a body (ids, names, keys) for the no-file-created check. */
function noteStrings(value: unknown, depth = 0): void {
  if (depth > 6) return;
  if (typeof value === 'string') watch.note(value);
  else if (Array.isArray(value)) value.slice(0, 20).forEach((item) => noteStrings(item, depth + 1));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value).slice(0, 20)) {
      watch.note(key);
      noteStrings(item, depth + 1);
    }
  }
}

async function fingerprint(): Promise<StoreFingerprint> {
  return storeFingerprint(service.tracker, service.dataDir);
}

/** After a batch: still answering, no prototype touched, no stray file, the data dir holds only store files. */
async function expectServiceIntact(): Promise<void> {
  const health = await client.send({ method: 'GET', target: `${API}/health` });
  expect(health.status).toBe(200);
  expect(HealthResponseSchema.safeParse(JSON.parse(health.text)).success).toBe(true);
  expectPrototypesUnchanged(prototypes);
  expect(await readdir(service.root)).toEqual(['data']);
  await expectOnlyStoreFiles(service.dataDir);
  await watch.expectNothingCreated();
}

/** A refused request: exactly 400, the error body, and a store identical to `before`. */
async function expectRefused(answer: RawAnswer, what: string, before: StoreFingerprint): Promise<void> {
  expectNoServerError(answer, what);
  expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 300)}`).toBe(400);
  expect(await fingerprint(), `store changed by a refused request: ${what}`).toEqual(before);
  expectPrototypesUnchanged(prototypes);
}

const groundTruthTarget = (id: string, how: 'encoded' | 'double' | 'raw'): string => `${API}/predictions/${writeIntoUrl(id, how)}/ground-truth`;

/** Ids for the ground-truth path: seeded ones, valid random ones, and any text (at most 300 characters, so the URL fits the header limit). */
const pathId = fc
  .oneof(fc.constantFrom(...SEEDED_IDS), validRecordId, hostileString({ maxLength: 40 }))
  .filter((id) => id.length > 0 && id.length <= 300);
const urlStyle = fc.constantFrom('encoded', 'double', 'raw') as fc.Arbitrary<'encoded' | 'double' | 'raw'>;

// ------------------------------------------------------------------ invalid by construction: exactly 400, store unchanged

describe('bodies made invalid on purpose are refused with 400 and change nothing', () => {
  it(`POST /predictions: a wrong type, range, key, token or nesting in any field (${runs(150)} cases)`, async () => {
    const before = await fingerprint();
    await checkProperty(counter, 'POST /predictions, invalid by construction', invalidPredictionBody, runs(150), async ({ body, what }) => {
      noteStrings(body);
      await expectRefused(await post(`${API}/predictions`, body), what, before);
    });
    await expectServiceIntact();
  }, timeoutFor(150, 150));

  it(`POST /predictions/{id}/ground-truth: invalid labels, for stored and unknown ids (${runs(120)} cases)`, async () => {
    const before = await fingerprint();
    const cases = fc.record({ id: pathId, how: urlStyle, invalid: invalidGroundTruthBody });
    await checkProperty(counter, 'POST /predictions/{id}/ground-truth, invalid by construction', cases, runs(120), async ({ id, how, invalid }) => {
      watch.note(id);
      noteStrings(invalid.body);
      const target = groundTruthTarget(id, how);
      const answer = await post(target, invalid.body);
      // A raw `%` that is not an escape makes the path itself invalid: 400 too, before the body is read.
      await expectRefused(answer, `${target.slice(0, 120)}: ${invalid.what}`, before);
    });
    await expectServiceIntact();
  }, timeoutFor(120, 150));

  it(`POST /training: every field wrong in turn (${runs(120)} cases)`, async () => {
    const before = await fingerprint();
    await checkProperty(counter, 'POST /training, invalid by construction', invalidTrainingBody, runs(120), async ({ body, what }) => {
      noteStrings(body);
      await expectRefused(await post(`${API}/training`, body), what, before);
    });
    await expectServiceIntact();
  }, timeoutFor(120, 150));

  it(`POST /models/{name}/compare: bad versions, windows, unknown, repeated or clashing keys, in the query or the body (${runs(100)} cases)`, async () => {
    const before = await fingerprint();
    await checkProperty(counter, 'POST /models/{name}/compare, invalid by construction', invalidCompareRequest, runs(100), async ({ model, query, body, what }) => {
      noteStrings(body);
      const target = `${API}/models/${writeIntoUrl(model, 'encoded')}/compare${query.length > 0 ? `?${query.map(([key, value]) => `${writeIntoUrl(key, 'encoded')}=${writeIntoUrl(value, 'encoded')}`).join('&')}` : ''}`;
      const answer = body === undefined ? await client.send({ method: 'POST', target }) : await post(target, body);
      await expectRefused(answer, `${target.slice(0, 200)} ${what}`, before);
    });
    await expectServiceIntact();
  }, timeoutFor(100, 150));

  it(`bodies that are not JSON, not UTF-8, or not declared as JSON are refused with 400 or 415 (${runs(80)} cases)`, async () => {
    const before = await fingerprint();
    await checkProperty(counter, 'write endpoints, undecodable bodies and content types', undecodableRequest, runs(80), async ({ target, body, contentType, expected, what }, tally) => {
      const answer = await client.send({ method: 'POST', target, body, contentType });
      tally(String(answer.status));
      expectNoServerError(answer, what);
      expect(answer.status, `${what} → ${answer.status} ${answer.text.slice(0, 200)}`).toBe(expected);
      expect(await fingerprint(), `store changed by: ${what}`).toEqual(before);
    });
    await expectServiceIntact();
  }, timeoutFor(80, 150));
});

// ------------------------------------------------------------------ anything at all: never 5xx; what is accepted is valid

describe('random bodies to every write endpoint', () => {
  it(`never answer 5xx, and whatever is accepted reads back valid (${runs(200)} cases)`, async () => {
    await checkProperty(counter, 'write endpoints, random bodies', randomWriteRequest, runs(200), async (request, tally) => {
      noteStrings(request.body);
      watch.note(request.id);
      const answer = await post(request.target, request.body);
      tally(`${request.kind} ${answer.status}`);
      const body = expectNoServerError(answer, `${request.kind} ${request.target.slice(0, 120)}`);
      if (answer.status < 300) await expectAcceptedIsValid(request, answer.status, body);
    });
    await expectServiceIntact();
  }, timeoutFor(200, 200));

  it(`valid bodies full of hostile content are accepted, stored as sent (minus __proto__ keys) and can be labeled (${runs(60)} cases)`, async () => {
    await checkProperty(counter, 'POST /predictions + ground truth, valid hostile content', acceptedPrediction, runs(60), async ({ body, label }) => {
      const id = Array.from(String(body['prediction_id'] ?? 'id')).slice(0, 100).join('');
      const sent = { ...cloneBody(body), prediction_id: `${id}#${nextSerial()}` };
      noteStrings(sent);
      const answer = await post(`${API}/predictions`, sent);
      expectNoServerError(answer, 'valid prediction');
      expect(answer.status, answer.text.slice(0, 300)).toBe(201);
      const parsed = JSON.parse(toJsonText(sent)) as Body;
      const stored = await expectStoredPrediction(sent.prediction_id, parsed);
      // Read back through the API as well: the model's newest page holds it.
      const page = await client.send({
        method: 'GET',
        target: `${API}/models/${writeIntoUrl(stored.model_name, 'encoded')}/predictions?limit=1000&version=${writeIntoUrl(stored.model_version, 'encoded')}`,
      });
      expect(page.status, page.text.slice(0, 300)).toBe(200);
      const document = PredictionPageResponseSchema.parse(JSON.parse(page.text));
      expect(document.predictions.find((record) => record.prediction_id === sent.prediction_id)).toEqual(stored);
      // Label it through the id in the path (path-like ids included).
      const labeled = await post(groundTruthTarget(sent.prediction_id, 'encoded'), label);
      expectNoServerError(labeled, 'valid label');
      expect(labeled.status, labeled.text.slice(0, 300)).toBe(200);
      const relabeled = PredictionLogSchema.parse(JSON.parse(labeled.text));
      expect(await service.tracker.getPrediction(sent.prediction_id)).toEqual(relabeled);
    });
    await expectServiceIntact();
  }, timeoutFor(60, 400));

  it(`a __proto__ member holding anything (Infinity included) is refused or dropped, never stored or made a prototype (${runs(40)} cases)`, async () => {
    const cases = fc.record({
      body: validPredictionBody,
      field: fc.constantFrom('input_data', 'prediction', 'context', 'ground_truth'),
      value: fc.oneof(hostileJsonValue, rawNumberToken.filter((token) => token.text.includes('e') || token.text.includes('E')), fc.constant({ polluted: true })),
    });
    await checkProperty(counter, 'POST /predictions, __proto__ members', cases, runs(40), async ({ body, field, value }, tally) => {
      const predictionId = `proto-${nextSerial()}`;
      const sent = cloneBody(body);
      sent['prediction_id'] = predictionId;
      const target = (sent[field] !== null && typeof sent[field] === 'object' ? sent[field] : { label: 1 }) as Body;
      sent[field] = objectFromEntries([...Object.entries(target), ['__proto__', value]]);
      const answer = await post(`${API}/predictions`, sent);
      tally(String(answer.status));
      expectNoServerError(answer, `__proto__ in ${field}`);
      if (answer.status === 201) {
        const stored = PredictionLogSchema.parse(await service.tracker.getPrediction(predictionId));
        const object = stored[field as 'input_data'] ?? {};
        expect(Object.hasOwn(object, '__proto__'), `${field} kept a __proto__ member`).toBe(false);
        expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
      }
      expectPrototypesUnchanged(prototypes);
    });
  }, timeoutFor(40, 300));

  it(`a body nested ${MAX_BODY_DEPTH} levels deep is stored; one level more is refused with 400`, async () => {
    // The body is level 1, input_data level 2, its arrays levels 3 and up.
    const body = (depth: number, id: string): string =>
      `{"prediction_id":"${id}","model_name":"deep","prediction":{"label":1},"confidence":0.5,"input_data":{"x":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}}`;
    const stored = await post(`${API}/predictions`, body(MAX_BODY_DEPTH, 'deep-at-limit'));
    expect(stored.status, stored.text).toBe(201);
    expect(PredictionLogSchema.safeParse(await service.tracker.getPrediction('deep-at-limit')).success).toBe(true);
    const refused = await post(`${API}/predictions`, body(MAX_BODY_DEPTH + 1, 'deep-past-limit'));
    expectNoServerError(refused, 'one level too deep');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).error).toMatch(/nested more than/);
    expect(await service.tracker.getPrediction('deep-past-limit')).toBeNull();
  });

  it('everything accepted is still readable after a restart, and reads the same', async () => {
    const before = await fingerprint();
    await service.server.stop();
    await service.tracker.close();
    service.tracker = await openTracker({ dataDir: service.dataDir, config: HOSTILE_CONFIG, now: fixedClock });
    service.server = createApiServer({ tracker: service.tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1_048_576 });
    const { url } = await service.server.start();
    client.close();
    client = RawHttpClient.fromUrl(url);
    const after = await fingerprint();
    expect(after.files, 'a restart rewrote files').toEqual(before.files);
    expect(withRoundedFloats(after)).toEqual(withRoundedFloats(before));
    await expectServiceIntact();
    // It reads back everything the properties above stored: that grows with HOSTILE_RUNS (at 40: over 60 s).
  }, timeoutForStoreSize(60_000));
});

// ------------------------------------------------------------------ generators used above

type Request = { kind: 'prediction' | 'ground-truth' | 'training' | 'compare'; target: string; body: unknown; id?: string };

const invalidCompareRequest = fc
  .tuple(
    fc.constantFrom(...SEEDED_MODELS),
    fc.option(validWindow, { nil: undefined }),
    fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    fc.oneof(
      // Values over 1,000 characters go in the body: in the query they would pass the 16 kB header limit (431).
      fc.tuple(fc.constantFrom('version_a', 'version_b'), fc.oneof(refusedString(ModelVersionSchema, 64), notAString), fc.boolean()).map(
        ([key, value, inBody]) => ({ what: `bad ${key} ${JSON.stringify(value)?.slice(0, 40)}${inBody ? ' in the body' : ''}`, key, value, place: inBody || typeof value !== 'string' || value.length > 1_000 ? ('body' as const) : ('query' as const) }),
      ),
      fc.constantFrom('version_a', 'version_b').map((key) => ({ what: `missing ${key}`, key, value: undefined, place: 'drop' as const })),
      // An empty query parameter counts as absent, so an empty window goes in the body.
      fc.tuple(refusedWindow, fc.boolean()).map(([value, inBody]) => ({ what: `bad window ${JSON.stringify(value)}`, key: 'window', value, place: inBody || value === '' ? ('body' as const) : ('query' as const) })),
      fc.tuple(hostileString({ maxLength: 12 }).filter((key) => !['version_a', 'version_b', 'window'].includes(key)), fc.boolean()).map(([key, inBody]) => ({
        what: `unknown key ${JSON.stringify(key)}`,
        key,
        value: '1',
        place: inBody ? ('body-extra' as const) : ('query-extra' as const),
      })),
      fc.constantFrom('version_a', 'version_b', 'window').map((key) => ({ what: `${key} twice in the query`, key, value: '1.0', place: 'repeat' as const })),
      fc.constantFrom('version_a', 'version_b').map((key) => ({ what: `${key} differs between query and body`, key, value: '1.0', place: 'clash' as const })),
      // (Strings are sent as raw text: an empty or blank one is no body at all, which compare accepts.)
      fc.oneof(hostileJsonValue.filter((value) => value === null || typeof value !== 'object' || Array.isArray(value)), rawNumberToken, deepNesting(1_000))
        .filter((value) => !(typeof value === 'string' && value.trim() === ''))
        .map((value) => ({
        what: 'body not an object, or a raw token, or too deep',
        key: '',
        value,
        place: 'whole-body' as const,
      })),
    ),
  )
  .map(([model, window, inBody, mutation]) => {
    const fields: Record<string, unknown> = { version_a: '1.0', version_b: '1.1', ...(window === undefined ? {} : { window }) };
    const query: [string, string][] = [];
    let body: Record<string, unknown> | undefined;
    const toBody = (key: string, value: unknown): void => {
      body ??= {};
      Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
    };
    if (mutation.place === 'drop') delete fields[mutation.key];
    if (mutation.place === 'body' || mutation.place === 'query') delete fields[mutation.key];
    Object.entries(fields).forEach(([key, value], index) => (inBody[index] ? toBody(key, value) : query.push([key, String(value)])));
    switch (mutation.place) {
      case 'body':
        toBody(mutation.key, mutation.value);
        break;
      case 'query':
        query.push([mutation.key, String(mutation.value)]);
        break;
      case 'body-extra':
        toBody(mutation.key, mutation.value);
        break;
      case 'query-extra':
        query.push([mutation.key, String(mutation.value)]);
        break;
      case 'repeat':
        query.push([mutation.key, mutation.key === 'window' ? '7d' : '1.0'], [mutation.key, mutation.key === 'window' ? '7d' : '1.1']);
        break;
      case 'clash':
        query.push([mutation.key, '1.0']);
        toBody(mutation.key, '1.1');
        break;
      case 'whole-body':
        return { model, query, body: mutation.value as unknown, what: mutation.what };
      case 'drop':
        break;
    }
    return { model, query, body: body as unknown, what: mutation.what };
  });

const WRITE_TARGETS = [`${API}/predictions`, `${API}/training`, `${API}/models/voice_recognition/compare`, `${API}/predictions/p-1/ground-truth`];

/** Requests no JSON parser should take, each with the status it must get. */
const undecodableRequest = fc.oneof(
  // Bytes that are not UTF-8, inside an otherwise JSON body.
  fc.tuple(fc.constantFrom(...WRITE_TARGETS), fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf])).map(([target, bytes]) => ({
    target,
    body: Buffer.concat([Buffer.from('{"model_name":"m'), Buffer.from(bytes), Buffer.from('","x":1}')]),
    contentType: 'application/json',
    expected: 400,
    what: `invalid UTF-8 ${bytes.join(',')}`,
  })),
  // Random bytes (almost never JSON; the rare object is still missing required fields).
  fc.tuple(fc.constantFrom(...WRITE_TARGETS), fc.uint8Array({ minLength: 1, maxLength: 200 })).map(([target, bytes]) => ({
    target,
    body: Buffer.concat([Buffer.from('\u0000'), Buffer.from(bytes)]),
    contentType: 'application/json; charset=utf-8',
    expected: 400,
    what: 'random bytes',
  })),
  // Truncated JSON of a body that would be valid.
  fc.tuple(fc.constantFrom(`${API}/predictions`), validPredictionBody, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })).map(([target, body, cut]) => {
    const text = toJsonText(body);
    return { target, body: text.slice(0, Math.floor(text.length * cut)), contentType: 'application/json', expected: 400, what: 'truncated JSON' };
  }),
  // UTF-16 and a BOM are not UTF-8 JSON.
  fc.tuple(fc.constantFrom(`${API}/predictions`), invalidPredictionBody).map(([target, { body }]) => {
    const bytes = Buffer.from(toJsonText(body), 'utf16le');
    // UTF-16 doubles the size: over the limit, the size is what is refused first.
    return { target, body: bytes, contentType: 'application/json', expected: bytes.length > 1_048_576 ? 413 : 400, what: 'UTF-16 body' };
  }),
  fc.tuple(fc.constantFrom(`${API}/predictions`), invalidPredictionBody).map(([target, { body, what }]) => ({
    target,
    body: `\ufeff${toJsonText(body)}`,
    contentType: 'application/json',
    expected: 400,
    what: `an invalid body (${what}) after a byte-order mark`,
  })),
  // A body that would be valid, declared as something else.
  fc
    .tuple(
      fc.constantFrom(`${API}/predictions`, `${API}/training`),
      validPredictionBody,
      fc.oneof(
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/jsonx', 'json', '*/*'),
        fc.string({ maxLength: 30 }).filter((type) => !/^\s*application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)),
      ),
    )
    .map(([target, body, contentType]) => ({ target, body: toJsonText(body), contentType, expected: 415, what: `content type ${JSON.stringify(contentType)}` })),
);

/** Bodies of any kind for any write endpoint: random JSON, mutated valid bodies, valid bodies, bulky values. */
const randomWriteRequest: fc.Arbitrary<Request> = fc.oneof(
  fc.oneof(validPredictionBody, invalidPredictionBody.map((invalid) => invalid.body), hostileJsonValue, bulkyBody(validPredictionBody)).map((body) => ({
    kind: 'prediction' as const,
    target: `${API}/predictions`,
    body,
  })),
  fc.tuple(pathId, urlStyle, fc.oneof(validGroundTruthBody, invalidGroundTruthBody.map((invalid) => invalid.body), hostileJsonValue)).map(([id, how, body]) => ({
    kind: 'ground-truth' as const,
    target: groundTruthTarget(id, how),
    body,
    id,
  })),
  fc.oneof(validTrainingBody, invalidTrainingBody.map((invalid) => invalid.body), hostileJsonValue, bulkyBody(validTrainingBody)).map((body) => ({
    kind: 'training' as const,
    target: `${API}/training`,
    body,
  })),
  fc
    .tuple(
      fc.oneof(fc.constantFrom(...SEEDED_MODELS), validModelName, hostileString({ maxLength: 20 }).filter((name) => name.length > 0)),
      fc.array(fc.tuple(fc.constantFrom('version_a', 'version_b', 'window', '__proto__', 'constructor'), fc.oneof(fc.constantFrom('1.0', '1.1', '7d', 'all'), hostileString({ maxLength: 8 }))), { maxLength: 4 }),
      fc.oneof(fc.constant(undefined), hostileJsonObject, hostileJsonValue, fc.record({ version_a: fc.constantFrom('1.0', '1.1'), version_b: fc.constantFrom('1.0', '1.1') })),
    )
    .map(([model, query, body]) => ({
      kind: 'compare' as const,
      target: `${API}/models/${writeIntoUrl(model, 'encoded')}/compare${query.length > 0 ? `?${query.map(([key, value]) => `${key}=${writeIntoUrl(value, 'encoded')}`).join('&')}` : ''}`,
      body,
    })),
);

/** A valid body with a bulky value (100 kB string, 10k array, thousands of keys) in one of its object fields. */
function bulkyBody(valid: fc.Arbitrary<Body>): fc.Arbitrary<Body> {
  return fc.tuple(valid, bulkyJsonValue).map(([body, bulk]) => {
    const copy = cloneBody(body);
    const field = 'hyperparameters' in copy || 'training_samples' in copy ? 'hyperparameters' : 'input_data';
    const target = (copy[field] !== null && typeof copy[field] === 'object' ? copy[field] : {}) as Body;
    copy[field] = objectFromEntries([...Object.entries(target), ['bulk', bulk]]);
    return copy;
  });
}

/** A valid prediction (sometimes with bulky input) and a valid label for it. */
const acceptedPrediction = fc.record({
  body: fc.oneof({ weight: 5, arbitrary: validPredictionBody }, { weight: 1, arbitrary: bulkyBody(validPredictionBody) }),
  label: validGroundTruthBody.map((label) => {
    // `correct` with a ground truth could contradict it; keep one of the two.
    const copy = cloneBody(label);
    if ('ground_truth' in copy) delete copy['correct'];
    return copy;
  }),
});

// ------------------------------------------------------------------ what "accepted" must mean

/** The stored record: valid, and equal to what was sent (zod drops `__proto__` keys; it never makes them prototypes). */
async function expectStoredPrediction(id: string, sent: Body): Promise<ReturnType<typeof PredictionLogSchema.parse>> {
  const raw = await service.tracker.getPrediction(id);
  expect(raw, `prediction ${JSON.stringify(id)} was accepted but cannot be read back`).not.toBeNull();
  const stored = PredictionLogSchema.parse(raw);
  expect(stored.model_name).toBe(sent['model_name']);
  expect(stored.confidence).toBe(sent['confidence'] ?? null);
  expect(stored.input_data).toEqual(withoutProtoKeys(sent['input_data'] ?? {}));
  expect(stored.prediction).toEqual(withoutProtoKeys(sent['prediction']));
  expect(stored.context).toEqual(withoutProtoKeys(sent['context'] ?? {}));
  for (const object of [stored.input_data, stored.prediction, stored.context]) expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
  return stored;
}

async function expectAcceptedIsValid(request: Request, status: number, body: unknown): Promise<void> {
  const sent = typeof request.body === 'string' ? request.body : JSON.parse(toJsonText(request.body));
  switch (request.kind) {
    case 'prediction': {
      expect(status).toBe(201);
      expect(PredictionInputSchema.safeParse(sent).success, 'accepted a body the schema refuses').toBe(true);
      const logged = LoggedPredictionSchema.parse(body);
      await expectStoredPrediction(logged.prediction_id, sent as Body);
      return;
    }
    case 'ground-truth': {
      expect(status).toBe(200);
      expect(GroundTruthInputSchema.safeParse(sent).success, 'accepted a label the schema refuses').toBe(true);
      const record = PredictionLogSchema.parse(body);
      expect(await service.tracker.getPrediction(record.prediction_id)).toEqual(record);
      return;
    }
    case 'training': {
      expect(status).toBe(201);
      expect(TrainingInputSchema.safeParse(sent).success, 'accepted a training session the schema refuses').toBe(true);
      const session = TrainingLogSchema.parse(body);
      expect(service.tracker.getTrainingHistory(session.model_name)).toContainEqual(session);
      return;
    }
    case 'compare': {
      expect(status).toBe(201);
      const comparison = ModelComparisonSchema.parse(body);
      expect(service.tracker.listComparisons(comparison.model_name).map((entry) => entry.comparison_id)).toContain(comparison.comparison_id);
    }
  }
}

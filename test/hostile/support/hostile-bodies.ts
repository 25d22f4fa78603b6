import fc from 'fast-check';
import { ModelNameSchema, ModelVersionSchema, TimestampSchema } from '../../../src/domain/names.js';
import { WindowSpecSchema } from '../../../src/domain/queries.js';
import { NOW } from '../../support/predictions.js';
import {
  deepNesting,
  hostileJsonObject,
  hostileJsonValue,
  hostileKey,
  objectFromEntries,
  RAW_INFINITY_TOKENS,
  RawJson,
  rawNumberToken,
} from './hostile-json.js';
import { hostileString, notAString, refusedRecordId, refusedString, validModelName, validModelVersion, validRecordId } from './hostile-strings.js';

/**
 * Request bodies: valid ones (hostile content the schemas accept) and mutations that each make a
 * body certainly invalid, so the answer must be 400 (not merely "not 5xx").
 */

export type Body = Record<string, unknown>;

/** One change to a body; `apply` works on a deep copy. */
export interface Mutation {
  what: string;
  apply(body: Body): Body | unknown;
}

/** The smallest nesting the hostile tests send as "too deep". */
export const HOSTILE_DEPTH = 1_000;

// ------------------------------------------------------------------ shared pieces

const unitInterval = fc.double({ min: 0, max: 1, noNaN: true });

export const validTimestamp: fc.Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2024-01-15T10:30:00+05:30', '2024-01-15T10:30:00-08:00', '2024-01-15T10:30:00.123456Z', '2024-02-29T23:59:59Z'),
);

/**
 * A prediction's timestamp the service takes: any time up to 5 minutes after its clock (the
 * hostile service's is fixed at NOW); later ones are refused by design.
 */
export const validPredictionTimestamp: fc.Arbitrary<string> = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date(NOW.getTime() + 5 * 60_000), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2024-01-15T10:30:00+05:30', '2024-01-15T03:30:00-08:00', '2024-01-15T10:30:00.123456Z', '2020-02-29T23:59:59Z', '2024-01-15T12:05:00Z'),
);

/** Strings TimestampSchema refuses. */
export const refusedTimestamp: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('', 'yesterday', 'now', '2024-01-15', '2024-01-15T10:30:00', '2024-13-01T00:00:00Z', '2024-01-15 10:30:00Z', '2024-01-32T00:00:00Z', '1705314600', 'T10:30:00Z', '２０２４-01-15T10:30:00Z'),
    hostileString({ maxLength: 30 }),
  )
  .filter((value) => !TimestampSchema.safeParse(value).success);

/** Values that are not JSON objects (null included). */
export const notAnObject: fc.Arbitrary<unknown> = fc.oneof(
  hostileString({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileJsonValue, { maxLength: 3 }),
);

/** Values that are not numbers. */
const notANumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('0.5', '1', '', 'NaN', 'Infinity'),
  fc.boolean(),
  fc.constant(null),
  fc.array(unitInterval, { minLength: 1, maxLength: 2 }),
  fc.constant({ value: 0.5 }),
);

/** Values outside [0, 1]; never -0 (which is ≥ 0, and JSON writes as 0). */
export const outsideUnitInterval: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ min: 1, max: 1e308, minExcluded: true, noNaN: true }),
  fc.double({ min: -1e308, max: -Number.MIN_VALUE, noNaN: true }),
  fc.constantFrom(-Number.MIN_VALUE, 1 + Number.EPSILON, 2, -1),
  fc.constantFrom(...RAW_INFINITY_TOKENS).map((token) => new RawJson(token)),
);

/** Not a whole number ≥ 0 that is safe. */
const notACount: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((value) => !Number.isInteger(value)),
  fc.constantFrom(2 ** 53, 1e20, 1e308, '10', null, true, [1]),
  fc.constantFrom(...RAW_INFINITY_TOKENS).map((token) => new RawJson(token)),
);

export const negativeOrNotANumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ min: -1e308, max: -Number.MIN_VALUE, noNaN: true }),
  fc.constantFrom('0.1', true, [0.1], { loss: 0.1 }),
  fc.constantFrom(...RAW_INFINITY_TOKENS).map((token) => new RawJson(token)),
);

/** A key none of `known` is. */
function unknownKey(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(hostileKey, hostileString({ maxLength: 16 })).filter((key) => !known.includes(key));
}

/** A copy that keeps `__proto__` own keys as data (structuredClone would too, but not RawJson). */
export function cloneBody<T>(value: T): T {
  if (value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(cloneBody) as T;
  if (value === null || typeof value !== 'object') return value;
  return objectFromEntries(Object.entries(value).map(([key, item]) => [key, cloneBody(item)])) as T;
}

/** Sets `path` in `body`, making each parent a plain object when it is not one. */
function setPath(body: Body, path: readonly string[], value: unknown): Body {
  let current: Body = body;
  for (const [index, key] of path.entries()) {
    if (index === path.length - 1) {
      Object.defineProperty(current, key, { value, enumerable: true, writable: true, configurable: true });
      break;
    }
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next) || next instanceof RawJson) {
      const fresh: Body = {};
      Object.defineProperty(current, key, { value: fresh, enumerable: true, writable: true, configurable: true });
      current = fresh;
    } else {
      current = next as Body;
    }
  }
  return body;
}

function set(path: string, value: fc.Arbitrary<unknown>, what: string): fc.Arbitrary<Mutation> {
  return value.map((item) => ({
    what: `${what}: ${path} = ${describe(item)}`,
    apply: (body: Body) => setPath(body, path.split('.'), item),
  }));
}

function remove(key: string): fc.Arbitrary<Mutation> {
  return fc.constant({
    what: `missing ${key}`,
    apply: (body: Body) => {
      delete body[key];
      return body;
    },
  });
}

function describe(value: unknown): string {
  if (value instanceof RawJson) return `raw ${value.text.slice(0, 40)}${value.text.length > 40 ? `… (${value.text.length} chars)` : ''}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text;
}

/** Mutations every JSON-object body shares: an unknown key, a non-JSON token, nesting too deep, not an object at all. */
function commonMutations(known: readonly string[], objectFields: readonly string[]): fc.Arbitrary<Mutation>[] {
  return [
    fc.tuple(unknownKey(known), hostileJsonValue).map(([key, value]) => ({
      what: `unknown key ${JSON.stringify(key)}`,
      apply: (body: Body) => setPath(body, [key], value),
    })),
    // Not under `__proto__`: zod drops that key from records without looking at its value.
    fc.tuple(fc.constantFrom(...objectFields), hostileKey.filter((key) => key !== '__proto__'), rawNumberToken).map(([field, key, token]) => ({
      what: `raw token ${token.text} at ${field}.${key}`,
      apply: (body: Body) => setPath(body, [field, key], token),
    })),
    fc.tuple(fc.constantFrom(...objectFields), deepNesting(HOSTILE_DEPTH)).map(([field, deep]) => ({
      what: `${field}.deep nested ${deep.text.length / 2 | 0}+ levels`,
      apply: (body: Body) => setPath(body, [field, 'deep'], deep),
    })),
    deepNesting(HOSTILE_DEPTH).map((deep) => ({ what: 'unknown key holding deep nesting', apply: (body: Body) => setPath(body, ['deep'], deep) })),
    fc.oneof(hostileJsonValue.filter((value) => value === null || typeof value !== 'object' || Array.isArray(value)), fc.array(hostileJsonObject, { maxLength: 3 })).map((value) => ({
      what: `body is ${describe(value)}`,
      apply: () => value,
    })),
  ];
}

/** A valid body with 1 to 3 mutations, each of which alone makes it invalid. */
function mutated(valid: fc.Arbitrary<Body>, mutations: fc.Arbitrary<Mutation>): fc.Arbitrary<{ body: unknown; what: string }> {
  return fc.tuple(valid, fc.array(mutations, { minLength: 1, maxLength: 3 })).map(([body, changes]) => {
    let current: unknown = cloneBody(body);
    for (const change of changes) {
      const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Body) : {};
      current = change.apply(target);
    }
    return { body: current, what: changes.map((change) => change.what).join('; ') };
  });
}

// ------------------------------------------------------------------ POST /predictions

const PREDICTION_KEYS = ['prediction_id', 'model_name', 'model_version', 'input_data', 'prediction', 'confidence', 'ground_truth', 'context', 'timestamp'];

/**
 * A label object with at least one ordinary key (a ground truth made only of `__proto__` would be
 * empty once parsed), always `label` among them: a ground truth that shares no key with its
 * prediction is refused as a typo, so valid pairs share one.
 */
const labelObject: fc.Arbitrary<Body> = fc
  .tuple(fc.constantFrom('label', 'user_id', 'class', 'x'), hostileJsonValue, hostileJsonValue, hostileJsonObject)
  .map(([key, value, label, rest]) =>
    objectFromEntries([['label', label], [key, value], ...Object.entries(rest).filter(([name]) => name !== key && name !== 'label')]),
  );

/** A valid POST /predictions body for a model with no configured label key, full of hostile content. */
export const validPredictionBody: fc.Arbitrary<Body> = fc
  .record(
    {
      prediction_id: validRecordId,
      model_name: validModelName,
      model_version: validModelVersion,
      input_data: hostileJsonObject,
      prediction: labelObject,
      confidence: fc.option(unitInterval),
      ground_truth: fc.option(labelObject),
      context: hostileJsonObject,
      timestamp: validPredictionTimestamp,
    },
    { requiredKeys: ['model_name', 'prediction'] },
  )
  .filter((body) => body.model_name !== 'voice_recognition' && body.model_name !== 'suggestion_engine');

/** Changes that each make a prediction body invalid. */
export const predictionMutation: fc.Arbitrary<Mutation> = fc.oneof(
  set('model_name', fc.oneof(notAString, refusedString(ModelNameSchema, 128)), 'bad model_name'),
  remove('model_name'),
  set('model_version', fc.oneof(notAString, refusedString(ModelVersionSchema, 64)), 'bad model_version'),
  set('prediction_id', fc.oneof(notAString, refusedRecordId), 'bad prediction_id'),
  set('input_data', notAnObject, 'bad input_data'),
  set('prediction', notAnObject, 'bad prediction'),
  remove('prediction'),
  // confidence may be omitted or null (native sources have none); anything else must be a number in [0, 1].
  set('confidence', fc.oneof(notANumber.filter((value) => value !== null), outsideUnitInterval), 'bad confidence'),
  set('ground_truth', fc.oneof(notAnObject.filter((value) => value !== null), fc.constant({})), 'bad ground_truth'),
  set('context', notAnObject, 'bad context'),
  set('timestamp', fc.oneof(notAString, refusedTimestamp), 'bad timestamp'),
  // A configured model whose prediction lacks its label key (user_id).
  hostileJsonObject.map((prediction) => ({
    what: 'voice_recognition without prediction.user_id',
    apply: (body: Body) => {
      body['model_name'] = 'voice_recognition';
      body['prediction'] = objectFromEntries(Object.entries(prediction).filter(([key]) => key !== 'user_id'));
      return body;
    },
  })),
  ...commonMutations(PREDICTION_KEYS, ['input_data', 'prediction', 'context', 'ground_truth']),
);

export const invalidPredictionBody = mutated(validPredictionBody, predictionMutation);

// ------------------------------------------------------------------ POST /predictions/{id}/ground-truth

const GROUND_TRUTH_KEYS = ['ground_truth', 'correct', 'rating', 'source', 'labeled_at'];
const SOURCES = ['inline', 'api', 'event_id', 'event_context', 'event_window', 'implicit', 'native_error', 'native_undo', 'native_rephrase', 'native_kept'] as const;
const rating = fc.integer({ min: 1, max: 5 });

export const validGroundTruthBody: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ ground_truth: labelObject, source: fc.constantFrom(...SOURCES), labeled_at: validTimestamp }, { requiredKeys: ['ground_truth'] }),
  fc.record({ correct: fc.boolean(), rating, source: fc.constantFrom(...SOURCES), labeled_at: validTimestamp }, { requiredKeys: ['correct'] }),
  fc.record({ rating, source: fc.constantFrom(...SOURCES), labeled_at: validTimestamp }, { requiredKeys: ['rating'] }),
);

export const groundTruthMutation: fc.Arbitrary<Mutation> = fc.oneof(
  set('ground_truth', fc.oneof(notAnObject, fc.constant({}), fc.constant(objectFromEntries([['__proto__', { polluted: 1 }]]))), 'bad ground_truth'),
  set('correct', fc.oneof(fc.constantFrom('true', 'false', 1, 0, null, [], {}), hostileString({ maxLength: 6 })), 'bad correct'),
  set('rating', fc.oneof(fc.constantFrom(0, 6, 2.5, -1, '3', null, true, [], {}), fc.integer({ min: 6 }), fc.integer({ max: 0 })), 'bad rating'),
  fc.constant({
    what: 'none of ground_truth, correct and rating',
    apply: (body: Body) => {
      delete body['ground_truth'];
      delete body['correct'];
      delete body['rating'];
      return body;
    },
  }),
  set('source', fc.oneof(notAString, hostileString({ maxLength: 12 }).filter((value) => !(SOURCES as readonly string[]).includes(value))), 'bad source'),
  set('labeled_at', fc.oneof(notAString, refusedTimestamp), 'bad labeled_at'),
  ...commonMutations(GROUND_TRUTH_KEYS, ['ground_truth']),
);

export const invalidGroundTruthBody = mutated(validGroundTruthBody, groundTruthMutation);

// ------------------------------------------------------------------ POST /training

const TRAINING_KEYS = [
  'model_name',
  'model_version',
  'training_session_id',
  'training_samples',
  'validation_samples',
  'training_accuracy',
  'validation_accuracy',
  'training_loss',
  'validation_loss',
  'hyperparameters',
  'training_duration_seconds',
  'timestamp',
];

const nonNegative = fc.double({ min: 0, max: 1e9, noNaN: true });

export const validTrainingBody: fc.Arbitrary<Body> = fc.record(
  {
    model_name: validModelName,
    model_version: validModelVersion,
    training_session_id: validRecordId,
    training_samples: fc.nat(),
    validation_samples: fc.option(fc.nat()),
    training_accuracy: unitInterval,
    validation_accuracy: fc.option(unitInterval),
    training_loss: fc.option(nonNegative),
    validation_loss: fc.option(nonNegative),
    hyperparameters: hostileJsonObject,
    training_duration_seconds: fc.option(nonNegative),
    timestamp: validTimestamp,
  },
  { requiredKeys: ['model_name', 'training_samples', 'training_accuracy'] },
);

export const trainingMutation: fc.Arbitrary<Mutation> = fc.oneof(
  set('model_name', fc.oneof(notAString, refusedString(ModelNameSchema, 128)), 'bad model_name'),
  remove('model_name'),
  set('model_version', fc.oneof(notAString, refusedString(ModelVersionSchema, 64)), 'bad model_version'),
  set('training_session_id', fc.oneof(notAString, refusedRecordId), 'bad training_session_id'),
  set('training_samples', notACount, 'bad training_samples'),
  remove('training_samples'),
  set('validation_samples', notACount.filter((value) => value !== null), 'bad validation_samples'),
  set('training_accuracy', fc.oneof(notANumber, outsideUnitInterval), 'bad training_accuracy'),
  remove('training_accuracy'),
  set('validation_accuracy', fc.oneof(notANumber.filter((value) => value !== null), outsideUnitInterval), 'bad validation_accuracy'),
  set('training_loss', negativeOrNotANumber, 'bad training_loss'),
  set('validation_loss', negativeOrNotANumber, 'bad validation_loss'),
  set('training_duration_seconds', negativeOrNotANumber, 'bad training_duration_seconds'),
  set('hyperparameters', notAnObject, 'bad hyperparameters'),
  set('timestamp', fc.oneof(notAString, refusedTimestamp), 'bad timestamp'),
  ...commonMutations(TRAINING_KEYS, ['hyperparameters']),
);

export const invalidTrainingBody = mutated(validTrainingBody, trainingMutation);

// ------------------------------------------------------------------ compare

/** Windows WindowSpecSchema refuses. */
export const refusedWindow: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('0', '0d', '00h', '7x', '-1', '', ' 7d', '7d ', '1.5h', '7D', 'all ', 'ALL', '١٢', '1e3', '0x10', 'Infinity', '99999999999w', '9999999999999999m'),
    hostileString({ maxLength: 8 }),
  )
  .filter((value) => !WindowSpecSchema.safeParse(value).success);

export const validWindow = fc.constantFrom('all', '30m', '12h', '7d', '2w', '500', '1');

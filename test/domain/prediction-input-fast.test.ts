import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePredictionInputFast } from '../../src/domain/prediction-input-fast.js';
import { PredictionInputSchema } from '../../src/domain/prediction.js';
import { invalidPredictionBody, validPredictionBody } from '../hostile/support/hostile-bodies.js';
import { toJsonText } from '../hostile/support/hostile-json.js';

/** Whatever the fast reading accepts, PredictionInputSchema accepts with the same output. */
function expectAgreesWithSchema(body: unknown): void {
  const fast = parsePredictionInputFast(body);
  if (fast === undefined) return;
  const exact = PredictionInputSchema.safeParse(body);
  expect(exact.success).toBe(true);
  expect(fast).toStrictEqual(exact.data);
}

describe('parsePredictionInputFast', () => {
  it('reads an ordinary body as PredictionInputSchema does, defaults applied', () => {
    const body = { model_name: 'm', input_data: { a: [1, 2] }, prediction: { label: 'x' }, confidence: 0.5, ground_truth: { label: 'y' }, context: { d: 'k' } };
    expect(parsePredictionInputFast(body)).toStrictEqual(PredictionInputSchema.parse(body));
    const bare = { model_name: 'm', prediction: { label: 'x' } };
    expect(parsePredictionInputFast(bare)).toStrictEqual({ model_name: 'm', model_version: '1.0', input_data: {}, prediction: { label: 'x' }, context: {} });
  });

  it('keeps what zod keeps: optional keys given as undefined or null, the timestamp in UTC', () => {
    const body = {
      prediction_id: undefined,
      model_name: 'm',
      model_version: undefined,
      prediction: { label: 'x' },
      confidence: null,
      ground_truth: null,
      timestamp: '2024-01-15T10:30:00+01:00',
    };
    const fast = parsePredictionInputFast(body);
    expect(fast).toStrictEqual(PredictionInputSchema.parse(body));
    expect(fast?.timestamp).toBe('2024-01-15T09:30:00.000Z');
    expect(Object.keys(fast ?? {})).toEqual(Object.keys(PredictionInputSchema.parse(body)));
  });

  it('copies the JSON objects (no reference to the caller’s)', () => {
    const prediction = { label: 'x', nested: { n: [1] } };
    const fast = parsePredictionInputFast({ model_name: 'm', prediction });
    expect(fast?.prediction).toStrictEqual(prediction);
    expect(fast?.prediction).not.toBe(prediction);
    expect((fast?.prediction as { nested: unknown }).nested).not.toBe(prediction.nested);
  });

  it.each([
    ['an unknown key', { model_name: 'm', prediction: {}, extra: 1 }],
    ['an empty model name', { model_name: '', prediction: {} }],
    ['a model name that starts with a dash', { model_name: '-m', prediction: {} }],
    ['a model name of 129 characters', { model_name: 'm'.repeat(129), prediction: {} }],
    ['a model version of 65 characters', { model_name: 'm', model_version: 'v'.repeat(65), prediction: {} }],
    ['no prediction', { model_name: 'm' }],
    ['a prediction that is an array', { model_name: 'm', prediction: [] }],
    ['a confidence above 1', { model_name: 'm', prediction: {}, confidence: 1.5 }],
    ['a confidence that is NaN', { model_name: 'm', prediction: {}, confidence: Number.NaN }],
    ['a confidence given as text', { model_name: 'm', prediction: {}, confidence: '0.5' }],
    ['an id with a control character', { prediction_id: 'a\nb', model_name: 'm', prediction: {} }],
    ['an id of 201 characters', { prediction_id: 'i'.repeat(201), model_name: 'm', prediction: {} }],
    ['a timestamp without a zone', { model_name: 'm', prediction: {}, timestamp: '2024-01-15T10:30:00' }],
    ['a key named __proto__ (as JSON.parse makes it)', JSON.parse('{"model_name":"m","prediction":{},"__proto__":{}}') as unknown],
    ['an inherited key', Object.assign(Object.create({ inherited: 1 }) as object, { model_name: 'm', prediction: {} })],
    ['a class instance', new (class Input { model_name = 'm'; prediction = {}; })()],
    ['a throwing getter', { model_name: 'm', get prediction(): object { throw new Error('no'); } }],
    ['an array', [{ model_name: 'm', prediction: {} }]],
    ['null', null],
  ])('leaves %s to PredictionInputSchema', (_what, body) => {
    expect(parsePredictionInputFast(body)).toBeUndefined();
  });

  it('accepts valid hostile bodies as PredictionInputSchema does', () => {
    fc.assert(
      fc.property(validPredictionBody, (body) => {
        expectAgreesWithSchema(JSON.parse(toJsonText(body)));
        expectAgreesWithSchema(body);
      }),
    );
  });

  it('never accepts what PredictionInputSchema refuses', () => {
    fc.assert(
      fc.property(invalidPredictionBody, ({ body }) => {
        expectAgreesWithSchema(body);
        let parsed: unknown;
        try {
          parsed = JSON.parse(toJsonText(body));
        } catch {
          return; // not JSON text at all (a raw token JSON.parse refuses)
        }
        expectAgreesWithSchema(parsed);
      }),
    );
  });
});

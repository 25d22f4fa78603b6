import type { z } from 'zod';
import { ModelNameSchema } from '../domain/names.js';
import type { ParsedPredictionInput } from '../domain/prediction.js';
import { PredictionInputSchema } from '../domain/prediction.js';
import { parsePredictionInputFast } from '../domain/prediction-input-fast.js';
import { READABLE_ERRORS } from '../domain/readable-errors.js';
import { InvalidInputError } from './errors.js';

/** Parses the tracker's input with `schema` (absent input: `{}`); InvalidInputError names each problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {}, READABLE_ERRORS);
  if (!result.success) throw InvalidInputError.fromZod(what, result.error);
  return result.data;
}

/** A model name as the tracker accepts it, or InvalidInputError. */
export function parseModelName(name: unknown): string {
  const result = ModelNameSchema.safeParse(name);
  if (!result.success) {
    const message = result.error.issues[0]?.message ?? 'invalid';
    throw new InvalidInputError(`invalid model name: ${message}`, [{ path: 'model_name', message }]);
  }
  return result.data;
}

/** A prediction id as the tracker accepts it, or InvalidInputError. */
export function checkPredictionId(predictionId: unknown): asserts predictionId is string {
  if (typeof predictionId !== 'string' || predictionId.length === 0 || predictionId.length > 200) {
    throw new InvalidInputError('invalid prediction_id', [{ path: 'prediction_id', message: 'expected an id of 1 to 200 characters' }]);
  }
}

/** A prediction as the tracker accepts it (PredictionInputSchema), or InvalidInputError naming each problem. */
export function parsePredictionInput(input: unknown): ParsedPredictionInput {
  return parsePredictionInputFast(input ?? {}) ?? parseInput(PredictionInputSchema, input, 'prediction');
}

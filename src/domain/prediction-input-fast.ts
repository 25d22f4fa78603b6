import type { JsonObject } from './json.js';
import { DEFAULT_MODEL_VERSION, NAME_PATTERN, RECORD_ID_PATTERN, TimestampSchema } from './names.js';
import { NOT_PLAIN, plainJsonObjectCopy } from './plain-json-copy.js';
import type { ParsedPredictionInput } from './prediction.js';

/** PredictionInputSchema's keys, in its order (the order of zod's output). */
const KEYS = new Set(['prediction_id', 'model_name', 'model_version', 'input_data', 'prediction', 'confidence', 'ground_truth', 'context', 'timestamp']);

/**
 * PredictionInputSchema's output for `input`, checked by hand in one walk, or undefined when it
 * cannot vouch for it. Logging a prediction is the hot path of the service (every POST, every
 * captured event), and zod's walk was a twentieth of a POST's profile. It answers only where the
 * schema accepts, with the same output (same keys in the same order, defaults applied, JSON
 * objects copied): a plain object (prototype Object.prototype or null) with only the schema's
 * keys, its names, id and confidence within the same rules, its JSON objects plain
 * (`plainJsonObjectCopy`), and a timestamp read by TimestampSchema itself. Anything else, and any
 * error while reading (a throwing getter), is undefined: the caller parses with
 * PredictionInputSchema, whose issues are the ones users see.
 */
export function parsePredictionInputFast(input: unknown): ParsedPredictionInput | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return undefined;
  try {
    return readInput(input as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

function isName(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= maxLength && NAME_PATTERN.test(value);
}

/** A JSON object field with a default of `{}`: the copy, `{}` when undefined, or NOT_PLAIN. */
function objectOrEmpty(value: unknown): JsonObject | typeof NOT_PLAIN {
  return value === undefined ? {} : plainJsonObjectCopy(value);
}

function readInput(source: Record<string, unknown>): ParsedPredictionInput | undefined {
  // for...in, as zod's strict check: an inherited enumerable key counts as unknown too.
  for (const key in source) if (!KEYS.has(key)) return undefined;
  const parsed: Partial<ParsedPredictionInput> = {};
  if (Object.hasOwn(source, 'prediction_id')) {
    const id = source.prediction_id;
    if (id !== undefined && !(typeof id === 'string' && id.length >= 1 && id.length <= 200 && RECORD_ID_PATTERN.test(id))) return undefined;
    parsed.prediction_id = id;
  }
  const name = source.model_name;
  if (!isName(name, 128)) return undefined;
  parsed.model_name = name;
  const version = source.model_version;
  if (version !== undefined && !isName(version, 64)) return undefined;
  parsed.model_version = version ?? DEFAULT_MODEL_VERSION;
  const inputData = objectOrEmpty(source.input_data);
  if (inputData === NOT_PLAIN) return undefined;
  parsed.input_data = inputData;
  const prediction = plainJsonObjectCopy(source.prediction);
  if (prediction === NOT_PLAIN) return undefined;
  parsed.prediction = prediction;
  if (Object.hasOwn(source, 'confidence')) {
    const confidence = source.confidence;
    if (confidence !== undefined && confidence !== null && !(typeof confidence === 'number' && confidence >= 0 && confidence <= 1)) return undefined;
    parsed.confidence = confidence;
  }
  if (Object.hasOwn(source, 'ground_truth')) {
    const groundTruth = source.ground_truth;
    if (groundTruth === undefined || groundTruth === null) {
      parsed.ground_truth = groundTruth;
    } else {
      const copy = plainJsonObjectCopy(groundTruth);
      if (copy === NOT_PLAIN) return undefined;
      parsed.ground_truth = copy;
    }
  }
  const context = objectOrEmpty(source.context);
  if (context === NOT_PLAIN) return undefined;
  parsed.context = context;
  if (Object.hasOwn(source, 'timestamp')) {
    const timestamp = source.timestamp;
    if (timestamp === undefined) {
      parsed.timestamp = undefined;
    } else {
      const read = TimestampSchema.safeParse(timestamp);
      if (!read.success) return undefined;
      parsed.timestamp = read.data;
    }
  }
  return parsed as ParsedPredictionInput;
}

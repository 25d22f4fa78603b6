import type { JsonObject } from '../domain/json.js';
import { JsonObjectSchema, JsonValueSchema } from '../domain/json.js';
import { UnitIntervalSchema } from '../domain/names.js';
import { RatingSchema } from '../domain/prediction.js';
import { captureContextOf } from './capture-context.js';
import type { CapturedFeedback } from './captured-feedback.js';
import { CapturedPredictionSchema, type CapturedPrediction } from './captured-prediction.js';
import type { EventMapping, FeedbackMapping, LabelSource, PredictionMapping } from './event-mapping.js';
import type { HubEvent } from './hub-schemas.js';
import { readPath } from './read-path.js';

/** What a hub event asks the tracker to do. */
type Interpretation =
  | { kind: 'prediction'; input: CapturedPrediction; device_id: string | null }
  | { kind: 'feedback'; feedback: CapturedFeedback }
  | { kind: 'refused'; reason_kind: string; reason: string };

/** The domain's rule for each field the capture checks itself (to refuse with a reason of its own). */
const Field = {
  prediction_id: CapturedPredictionSchema.shape.prediction_id,
  model_name: CapturedPredictionSchema.shape.model_name,
  model_version: CapturedPredictionSchema.shape.model_version.unwrap(),
  /** A mapped event names where its confidence is: there it must be a number (native sources have none). */
  confidence: UnitIntervalSchema,
};

/**
 * The deepest nesting of objects and arrays an event's `data` may have (`data` itself is level 1).
 * The validators recurse once per level: deeper data would overflow the stack.
 */
export const MAX_DATA_DEPTH = 64;

/** True when `value` nests objects or arrays more than `limit` levels deep. Iterative: no recursion. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

class Refusal extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

function optionalString(data: unknown, path: string | undefined, what: string): string | null {
  if (path === undefined) return null;
  const value = readPath(data, path);
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Refusal(`bad_${what}`, `${path} must be a string or a number`);
}

function modelName(mapping: EventMapping, data: unknown): string {
  const name = mapping.model_name ?? readPath(data, mapping.model_name_path!);
  const parsed = Field.model_name.safeParse(name);
  if (!parsed.success) {
    throw new Refusal('bad_model_name', `${mapping.model_name_path ?? 'model_name'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function readLabel(source: LabelSource, data: unknown, what: string): JsonObject {
  if ('constant' in source) return source.constant;
  if ('key' in source) {
    const value = readPath(data, source.path);
    if (value === undefined || value === null) throw new Refusal(`missing_${what}`, `${source.path} (the ${what}) is missing`);
    const parsed = JsonValueSchema.safeParse(value);
    if (!parsed.success) throw new Refusal(`bad_${what}`, `${source.path} is not a JSON value`);
    return { [source.key]: parsed.data };
  }
  const value = readPath(data, source.object_path);
  const parsed = JsonObjectSchema.safeParse(value);
  if (!parsed.success || Object.keys(parsed.data).length === 0) {
    throw new Refusal(`missing_${what}`, `${source.object_path} (the ${what}) must be a non-empty object`);
  }
  return parsed.data;
}

/** The confidence at `path`, or null when it is not a number from 0 to 1. */
function confidenceAt(data: unknown, path: string): number | null {
  const parsed = Field.confidence.safeParse(readPath(data, path));
  return parsed.success ? parsed.data : null;
}

function readConfidence(data: unknown, path: string): number {
  const confidence = confidenceAt(data, path);
  if (confidence === null) throw new Refusal('bad_confidence', `${path} (the confidence) must be a number from 0 to 1`);
  return confidence;
}

/** The rating at `path` (absent: null); anything but a whole number from 1 to 5 is refused. */
function readRating(data: unknown, path: string | undefined): number | null {
  if (path === undefined) return null;
  const value = readPath(data, path);
  if (value === undefined || value === null) return null;
  const parsed = RatingSchema.safeParse(value);
  if (!parsed.success) throw new Refusal('bad_rating', `${path} (the rating) must be a whole number from 1 to 5`);
  return parsed.data;
}

function timestampOf(event: HubEvent): string {
  const time = Date.parse(event.time_fired);
  if (Number.isNaN(time)) throw new Refusal('bad_time_fired', 'time_fired is not a date');
  return new Date(time).toISOString();
}

function predictionFrom(
  event: HubEvent,
  mapping: Pick<PredictionMapping, 'id_path' | 'version_path' | 'device_path'> & { input_fields?: string[] },
  model: string,
  prediction: JsonObject,
  confidence: number,
): { input: CapturedPrediction; device_id: string | null } {
  const data = event.data;
  const id = optionalString(data, mapping.id_path, 'id') ?? event.context.id;
  if (!Field.prediction_id.safeParse(id).success) throw new Refusal('bad_id', 'the prediction id must be 1 to 200 printable characters');
  const version = optionalString(data, mapping.version_path, 'version');
  if (version !== null && !Field.model_version.safeParse(version).success) {
    throw new Refusal('bad_version', `${mapping.version_path}: not a valid model version`);
  }
  const deviceId = optionalString(data, mapping.device_path, 'device');
  const inputData: JsonObject = {};
  for (const field of mapping.input_fields ?? []) {
    const value = JsonValueSchema.safeParse(readPath(data, field));
    if (value.success && value.data !== undefined) inputData[field.split('.').at(-1)!] = value.data;
  }
  return {
    input: {
      prediction_id: id,
      model_name: model,
      ...(version !== null ? { model_version: version } : {}),
      input_data: inputData,
      prediction,
      confidence,
      context: captureContextOf(event, deviceId),
      timestamp: timestampOf(event),
    },
    device_id: deviceId,
  };
}

function interpretPrediction(event: HubEvent, mapping: PredictionMapping): Interpretation {
  const model = modelName(mapping, event.data);
  const prediction = readLabel(mapping.prediction, event.data, 'prediction');
  const confidence = readConfidence(event.data, mapping.confidence_path);
  return { kind: 'prediction', ...predictionFrom(event, mapping, model, prediction, confidence) };
}

function interpretFeedback(event: HubEvent, mapping: FeedbackMapping): Interpretation {
  const data = event.data;
  const model = modelName(mapping, data);
  const truth = mapping.truth;
  const rating = readRating(data, mapping.rating_path);
  let label: CapturedFeedback['label'];
  if ('confirm' in truth) label = { correct: true };
  else if ('correct_path' in truth) {
    const object = JsonObjectSchema.safeParse(readPath(data, truth.object_path));
    const correct = readPath(data, truth.correct_path);
    if (object.success && Object.keys(object.data).length > 0) label = { ground_truth: object.data };
    else if (typeof correct === 'boolean') label = { correct };
    else if (rating !== null) label = null;
    else {
      const ratingHint = mapping.rating_path ? ` or ${mapping.rating_path} (1 to 5)` : '';
      throw new Refusal('missing_ground_truth', `give ${truth.object_path} (an object) or ${truth.correct_path} (true or false)${ratingHint}`);
    }
  } else label = { ground_truth: readLabel(truth, data, 'ground_truth') };

  const feedback: CapturedFeedback = {
    event_type: event.event_type,
    model_name: model,
    prediction_id: optionalString(data, mapping.id_path, 'id'),
    parent_context_id: event.context.parent_id,
    device_id: optionalString(data, mapping.device_path, 'device'),
    time: timestampOf(event),
    label,
    rating,
  };
  if (mapping.log_unmatched_as && label !== null && 'ground_truth' in label) {
    const confidence = confidenceAt(data, mapping.log_unmatched_as.confidence_path);
    if (confidence !== null) {
      const prediction = readLabel(mapping.log_unmatched_as.prediction, data, 'prediction');
      const { input } = predictionFrom(event, mapping, model, prediction, confidence);
      feedback.unmatched = { ...input, ground_truth: label.ground_truth };
    }
  }
  return { kind: 'feedback', feedback };
}

/**
 * Reads a hub event through its mapping. Pure: anything that does not fit (a missing label, a
 * confidence outside [0, 1], wrong types) is a refusal with a kind and a reason, never a throw.
 */
export function interpretEvent(event: HubEvent, mapping: EventMapping): Interpretation {
  try {
    if (nestedDeeperThan(event.data, MAX_DATA_DEPTH)) {
      throw new Refusal('too_deep', `data is nested more than ${MAX_DATA_DEPTH} levels deep`);
    }
    return mapping.kind === 'prediction' ? interpretPrediction(event, mapping) : interpretFeedback(event, mapping);
  } catch (error) {
    if (error instanceof Refusal) return { kind: 'refused', reason_kind: error.kind, reason: error.message };
    throw error;
  }
}

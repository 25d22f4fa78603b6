import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../domain/json.js';
import type { ParsedGroundTruthInput, ParsedPredictionInput, PredictionLog } from '../domain/prediction.js';
import { InvalidInputError } from './errors.js';
import { LabelResolver } from './label-resolver.js';

/** Refuses a prediction or ground truth that lacks the label key its model reads. */
export function checkLabelKey(labels: LabelResolver, model: string, value: JsonObject, path: string): void {
  const key = labels.labelKey(model);
  if (key !== undefined && !Object.hasOwn(value, key)) {
    throw new InvalidInputError(`invalid ${path}`, [{ path: `${path}.${key}`, message: `model "${model}" reads its label from "${key}"; it is missing` }]);
  }
}

/**
 * Refuses an empty ground truth, one that lacks the model's label key, and (with no label key
 * configured) one that shares no key with the prediction: `{"user": …}` against
 * `{"user_id": …}` is a typo, not a new class.
 */
export function checkGroundTruth(labels: LabelResolver, model: string, groundTruth: JsonObject, prediction: JsonObject, path: string): void {
  const keys = Object.keys(groundTruth);
  if (keys.length === 0) {
    throw new InvalidInputError(`invalid ${path}`, [{ path, message: 'ground_truth must name at least one field' }]);
  }
  checkLabelKey(labels, model, groundTruth, path);
  if (labels.labelKey(model) === undefined && !keys.some((key) => Object.hasOwn(prediction, key))) {
    const list = (names: string[]) => (names.length > 0 ? names.map((name) => JSON.stringify(name)).join(', ') : 'none');
    throw new InvalidInputError(`invalid ${path}`, [
      {
        path,
        message: `ground_truth shares no key with the prediction: ground truth keys ${list(keys)}, prediction keys ${list(Object.keys(prediction))}; name the same field (or configure models.${model}.label_key)`,
      },
    ]);
  }
}

/** How far ahead of the service's clock a prediction's timestamp may be (clock skew between devices). */
export const MAX_FUTURE_MS = 5 * 60_000;

/** Refuses a timestamp more than 5 minutes ahead of `now`; an old one (a backfill) is welcome. */
export function checkTimestamp(timestamp: string, now: Date): void {
  if (Date.parse(timestamp) - now.getTime() <= MAX_FUTURE_MS) return;
  const message = `${timestamp} is more than 5 minutes after this service's clock (${now.toISOString()}); give the time the prediction was made, or leave it out for now`;
  throw new InvalidInputError(`invalid prediction: timestamp ${message}`, [{ path: 'timestamp', message }]);
}

/** The record a parsed prediction is stored as (labeled at once when it carries its ground truth). */
export function newRecord(parsed: ParsedPredictionInput, labels: LabelResolver, now: Date): PredictionLog {
  checkLabelKey(labels, parsed.model_name, parsed.prediction, 'prediction');
  if (parsed.timestamp !== undefined) checkTimestamp(parsed.timestamp, now);
  const groundTruth = parsed.ground_truth ?? null;
  if (groundTruth) checkGroundTruth(labels, parsed.model_name, groundTruth, parsed.prediction, 'ground_truth');
  const at = now.toISOString();
  return {
    prediction_id: parsed.prediction_id ?? randomUUID(),
    model_name: parsed.model_name,
    model_version: parsed.model_version,
    input_data: parsed.input_data,
    prediction: parsed.prediction,
    confidence: parsed.confidence ?? null,
    ground_truth: groundTruth,
    ground_truth_source: groundTruth ? 'inline' : null,
    correct: groundTruth ? LabelResolver.isCorrect(parsed.prediction, groundTruth) : null,
    context: parsed.context,
    timestamp: parsed.timestamp ?? at,
    labeled_at: groundTruth ? at : null,
    rating: null,
  };
}

/**
 * The stored record with the label applied: a ground truth decides `correct`; `correct: true`
 * alone implies the prediction's own label; a rating is kept (or replaced when one is given), and
 * a rating alone changes nothing else. With `onlyIfUnlabeled`, a labeled record is kept as is.
 */
export function withLabel(
  record: PredictionLog,
  parsed: ParsedGroundTruthInput,
  labeledAt: string,
  labels: LabelResolver,
  onlyIfUnlabeled: boolean,
): PredictionLog {
  if (onlyIfUnlabeled && record.correct !== null) return record;
  const rating = parsed.rating ?? record.rating;
  // A rating alone: the label (its source and time too) stays as it is.
  if (parsed.ground_truth === undefined && parsed.correct === undefined) return rating === record.rating ? record : { ...record, rating };
  let groundTruth = parsed.ground_truth ?? null;
  if (groundTruth) checkGroundTruth(labels, record.model_name, groundTruth, record.prediction, 'ground_truth');
  let correct = groundTruth ? LabelResolver.isCorrect(record.prediction, groundTruth) : parsed.correct!;
  if (groundTruth && parsed.correct !== undefined && parsed.correct !== correct) {
    throw new InvalidInputError('correct contradicts ground_truth', [
      { path: 'correct', message: `the ground truth makes this prediction ${correct ? 'correct' : 'incorrect'}` },
    ]);
  }
  if (!groundTruth && correct) groundTruth = labels.impliedGroundTruth(record);
  correct = correct ?? false;
  return { ...record, ground_truth: groundTruth, ground_truth_source: parsed.source, correct, labeled_at: labeledAt, rating };
}

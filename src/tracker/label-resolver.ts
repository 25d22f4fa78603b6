import type { ModelConfig } from './tracker-config.js';
import type { JsonObject, JsonValue } from '../domain/json.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { Contribution } from '../metrics/bucket-counts.js';
import { classKey } from '../metrics/class-key.js';

const HOUR_MS = 3_600_000;

/** A field of a JSON object, own fields only (`constructor` is not a field of `{}`); null when absent. */
function field(object: JsonObject, key: string): JsonValue {
  return Object.hasOwn(object, key) ? (object[key] ?? null) : null;
}

/**
 * How each model's records turn into class labels. A model's label key is its configured
 * `label_key`, else the ground truth's single key; a ground truth with several keys (and no
 * configured key) is one label made of all of them.
 */
export class LabelResolver {
  constructor(readonly models: Readonly<Record<string, ModelConfig>>) {}

  /** Changes whenever the label keys change (stored aggregates computed otherwise are rebuilt). */
  get fingerprint(): string {
    const keys = Object.entries(this.models)
      .filter(([, model]) => model.label_key !== undefined)
      .map(([name, model]) => [name, model.label_key])
      .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
    return JSON.stringify(keys);
  }

  labelKey(modelName: string): string | undefined {
    return this.models[modelName]?.label_key;
  }

  /** A prediction is correct when every key of the ground truth deep-equals the same key of the prediction. */
  static isCorrect(prediction: JsonObject, groundTruth: JsonObject): boolean {
    return Object.entries(groundTruth).every(([key, value]) => Object.hasOwn(prediction, key) && classKey(prediction[key]) === classKey(value));
  }

  /** The ground truth that `correct: true` alone implies: the prediction's own label. */
  impliedGroundTruth(record: Pick<PredictionLog, 'model_name' | 'prediction'>): JsonObject {
    const key = this.labelKey(record.model_name);
    if (key !== undefined) return { [key]: field(record.prediction, key) };
    return withoutConfidence(record.prediction);
  }

  /** The (true, predicted) class keys of a labeled record; truth null when only `correct: false` is known. */
  classes(record: PredictionLog): { truth: string | null; predicted: string } {
    const configured = this.labelKey(record.model_name);
    const truthObject = record.ground_truth;
    if (configured !== undefined) {
      return {
        truth: truthObject ? classKey(field(truthObject, configured)) : null,
        predicted: classKey(field(record.prediction, configured)),
      };
    }
    if (truthObject) {
      const keys = Object.keys(truthObject);
      if (keys.length === 1) {
        const key = keys[0]!;
        return { truth: classKey(field(truthObject, key)), predicted: classKey(field(record.prediction, key)) };
      }
      const projected = Object.fromEntries(keys.map((key) => [key, field(record.prediction, key)]));
      return { truth: classKey(truthObject), predicted: classKey(projected) };
    }
    const rest = withoutConfidence(record.prediction);
    const restKeys = Object.keys(rest);
    return { truth: null, predicted: classKey(restKeys.length === 1 ? rest[restKeys[0]!]! : rest) };
  }

  /** What a record adds to the aggregates. */
  contribute = (record: PredictionLog): Contribution => {
    const classes = this.classes(record);
    return {
      model_name: record.model_name,
      model_version: record.model_version,
      hour: Math.floor(Date.parse(record.timestamp) / HOUR_MS) * HOUR_MS,
      confidence: record.confidence,
      predicted: classes.predicted,
      rating: record.rating,
      outcome: record.correct === null ? null : { correct: record.correct, ...classes },
    };
  };
}

function withoutConfidence(prediction: JsonObject): JsonObject {
  const { confidence: _confidence, ...rest } = prediction;
  return Object.keys(rest).length > 0 ? rest : prediction;
}

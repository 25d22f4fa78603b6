import type { ModelConfig } from './tracker-config.js';
import { DEFAULT_MODEL_VERSION } from '../domain/names.js';
import type { ModelPerformance, ModelSummary } from '../domain/performance.js';
import { highestVersion, sortVersions } from '../domain/version-order.js';
import type { VersionAggregates } from '../storage/aggregate-index.js';

/** A model's versions that have predictions (natural order: the last is the highest) and its default version. */
export interface ModelVersions {
  versions: string[];
  /** What is shown when no version is asked for. */
  defaultVersion: string;
}

/**
 * The default version: the configured `current_version`, else the highest version (natural
 * order) that has predictions, else the highest version trained, else "1.0". The order of
 * arrival plays no part, so a late prediction for an old version never changes it.
 */
export function modelVersions(aggregates: readonly VersionAggregates[], trained: readonly string[], model: ModelConfig | undefined): ModelVersions {
  const versions = sortVersions(aggregates.map((version) => version.model_version));
  const defaultVersion = model?.current_version ?? versions.at(-1) ?? highestVersion(trained) ?? DEFAULT_MODEL_VERSION;
  return { versions, defaultVersion };
}

/**
 * One line of `GET /models`: the default version's figures over the default window (the very
 * numbers `GET /models/{name}` answers, from `performance`), and the all-versions counts under
 * `all_versions`.
 */
export function summarizeModel(performance: ModelPerformance, aggregates: readonly VersionAggregates[]): ModelSummary {
  let total = 0;
  let labeled = 0;
  let last: string | null = null;
  for (const version of aggregates) {
    total += version.all_time.total;
    labeled += version.all_time.labeled;
    if (version.last_timestamp && (last === null || version.last_timestamp > last)) last = version.last_timestamp;
  }
  const own = aggregates.find((version) => version.model_version === performance.model_version);
  return {
    model_name: performance.model_name,
    versions: performance.versions,
    latest_version: performance.versions.at(-1) ?? null,
    model_version: performance.model_version,
    window: performance.window,
    total_predictions: performance.total_predictions,
    labeled_predictions: performance.labeled_predictions,
    accuracy: performance.accuracy,
    confidence: performance.confidence,
    confidence_count: performance.confidence_count,
    last_prediction_at: own?.last_timestamp ?? null,
    all_versions: { total_predictions: total, labeled_predictions: labeled, last_prediction_at: last },
  };
}

import type { PredictionLog } from '../domain/prediction.js';
import { ESTIMATE_SCAN_LIMIT } from '../domain/raw-scan.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { ScoredOutcome } from '../metrics/calibration-curve.js';
import type { AccuracyEstimate } from '../metrics/estimated-accuracy.js';
import { estimateAccuracy } from '../metrics/estimated-accuracy.js';
import type { PredictionStore } from '../storage/prediction-store.js';
import type { ResolvedWindow } from './window.js';
import { scanWindowRecords } from './window-records.js';

/** Collects a window's records into the label-free accuracy estimate's input. */
export class AccuracyEstimateCollector {
  readonly #scored: ScoredOutcome[] = [];
  readonly #unlabeled: number[] = [];
  #unscoredLabeled = 0;
  #unscoredCorrect = 0;

  /** Adds one record (unlabeled ones without a confidence cannot be estimated and are left out). */
  readonly add = (record: PredictionLog): void => {
    if (record.correct === null) {
      if (record.confidence !== null) this.#unlabeled.push(record.confidence);
    } else if (record.confidence !== null) {
      this.#scored.push({ confidence: record.confidence, correct: record.correct });
    } else {
      this.#unscoredLabeled += 1;
      if (record.correct) this.#unscoredCorrect += 1;
    }
  };

  estimate(): AccuracyEstimate {
    return estimateAccuracy({
      scored: this.#scored,
      unscoredCorrect: this.#unscoredCorrect,
      unscoredLabeled: this.#unscoredLabeled,
      unlabeledConfidences: this.#unlabeled,
    });
  }
}

/** The label-free accuracy estimate over these records (all of one model version and window). */
export function estimateFromRecords(records: Iterable<PredictionLog>): AccuracyEstimate {
  const collector = new AccuracyEstimateCollector();
  for (const record of records) collector.add(record);
  return collector.estimate();
}

/** What the estimate needs of the store: its records newest first, and how many its segment cache holds. */
export type EstimateSource = Pick<PredictionStore, 'newestFirst' | 'cachedRecords'>;

/**
 * The label-free estimate over the raw records of one model version's window, newest first, at
 * most ESTIMATE_SCAN_LIMIT and never more than the segment cache holds (a longer scan would read
 * its segments from disk again on every answer). A raw record that cannot be read (a damaged
 * segment, which health reports) is logged and leaves the estimate null, so the rest of the
 * performance answer stays whole.
 */
export async function estimateWindowAccuracy(
  source: EstimateSource,
  subject: { model_name: string; model_version: string; window: ResolvedWindow },
  logger: Logger,
): Promise<AccuracyEstimate> {
  const collector = new AccuracyEstimateCollector();
  const limit = Math.min(ESTIMATE_SCAN_LIMIT, source.cachedRecords);
  try {
    await scanWindowRecords(source.newestFirst({ model: subject.model_name }), { ...subject, limit }, collector.add);
  } catch (error) {
    const { model_name: model, model_version: version } = subject;
    logger.warn('no estimated accuracy: the raw records of the window could not be read', { model, version, error: describeError(error) });
    return { estimated_accuracy: null, labeled: 0, predictions: 0 };
  }
  return collector.estimate();
}

import type { PredictionLog } from '../domain/prediction.js';
import type { ScoredOutcome } from '../metrics/calibration-curve.js';
import type { AccuracyEstimate } from '../metrics/estimated-accuracy.js';
import { estimateAccuracy } from '../metrics/estimated-accuracy.js';

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

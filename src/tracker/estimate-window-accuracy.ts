import type { PredictionLog } from '../domain/prediction.js';
import { ESTIMATE_SCAN_LIMIT } from '../domain/raw-scan.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { ScoredOutcome } from '../metrics/calibration-curve.js';
import type { AccuracyEstimate } from '../metrics/estimated-accuracy.js';
import { estimateAccuracy } from '../metrics/estimated-accuracy.js';
import type { OutcomeVisitor } from '../storage/newest-outcomes.js';
import type { PredictionStore } from '../storage/prediction-store.js';
import type { ResolvedWindow } from './window.js';
import { WindowSelection } from './window-selection.js';

/** Collects a window's records into the label-free accuracy estimate's input. */
export class AccuracyEstimateCollector {
  readonly #scored: ScoredOutcome[] = [];
  readonly #unlabeled: number[] = [];
  #unscoredLabeled = 0;
  #unscoredCorrect = 0;

  /** Adds one record (unlabeled ones without a confidence cannot be estimated and are left out). */
  readonly add = (record: PredictionLog): void => {
    this.addOutcome(record.confidence, record.correct);
  };

  /** Adds one prediction's confidence (null: none) and outcome (null: unlabeled). */
  addOutcome(confidence: number | null, correct: boolean | null): void {
    if (correct === null) {
      if (confidence !== null) this.#unlabeled.push(confidence);
    } else if (confidence !== null) {
      this.#scored.push({ confidence, correct });
    } else {
      this.#unscoredLabeled += 1;
      if (correct) this.#unscoredCorrect += 1;
    }
  }

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

/** What the estimate needs of the store: one model's outcomes newest first, and how many records its segment cache holds. */
export type EstimateSource = Pick<PredictionStore, 'visitNewestOutcomes' | 'cachedRecords'>;

/**
 * The label-free estimate over the raw records of one model version's window, newest first, at
 * most ESTIMATE_SCAN_LIMIT and never more than the segment cache holds (a longer scan would read
 * its segments from disk again on every answer). It reads the records as outcome columns
 * (`visitNewestOutcomes`: the records and order of `newestFirst`, selected as `scanWindowRecords`
 * does), so thousands of parsed records are not kept for it. A raw record that cannot be read (a
 * damaged segment, which health reports) is logged and leaves the estimate null, so the rest of
 * the performance answer stays whole.
 */
export async function estimateWindowAccuracy(
  source: EstimateSource,
  subject: { model_name: string; model_version: string; window: ResolvedWindow },
  logger: Logger,
): Promise<AccuracyEstimate> {
  const collector = new AccuracyEstimateCollector();
  const limit = Math.min(ESTIMATE_SCAN_LIMIT, source.cachedRecords);
  try {
    await source.visitNewestOutcomes(subject.model_name, windowOutcomes(subject, limit, collector));
  } catch (error) {
    const { model_name: model, model_version: version } = subject;
    logger.warn('no estimated accuracy: the raw records of the window could not be read', { model, version, error: describeError(error) });
    return { estimated_accuracy: null, labeled: 0, predictions: 0 };
  }
  return collector.estimate();
}

/** A visitor adding to `collector` the outcomes `scanWindowRecords` would visit: of the version, in the window, at most `limit`. */
function windowOutcomes(subject: { model_version: string; window: ResolvedWindow }, limit: number, collector: AccuracyEstimateCollector): OutcomeVisitor {
  const { model_version } = subject;
  const selection = new WindowSelection(subject.window, limit);
  return (columns, index) => {
    if (columns.versions[columns.version[index]!] !== model_version) return true;
    const step = selection.step(columns.ms[index]!);
    if (step !== 'take') return step === 'skip';
    const confidence = columns.confidence[index]!;
    const correct = columns.correct[index]!;
    collector.addOutcome(Number.isNaN(confidence) ? null : confidence, correct === -1 ? null : correct === 1);
    return selection.took(correct !== -1);
  };
}

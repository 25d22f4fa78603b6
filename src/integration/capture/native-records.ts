import type { Logger } from '../../logging/logger.js';
import { ConflictError, NotFoundError } from '../../tracker/errors.js';
import type { NativeVerdict } from './assist-verdicts.js';
import type { NativeTracker } from './native-ports.js';

/**
 * Stores a natively captured prediction under its deterministic id. Resolves true when stored
 * now, false when that id is already stored (captured before, also before a restart).
 */
export async function storeOnce(tracker: NativeTracker, prediction: { prediction_id: string } & Record<string, unknown>): Promise<boolean> {
  try {
    await tracker.logPrediction(prediction);
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

/**
 * Labels a captured prediction with a native verdict, unless it is labeled already (an explicit
 * label from ml_feedback or the API wins). `groundTruth`, when given, is stored as the truth.
 */
export async function labelOnce(
  tracker: NativeTracker,
  predictionId: string,
  verdict: NativeVerdict,
  logger: Logger,
  groundTruth?: Record<string, unknown>,
): Promise<void> {
  const label = groundTruth ? { ground_truth: groundTruth } : { correct: verdict.correct };
  try {
    await tracker.recordGroundTruth(predictionId, { ...label, source: verdict.source }, { onlyIfUnlabeled: true });
    logger.debug('labeled a native prediction', { prediction_id: predictionId, correct: verdict.correct, source: verdict.source });
  } catch (error) {
    // Dropped by retention, or never stored (its source was switched off meanwhile): nothing to label.
    if (error instanceof NotFoundError) return;
    throw error;
  }
}

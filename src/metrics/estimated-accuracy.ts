import type { ScoredOutcome } from './calibration-curve.js';
import { fitIsotonic, predictIsotonic } from './isotonic-regression.js';

/** The fewest labeled predictions with a confidence the calibration is fitted on; fewer gives no estimate. */
export const MIN_CALIBRATION_SAMPLES = 30;

export interface AccuracyEstimateInput {
  /** Labeled predictions with a confidence: they count as they are and the calibration is fitted on them. */
  scored: readonly ScoredOutcome[];
  /** Labeled predictions without a confidence: they count as they are. */
  unscoredCorrect: number;
  unscoredLabeled: number;
  /** Confidences of the unlabeled predictions: each contributes its calibrated confidence. */
  unlabeledConfidences: readonly number[];
}

export interface AccuracyEstimate {
  /** null when fewer than MIN_CALIBRATION_SAMPLES labeled predictions have a confidence. */
  estimated_accuracy: number | null;
  /** Labeled predictions with a confidence the calibration was fitted on. */
  labeled: number;
  /** Predictions the estimate covers: every labeled one plus the unlabeled ones with a confidence. */
  predictions: number;
}

/**
 * Accuracy estimated without waiting for labels: labeled predictions count as they are (1 correct,
 * 0 not), each unlabeled prediction contributes its confidence calibrated by an isotonic
 * regression (scikit-learn's `IsotonicRegression(out_of_bounds='clip')`) of correctness on
 * confidence over the labeled predictions with a confidence; the mean over all of them. Pure.
 */
export function estimateAccuracy(input: AccuracyEstimateInput): AccuracyEstimate {
  const { scored, unscoredCorrect, unscoredLabeled, unlabeledConfidences } = input;
  const predictions = scored.length + unscoredLabeled + unlabeledConfidences.length;
  if (scored.length < MIN_CALIBRATION_SAMPLES) return { estimated_accuracy: null, labeled: scored.length, predictions };
  const fit = fitIsotonic(
    scored.map((outcome) => outcome.confidence),
    scored.map((outcome) => (outcome.correct ? 1 : 0)),
  );
  let total = unscoredCorrect;
  for (const outcome of scored) if (outcome.correct) total += 1;
  for (const confidence of unlabeledConfidences) total += predictIsotonic(fit, confidence);
  return { estimated_accuracy: total / predictions, labeled: scored.length, predictions };
}

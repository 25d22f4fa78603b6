/** One labeled prediction with a confidence: what calibration is measured on. */
export interface ScoredOutcome {
  /** The model's confidence in its (top) prediction, in [0, 1]. */
  confidence: number;
  correct: boolean;
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's predictions; null for an empty bin. */
  mean_confidence: number | null;
  /** Share of the bin's predictions that were correct; null for an empty bin. */
  accuracy: number | null;
}

export interface CalibrationCurve {
  bins: CalibrationBin[];
  /** Σ count/N · |accuracy − mean_confidence| over the non-empty bins; null when N = 0. */
  ece: number | null;
  /** mean (confidence − correct)², as scikit-learn's brier_score_loss; null when N = 0. */
  brier_score: number | null;
  /** N: the outcomes measured. */
  count: number;
}

/** The most bins a curve may have. */
export const MAX_CALIBRATION_BINS = 100;

/**
 * The edges of `bins` equal-width bins on [0, 1], as numpy's `linspace(0, 1, bins + 1)` computes
 * them: `i * (1 / bins)`, the last exactly 1.
 */
export function binEdges(bins: number): number[] {
  if (!Number.isSafeInteger(bins) || bins < 1 || bins > MAX_CALIBRATION_BINS) {
    throw new RangeError(`bins must be a whole number from 1 to ${MAX_CALIBRATION_BINS}, got ${bins}`);
  }
  const step = 1 / bins;
  const edges = Array.from({ length: bins + 1 }, (_, index) => index * step);
  edges[bins] = 1;
  return edges;
}

/**
 * The bin of `confidence` as scikit-learn's `calibration_curve(strategy='uniform')` assigns it:
 * `np.searchsorted(edges[1:-1], confidence)` (side left), i.e. how many inner edges are strictly
 * below it. Bins are right-closed — a confidence exactly on an inner edge belongs to the bin
 * below — and the first bin holds 0: [0, e1], (e1, e2], …, (e_{n-1}, 1].
 */
export function binIndex(edges: readonly number[], confidence: number): number {
  let low = 1;
  let high = edges.length - 1; // inner edges are edges[1 .. length - 2]
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (edges[middle]! < confidence) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/**
 * The reliability curve of top-label predictions: equal-width bins on [0, 1] (scikit-learn's
 * `calibration_curve(strategy='uniform')` bins, empty ones kept with null means), the expected
 * calibration error and the Brier score. Pure.
 *
 * @throws RangeError for a bin count outside 1–100 or a confidence outside [0, 1].
 */
export function calibrationCurve(outcomes: readonly ScoredOutcome[], bins: number): CalibrationCurve {
  const edges = binEdges(bins);
  const counts = new Array<number>(bins).fill(0);
  const confidenceSums = new Array<number>(bins).fill(0);
  const correctCounts = new Array<number>(bins).fill(0);
  let squaredErrors = 0;
  for (const { confidence, correct } of outcomes) {
    if (!(confidence >= 0 && confidence <= 1)) throw new RangeError(`a confidence must be in [0, 1], got ${confidence}`);
    const bin = binIndex(edges, confidence);
    counts[bin]! += 1;
    confidenceSums[bin]! += confidence;
    if (correct) correctCounts[bin]! += 1;
    const error = confidence - (correct ? 1 : 0);
    squaredErrors += error * error;
  }
  const n = outcomes.length;
  let ece = 0;
  const curve = counts.map((count, index): CalibrationBin => {
    const lower = edges[index]!;
    const upper = edges[index + 1]!;
    if (count === 0) return { lower, upper, count, mean_confidence: null, accuracy: null };
    const meanConfidence = confidenceSums[index]! / count;
    const accuracy = correctCounts[index]! / count;
    ece += (count / n) * Math.abs(accuracy - meanConfidence);
    return { lower, upper, count, mean_confidence: meanConfidence, accuracy };
  });
  return { bins: curve, ece: n > 0 ? ece : null, brier_score: n > 0 ? squaredErrors / n : null, count: n };
}

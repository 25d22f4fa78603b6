/**
 * The population stability index (PSI) between a reference and a current distribution:
 * PSI = Σ_i (c_i − r_i) · ln(c_i / r_i) over shares r_i, c_i of each bin or category, where a
 * share below PSI_FLOOR (an empty bin) counts as PSI_FLOOR so that the logarithm stays finite.
 * Rules of thumb: below 0.1 no real change, 0.1–0.25 a moderate shift, above 0.25 a large one.
 */
import { assertCount } from './assert-count.js';

/** The share an empty bin counts as (1 in 10,000). */
export const PSI_FLOOR = 1e-4;
/** Confidence bins: 10 equal-width bins on [0, 1]. */
export const CONFIDENCE_BINS = 10;

/**
 * The bin of a confidence among CONFIDENCE_BINS equal-width bins on [0, 1], right-closed as
 * scikit-learn's `calibration_curve(strategy='uniform')`: bin k holds (k/10, (k+1)/10], and bin
 * 0 also holds 0. The edges are k/10 exactly as JavaScript and numpy divide.
 */
export function confidenceBin(confidence: number): number {
  let bin = 0;
  while (bin < CONFIDENCE_BINS - 1 && confidence > (bin + 1) / CONFIDENCE_BINS) bin++;
  return bin;
}

/** Counts of confidences per bin. */
export function confidenceHistogram(confidences: readonly number[]): number[] {
  const counts = new Array<number>(CONFIDENCE_BINS).fill(0);
  for (const confidence of confidences) counts[confidenceBin(confidence)]! += 1;
  return counts;
}

/**
 * PSI of two count vectors over the same bins (same length). Null when either side has no count.
 *
 * @throws RangeError for counts that are not non-negative integers or vectors of different lengths.
 */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[]): number | null {
  if (reference.length !== current.length) throw new RangeError(`bins differ: ${reference.length} and ${current.length}`);
  reference.forEach((count) => assertCount('reference count', count));
  current.forEach((count) => assertCount('current count', count));
  const referenceTotal = reference.reduce((sum, count) => sum + count, 0);
  const currentTotal = current.reduce((sum, count) => sum + count, 0);
  if (referenceTotal === 0 || currentTotal === 0) return null;
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]! / referenceTotal, PSI_FLOOR);
    const c = Math.max(current[i]! / currentTotal, PSI_FLOOR);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/** PSI of two category → count maps over the union of their categories. */
export function categoricalStabilityIndex(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): number | null {
  const categories = [...new Set([...reference.keys(), ...current.keys()])].sort();
  return populationStabilityIndex(
    categories.map((category) => reference.get(category) ?? 0),
    categories.map((category) => current.get(category) ?? 0),
  );
}

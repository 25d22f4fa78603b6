import type { CalibrationBin } from '../domain/calibration.js';
import type { PredictionLog } from '../domain/prediction.js';

/** Formatting and geometry of the monitoring card. Pure: no DOM. */

/** What slices can be asked by: the context keys of these predictions (most used first), then `model_version`. */
export function sliceKeys(predictions: readonly Pick<PredictionLog, 'context'>[]): string[] {
  const uses = new Map<string, number>();
  for (const prediction of predictions) {
    for (const key of Object.keys(prediction.context ?? {})) uses.set(key, (uses.get(key) ?? 0) + 1);
  }
  const keys = [...uses].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key]) => `context.${key}`);
  return [...keys, 'model_version'];
}

/** A p-value as `p = 0.043` or `p < 0.001`; `—` when there is none. */
export function pText(p: number | null | undefined): string {
  if (p === null || p === undefined) return '—';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** A plain number with `digits` decimals, or `—`. */
export function decimal(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '—' : value.toFixed(digits);
}

/** How a PSI is read: below 0.1 no real change, 0.1–0.25 moderate, above 0.25 large. */
export function psiWord(psi: number | null | undefined): string {
  if (psi === null || psi === undefined) return '';
  return psi < 0.1 ? 'no real change' : psi <= 0.25 ? 'moderate shift' : 'large shift';
}

/** A bar of the reliability diagram, in a unit square (y up): the bin's width, its accuracy as height, its mean confidence as a dot. */
export interface ReliabilityBar {
  x: number;
  width: number;
  height: number;
  dot: number;
  count: number;
}

/** The non-empty bins as bars. */
export function reliabilityBars(bins: readonly CalibrationBin[]): ReliabilityBar[] {
  return bins
    .filter((bin) => bin.count > 0 && bin.accuracy !== null && bin.mean_confidence !== null)
    .map((bin) => ({ x: bin.lower, width: bin.upper - bin.lower, height: bin.accuracy!, dot: bin.mean_confidence!, count: bin.count }));
}

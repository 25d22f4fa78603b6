import { assertSuccesses } from './assert-count.js';

/** z of a two-sided 95 % interval: the standard normal quantile at 0.975. */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion `successes / n` (same formula as statsmodels'
 * `proportion_confint(method='wilson')`), clamped to [0, 1]; exactly 0 (1) at 0 (n) successes.
 * `z` is the standard normal quantile of the wanted confidence (95 % by default). null when n is 0.
 *
 * @throws RangeError for counts that are not non-negative integers, successes > n, or z <= 0.
 */
export function wilsonInterval(
  successes: number,
  n: number,
  z: number = Z_95,
): { lower: number; upper: number } | null {
  assertSuccesses(successes, n);
  if (!(z > 0 && Number.isFinite(z))) throw new RangeError(`z must be a positive number, got ${z}`);
  if (n === 0) return null;

  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0 and n successes the bound is exactly 0 or 1; say so rather than a rounding error away.
  return {
    lower: successes === 0 ? 0 : clampToUnit(center - halfWidth),
    upper: successes === n ? 1 : clampToUnit(center + halfWidth),
  };
}

function clampToUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/**
 * Hypothesis tests for comparing two models' accuracy, and the sample size needed to see a
 * difference. Results match statsmodels' `proportions_ztest` and `mcnemar`.
 */
import { assertCount, assertSuccesses } from './assert-count.js';
import { normalCdf, normalQuantile } from './normal-distribution.js';

export { normalCdf, normalQuantile } from './normal-distribution.js';

/** Below this many discordant pairs McNemar's test uses the exact binomial distribution. */
const MCNEMAR_EXACT_BELOW = 25;

/**
 * Two-sided pooled two-proportion z test of H0 p1 === p2, with p1 = x1/n1 and p2 = x2/n2.
 * `statistic` is z (positive when p1 > p2). When the pooled variance is 0 (all successes or all
 * failures) or a sample is empty there is no evidence either way: `{ statistic: 0, p_value: 1 }`.
 *
 * @throws RangeError for counts that are not non-negative integers or successes above their n.
 */
export function twoProportionZTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { statistic: number; p_value: number } {
  assertSuccesses(x1, n1);
  assertSuccesses(x2, n2);
  if (n1 === 0 || n2 === 0) return { statistic: 0, p_value: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance === 0) return { statistic: 0, p_value: 1 };
  const statistic = (x1 / n1 - x2 / n2) / Math.sqrt(variance);
  return { statistic, p_value: Math.min(1, 2 * normalCdf(-Math.abs(statistic))) };
}

/**
 * McNemar's test on the discordant counts of two models scored on the same items:
 * b = items model A got right and B wrong, c = items A got wrong and B right.
 * b + c < 25: exact two-sided binomial test (statistic min(b, c)); otherwise chi-square with
 * continuity correction, (|b - c| - 1)^2 / (b + c) on 1 degree of freedom. b + c === 0: p_value 1.
 *
 * @throws RangeError for counts that are not non-negative integers.
 */
export function mcnemarTest(
  b: number,
  c: number,
): { method: 'mcnemar_exact' | 'mcnemar_chi2'; statistic: number; p_value: number } {
  assertCount('b', b);
  assertCount('c', c);
  const discordant = b + c;
  if (discordant < MCNEMAR_EXACT_BELOW) {
    const statistic = Math.min(b, c);
    const p_value = discordant === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(statistic, discordant));
    return { method: 'mcnemar_exact', statistic, p_value };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / discordant;
  return { method: 'mcnemar_chi2', statistic, p_value: chiSquare1Survival(statistic) };
}

/**
 * Per-group sample size for a two-sided two-proportion z test at level `alpha` to detect p1 vs p2
 * with probability `power`:
 * n = (z_{1-alpha/2} sqrt(2 pbar qbar) + z_{power} sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2, rounded up,
 * where pbar = (p1 + p2) / 2 and q = 1 - p. null when p1 === p2 (no difference to detect).
 *
 * @throws RangeError for proportions outside [0, 1] or alpha, power outside (0, 1).
 */
export function requiredSampleSize(p1: number, p2: number, alpha = 0.05, power = 0.8): number | null {
  assertInRange('p1', p1, 0, 1, true);
  assertInRange('p2', p2, 0, 1, true);
  assertInRange('alpha', alpha, 0, 1, false);
  assertInRange('power', power, 0, 1, false);
  if (p1 === p2) return null;
  const pBar = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zPower = normalQuantile(power);
  const spread =
    zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil(spread ** 2 / (p1 - p2) ** 2);
}

/** P(X > x) for X chi-square distributed with 1 degree of freedom: 2 * P(Z < -sqrt(x)). */
function chiSquare1Survival(x: number): number {
  return Math.min(1, 2 * normalCdf(-Math.sqrt(x)));
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed exactly (integers) for small n. */
function binomialHalfCdf(k: number, n: number): number {
  let coefficient = 1; // C(n, i)
  let total = 0;
  for (let i = 0; i <= k; i++) {
    total += coefficient;
    coefficient = (coefficient * (n - i)) / (i + 1);
  }
  return total / 2 ** n;
}

function assertInRange(what: string, value: number, low: number, high: number, inclusive: boolean): void {
  const inside = inclusive ? value >= low && value <= high : value > low && value < high;
  if (!inside) {
    const bounds = inclusive ? `[${low}, ${high}]` : `(${low}, ${high})`;
    throw new RangeError(`${what} must be in ${bounds}, got ${value}`);
  }
}

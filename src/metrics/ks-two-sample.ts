import { kolmogorovSurvival } from './kolmogorov-distribution.js';

/**
 * The two-sample Kolmogorov–Smirnov test, two-sided, as scipy's `ks_2samp(a, b,
 * method='asymp')`: the statistic is the largest distance between the two empirical CDFs
 * (evaluated at every value, right-continuous, so ties are handled as scipy does); the p-value is
 * `kstwo.sf(statistic, round(m·n / (m + n)))` with m ≥ n the sample sizes, rounded half to even
 * as numpy rounds. Null when a sample is empty.
 */
export function ksTwoSample(a: readonly number[], b: readonly number[]): { statistic: number; p_value: number } | null {
  if (a.length === 0 || b.length === 0) return null;
  const first = Float64Array.from(a).sort();
  const second = Float64Array.from(b).sort();
  const n1 = first.length;
  const n2 = second.length;
  let i = 0;
  let j = 0;
  let statistic = 0;
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && first[i]! <= second[j]!) ? first[i]! : second[j]!;
    while (i < n1 && first[i]! <= value) i++;
    while (j < n2 && second[j]! <= value) j++;
    const distance = Math.abs(i / n1 - j / n2);
    if (distance > statistic) statistic = distance;
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const effective = roundHalfEven((m * n) / (m + n));
  return { statistic, p_value: kolmogorovSurvival(effective, statistic) };
}

/** Rounds to the nearest whole number, ties to even (numpy's `round`). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

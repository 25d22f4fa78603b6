/**
 * Pearson's chi-square test of homogeneity on a 2×K table (two windows × K categories), without
 * continuity correction: equal to scipy's `chi2_contingency(table, correction=False)`.
 */
import { assertCount } from './assert-count.js';
import { chiSquareSurvival } from './gamma-functions.js';

/**
 * Categories with no count in either row are left out (they carry no information). Null when a
 * row is empty or fewer than two categories remain (K − 1 = 0 degrees of freedom: nothing to test).
 *
 * @throws RangeError for counts that are not non-negative integers or rows of different lengths.
 */
export function chiSquareHomogeneity(
  first: readonly number[],
  second: readonly number[],
): { statistic: number; p_value: number; degrees_of_freedom: number } | null {
  if (first.length !== second.length) throw new RangeError(`rows differ in length: ${first.length} and ${second.length}`);
  first.forEach((count) => assertCount('count', count));
  second.forEach((count) => assertCount('count', count));
  const columns = first.map((count, i) => [count, second[i]!] as const).filter(([a, b]) => a + b > 0);
  const firstTotal = columns.reduce((sum, [a]) => sum + a, 0);
  const secondTotal = columns.reduce((sum, [, b]) => sum + b, 0);
  if (firstTotal === 0 || secondTotal === 0 || columns.length < 2) return null;
  const total = firstTotal + secondTotal;
  let statistic = 0;
  for (const [a, b] of columns) {
    const columnTotal = a + b;
    const expectedFirst = (firstTotal * columnTotal) / total;
    const expectedSecond = (secondTotal * columnTotal) / total;
    statistic += (a - expectedFirst) ** 2 / expectedFirst + (b - expectedSecond) ** 2 / expectedSecond;
  }
  const degrees_of_freedom = columns.length - 1;
  return { statistic, p_value: chiSquareSurvival(statistic, degrees_of_freedom), degrees_of_freedom };
}

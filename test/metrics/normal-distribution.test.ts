/** normalCdf / normalQuantile against scipy.stats.norm and mpmath. Fixtures: test/fixtures/sklearn/README.md. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normalCdf, normalQuantile } from '../../src/metrics/normal-distribution.js';

const TOLERANCE = 1e-9;

const fixture = z
  .object({
    normal_cdf: z.array(z.object({ x: z.number(), cdf: z.number(), sf: z.number() })).min(40),
    normal_tail: z.array(z.object({ x: z.number(), cdf: z.number().positive() })).min(10),
    normal_quantile: z.array(z.object({ p: z.number(), x: z.number() })).min(40),
  })
  .parse(JSON.parse(readFileSync(new URL('../fixtures/sklearn/statistics.json', import.meta.url), 'utf8')));

function expectNear(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: got ${actual}, reference ${expected}`).toBeLessThanOrEqual(TOLERANCE);
}

describe('normalCdf', () => {
  it.each(fixture.normal_cdf)('matches scipy norm.cdf and norm.sf at x = $x', ({ x, cdf, sf }) => {
    expectNear(normalCdf(x), cdf, 'cdf');
    expectNear(normalCdf(-x), sf, 'sf');
  });

  it.each(fixture.normal_tail)('keeps full relative precision in the lower tail at x = $x (mpmath)', ({ x, cdf }) => {
    expect(Math.abs(normalCdf(x) - cdf) / cdf).toBeLessThanOrEqual(1e-14);
  });

  it('handles the extremes', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});

describe('normalQuantile', () => {
  it.each(fixture.normal_quantile)('matches scipy norm.ppf at p = $p', ({ p, x }) => {
    const actual = normalQuantile(p);
    expectNear(actual, x, 'ppf');
    // After the Halley step the relative error is at rounding level, also far out in the tails.
    expect(Math.abs(actual - x)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(x)));
  });

  it('inverts normalCdf in the lower tail and is antisymmetric', () => {
    for (let x = -37; x <= 0; x += 0.37) {
      expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThanOrEqual(1e-13 * Math.max(1, -x));
    }
    for (let p = 0.5; p < 1; p += 0.0123) {
      // 1 - p is exact for p >= 0.5, so both sides see the same probability.
      expect(normalQuantile(1 - p) + normalQuantile(p)).toBe(0);
    }
  });

  it('gives infinities at 0 and 1 and NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(0.5)).toBe(0);
    for (const p of [-0.1, 1.1, Number.NaN]) expect(normalQuantile(p)).toBeNaN();
  });
});

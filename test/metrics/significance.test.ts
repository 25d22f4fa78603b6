/**
 * twoProportionZTest, mcnemarTest and requiredSampleSize against statsmodels (proportions_ztest,
 * mcnemar) and the sample-size formula evaluated with scipy. Fixtures: test/fixtures/sklearn/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  mcnemarTest,
  normalCdf,
  normalQuantile,
  requiredSampleSize,
  twoProportionZTest,
} from '../../src/metrics/significance.js';

const TOLERANCE = 1e-9;
const Count = z.number().int().nonnegative();

const fixture = z
  .object({
    two_proportion_z_test: z
      .array(z.object({ x1: Count, n1: Count, x2: Count, n2: Count, statistic: z.number(), p_value: z.number() }))
      .min(30),
    mcnemar: z
      .array(
        z.object({
          b: Count,
          c: Count,
          method: z.enum(['mcnemar_exact', 'mcnemar_chi2']),
          statistic: z.number(),
          p_value: z.number(),
        }),
      )
      .min(30),
    sample_size: z
      .array(
        z.object({
          p1: z.number(),
          p2: z.number(),
          alpha: z.number(),
          power: z.number(),
          unrounded: z.number(),
          n: z.number().int(),
        }),
      )
      .min(30),
  })
  .parse(JSON.parse(readFileSync(new URL('../fixtures/sklearn/statistics.json', import.meta.url), 'utf8')));

function expectNear(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: got ${actual}, reference ${expected}`).toBeLessThanOrEqual(TOLERANCE);
}

describe('significance re-exports the normal distribution', () => {
  it('has normalCdf and normalQuantile', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
  });
});

describe('twoProportionZTest', () => {
  it.each(fixture.two_proportion_z_test)(
    'matches statsmodels proportions_ztest for $x1/$n1 vs $x2/$n2',
    ({ x1, n1, x2, n2, statistic, p_value }) => {
      const result = twoProportionZTest(x1, n1, x2, n2);
      expectNear(result.statistic, statistic, 'statistic');
      expectNear(result.p_value, p_value, 'p_value');
    },
  );

  it('gives statistic 0 and p 1 when the pooled variance is 0 or a sample is empty', () => {
    expect(twoProportionZTest(0, 10, 0, 20)).toEqual({ statistic: 0, p_value: 1 });
    expect(twoProportionZTest(10, 10, 20, 20)).toEqual({ statistic: 0, p_value: 1 });
    expect(twoProportionZTest(0, 0, 3, 5)).toEqual({ statistic: 0, p_value: 1 });
    expect(twoProportionZTest(3, 5, 0, 0)).toEqual({ statistic: 0, p_value: 1 });
  });

  it('is antisymmetric in the two samples', () => {
    const forward = twoProportionZTest(40, 50, 30, 50);
    const backward = twoProportionZTest(30, 50, 40, 50);
    expect(forward.statistic).toBeGreaterThan(0);
    expect(backward.statistic).toBe(-forward.statistic);
    expect(backward.p_value).toBe(forward.p_value);
  });

  it('rejects impossible counts', () => {
    expect(() => twoProportionZTest(6, 5, 1, 5)).toThrow(RangeError);
    expect(() => twoProportionZTest(1, 5, -1, 5)).toThrow(RangeError);
    expect(() => twoProportionZTest(1.5, 5, 1, 5)).toThrow(RangeError);
  });
});

describe('mcnemarTest', () => {
  it.each(fixture.mcnemar)(
    'matches statsmodels mcnemar for b = $b, c = $c ($method)',
    ({ b, c, method, statistic, p_value }) => {
      const result = mcnemarTest(b, c);
      expect(result.method).toBe(method);
      expectNear(result.statistic, statistic, 'statistic');
      expectNear(result.p_value, p_value, 'p_value');
    },
  );

  it('switches to chi-square at 25 discordant pairs', () => {
    expect(mcnemarTest(12, 12).method).toBe('mcnemar_exact');
    expect(mcnemarTest(13, 12).method).toBe('mcnemar_chi2');
  });

  it('gives p 1 without discordant pairs', () => {
    expect(mcnemarTest(0, 0)).toEqual({ method: 'mcnemar_exact', statistic: 0, p_value: 1 });
  });

  it('computes small exact p-values by hand', () => {
    // 2 * P(X <= 0) for X ~ Binomial(5, 1/2) = 2 / 32.
    expect(mcnemarTest(5, 0)).toEqual({ method: 'mcnemar_exact', statistic: 0, p_value: 1 / 16 });
    // 2 * P(X <= 1) for X ~ Binomial(6, 1/2) = 2 * 7 / 64.
    expect(mcnemarTest(1, 5)).toEqual({ method: 'mcnemar_exact', statistic: 1, p_value: 14 / 64 });
  });

  it('rejects counts that are not non-negative integers', () => {
    expect(() => mcnemarTest(-1, 3)).toThrow(RangeError);
    expect(() => mcnemarTest(1, 2.5)).toThrow(RangeError);
  });
});

describe('requiredSampleSize', () => {
  it.each(fixture.sample_size)(
    'matches the formula for $p1 vs $p2 at alpha $alpha, power $power',
    ({ p1, p2, alpha, power, unrounded, n }) => {
      expect(requiredSampleSize(p1, p2, alpha, power)).toBe(n);
      expect(n).toBe(Math.ceil(unrounded));
    },
  );

  it('defaults to alpha 0.05 and power 0.8', () => {
    const standard = fixture.sample_size.find((row) => row.alpha === 0.05 && row.power === 0.8);
    expect(standard).toBeDefined();
    if (standard !== undefined) expect(requiredSampleSize(standard.p1, standard.p2)).toBe(standard.n);
  });

  it('is null when there is no difference to detect', () => {
    expect(requiredSampleSize(0.8, 0.8)).toBeNull();
  });

  it('rejects parameters out of range', () => {
    expect(() => requiredSampleSize(-0.1, 0.5)).toThrow(RangeError);
    expect(() => requiredSampleSize(0.5, 1.1)).toThrow(RangeError);
    expect(() => requiredSampleSize(0.5, 0.6, 0)).toThrow(RangeError);
    expect(() => requiredSampleSize(0.5, 0.6, 0.05, 1)).toThrow(RangeError);
  });
});

/**
 * wilsonInterval against statsmodels' proportion_confint(method='wilson').
 * Fixtures: test/fixtures/sklearn/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { wilsonInterval, Z_95 } from '../../src/metrics/wilson-interval.js';

const TOLERANCE = 1e-9;

const fixture = z
  .object({
    wilson: z
      .array(
        z.object({
          successes: z.number().int(),
          n: z.number().int(),
          alpha: z.number(),
          z: z.number(),
          lower: z.number(),
          upper: z.number(),
        }),
      )
      .min(30),
  })
  .parse(JSON.parse(readFileSync(new URL('../fixtures/sklearn/statistics.json', import.meta.url), 'utf8')));

describe('wilsonInterval', () => {
  it.each(fixture.wilson)(
    'matches statsmodels for $successes / $n at alpha $alpha',
    ({ successes, n, z, lower, upper }) => {
      const interval = wilsonInterval(successes, n, z);
      expect(interval).not.toBeNull();
      expect(Math.abs((interval?.lower ?? Number.NaN) - lower)).toBeLessThanOrEqual(TOLERANCE);
      expect(Math.abs((interval?.upper ?? Number.NaN) - upper)).toBeLessThanOrEqual(TOLERANCE);
    },
  );

  it('defaults to 95 %', () => {
    const at95 = fixture.wilson.filter((row) => row.alpha === 0.05);
    expect(at95.length).toBeGreaterThan(5);
    for (const { successes, n, z, lower, upper } of at95) {
      // statsmodels' z is norm.isf(0.025), one unit in the last place above norm.ppf(0.975).
      expect(Math.abs(Z_95 - z)).toBeLessThan(1e-15);
      const interval = wilsonInterval(successes, n);
      expect(Math.abs((interval?.lower ?? Number.NaN) - lower)).toBeLessThanOrEqual(TOLERANCE);
      expect(Math.abs((interval?.upper ?? Number.NaN) - upper)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('is null without observations and stays inside [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    for (const [successes, n] of [[0, 1], [1, 1], [0, 100000], [100000, 100000]] as const) {
      const interval = wilsonInterval(successes, n);
      expect(interval?.lower).toBeGreaterThanOrEqual(0);
      expect(interval?.upper).toBeLessThanOrEqual(1);
    }
    expect(wilsonInterval(0, 10)?.lower).toBe(0);
    expect(wilsonInterval(10, 10)?.upper).toBe(1);
  });

  it('rejects impossible counts and a non-positive z', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(0.5, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2, 0)).toThrow(RangeError);
  });
});

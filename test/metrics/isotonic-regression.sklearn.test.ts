/**
 * fitIsotonic / predictIsotonic against scikit-learn's IsotonicRegression(out_of_bounds='clip')
 * (thresholds and predictions, 1e-9). Fixtures: test/fixtures/sklearn/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fitIsotonic, predictIsotonic } from '../../src/metrics/isotonic-regression.js';

const TOLERANCE = 1e-9;

const CaseSchema = z.object({
  name: z.string(),
  x: z.array(z.number()),
  y: z.array(z.number()),
  x_thresholds: z.array(z.number()),
  y_thresholds: z.array(z.number()),
  t: z.array(z.number()),
  predictions: z.array(z.number()),
});

const fixture = z
  .object({ isotonic: z.array(CaseSchema).min(10) })
  .parse(JSON.parse(readFileSync(new URL('../fixtures/sklearn/calibration.json', import.meta.url), 'utf8')));

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThanOrEqual(TOLERANCE));
}

describe('isotonic regression against scikit-learn', () => {
  for (const entry of fixture.isotonic) {
    it(entry.name, () => {
      const fit = fitIsotonic(entry.x, entry.y);
      expect(fit.xThresholds).toEqual(entry.x_thresholds);
      expectClose(fit.yThresholds, entry.y_thresholds);
      expectClose(
        entry.t.map((t) => predictIsotonic(fit, t)),
        entry.predictions,
      );
    });
  }
});

describe('fitIsotonic', () => {
  it('refuses empty, unequal or non-finite input', () => {
    expect(() => fitIsotonic([], [])).toThrow(RangeError);
    expect(() => fitIsotonic([0.1], [1, 0])).toThrow(/as long/);
    expect(() => fitIsotonic([Number.NaN], [1])).toThrow(/not finite/);
  });

  it('is non-decreasing and clips outside the fitted range', () => {
    const fit = fitIsotonic([0.2, 0.4, 0.6, 0.8], [0, 1, 0, 1]);
    expect(fit.yThresholds).toEqual([0, 0.5, 0.5, 1]);
    expect(predictIsotonic(fit, 0)).toBe(0);
    expect(predictIsotonic(fit, 1)).toBe(1);
    expect(predictIsotonic(fit, 0.3)).toBeCloseTo(0.25, 15);
  });
});

/**
 * The drift statistics against scipy and River on test/fixtures/reference/drift.json
 * (tools/generate-drift-fixtures.py; see test/fixtures/reference/README.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { adwinChanges } from '../../src/metrics/adwin.js';
import { chiSquareHomogeneity } from '../../src/metrics/chi-square-homogeneity.js';
import { chiSquareSurvival } from '../../src/metrics/gamma-functions.js';
import { kolmogorovSurvival } from '../../src/metrics/kolmogorov-distribution.js';
import { ksTwoSample } from '../../src/metrics/ks-two-sample.js';
import { PSI_FLOOR, categoricalStabilityIndex, confidenceHistogram, populationStabilityIndex } from '../../src/metrics/population-stability.js';

const Count = z.number().int().nonnegative();
const Change = z.object({ index: Count, before: z.number(), after: z.number(), dropped: Count, kept: Count });
const fixture = z
  .object({
    psi_floor: z.number(),
    ks_2samp_asymp: z.array(z.object({ a: z.array(z.number()), b: z.array(z.number()), statistic: z.number(), p_value: z.number() })).min(50),
    kstwo_sf: z.array(z.object({ n: Count, x: z.number(), sf: z.number() })).min(300),
    chi2_contingency: z
      .array(z.object({ first: z.array(Count), second: z.array(Count), statistic: z.number(), p_value: z.number(), degrees_of_freedom: Count }))
      .min(30),
    chi2_sf: z.array(z.object({ x: z.number(), dof: Count, sf: z.number() })).min(100),
    psi: z
      .array(
        z.union([
          z.object({ reference: z.array(z.number()), current: z.array(z.number()), reference_counts: z.array(Count), current_counts: z.array(Count), psi: z.number() }),
          z.object({ reference_labels: z.record(z.string(), Count), current_labels: z.record(z.string(), Count), psi: z.number() }),
        ]),
      )
      .min(30),
    adwin: z.array(z.object({ name: z.string(), values: z.array(z.number()), changes: z.array(Change), final_width: Count, final_estimation: z.number() })).min(8),
  })
  .parse(JSON.parse(readFileSync(new URL('../fixtures/reference/drift.json', import.meta.url), 'utf8')));

describe('ksTwoSample equals scipy ks_2samp(method="asymp")', () => {
  it.each(fixture.ks_2samp_asymp.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const result = ksTwoSample(c.a, c.b);
    expect(result).not.toBeNull();
    expect(Math.abs(result!.statistic - c.statistic)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(result!.p_value - c.p_value)).toBeLessThanOrEqual(1e-6);
  });

  it('is null when a sample is empty', () => {
    expect(ksTwoSample([], [0.5])).toBeNull();
    expect(ksTwoSample([0.5], [])).toBeNull();
  });
});

describe('kolmogorovSurvival equals scipy kstwo.sf', () => {
  it.each(fixture.kstwo_sf.map((c) => [c.n, c.x, c.sf] as const))('n=%i x=%d', (n, x, sf) => {
    expect(Math.abs(kolmogorovSurvival(n, x) - sf)).toBeLessThanOrEqual(1e-6);
  });
});

describe('chi-square', () => {
  it.each(fixture.chi2_sf.map((c) => [c.x, c.dof, c.sf] as const))('chi2.sf(%d, %i)', (x, dof, sf) => {
    expect(Math.abs(chiSquareSurvival(x, dof) - sf)).toBeLessThanOrEqual(1e-9);
  });

  it.each(fixture.chi2_contingency.map((c, i) => [i, c] as const))('chi2_contingency(correction=False) case %i', (_i, c) => {
    const result = chiSquareHomogeneity(c.first, c.second);
    expect(result).not.toBeNull();
    expect(Math.abs(result!.statistic - c.statistic)).toBeLessThanOrEqual(1e-9 * Math.max(1, c.statistic));
    expect(Math.abs(result!.p_value - c.p_value)).toBeLessThanOrEqual(1e-9);
    expect(result!.degrees_of_freedom).toBe(c.degrees_of_freedom);
  });

  it('is null with one category or an empty row', () => {
    expect(chiSquareHomogeneity([3, 0], [5, 0])).toBeNull();
    expect(chiSquareHomogeneity([0, 0], [5, 1])).toBeNull();
  });
});

describe('population stability index', () => {
  it('uses the documented floor', () => {
    expect(PSI_FLOOR).toBe(fixture.psi_floor);
  });

  it.each(fixture.psi.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    if ('reference' in c) {
      expect(confidenceHistogram(c.reference)).toEqual(c.reference_counts);
      expect(confidenceHistogram(c.current)).toEqual(c.current_counts);
      expect(Math.abs(populationStabilityIndex(c.reference_counts, c.current_counts)! - c.psi)).toBeLessThanOrEqual(1e-9);
    } else {
      const psi = categoricalStabilityIndex(new Map(Object.entries(c.reference_labels)), new Map(Object.entries(c.current_labels)));
      expect(Math.abs(psi! - c.psi)).toBeLessThanOrEqual(1e-9);
    }
  });

  it('is 0 for equal distributions and null for an empty side', () => {
    expect(populationStabilityIndex([1, 2, 3], [2, 4, 6])).toBeCloseTo(0, 15);
    expect(populationStabilityIndex([0, 0], [1, 1])).toBeNull();
  });
});

describe('ADWIN equals River 0.26 drift.ADWIN()', () => {
  it.each(fixture.adwin.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const changes = adwinChanges(c.values);
    expect(changes.map((change) => change.index)).toEqual(c.changes.map((change) => change.index));
    changes.forEach((change, i) => {
      const expected = c.changes[i]!;
      expect(change.dropped).toBe(expected.dropped);
      expect(change.kept).toBe(expected.kept);
      expect(Math.abs(change.before - expected.before)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(change.after - expected.after)).toBeLessThanOrEqual(1e-9);
    });
  });
});

/**
 * calibrationCurve against scikit-learn's calibration_curve(strategy='uniform') bins,
 * brier_score_loss and the expected calibration error over the same bins (1e-9).
 * Fixtures: test/fixtures/sklearn/README.md (tools/generate-calibration-fixtures.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { binEdges, binIndex, calibrationCurve } from '../../src/metrics/calibration-curve.js';

const TOLERANCE = 1e-9;

const CurveSchema = z.object({
  name: z.string(),
  n_bins: z.number().int().positive(),
  y_true: z.array(z.union([z.literal(0), z.literal(1)])),
  y_prob: z.array(z.number().min(0).max(1)),
  bin_ids: z.array(z.number().int().nonnegative()),
  counts: z.array(z.number().int().nonnegative()),
  prob_true: z.array(z.number()),
  prob_pred: z.array(z.number()),
  brier_score: z.number(),
  ece: z.number(),
});

const fixture = z
  .object({ curves: z.array(CurveSchema).min(20) })
  .parse(JSON.parse(readFileSync(new URL('../fixtures/sklearn/calibration.json', import.meta.url), 'utf8')));

describe('calibrationCurve against scikit-learn', () => {
  it('covers confidences exactly on the edges 0, 0.1, 0.3 and 1.0', () => {
    const probs = new Set(fixture.curves.flatMap((curve) => curve.y_prob));
    for (const edge of [0, 0.1, 0.3, 1]) expect(probs.has(edge)).toBe(true);
  });

  for (const curve of fixture.curves) {
    it(curve.name, () => {
      const edges = binEdges(curve.n_bins);
      expect(curve.y_prob.map((confidence) => binIndex(edges, confidence))).toEqual(curve.bin_ids);

      const outcomes = curve.y_prob.map((confidence, index) => ({ confidence, correct: curve.y_true[index] === 1 }));
      const result = calibrationCurve(outcomes, curve.n_bins);
      expect(result.count).toBe(curve.y_prob.length);
      expect(result.bins.map((bin) => bin.count)).toEqual(curve.counts);
      const nonEmpty = result.bins.filter((bin) => bin.count > 0);
      expect(nonEmpty).toHaveLength(curve.prob_true.length);
      nonEmpty.forEach((bin, index) => {
        expect(Math.abs(bin.accuracy! - curve.prob_true[index]!)).toBeLessThanOrEqual(TOLERANCE);
        expect(Math.abs(bin.mean_confidence! - curve.prob_pred[index]!)).toBeLessThanOrEqual(TOLERANCE);
      });
      for (const bin of result.bins.filter((entry) => entry.count === 0)) {
        expect(bin.accuracy).toBeNull();
        expect(bin.mean_confidence).toBeNull();
      }
      expect(Math.abs(result.brier_score! - curve.brier_score)).toBeLessThanOrEqual(TOLERANCE);
      expect(Math.abs(result.ece! - curve.ece)).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});

describe('calibrationCurve', () => {
  it('gives equal-width bins on [0, 1] whose edges are numpy linspace values', () => {
    const { bins } = calibrationCurve([], 10);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.1, count: 0, mean_confidence: null, accuracy: null });
    expect(bins[2]!.upper).toBe(3 * 0.1); // 0.30000000000000004, as np.linspace(0, 1, 11)[3]
    expect(bins[9]!.upper).toBe(1);
  });

  it('has no ECE or Brier score without outcomes', () => {
    const result = calibrationCurve([], 5);
    expect(result.ece).toBeNull();
    expect(result.brier_score).toBeNull();
    expect(result.count).toBe(0);
  });

  it('is perfectly calibrated when each bin is right as often as it is confident', () => {
    const outcomes = [
      { confidence: 0.75, correct: true },
      { confidence: 0.75, correct: true },
      { confidence: 0.75, correct: true },
      { confidence: 0.75, correct: false },
    ];
    expect(calibrationCurve(outcomes, 10).ece).toBeCloseTo(0, 15);
    expect(calibrationCurve(outcomes, 10).brier_score).toBeCloseTo((3 * 0.0625 + 0.5625) / 4, 15);
  });

  it('refuses bin counts outside 1–100 and confidences outside [0, 1]', () => {
    expect(() => calibrationCurve([], 0)).toThrow(RangeError);
    expect(() => calibrationCurve([], 101)).toThrow(RangeError);
    expect(() => calibrationCurve([], 2.5)).toThrow(RangeError);
    expect(() => calibrationCurve([{ confidence: 1.5, correct: true }], 10)).toThrow(/\[0, 1\]/);
    expect(() => calibrationCurve([{ confidence: Number.NaN, correct: true }], 10)).toThrow(RangeError);
  });
});

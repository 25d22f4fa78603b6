import { describe, expect, it } from 'vitest';
import { estimateAccuracy, MIN_CALIBRATION_SAMPLES } from '../../src/metrics/estimated-accuracy.js';
import { seededRandom } from '../support/seeded-random.js';

/** A model whose confidence is the true chance of being right: confidences uniform in [low, 1]. */
function simulate(seed: number, count: number, low: number, skew = 1): { confidence: number; correct: boolean }[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const confidence = low + (1 - low) * random();
    return { confidence, correct: random() < confidence ** skew };
  });
}

describe('estimateAccuracy', () => {
  it('lands within a few points of the truth on a well-calibrated model (300 labeled, 300 unlabeled)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const labeled = simulate(seed, 300, 0.4);
      const unlabeled = simulate(seed + 100, 300, 0.4);
      const truth = [...labeled, ...unlabeled].filter((outcome) => outcome.correct).length / 600;
      const estimate = estimateAccuracy({
        scored: labeled,
        unscoredCorrect: 0,
        unscoredLabeled: 0,
        unlabeledConfidences: unlabeled.map((outcome) => outcome.confidence),
      });
      expect(estimate.labeled).toBe(300);
      expect(estimate.predictions).toBe(600);
      expect(Math.abs(estimate.estimated_accuracy! - truth)).toBeLessThan(0.04);
    }
  });

  it('corrects an over-confident model instead of trusting its confidence', () => {
    // Right with probability confidence³: the mean confidence overstates accuracy by ~20 points.
    const labeled = simulate(7, 300, 0.5, 3);
    const unlabeled = simulate(8, 300, 0.5, 3);
    const truth = [...labeled, ...unlabeled].filter((outcome) => outcome.correct).length / 600;
    const meanConfidence = unlabeled.reduce((sum, outcome) => sum + outcome.confidence, 0) / 300;
    const estimate = estimateAccuracy({ scored: labeled, unscoredCorrect: 0, unscoredLabeled: 0, unlabeledConfidences: unlabeled.map((o) => o.confidence) });
    expect(meanConfidence - truth).toBeGreaterThan(0.15);
    expect(Math.abs(estimate.estimated_accuracy! - truth)).toBeLessThan(0.05);
  });

  it('counts labeled predictions as they are, with or without a confidence', () => {
    const scored = Array.from({ length: MIN_CALIBRATION_SAMPLES }, (_, index) => ({ confidence: 0.9, correct: index % 3 !== 0 }));
    const estimate = estimateAccuracy({ scored, unscoredCorrect: 5, unscoredLabeled: 10, unlabeledConfidences: [] });
    expect(estimate.estimated_accuracy).toBeCloseTo((20 + 5) / 40, 15);
    expect(estimate.predictions).toBe(40);
  });

  it('gives each unlabeled prediction the calibrated confidence (clipped to the fitted range)', () => {
    const scored = Array.from({ length: 40 }, (_, index) => ({ confidence: index < 20 ? 0.6 : 0.9, correct: index < 20 ? index % 2 === 0 : true }));
    // Fitted: 0.6 → 0.5, 0.9 → 1; 0.75 interpolates to 0.75, 0.2 clips to 0.5, 1.0 clips to 1.
    const estimate = estimateAccuracy({ scored, unscoredCorrect: 0, unscoredLabeled: 0, unlabeledConfidences: [0.75, 0.2, 1] });
    expect(estimate.estimated_accuracy).toBeCloseTo((30 + 0.75 + 0.5 + 1) / 43, 12);
  });

  it('gives no estimate with fewer than the minimum of labeled predictions with a confidence', () => {
    const scored = simulate(9, MIN_CALIBRATION_SAMPLES - 1, 0.5);
    const estimate = estimateAccuracy({ scored, unscoredCorrect: 50, unscoredLabeled: 60, unlabeledConfidences: [0.9] });
    expect(estimate).toEqual({ estimated_accuracy: null, labeled: MIN_CALIBRATION_SAMPLES - 1, predictions: MIN_CALIBRATION_SAMPLES - 1 + 60 + 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { addValue, armVariance, emptyArm, mixtureState, runSequentialTest, type Observation, type SequentialOptions } from '../../src/metrics/always-valid-test.js';
import { twoProportionZTest } from '../../src/metrics/significance.js';
import { seededRandom } from '../support/seeded-random.js';

const OPTIONS: SequentialOptions = { tau: 0.05, alpha: 0.05, minSamples: 30, minDetectableEffect: 0.05, stopAtDecision: true };

/** n predictions per version, alternating a, b; each correct with its version's probability. */
function experiment(pa: number, pb: number, n: number, ...seed: number[]): Observation[] {
  const random = seededRandom(...seed);
  const observations: Observation[] = [];
  for (let i = 0; i < 2 * n; i += 1) {
    const arm = i % 2 === 0 ? 'a' : 'b';
    observations.push({ arm, value: random() < (arm === 'a' ? pa : pb) ? 1 : 0 });
  }
  return observations;
}

describe('mixtureState', () => {
  it('computes Λ and the interval from the formula, with one pseudo-observation of variance 1/4 per arm', () => {
    const a = emptyArm();
    const b = emptyArm();
    for (let i = 0; i < 100; i += 1) addValue(a, i < 70 ? 1 : 0);
    for (let i = 0; i < 100; i += 1) addValue(b, i < 90 ? 1 : 0);
    // Per arm: (Σ(x − mean)² + 1/4) / (n + 1).
    expect(armVariance(a)).toBeCloseTo((100 * 0.7 * 0.3 + 0.25) / 101, 15);
    const V = armVariance(a) / 100 + armVariance(b) / 100;
    const tau2 = 0.1 ** 2;
    const state = mixtureState(a, b, { tau: 0.1, alpha: 0.05 });
    expect(state.delta).toBeCloseTo(0.2, 15);
    expect(state.variance).toBeCloseTo(V, 15);
    expect(state.lambda).toBeCloseTo(Math.sqrt(V / (V + tau2)) * Math.exp((tau2 * 0.04) / (2 * V * (V + tau2))), 9);
    // At the interval's edge Λ(θ0) is exactly 1/α.
    const edge = 0.2 - state.halfWidth;
    const lambdaAtEdge = Math.sqrt(V / (V + tau2)) * Math.exp((tau2 * (0.2 - edge) ** 2) / (2 * V * (V + tau2)));
    expect(lambdaAtEdge).toBeCloseTo(20, 9);
  });

  it('refuses an empty arm and values outside [0, 1]', () => {
    expect(() => mixtureState(emptyArm(), emptyArm(), { tau: 0.1, alpha: 0.05 })).toThrow(RangeError);
    expect(() => runSequentialTest([{ arm: 'a', value: 2 }], OPTIONS)).toThrow(/not in \[0, 1\]/);
  });
});

describe('runSequentialTest', () => {
  it('does not look before each version has minSamples observations', () => {
    const result = runSequentialTest(experiment(0.1, 0.99, 29, 1), OPTIONS);
    expect(result).toMatchObject({ pValue: 1, interval: null, decision: null, counted: 58 });
  });

  it('calls the better version on a real difference (70 % vs 92 %, 300 each), usually long before the end', () => {
    let decidedForB = 0;
    let decidedForA = 0;
    let counted = 0;
    for (let trial = 0; trial < 100; trial += 1) {
      const result = runSequentialTest(experiment(0.7, 0.92, 300, 7, trial), OPTIONS);
      if (result.decision?.kind === 'difference' && result.decision.delta > 0) decidedForB += 1;
      if (result.decision?.kind === 'difference' && result.decision.delta < 0) decidedForA += 1;
      counted += result.counted;
      expect(result.pValue).toBeLessThanOrEqual(0.05);
    }
    expect(decidedForB).toBe(100);
    expect(decidedForA).toBe(0);
    expect(counted / 100).toBeLessThan(400); // of 600
  });

  it('calls a winner in at most about alpha of A/A experiments, however often they are looked at; a z-test looked at ten times does not', () => {
    const trials = 400;
    let sequentialWinners = 0;
    let naiveWinners = 0;
    for (let trial = 0; trial < trials; trial += 1) {
      const observations = experiment(0.8, 0.8, 300, 11, trial);
      // The always-valid test looks after every observation (more often than ten peeks).
      if (runSequentialTest(observations, OPTIONS).decision?.kind === 'difference') sequentialWinners += 1;
      // A fixed-horizon z-test, looked at after every 60 observations: stops at the first p < alpha.
      for (let peek = 1; peek <= 10; peek += 1) {
        const seen = observations.slice(0, peek * 60);
        const a = seen.filter((o) => o.arm === 'a');
        const b = seen.filter((o) => o.arm === 'b');
        const sum = (values: Observation[]) => values.reduce((total, o) => total + o.value, 0);
        if (twoProportionZTest(sum(a), a.length, sum(b), b.length).p_value < 0.05) {
          naiveWinners += 1;
          break;
        }
      }
    }
    // Binomial(400, 0.05) stays under 30 (7.5 %) with probability > 0.99.
    expect(sequentialWinners / trials).toBeLessThanOrEqual(0.075);
    // The naive test inflates false winners well past alpha (about 0.15–0.2 with ten peeks).
    expect(naiveWinners / trials).toBeGreaterThan(0.1);
  });

  it('decides "no difference worth acting on" once the interval is inside ±minDetectableEffect', () => {
    const options = { ...OPTIONS, tau: 0.1, minDetectableEffect: 0.1 };
    const result = runSequentialTest(experiment(0.8, 0.8, 3000, 5), options);
    expect(result.decision?.kind).toBe('equivalent');
    expect(result.interval![0]).toBeGreaterThan(-0.1);
    expect(result.interval![1]).toBeLessThan(0.1);
  });

  it('keeps counting after a decision when told to, with a p-value that never rises', () => {
    const observations = experiment(0.6, 0.9, 400, 3);
    const stopped = runSequentialTest(observations, OPTIONS);
    const continued = runSequentialTest(observations, { ...OPTIONS, stopAtDecision: false });
    expect(stopped.counted).toBeLessThan(continued.counted);
    expect(continued.counted).toBe(800);
    expect(continued.decision).toEqual(stopped.decision);
    expect(continued.pValue).toBeLessThanOrEqual(stopped.pValue);
  });

  it('tests means of values in [0, 1] too (confidences)', () => {
    const random = seededRandom(21);
    const observations: Observation[] = Array.from({ length: 600 }, (_, i) => ({ arm: i % 2 === 0 ? 'a' : 'b', value: i % 2 === 0 ? 0.5 + random() * 0.2 : 0.6 + random() * 0.2 }));
    const result = runSequentialTest(observations, OPTIONS);
    expect(result.decision?.kind).toBe('difference');
    expect(result.decision!.delta).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { decideWinner } from '../../src/metrics/version-comparison.js';

const UNPAIRED = { pairs: 0, onlyA: 0, onlyB: 0 };

describe('decideWinner', () => {
  it('is inconclusive, naming the short version, when a version has fewer labeled predictions than min_samples', () => {
    const decision = decideWinner({ version: '1.0', correct: 20, labeled: 25 }, { version: '1.1', correct: 28, labeled: 30 }, UNPAIRED, 30, 0.05);
    expect(decision).toEqual({
      winner: 'inconclusive',
      reason: 'not enough evidence: version 1.0 has 25 labeled predictions; at least 30 each are needed',
      test: null,
      required_sample_size: 101,
    });
  });

  it('names both versions when both are short, and has no sample size without labels', () => {
    const decision = decideWinner({ version: '1.0', correct: 0, labeled: 0 }, { version: '1.1', correct: 3, labeled: 4 }, UNPAIRED, 30, 0.05);
    expect(decision.winner).toBe('inconclusive');
    expect(decision.reason).toBe(
      'not enough evidence: version 1.0 has 0 labeled predictions and version 1.1 has 4 labeled predictions; at least 30 each are needed',
    );
    expect(decision.required_sample_size).toBeNull();
  });

  it('names a clear winner with the two-proportion z test when inputs are not paired', () => {
    // 60/100 vs 85/100: pooled p 0.725, z = -0.25 / sqrt(0.725 * 0.275 * 0.02) = -3.95904, p = 2 Φ(-3.95904).
    const decision = decideWinner({ version: '1.0', correct: 60, labeled: 100 }, { version: '1.1', correct: 85, labeled: 100 }, UNPAIRED, 30, 0.05);
    expect(decision.winner).toBe('1.1');
    expect(decision.reason).toBe('version 1.1 is more accurate than 1.0 (85.0 % vs 60.0 %; p = 0.0000753 < 0.05, two_proportion_z)');
    expect(decision.test).toMatchObject({ method: 'two_proportion_z', alpha: 0.05, paired_samples: 0 });
    expect(decision.test!.statistic).toBeCloseTo(-3.959037912, 8);
    expect(decision.test!.p_value).toBeCloseTo(7.5252e-5, 8);
    expect(decision.required_sample_size).toBe(49);
  });

  it('names version a when a is the better one', () => {
    const decision = decideWinner({ version: '2.0', correct: 85, labeled: 100 }, { version: '1.0', correct: 60, labeled: 100 }, UNPAIRED, 30, 0.05);
    expect(decision.winner).toBe('2.0');
    expect(decision.test!.statistic).toBeCloseTo(3.959037912, 8);
  });

  it('is inconclusive when the difference is not significant, saying how many samples would be needed', () => {
    const decision = decideWinner({ version: '1.0', correct: 80, labeled: 100 }, { version: '1.1', correct: 82, labeled: 100 }, UNPAIRED, 30, 0.05);
    expect(decision.winner).toBe('inconclusive');
    expect(decision.reason).toBe(
      'the accuracy difference (80.0 % vs 82.0 %) is not significant (p = 0.718 ≥ 0.05, two_proportion_z); about 6039 labeled predictions per version would be needed to detect this difference',
    );
    expect(decision.test!.p_value).toBeCloseTo(0.71847920, 7);
    expect(decision.required_sample_size).toBe(6039);
  });

  it('is inconclusive without a sample size when the accuracies are equal', () => {
    const decision = decideWinner({ version: '1.0', correct: 50, labeled: 100 }, { version: '1.1', correct: 50, labeled: 100 }, UNPAIRED, 30, 0.05);
    expect(decision.winner).toBe('inconclusive');
    expect(decision.reason).toBe('the accuracy difference (50.0 % vs 50.0 %) is not significant (p = 1.00 ≥ 0.05, two_proportion_z)');
    expect(decision.required_sample_size).toBeNull();
  });

  it("uses McNemar's exact test when at least min_samples inputs are paired and few are discordant", () => {
    // 40 pairs, a-only right 2, b-only right 12: p = 2 P(X ≤ 2 | n = 14, 1/2) = 2 (1 + 14 + 91) / 2^14.
    const decision = decideWinner({ version: '1.0', correct: 28, labeled: 40 }, { version: '1.1', correct: 38, labeled: 40 }, { pairs: 40, onlyA: 2, onlyB: 12 }, 30, 0.05);
    expect(decision.winner).toBe('1.1');
    expect(decision.test).toEqual({ method: 'mcnemar_exact', statistic: 2, p_value: 212 / 16384, alpha: 0.05, paired_samples: 40 });
    expect(decision.reason).toBe('version 1.1 is more accurate than 1.0 (95.0 % vs 70.0 %; p = 0.0129 < 0.05, mcnemar_exact)');
  });

  it("uses McNemar's chi-square with continuity correction for 25 or more discordant pairs", () => {
    const decision = decideWinner({ version: '1.0', correct: 60, labeled: 100 }, { version: '1.1', correct: 80, labeled: 100 }, { pairs: 100, onlyA: 5, onlyB: 25 }, 30, 0.05);
    expect(decision.test!.method).toBe('mcnemar_chi2');
    expect(decision.test!.statistic).toBeCloseTo((20 - 1) ** 2 / 30, 12);
    expect(decision.test!.p_value).toBeCloseTo(0.000522575, 8);
    expect(decision.test!.paired_samples).toBe(100);
    expect(decision.winner).toBe('1.1');
  });

  it('falls back to the unpaired test when fewer than min_samples inputs are paired', () => {
    const decision = decideWinner({ version: '1.0', correct: 28, labeled: 40 }, { version: '1.1', correct: 38, labeled: 40 }, { pairs: 29, onlyA: 2, onlyB: 12 }, 30, 0.05);
    expect(decision.test!.method).toBe('two_proportion_z');
    expect(decision.test!.paired_samples).toBe(0);
  });

  it('applies alpha: the same data is a winner at 0.05 and inconclusive at 0.01', () => {
    // McNemar exact p = 0.0129.
    const paired = { pairs: 40, onlyA: 2, onlyB: 12 };
    const a = { version: '1.0', correct: 28, labeled: 40 };
    const b = { version: '1.1', correct: 38, labeled: 40 };
    expect(decideWinner(a, b, paired, 30, 0.05).winner).toBe('1.1');
    const strict = decideWinner(a, b, paired, 30, 0.01);
    expect(strict.winner).toBe('inconclusive');
    expect(strict.reason).toMatch(/^the accuracy difference \(70\.0 % vs 95\.0 %\) is not significant \(p = 0\.0129 ≥ 0\.01, mcnemar_exact\)/);
  });
});

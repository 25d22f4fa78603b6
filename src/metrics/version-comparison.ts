import { mcnemarTest, requiredSampleSize, twoProportionZTest } from './significance.js';

export interface VersionOutcome {
  version: string;
  correct: number;
  labeled: number;
}

/** Inputs scored by both versions, both labeled: discordant counts for McNemar. */
export interface PairedOutcome {
  pairs: number;
  /** a right, b wrong */
  onlyA: number;
  /** a wrong, b right */
  onlyB: number;
}

export interface VersionDecision {
  winner: string;
  reason: string;
  test: { method: 'mcnemar_exact' | 'mcnemar_chi2' | 'two_proportion_z'; statistic: number | null; p_value: number; alpha: number; paired_samples: number } | null;
  required_sample_size: number | null;
}

const pct = (value: number) => `${(value * 100).toFixed(1)} %`;

/**
 * Names the more accurate version only when a significance test says so: McNemar on paired
 * inputs when there are at least `minSamples` pairs, else a two-proportion z test. Pure.
 */
export function decideWinner(a: VersionOutcome, b: VersionOutcome, paired: PairedOutcome, minSamples: number, alpha: number): VersionDecision {
  const short = [a, b].filter((side) => side.labeled < minSamples);
  const accuracyA = a.labeled > 0 ? a.correct / a.labeled : null;
  const accuracyB = b.labeled > 0 ? b.correct / b.labeled : null;
  const required = accuracyA !== null && accuracyB !== null ? requiredSampleSize(accuracyA, accuracyB, alpha) : null;
  if (short.length > 0) {
    const which = short.map((side) => `version ${side.version} has ${side.labeled} labeled predictions`).join(' and ');
    return { winner: 'inconclusive', reason: `not enough evidence: ${which}; at least ${minSamples} each are needed`, test: null, required_sample_size: required };
  }
  let test: NonNullable<VersionDecision['test']>;
  if (paired.pairs >= minSamples) {
    const result = mcnemarTest(paired.onlyA, paired.onlyB);
    test = { method: result.method, statistic: result.statistic, p_value: result.p_value, alpha, paired_samples: paired.pairs };
  } else {
    const result = twoProportionZTest(a.correct, a.labeled, b.correct, b.labeled);
    test = { method: 'two_proportion_z', statistic: result.statistic, p_value: result.p_value, alpha, paired_samples: 0 };
  }
  const accA = accuracyA!;
  const accB = accuracyB!;
  const pText = `p = ${test.p_value.toPrecision(3)}`;
  if (test.p_value < alpha && accA !== accB) {
    const [better, worse, betterAcc, worseAcc] = accB > accA ? [b, a, accB, accA] : [a, b, accA, accB];
    return {
      winner: better.version,
      reason: `version ${better.version} is more accurate than ${worse.version} (${pct(betterAcc)} vs ${pct(worseAcc)}; ${pText} < ${alpha}, ${test.method})`,
      test,
      required_sample_size: required,
    };
  }
  const need = required === null ? '' : `; about ${required} labeled predictions per version would be needed to detect this difference`;
  return {
    winner: 'inconclusive',
    reason: `the accuracy difference (${pct(accA)} vs ${pct(accB)}) is not significant (${pText} ≥ ${alpha}, ${test.method})${need}`,
    test,
    required_sample_size: required,
  };
}

/**
 * An always-valid sequential test of the difference between two means of values in [0, 1]
 * (proportions: 1 correct, 0 wrong; or confidences): the mixture sequential probability ratio
 * test (mSPRT) of Johari, Koomen, Pekelis and Walsh, "Always Valid Inference: Continuous
 * Monitoring of A/B Tests" (Operations Research 70(3), 2022), with a normal mixing distribution
 * N(0, τ²) over the difference θ = mean_b − mean_a and the plug-in normal approximation of the
 * difference's variance.
 *
 * For the difference estimate θ̂ with variance V after n observations,
 *   Λ_n(θ0) = sqrt(V / (V + τ²)) · exp(τ² (θ̂ − θ0)² / (2 V (V + τ²))).
 * Under H0 (θ = θ0), Λ_n is (approximately) a non-negative martingale with mean 1, so by Ville's
 * inequality P(sup_n Λ_n ≥ 1/α) ≤ α: the p-value p_n = min(1, 1 / max_{m ≤ n} Λ_m(0)) may be
 * looked at after every observation and stays valid, and {θ0 : Λ_n(θ0) < 1/α} is a confidence
 * sequence (intersected over time). Pure code, no I/O.
 */

/** Running sums of one arm's values. */
export interface ArmStats {
  n: number;
  sum: number;
  sumsq: number;
}

export function emptyArm(): ArmStats {
  return { n: 0, sum: 0, sumsq: 0 };
}

export function addValue(arm: ArmStats, value: number): void {
  arm.n += 1;
  arm.sum += value;
  arm.sumsq += value * value;
}

export function armMean(arm: ArmStats): number | null {
  return arm.n === 0 ? null : arm.sum / arm.n;
}

/**
 * The variance of one value, with one pseudo-observation at the largest variance a value in
 * [0, 1] can have (1/4): a proportion of 0 or 1 after a few observations would otherwise claim
 * a variance of 0 and an infinitely sure difference.
 */
export function armVariance(arm: ArmStats): number {
  const mean = arm.n === 0 ? 0 : arm.sum / arm.n;
  const squares = Math.max(0, arm.sumsq - arm.n * mean * mean);
  return (squares + 0.25) / (arm.n + 1);
}

export interface MixtureOptions {
  /** Standard deviation of the mixing distribution: the size of difference the test is tuned to find. */
  tau: number;
  alpha: number;
}

export interface MixtureState {
  /** mean_b − mean_a. */
  delta: number;
  /** Variance of delta. */
  variance: number;
  /** Λ_n(0): the evidence against "no difference". */
  lambda: number;
  /** Half-width of this step's confidence interval at level 1 − α. */
  halfWidth: number;
}

/** One step of the test: needs at least one observation in each arm. */
export function mixtureState(a: ArmStats, b: ArmStats, options: MixtureOptions): MixtureState {
  if (a.n === 0 || b.n === 0) throw new RangeError('each arm needs an observation');
  const delta = b.sum / b.n - a.sum / a.n;
  const variance = armVariance(a) / a.n + armVariance(b) / b.n;
  const tau2 = options.tau * options.tau;
  const logLambda = 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * delta * delta) / (2 * variance * (variance + tau2));
  const halfWidth = Math.sqrt(((2 * variance * (variance + tau2)) / tau2) * (Math.log(1 / options.alpha) + 0.5 * Math.log((variance + tau2) / variance)));
  return { delta, variance, lambda: Math.exp(logLambda), halfWidth };
}

/** One observation, in the order they happened. */
export interface Observation {
  arm: 'a' | 'b';
  /** In [0, 1]. */
  value: number;
}

export interface SequentialOptions extends MixtureOptions {
  /** Observations each arm needs before the test looks (the normal approximation needs some). */
  minSamples: number;
  /** The smallest difference worth acting on: a confidence sequence inside ±this decides "no winner". */
  minDetectableEffect: number;
  /** Stop counting at the first decision (the experiment stops itself). */
  stopAtDecision: boolean;
}

export type SequentialDecision =
  | { kind: 'difference'; index: number; delta: number }
  | { kind: 'equivalent'; index: number; delta: number };

export interface SequentialResult {
  a: ArmStats;
  b: ArmStats;
  /** mean_b − mean_a over the observations counted; null until each arm has one. */
  delta: number | null;
  /** Always-valid p-value: min(1, 1 / max Λ) over every step so far; 1 before the test looks. */
  pValue: number;
  /** Running intersection of the confidence sequence; null before the test looks. */
  interval: [number, number] | null;
  /** The first decision, and the index of the observation it came at; null while undecided. */
  decision: SequentialDecision | null;
  /** How many observations were counted (all of them, or up to the decision). */
  counted: number;
}

/**
 * Runs the test over the observations in order, looking after every one of them: since the
 * p-value is always valid, looking at every step costs nothing over looking ten times.
 */
export function runSequentialTest(observations: Iterable<Observation>, options: SequentialOptions): SequentialResult {
  const a = emptyArm();
  const b = emptyArm();
  let maxLambda = 0;
  let lower = -Infinity;
  let upper = Infinity;
  let looked = false;
  let decision: SequentialDecision | null = null;
  let index = -1;
  for (const observation of observations) {
    index += 1;
    if (!(observation.value >= 0 && observation.value <= 1)) throw new RangeError(`observation ${index} is not in [0, 1]`);
    addValue(observation.arm === 'a' ? a : b, observation.value);
    if (a.n < options.minSamples || b.n < options.minSamples) continue;
    looked = true;
    const state = mixtureState(a, b, options);
    maxLambda = Math.max(maxLambda, state.lambda);
    lower = Math.max(lower, state.delta - state.halfWidth);
    upper = Math.min(upper, state.delta + state.halfWidth);
    if (decision === null) {
      if (state.lambda >= 1 / options.alpha) decision = { kind: 'difference', index, delta: state.delta };
      else if (lower > -options.minDetectableEffect && upper < options.minDetectableEffect) decision = { kind: 'equivalent', index, delta: state.delta };
      if (decision !== null && options.stopAtDecision) break;
    }
  }
  const delta = a.n > 0 && b.n > 0 ? b.sum / b.n - a.sum / a.n : null;
  return {
    a,
    b,
    delta,
    pValue: looked ? Math.min(1, 1 / maxLambda) : 1,
    interval: looked ? [Math.min(lower, upper), Math.max(lower, upper)] : null,
    decision,
    counted: a.n + b.n,
  };
}

import type { Experiment, ExperimentReport } from '../domain/experiments.js';
import { armMean, runSequentialTest, type Observation, type SequentialResult } from '../metrics/always-valid-test.js';
import { higherIsBetter } from './experiment-observations.js';

/** One counted prediction: its version's arm, its value, and its own time. */
export interface TimedObservation extends Observation {
  timestamp: string;
}

export interface Evaluation {
  report: ExperimentReport;
  /** Set when this evaluation decided a running experiment that stops itself: what to store. */
  decided: { ended_at: string; winner: string | null } | null;
}

function points(value: number): string {
  const text = (Math.abs(value) * 100).toFixed(1);
  return `${value < 0 ? '−' : '+'}${text} points`;
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

function pText(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

function winnerOf(experiment: Experiment, delta: number): string {
  const bBetter = higherIsBetter(experiment.metric_name) ? delta > 0 : delta < 0;
  return bBetter ? experiment.version_b : experiment.version_a;
}

function reasonFor(experiment: Experiment, result: SequentialResult, winner: string | null, decided: boolean): string {
  const { a, b } = result;
  const metric = experiment.metric_name;
  const figures = `${metric} ${percent(armMean(a))} (${experiment.version_a}) vs ${percent(armMean(b))} (${experiment.version_b})`;
  const level = `${Math.round((1 - experiment.alpha) * 100)}%`;
  const interval = result.interval ? `the difference is between ${points(result.interval[0])} and ${points(result.interval[1])} (always-valid ${level} interval)` : null;
  if (experiment.status === 'stopped') return `stopped before a decision: ${figures}`;
  if (decided && winner !== null) {
    return `${winner} is better: ${figures}, always-valid ${pText(result.pValue)} ≤ alpha ${experiment.alpha}`;
  }
  if (decided) {
    return `no difference worth acting on: ${interval ?? figures}, inside ±${(experiment.min_detectable_effect * 100).toFixed(1)} points (the minimum detectable effect)`;
  }
  if (result.interval === null) {
    const need = [
      a.n < experiment.min_samples ? `${experiment.min_samples - a.n} more for ${experiment.version_a}` : null,
      b.n < experiment.min_samples ? `${experiment.min_samples - b.n} more for ${experiment.version_b}` : null,
    ].filter((part) => part !== null);
    return `waiting for observations: ${need.join(' and ')} (each version needs ${experiment.min_samples} before the test looks)`;
  }
  return `no decision yet: ${figures}, always-valid ${pText(result.pValue)}; ${interval}`;
}

/**
 * The experiment's figures over its observations (oldest first, already limited to its period),
 * and — for a running experiment that stops itself — the decision to store when one was reached.
 */
export function evaluateExperiment(experiment: Experiment, observations: readonly TimedObservation[], now: Date): Evaluation {
  const running = experiment.status === 'running';
  const result = runSequentialTest(observations, {
    tau: experiment.min_detectable_effect,
    alpha: experiment.alpha,
    minSamples: experiment.min_samples,
    minDetectableEffect: experiment.min_detectable_effect,
    stopAtDecision: experiment.auto_stop || !running,
  });
  let status = experiment.status;
  let endedAt = experiment.ended_at;
  let winner = experiment.winner;
  let decided: Evaluation['decided'] = null;
  const found = result.decision;
  const foundWinner = found?.kind === 'difference' ? winnerOf(experiment, found.delta) : null;
  if (running && found !== null) {
    winner = foundWinner;
    if (experiment.auto_stop) {
      status = 'decided';
      endedAt = observations[found.index]!.timestamp;
      decided = { ended_at: endedAt, winner };
    }
  }
  const isDecided = status === 'decided' || (running && found !== null);
  const current: Experiment = { ...experiment, status, ended_at: endedAt, winner };
  const report: ExperimentReport = {
    ...current,
    samples: { a: result.a.n, b: result.b.n },
    metric: { a: armMean(result.a), b: armMean(result.b), delta: result.delta, interval: result.interval },
    p_value: result.pValue,
    decision: status === 'running' && found === null ? 'continue' : 'stop',
    reason: reasonFor(current, result, winner, isDecided && status !== 'stopped'),
    evaluated_at: now.toISOString(),
  };
  return { report, decided };
}

import type { Drift, DriftWindow } from '../domain/drift.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { Outcome } from '../metrics/change-points.js';
import { accuracyChangePoints } from '../metrics/change-points.js';
import { chiSquareHomogeneity } from '../metrics/chi-square-homogeneity.js';
import { ksTwoSample } from '../metrics/ks-two-sample.js';
import { categoricalStabilityIndex, confidenceHistogram, populationStabilityIndex } from '../metrics/population-stability.js';
import { twoProportionZTest } from '../metrics/significance.js';
import type { DriftRange } from './drift-ranges.js';

/** Most predictions read per window: the newest this many. */
export const DRIFT_SAMPLE_LIMIT = 50_000;
/** Fewest values per window for a statistic (confidences for KS/PSI, predictions for the label tests, labels for the accuracy test). */
export const DRIFT_MIN_SAMPLES = 20;

interface Tally {
  range: DriftRange;
  total: number;
  labeled: number;
  correct: number;
  confidences: number[];
  labels: Map<string, number>;
  sampled: boolean;
}

export interface DriftSubject {
  model_name: string;
  model_version: string;
  current: DriftRange;
  reference: DriftRange;
  /** The predicted class of a record (its key, as the aggregates count it). */
  predicted: (record: PredictionLog) => string;
  sampleLimit?: number;
}

/**
 * Drift between two windows of one model version, from the raw records (read newest first,
 * `records` must be in that order): each window keeps at most `sampleLimit` predictions, the
 * newest; reading stops at the first record older than both windows. Change points run over the
 * labeled predictions of both windows in prediction-time order (ties: arrival order).
 */
export async function buildDrift(records: AsyncIterable<{ record: PredictionLog }>, subject: DriftSubject): Promise<Drift> {
  const limit = subject.sampleLimit ?? DRIFT_SAMPLE_LIMIT;
  const current = tally(subject.current);
  const reference = tally(subject.reference);
  const oldest = Math.min(current.range.fromMs, reference.range.fromMs);
  const outcomesNewestFirst: Outcome[] = [];
  for await (const { record } of records) {
    if (record.model_name !== subject.model_name || record.model_version !== subject.model_version) continue;
    const at = Date.parse(record.timestamp);
    if (at < oldest) break;
    let used = false;
    for (const window of [current, reference]) {
      if (at < window.range.fromMs || at >= window.range.toMs) continue;
      if (window.total === limit) {
        window.sampled = true;
        continue;
      }
      add(window, record, subject.predicted(record));
      used = true;
    }
    if (used && record.correct !== null) outcomesNewestFirst.push({ timestamp: record.timestamp, correct: record.correct });
    if (current.sampled && reference.sampled) break;
  }
  return {
    model_name: subject.model_name,
    model_version: subject.model_version,
    reference: summary(reference),
    current: summary(current),
    sample_limit: limit,
    min_samples: DRIFT_MIN_SAMPLES,
    confidence: confidenceDrift(reference, current),
    predictions: labelDrift(reference, current),
    accuracy: accuracyDrift(reference, current),
    change_points: accuracyChangePoints(outcomesNewestFirst.reverse()),
  };
}

function tally(range: DriftRange): Tally {
  return { range, total: 0, labeled: 0, correct: 0, confidences: [], labels: new Map(), sampled: false };
}

function add(window: Tally, record: PredictionLog, label: string): void {
  window.total += 1;
  if (record.correct !== null) {
    window.labeled += 1;
    if (record.correct) window.correct += 1;
  }
  if (record.confidence !== null) window.confidences.push(record.confidence);
  window.labels.set(label, (window.labels.get(label) ?? 0) + 1);
}

function summary(window: Tally): DriftWindow {
  return {
    since: window.range.since,
    until: window.range.until,
    total_predictions: window.total,
    labeled_predictions: window.labeled,
    correct_predictions: window.correct,
    confidence_count: window.confidences.length,
    accuracy: window.labeled > 0 ? window.correct / window.labeled : null,
    sampled: window.sampled,
  };
}

function confidenceDrift(reference: Tally, current: Tally): Drift['confidence'] {
  if (reference.confidences.length < DRIFT_MIN_SAMPLES || current.confidences.length < DRIFT_MIN_SAMPLES) {
    return { ks_statistic: null, ks_p_value: null, psi: null };
  }
  const ks = ksTwoSample(reference.confidences, current.confidences);
  return {
    ks_statistic: ks?.statistic ?? null,
    ks_p_value: ks?.p_value ?? null,
    psi: populationStabilityIndex(confidenceHistogram(reference.confidences), confidenceHistogram(current.confidences)),
  };
}

function labelDrift(reference: Tally, current: Tally): Drift['predictions'] {
  const labels = [...new Set([...reference.labels.keys(), ...current.labels.keys()])].sort();
  if (reference.total < DRIFT_MIN_SAMPLES || current.total < DRIFT_MIN_SAMPLES) {
    return { chi2_statistic: null, chi2_p_value: null, degrees_of_freedom: null, psi: null, labels: labels.length };
  }
  const test = chiSquareHomogeneity(
    labels.map((label) => reference.labels.get(label) ?? 0),
    labels.map((label) => current.labels.get(label) ?? 0),
  );
  return {
    chi2_statistic: test?.statistic ?? null,
    chi2_p_value: test?.p_value ?? null,
    degrees_of_freedom: test?.degrees_of_freedom ?? null,
    psi: categoricalStabilityIndex(reference.labels, current.labels),
    labels: labels.length,
  };
}

function accuracyDrift(reference: Tally, current: Tally): Drift['accuracy'] {
  const before = reference.labeled > 0 ? reference.correct / reference.labeled : null;
  const after = current.labeled > 0 ? current.correct / current.labeled : null;
  const tested = reference.labeled >= DRIFT_MIN_SAMPLES && current.labeled >= DRIFT_MIN_SAMPLES;
  return {
    reference: before,
    current: after,
    delta: before !== null && after !== null ? after - before : null,
    p_value: tested ? twoProportionZTest(current.correct, current.labeled, reference.correct, reference.labeled).p_value : null,
  };
}

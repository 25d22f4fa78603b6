/** Number formats shared by the report's renderers. */

const LABELS: Record<string, string> = {
  accuracy: 'Accuracy',
  precision: 'Precision',
  recall: 'Recall',
  f1_score: 'F1',
  confidence: 'Mean confidence',
  estimated_accuracy: 'Estimated accuracy',
  false_positive_rate: 'False positive rate',
  acceptance_rate: 'Acceptance rate',
  command_understanding_rate: 'Command understanding',
};

export function metricLabel(metric: string): string {
  return LABELS[metric] ?? metric;
}

/** 0.9123 → "91.2%"; null → "—". */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** A change in points: +2.1 pp, −0.4 pp, ±0.0 pp; null → "—". */
export function deltaPoints(value: number | null): string {
  if (value === null) return '—';
  const points = value * 100;
  if (Math.abs(points) < 0.05) return '±0.0 pp';
  return `${points > 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pp`;
}

/** A statistic with 3 decimals, a p-value with 3 significant digits; null → "—". */
export function stat(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}

export function pValue(value: number | null): string {
  if (value === null) return '—';
  return value < 0.001 ? '< 0.001' : value.toPrecision(3);
}

/** "2026-11-23T08:00:00.000Z" → "2026-11-23 08:00 UTC". */
export function instant(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** What the drift verdict says when nothing moved, and when too little was there to test. */
export const NO_DRIFT = 'no significant drift';
export const NOT_TESTED = 'not enough predictions in both periods to test';

/** The drift verdict in words: significant at 1% or PSI ≥ 0.2 (the usual "major shift" line). */
export function driftVerdict(drift: { ks_p_value: number | null; chi2_p_value: number | null; confidence_psi: number | null; predictions_psi: number | null; accuracy_p_value: number | null; change_points: unknown[] } | null): string {
  if (drift === null) return 'not computed';
  const signs: string[] = [];
  if ((drift.ks_p_value !== null && drift.ks_p_value < 0.01) || (drift.confidence_psi !== null && drift.confidence_psi >= 0.2)) signs.push('confidences shifted');
  if ((drift.chi2_p_value !== null && drift.chi2_p_value < 0.01) || (drift.predictions_psi !== null && drift.predictions_psi >= 0.2)) signs.push('predicted labels shifted');
  if (drift.accuracy_p_value !== null && drift.accuracy_p_value < 0.01) signs.push('accuracy changed');
  if (drift.change_points.length > 0) signs.push(`${drift.change_points.length} change point${drift.change_points.length === 1 ? '' : 's'}`);
  if (signs.length > 0) return signs.join(', ');
  // Every test needs enough predictions in both periods: without any, "no drift" would claim too much.
  const tested = [drift.ks_p_value, drift.chi2_p_value, drift.confidence_psi, drift.predictions_psi, drift.accuracy_p_value].some((value) => value !== null);
  return tested ? NO_DRIFT : NOT_TESTED;
}

import { z } from 'zod';
import type { TargetMetric } from '../domain/target-metric.js';
import { TargetMetricSchema } from '../domain/target-metric.js';
import type { ModelPerformance, Window } from '../domain/performance.js';
import { toPercent } from './percent.js';
import { RATE_SENSOR_METRICS, TARGET_METRICS, isCeiling, metricValue, missesTarget } from './sensor-states.js';

export const DROP_EVENT = 'ml_metrics_performance_drop';
export const RECOVERED_EVENT = 'ml_metrics_performance_recovered';

export const DropReasonSchema = z.enum(['below_target', 'below_baseline']);
export type DropReason = z.infer<typeof DropReasonSchema>;

/** An announced drop that has not recovered yet. */
export const ActiveDropSchema = z.object({
  reason: DropReasonSchema,
  /** The metric's value (percent) when the drop was announced. */
  value: z.number(),
  model_version: z.string(),
});
export type ActiveDrop = z.infer<typeof ActiveDropSchema>;

/** One model's announced drops, per metric; a metric that is absent is not in a drop. */
export const AlertStateSchema = z.partialRecord(TargetMetricSchema, ActiveDropSchema);
export type AlertState = z.infer<typeof AlertStateSchema>;

/** Data of the `ml_metrics_performance_drop` / `_recovered` events. Values are percent, one decimal. */
export interface AnnouncementData {
  model_name: string;
  model_version: string;
  metric: TargetMetric;
  value: number;
  /** null when the metric has no target. */
  target: number | null;
  /** The previous window's value; null when there is none (no duration window, too few labels). */
  baseline: number | null;
  window: string;
  /** Why the metric dropped (on a recovery: why it had dropped). */
  reason: DropReason;
}

export interface Announcement {
  event_type: typeof DROP_EVENT | typeof RECOVERED_EVENT;
  metric: TargetMetric;
  data: AnnouncementData;
}

export interface DetectDropsInput {
  /** The model's current window. */
  current: ModelPerformance;
  /** The same-length window just before it, or null (no duration window). */
  baseline: ModelPerformance | null;
  /** Metric → target rate in [0, 1]. */
  targets: Partial<Record<TargetMetric, number>>;
  /** Percentage points under the baseline that count as a drop. */
  dropPoints: number;
  /** Labeled predictions each window needs before it is judged. */
  minSamples: number;
  /** What was announced before. */
  previous: AlertState;
}

export interface DetectDropsResult {
  announcements: Announcement[];
  /** The alert state once every announcement has been accepted by the hub. */
  next: AlertState;
}

/**
 * Compares a model's current window with its targets and its previous window, and says which
 * drops and recoveries to announce. Pure. Each drop is announced once: a metric in `previous`
 * stays dropped (no new announcement) until it is at or above its target and no longer
 * `dropPoints` under its baseline; then one recovery is announced. A window with fewer than
 * `minSamples` labels (or a metric with no value) changes nothing. Values are compared in percent
 * with one decimal, as the sensors show them; false_positive_rate drops when it rises.
 */
export function detectDrops(input: DetectDropsInput): DetectDropsResult {
  const { current, baseline, targets, dropPoints, minSamples, previous } = input;
  const announcements: Announcement[] = [];
  const next: AlertState = { ...previous };
  const window = current.window.spec ?? current.window.kind;
  const enoughBaseline = baseline !== null && baseline.labeled_predictions >= minSamples;
  const judged = current.labeled_predictions >= minSamples;

  for (const metric of metricsToCheck(targets, previous)) {
    const rate = metricValue(current, metric);
    if (!judged || rate === null) continue;
    const value = toPercent(rate);
    const targetRate = targets[metric];
    const target = targetRate === undefined ? null : toPercent(targetRate);
    const baselineRate = enoughBaseline ? metricValue(baseline, metric) : null;
    const baselineValue = baselineRate === null ? null : toPercent(baselineRate);
    const belowTarget = target !== null && missesTarget(metric, value, target);
    const belowBaseline = baselineValue !== null && worsening(metric, baselineValue, value) >= dropPoints;
    const active = previous[metric];
    const data = { model_name: current.model_name, model_version: current.model_version, metric, value, target, baseline: baselineValue, window };

    if (!active && (belowTarget || belowBaseline)) {
      const reason: DropReason = belowTarget ? 'below_target' : 'below_baseline';
      announcements.push({ event_type: DROP_EVENT, metric, data: { ...data, reason } });
      next[metric] = { reason, value, model_version: current.model_version };
    } else if (active && !belowTarget && !belowBaseline) {
      announcements.push({ event_type: RECOVERED_EVENT, metric, data: { ...data, reason: active.reason } });
      delete next[metric];
    }
  }
  return { announcements, next };
}

/** Metrics with a sensor, metrics with a target, and any metric still in a drop. */
function metricsToCheck(targets: Partial<Record<TargetMetric, number>>, previous: AlertState): TargetMetric[] {
  const wanted = new Set<TargetMetric>(RATE_SENSOR_METRICS);
  for (const metric of TARGET_METRICS) {
    if (targets[metric] !== undefined || previous[metric] !== undefined) wanted.add(metric);
  }
  return TARGET_METRICS.filter((metric) => wanted.has(metric));
}

/** How many points `value` is worse than `baseline` (rounded to one decimal). */
function worsening(metric: TargetMetric, baseline: number, value: number): number {
  const points = isCeiling(metric) ? value - baseline : baseline - value;
  return Math.round(points * 10) / 10;
}

const HOUR_MS = 3_600_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS };

/** Milliseconds of a duration window spec (`7d`), or null for `all` and counts. */
export function windowDurationMs(spec: string): number | null {
  const match = /^(\d+)([mhdw])$/.exec(spec);
  if (!match) return null;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/**
 * The `since`/`until` of the baseline: the same-length window just before the current one
 * (for 7d: from now − 14d to now − 7d). The tracker counts time windows in whole hours and
 * includes the hour that holds a window's start, so the baseline ends just before that hour:
 * the two windows never share a prediction. Null for `all` and count windows.
 */
export function baselineRange(current: Window): { since: string; until: string } | null {
  if (current.kind !== 'duration' || current.spec === null || current.since === null) return null;
  const length = windowDurationMs(current.spec);
  if (length === null) return null;
  const start = Date.parse(current.since);
  const startHour = Math.floor(start / HOUR_MS) * HOUR_MS;
  return { since: new Date(start - length).toISOString(), until: new Date(startHour - 1).toISOString() };
}

import { z } from 'zod';
import type { ChangePoint, Drift } from '../domain/drift.js';
import { toPercent } from './percent.js';
import type { SensorState } from './sensor-state.js';
import { entityPrefix } from './sensor-states.js';

export const DRIFT_EVENT = 'ml_metrics_drift_detected';

/** Per model, in `sensors-state.json`: the newest change point announced (its version and detection time). */
export const DriftAnnouncedSchema = z.object({
  model_version: z.string(),
  /** The `timestamp` of the last announced change point. */
  timestamp: z.string(),
});
export type DriftAnnounced = z.infer<typeof DriftAnnouncedSchema>;

/** Data of the `ml_metrics_drift_detected` event. Rates are percent with one decimal, as the sensors show them. */
export interface DriftEventData {
  model_name: string;
  model_version: string;
  metric: 'accuracy';
  before: number;
  after: number;
  /** When the change was found (the prediction that revealed it). */
  timestamp: string;
  /** The change happened after this prediction (the oldest ADWIN kept). */
  changed_since: string;
  /** Accuracy since the change point so far; null while nothing after it is labeled. */
  accuracy_since: number | null;
}

/** Change points found inside the current window, oldest first. */
function inCurrentWindow(drift: Drift): ChangePoint[] {
  const since = Date.parse(drift.current.since);
  return drift.change_points.filter((point) => Date.parse(point.timestamp) >= since);
}

/**
 * The model is drifting when the newest change point found inside the current window is a drop
 * (a later rise means it recovered). Pure.
 */
export function activeDrop(drift: Drift): ChangePoint | null {
  const newest = inCurrentWindow(drift).at(-1);
  return newest?.direction === 'drop' ? newest : null;
}

/** `binary_sensor.ml_<slug>_drifting` (device_class problem): on while `activeDrop` finds one; its figures as attributes. */
export function driftSensorState(drift: Drift, slug: string): SensorState {
  const drop = activeDrop(drift);
  return {
    entity_id: `binary_sensor.${entityPrefix(slug)}_drifting`,
    state: drop ? 'on' : 'off',
    attributes: {
      device_class: 'problem',
      friendly_name: `${drift.model_name} drifting`,
      icon: 'mdi:chart-bell-curve-cumulative',
      model_name: drift.model_name,
      model_version: drift.model_version,
      metric: 'accuracy',
      before: drop ? toPercent(drop.before) : null,
      after: drop ? toPercent(drop.after) : null,
      timestamp: drop?.timestamp ?? null,
      changed_since: drop?.changed_since ?? null,
      accuracy_since: drop?.accuracy_since == null ? null : toPercent(drop.accuracy_since),
      window_since: drift.current.since,
      change_points: inCurrentWindow(drift).length,
    },
  };
}

/**
 * The drops to announce: each drop found inside the current window that began after the last
 * announced one (`changed_since` later than its `timestamp`; the same change found again once
 * the windows moved begins before it), for the same version. Pure; `next` is the state to keep
 * once the hub accepted them all.
 */
export function driftAnnouncements(drift: Drift, previous: DriftAnnounced | undefined): { events: DriftEventData[]; next: DriftAnnounced | undefined } {
  let watermark = previous?.model_version === drift.model_version ? Date.parse(previous.timestamp) : Number.NEGATIVE_INFINITY;
  let next = previous;
  const events: DriftEventData[] = [];
  for (const point of inCurrentWindow(drift)) {
    if (point.direction !== 'drop' || !(Date.parse(point.changed_since) > watermark)) continue;
    events.push({
      model_name: drift.model_name,
      model_version: drift.model_version,
      metric: point.metric,
      before: toPercent(point.before),
      after: toPercent(point.after),
      timestamp: point.timestamp,
      changed_since: point.changed_since,
      accuracy_since: point.accuracy_since === null ? null : toPercent(point.accuracy_since),
    });
    watermark = Date.parse(point.timestamp);
    next = { model_version: drift.model_version, timestamp: point.timestamp };
  }
  return { events, next };
}

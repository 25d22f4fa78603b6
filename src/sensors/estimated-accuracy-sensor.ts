import type { ModelPerformance } from '../domain/performance.js';
import { formatPercent } from './percent.js';
import type { SensorState } from './sensor-state.js';

const FRIENDLY = 'estimated accuracy';
const ICON = 'mdi:bullseye';

/**
 * `sensor.ml_<model>_estimated_accuracy`: the performance answer's label-free estimate, in %
 * (`unknown` while it cannot be estimated), with the counts it rests on.
 */
export function estimatedAccuracySensorState(performance: ModelPerformance, prefix: string, common: Record<string, unknown>): SensorState {
  return {
    entity_id: `sensor.${prefix}_estimated_accuracy`,
    state: formatPercent(performance.estimated_accuracy),
    attributes: {
      unit_of_measurement: '%',
      state_class: 'measurement',
      friendly_name: `${performance.model_name} ${FRIENDLY}`,
      icon: ICON,
      ...common,
      estimation_labeled_count: performance.estimation_labeled_count,
      estimation_prediction_count: performance.estimation_prediction_count,
      total_predictions: performance.total_predictions,
      labeled_predictions: performance.labeled_predictions,
      last_evaluated: performance.last_evaluated,
    },
  };
}

/** The same entity before its model's first evaluation: `unknown`. */
export function pendingEstimatedAccuracyState(modelName: string, prefix: string, common: Record<string, unknown>): SensorState {
  return {
    entity_id: `sensor.${prefix}_estimated_accuracy`,
    state: 'unknown',
    attributes: { unit_of_measurement: '%', state_class: 'measurement', friendly_name: `${modelName} ${FRIENDLY}`, icon: ICON, ...common },
  };
}

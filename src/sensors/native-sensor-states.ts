import { NATIVE_MODELS } from '../domain/native-models.js';
import type { ModelPerformance } from '../domain/performance.js';
import { formatPercent } from './percent.js';
import type { SensorState } from './sensor-state.js';

/**
 * The sensors some native models have beside the usual ones: Assist's command understanding
 * rate (`sensor.ml_assist_intent_command_understanding_rate`) and the automations' success rate
 * (`sensor.ml_automations_success_rate`, the share of runs kept: the seed's target is > 95 %).
 */
export function nativeSensorStates(performance: ModelPerformance, prefix: string, common: Record<string, unknown>): SensorState[] {
  const attributes = (friendly: string, icon: string) => ({
    unit_of_measurement: '%',
    state_class: 'measurement',
    friendly_name: `${performance.model_name} ${friendly}`,
    icon,
    ...common,
    total_predictions: performance.total_predictions,
    labeled_predictions: performance.labeled_predictions,
    last_evaluated: performance.last_evaluated,
  });
  const states: SensorState[] = [];
  if (performance.model_name === NATIVE_MODELS.assistIntent) {
    states.push({
      entity_id: `sensor.${prefix}_command_understanding_rate`,
      state: formatPercent(performance.command_understanding_rate),
      attributes: attributes('command understanding rate', 'mdi:message-check'),
    });
  }
  if (performance.model_name === NATIVE_MODELS.automations) {
    states.push({
      entity_id: `sensor.${prefix}_success_rate`,
      state: formatPercent(performance.accuracy),
      attributes: { ...attributes('success rate', 'mdi:robot-happy'), successful_runs: performance.correct_predictions, failed_or_undone_runs: performance.incorrect_predictions },
    });
  }
  return states;
}

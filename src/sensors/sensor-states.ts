import { NATIVE_MODELS } from '../domain/native-models.js';
import { TargetMetricSchema, type TargetMetric } from '../domain/target-metric.js';
import type { ModelPerformance } from '../domain/performance.js';
import { estimatedAccuracySensorState, pendingEstimatedAccuracyState } from './estimated-accuracy-sensor.js';
import { modelSlug } from './model-slug.js';
import { nativeSensorStates } from './native-sensor-states.js';
import { formatPercent, toPercent } from './percent.js';
import type { SensorState } from './sensor-state.js';

export interface SensorStateOptions {
  /** The window as configured (`7d`); shown in the `window` attribute. */
  window: string;
  /** Labeled predictions needed before a target is judged. */
  minSamples: number;
  /** Metric → target rate in [0, 1] (false_positive_rate a ceiling, the rest floors). */
  targets: Partial<Record<TargetMetric, number>>;
  /** The entity-id slug (default: `modelSlug(performance.model_name)`); the publisher passes de-duplicated slugs. */
  slug?: string;
}

/** Metrics that have a percentage sensor of their own, in entity order. */
export const RATE_SENSOR_METRICS = ['accuracy', 'precision', 'recall', 'f1_score', 'confidence'] as const;
export type RateSensorMetric = (typeof RATE_SENSOR_METRICS)[number];

const LABELS: Record<TargetMetric, string> = {
  accuracy: 'accuracy',
  precision: 'precision',
  recall: 'recall',
  f1_score: 'F1 score',
  confidence: 'confidence',
  false_positive_rate: 'false positive rate',
  acceptance_rate: 'acceptance rate',
};

const ICONS: Record<RateSensorMetric, string> = {
  accuracy: 'mdi:bullseye-arrow',
  precision: 'mdi:crosshairs-gps',
  recall: 'mdi:magnify-scan',
  f1_score: 'mdi:scale-balance',
  confidence: 'mdi:gauge',
};

/** Every metric a target can be set on, in a stable order (the config schema's). */
export const TARGET_METRICS: readonly TargetMetric[] = TargetMetricSchema.options;

/** True for metrics where higher is worse (their target is a ceiling). */
export function isCeiling(metric: TargetMetric): boolean {
  return metric === 'false_positive_rate';
}

/** The value of a target metric in a performance, as a rate or null. */
export function metricValue(performance: ModelPerformance, metric: TargetMetric): number | null {
  return performance[metric];
}

/** True when `value` (percent) misses `target` (percent): under a floor, over a ceiling. */
export function missesTarget(metric: TargetMetric, value: number, target: number): boolean {
  return isCeiling(metric) ? value > target : value < target;
}

export interface FailingMetric {
  metric: TargetMetric;
  /** Percent, one decimal. */
  value: number;
  /** Percent, one decimal. */
  target: number;
}

/**
 * The targeted metrics that miss their target, compared in percent with one decimal (as the
 * sensors show them); none while the window has fewer than `minSamples` labeled predictions.
 */
export function failingMetrics(
  performance: ModelPerformance,
  targets: Partial<Record<TargetMetric, number>>,
  minSamples: number,
): FailingMetric[] {
  if (performance.labeled_predictions < minSamples) return [];
  const failing: FailingMetric[] = [];
  for (const metric of TARGET_METRICS) {
    const targetRate = targets[metric];
    const rate = metricValue(performance, metric);
    if (targetRate === undefined || rate === null) continue;
    const value = toPercent(rate);
    const target = toPercent(targetRate);
    if (missesTarget(metric, value, target)) failing.push({ metric, value, target });
  }
  return failing;
}

/** The object id part of every entity of a model: `ml_<slug>`. */
export function entityPrefix(slug: string): string {
  return `ml_${slug}`;
}

/**
 * The states of one model's entities: five percentage sensors, a prediction counter and the
 * below-target problem sensor. Pure: the time shown is `performance.last_evaluated`.
 */
export function buildSensorStates(performance: ModelPerformance, options: SensorStateOptions): SensorState[] {
  const prefix = entityPrefix(options.slug ?? modelSlug(performance.model_name));
  const name = performance.model_name;
  const common = {
    model_name: name,
    model_version: performance.model_version,
    window: options.window,
  };
  const counts = {
    labeled_predictions: performance.labeled_predictions,
    total_predictions: performance.total_predictions,
    correct_predictions: performance.correct_predictions,
    incorrect_predictions: performance.incorrect_predictions,
  };
  const states: SensorState[] = RATE_SENSOR_METRICS.map((metric) => {
    const target = options.targets[metric];
    return {
      entity_id: `sensor.${prefix}_${metric}`,
      state: formatPercent(metricValue(performance, metric)),
      attributes: {
        unit_of_measurement: '%',
        state_class: 'measurement',
        friendly_name: `${name} ${LABELS[metric]}`,
        icon: ICONS[metric],
        ...common,
        ...counts,
        ...(target === undefined ? {} : { target: toPercent(target) }),
        last_evaluated: performance.last_evaluated,
      },
    };
  });
  states.push({
    entity_id: `sensor.${prefix}_predictions`,
    state: String(performance.total_predictions),
    attributes: {
      unit_of_measurement: 'predictions',
      state_class: 'measurement',
      friendly_name: `${name} predictions`,
      icon: 'mdi:counter',
      ...common,
      labeled_predictions: performance.labeled_predictions,
      last_evaluated: performance.last_evaluated,
    },
  });
  states.push(estimatedAccuracySensorState(performance, prefix, common));
  states.push(...nativeSensorStates(performance, prefix, common));
  const failing = failingMetrics(performance, options.targets, options.minSamples);
  const targets: Record<string, number> = {};
  for (const metric of TARGET_METRICS) {
    const target = options.targets[metric];
    if (target !== undefined) targets[metric] = toPercent(target);
  }
  states.push({
    entity_id: `binary_sensor.${prefix}_below_target`,
    state: failing.length > 0 ? 'on' : 'off',
    attributes: {
      device_class: 'problem',
      friendly_name: `${name} below target`,
      ...common,
      labeled_predictions: performance.labeled_predictions,
      min_samples: options.minSamples,
      failing_metrics: failing.map((entry) => entry.metric),
      failing_details: failing.map((entry) => ({ ...entry })),
      targets,
      last_evaluated: performance.last_evaluated,
    },
  });
  return states;
}

/**
 * A model's entities before there is anything to show (a configured model with no prediction
 * yet, or a new model between its first prediction and its first evaluation): the same entity
 * ids as `buildSensorStates`, every state `unknown`. Home Assistant arms a `numeric_state` trigger
 * only once it has seen the entity in a state that does not match, so a model whose first number
 * is already below a threshold still fires the automations watching it.
 */
export function pendingSensorStates(modelName: string, options: Pick<SensorStateOptions, 'window' | 'minSamples' | 'slug'>): SensorState[] {
  const prefix = entityPrefix(options.slug ?? modelSlug(modelName));
  const common = { model_name: modelName, window: options.window };
  const percent = (entity: string, friendly: string, icon: string): SensorState => ({
    entity_id: `sensor.${prefix}_${entity}`,
    state: 'unknown',
    attributes: { unit_of_measurement: '%', state_class: 'measurement', friendly_name: `${modelName} ${friendly}`, icon, ...common },
  });
  const states = RATE_SENSOR_METRICS.map((metric) => percent(metric, LABELS[metric], ICONS[metric]));
  states.push({
    entity_id: `sensor.${prefix}_predictions`,
    state: 'unknown',
    attributes: { unit_of_measurement: 'predictions', state_class: 'measurement', friendly_name: `${modelName} predictions`, icon: 'mdi:counter', ...common },
  });
  states.push(pendingEstimatedAccuracyState(modelName, prefix, common));
  if (modelName === NATIVE_MODELS.assistIntent) states.push(percent('command_understanding_rate', 'command understanding rate', 'mdi:message-check'));
  if (modelName === NATIVE_MODELS.automations) states.push(percent('success_rate', 'success rate', 'mdi:robot-happy'));
  states.push({
    entity_id: `binary_sensor.${prefix}_below_target`,
    state: 'unknown',
    attributes: { device_class: 'problem', friendly_name: `${modelName} below target`, ...common, min_samples: options.minSamples },
  });
  return states;
}

import { describe, expect, it } from 'vitest';
import { formatPercent } from '../../src/sensors/percent.js';
import type { SensorState } from '../../src/sensors/sensor-state.js';
import { buildSensorStates, pendingSensorStates } from '../../src/sensors/sensor-states.js';
import { emptyPerformanceFixture, performanceFixture } from './performance-fixture.js';

const OPTIONS = { window: '7d', minSamples: 20, targets: {} };

function byId(states: SensorState[]): Record<string, SensorState> {
  return Object.fromEntries(states.map((state) => [state.entity_id, state]));
}

describe('buildSensorStates', () => {
  it('builds every entity of a model with its state and attributes', () => {
    const estimate = { estimated_accuracy: 0.8614, estimation_labeled_count: 40, estimation_prediction_count: 50 };
    const states = buildSensorStates(performanceFixture(estimate), { ...OPTIONS, targets: { accuracy: 0.9, false_positive_rate: 0.05 } });
    const counts = { labeled_predictions: 40, total_predictions: 50, correct_predictions: 35, incorrect_predictions: 5 };
    const common = { model_name: 'voice_recognition', model_version: '2.0', window: '7d' };
    const rate = (friendly: string, icon: string) => ({
      unit_of_measurement: '%',
      state_class: 'measurement',
      friendly_name: `voice_recognition ${friendly}`,
      icon,
      ...common,
      ...counts,
    });
    const last = { last_evaluated: '2026-01-10T12:00:00.000Z' };
    expect(states).toEqual([
      { entity_id: 'sensor.ml_voice_recognition_accuracy', state: '87.5', attributes: { ...rate('accuracy', 'mdi:bullseye-arrow'), target: 90, ...last } },
      { entity_id: 'sensor.ml_voice_recognition_precision', state: '80.0', attributes: { ...rate('precision', 'mdi:crosshairs-gps'), ...last } },
      { entity_id: 'sensor.ml_voice_recognition_recall', state: '90.0', attributes: { ...rate('recall', 'mdi:magnify-scan'), ...last } },
      { entity_id: 'sensor.ml_voice_recognition_f1_score', state: '84.7', attributes: { ...rate('F1 score', 'mdi:scale-balance'), ...last } },
      { entity_id: 'sensor.ml_voice_recognition_confidence', state: '91.2', attributes: { ...rate('confidence', 'mdi:gauge'), ...last } },
      {
        entity_id: 'sensor.ml_voice_recognition_predictions',
        state: '50',
        attributes: {
          unit_of_measurement: 'predictions',
          state_class: 'measurement',
          friendly_name: 'voice_recognition predictions',
          icon: 'mdi:counter',
          ...common,
          labeled_predictions: 40,
          ...last,
        },
      },
      {
        entity_id: 'sensor.ml_voice_recognition_estimated_accuracy',
        state: '86.1',
        attributes: {
          unit_of_measurement: '%',
          state_class: 'measurement',
          friendly_name: 'voice_recognition estimated accuracy',
          icon: 'mdi:bullseye',
          ...common,
          estimation_labeled_count: 40,
          estimation_prediction_count: 50,
          total_predictions: 50,
          labeled_predictions: 40,
          ...last,
        },
      },
      {
        entity_id: 'binary_sensor.ml_voice_recognition_below_target',
        state: 'on',
        attributes: {
          device_class: 'problem',
          friendly_name: 'voice_recognition below target',
          ...common,
          labeled_predictions: 40,
          min_samples: 20,
          failing_metrics: ['accuracy', 'false_positive_rate'],
          failing_details: [
            { metric: 'accuracy', value: 87.5, target: 90 },
            { metric: 'false_positive_rate', value: 10, target: 5 },
          ],
          targets: { accuracy: 90, false_positive_rate: 5 },
          ...last,
        },
      },
    ]);
  });

  it('shows unknown rates before the first label, and unknown confidence before the first prediction', () => {
    const unlabeled = byId(
      buildSensorStates(
        emptyPerformanceFixture({ total_predictions: 3, confidence: 0.5 }),
        { ...OPTIONS, targets: { accuracy: 0.9 } },
      ),
    );
    for (const metric of ['accuracy', 'precision', 'recall', 'f1_score']) {
      expect(unlabeled[`sensor.ml_voice_recognition_${metric}`]?.state).toBe('unknown');
      expect(unlabeled[`sensor.ml_voice_recognition_${metric}`]?.attributes['unit_of_measurement']).toBe('%');
    }
    expect(unlabeled['sensor.ml_voice_recognition_confidence']?.state).toBe('50.0');
    expect(unlabeled['sensor.ml_voice_recognition_predictions']?.state).toBe('3');
    expect(unlabeled['binary_sensor.ml_voice_recognition_below_target']?.state).toBe('off');

    const empty = byId(buildSensorStates(emptyPerformanceFixture(), OPTIONS));
    expect(empty['sensor.ml_voice_recognition_confidence']?.state).toBe('unknown');
    expect(empty['sensor.ml_voice_recognition_predictions']?.state).toBe('0');
  });

  it('gives a model with predictions but no confidence (a native source) an unknown confidence, even with a target', () => {
    const native = byId(
      buildSensorStates(performanceFixture({ confidence: null, confidence_count: 0 }), { ...OPTIONS, targets: { confidence: 0.7 } }),
    );
    expect(native['sensor.ml_voice_recognition_confidence']?.state).toBe('unknown');
    expect(native['sensor.ml_voice_recognition_accuracy']?.state).toBe('87.5');
  });

  it('sets the target attribute only on metrics that have a target', () => {
    const states = byId(buildSensorStates(performanceFixture(), { ...OPTIONS, targets: { recall: 0.855, confidence: 0.7 } }));
    expect(states['sensor.ml_voice_recognition_recall']?.attributes['target']).toBe(85.5);
    expect(states['sensor.ml_voice_recognition_confidence']?.attributes['target']).toBe(70);
    for (const metric of ['accuracy', 'precision', 'f1_score']) {
      expect(states[`sensor.ml_voice_recognition_${metric}`]?.attributes).not.toHaveProperty('target');
    }
    expect(states['sensor.ml_voice_recognition_predictions']?.attributes).not.toHaveProperty('target');
  });

  it('turns below_target on only with min_samples labeled predictions', () => {
    const targets = { accuracy: 0.9 };
    const at = (labeled: number) =>
      byId(buildSensorStates(performanceFixture({ labeled_predictions: labeled }), { ...OPTIONS, targets }))['binary_sensor.ml_voice_recognition_below_target'];
    expect(at(19)?.state).toBe('off');
    expect(at(19)?.attributes['failing_metrics']).toEqual([]);
    expect(at(20)?.state).toBe('on');
    expect(at(20)?.attributes['failing_metrics']).toEqual(['accuracy']);
  });

  it('is off when every metric meets its target, equal counting as met', () => {
    const below = (targets: Record<string, number>) =>
      byId(buildSensorStates(performanceFixture(), { ...OPTIONS, targets }))['binary_sensor.ml_voice_recognition_below_target']?.state;
    expect(below({ accuracy: 0.875, precision: 0.8, recall: 0.5 })).toBe('off');
    expect(below({ accuracy: 0.876 })).toBe('on');
    expect(below({})).toBe('off');
  });

  it('treats false_positive_rate as a ceiling', () => {
    const below = (ceiling: number) =>
      byId(buildSensorStates(performanceFixture({ false_positive_rate: 0.1 }), { ...OPTIONS, targets: { false_positive_rate: ceiling } }))[
        'binary_sensor.ml_voice_recognition_below_target'
      ];
    expect(below(0.15)?.state).toBe('off');
    expect(below(0.1)?.state).toBe('off');
    expect(below(0.05)?.state).toBe('on');
    expect(below(0.05)?.attributes['failing_details']).toEqual([{ metric: 'false_positive_rate', value: 10, target: 5 }]);
  });

  it('uses the slug of the model name, or the one it is given', () => {
    const named = buildSensorStates(performanceFixture({ model_name: 'Kitchen Presence' }), OPTIONS);
    expect(named.map((state) => state.entity_id)).toEqual([
      'sensor.ml_kitchen_presence_accuracy',
      'sensor.ml_kitchen_presence_precision',
      'sensor.ml_kitchen_presence_recall',
      'sensor.ml_kitchen_presence_f1_score',
      'sensor.ml_kitchen_presence_confidence',
      'sensor.ml_kitchen_presence_predictions',
      'sensor.ml_kitchen_presence_estimated_accuracy',
      'binary_sensor.ml_kitchen_presence_below_target',
    ]);
    expect(named[0]?.attributes['friendly_name']).toBe('Kitchen Presence accuracy');
    expect(buildSensorStates(performanceFixture(), { ...OPTIONS, slug: 'voice_recognition_2' })[0]?.entity_id).toBe(
      'sensor.ml_voice_recognition_2_accuracy',
    );
  });

  it('keeps every state within Home Assistant limits', () => {
    for (const state of buildSensorStates(performanceFixture({ total_predictions: 123_456_789 }), OPTIONS)) {
      expect(state.state.length).toBeLessThanOrEqual(255);
      expect(state.entity_id).toMatch(/^(sensor|binary_sensor)\.[a-z0-9]+(_[a-z0-9]+)*$/);
    }
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0.0'],
    [1, '100.0'],
    [0.875, '87.5'],
    [0.81249, '81.2'],
    [0.8125, '81.3'],
    [1 / 3, '33.3'],
    [null, 'unknown'],
  ])('%s → %s', (rate, text) => {
    expect(formatPercent(rate)).toBe(text);
  });
});

describe('pendingSensorStates', () => {
  it('has the same entities as the evaluated states, every state unknown, for plain and native models', () => {
    for (const model_name of ['voice_recognition', 'assist_intent', 'automations', 'Kitchen Presence']) {
      const evaluated = buildSensorStates(performanceFixture({ model_name }), OPTIONS).map((state) => state.entity_id);
      const pending = pendingSensorStates(model_name, OPTIONS);
      expect(pending.map((state) => state.entity_id), model_name).toEqual(evaluated);
      expect(new Set(pending.map((state) => state.state)), model_name).toEqual(new Set(['unknown']));
      for (const state of pending.filter((entry) => entry.entity_id.startsWith('sensor.') && !entry.entity_id.endsWith('_predictions'))) {
        expect(state.attributes, state.entity_id).toMatchObject({ unit_of_measurement: '%', state_class: 'measurement', model_name });
      }
    }
  });
});

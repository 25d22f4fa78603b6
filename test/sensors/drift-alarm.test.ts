import { describe, expect, it } from 'vitest';
import type { ChangePoint, Drift } from '../../src/domain/drift.js';
import { activeDrop, driftAnnouncements, driftSensorState } from '../../src/sensors/drift-alarm.js';

function point(timestamp: string, changedSince: string, before: number, after: number): ChangePoint {
  return { timestamp, changed_since: changedSince, metric: 'accuracy', direction: after < before ? 'drop' : 'rise', before, after, accuracy_since: 0.6, labeled_since: 40 };
}

const WINDOW = { total_predictions: 100, labeled_predictions: 100, correct_predictions: 80, confidence_count: 0, accuracy: 0.8, sampled: false };

function drift(points: ChangePoint[], version = '1.0'): Drift {
  return {
    model_name: 'voice',
    model_version: version,
    reference: { ...WINDOW, since: '2026-01-01T00:00:00.000Z', until: '2026-01-02T00:00:00.000Z' },
    current: { ...WINDOW, since: '2026-01-02T00:00:00.000Z', until: '2026-01-03T00:00:00.000Z' },
    sample_limit: 50_000,
    min_samples: 20,
    confidence: { ks_statistic: null, ks_p_value: null, psi: null },
    predictions: { chi2_statistic: null, chi2_p_value: null, degrees_of_freedom: null, psi: null, labels: 1 },
    accuracy: { reference: 0.95, current: 0.6, delta: -0.35, p_value: 0.001 },
    change_points: points,
  };
}

const OLD_DROP = point('2026-01-01T12:00:00.000Z', '2026-01-01T06:00:00.000Z', 0.9, 0.7);
const DROP = point('2026-01-02T10:00:00.000Z', '2026-01-02T04:00:00.000Z', 0.951, 0.8664);
const RISE = point('2026-01-02T20:00:00.000Z', '2026-01-02T11:00:00.000Z', 0.6, 0.9);

describe('drift sensor and announcements', () => {
  it('is on while the newest change point of the current window is a drop', () => {
    expect(activeDrop(drift([OLD_DROP]))).toBeNull();
    expect(activeDrop(drift([OLD_DROP, DROP]))).toEqual(DROP);
    expect(activeDrop(drift([DROP, RISE]))).toBeNull();
    const on = driftSensorState(drift([DROP]), 'voice');
    expect(on).toMatchObject({
      entity_id: 'binary_sensor.ml_voice_drifting',
      state: 'on',
      attributes: { device_class: 'problem', model_version: '1.0', before: 95.1, after: 86.6, timestamp: DROP.timestamp, accuracy_since: 60, change_points: 1 },
    });
    expect(driftSensorState(drift([DROP, RISE]), 'voice')).toMatchObject({ state: 'off', attributes: { before: null, after: null, timestamp: null, change_points: 2 } });
  });

  it('announces each drop of the current window once, in percent', () => {
    const first = driftAnnouncements(drift([OLD_DROP, DROP]), undefined);
    expect(first.events).toEqual([
      { model_name: 'voice', model_version: '1.0', metric: 'accuracy', before: 95.1, after: 86.6, timestamp: DROP.timestamp, changed_since: DROP.changed_since, accuracy_since: 60 },
    ]);
    expect(first.next).toEqual({ model_version: '1.0', timestamp: DROP.timestamp });
    expect(driftAnnouncements(drift([DROP]), first.next).events).toEqual([]);
    // The same change found again at a later prediction once the windows moved: it began before the announced one.
    const again = point('2026-01-02T11:00:00.000Z', '2026-01-02T05:00:00.000Z', 0.95, 0.8);
    expect(driftAnnouncements(drift([again]), first.next).events).toEqual([]);
    // A new drop that began after the announced one is announced.
    const later = point('2026-01-02T23:00:00.000Z', '2026-01-02T21:00:00.000Z', 0.9, 0.5);
    expect(driftAnnouncements(drift([DROP, RISE, later]), first.next).events.map((event) => event.timestamp)).toEqual([later.timestamp]);
    // Another version starts afresh.
    expect(driftAnnouncements(drift([DROP], '2.0'), first.next).events).toHaveLength(1);
    expect(driftAnnouncements(drift([RISE]), undefined).events).toEqual([]);
  });
});

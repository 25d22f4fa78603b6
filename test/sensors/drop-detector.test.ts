import { describe, expect, it } from 'vitest';
import type { AlertState, DetectDropsInput } from '../../src/sensors/drop-detector.js';
import { baselineRange, detectDrops } from '../../src/sensors/drop-detector.js';
import { performanceFixture } from './performance-fixture.js';

function input(overrides: Partial<DetectDropsInput> = {}): DetectDropsInput {
  return {
    current: performanceFixture(),
    baseline: null,
    targets: {},
    dropPoints: 5,
    minSamples: 20,
    previous: {},
    ...overrides,
  };
}

describe('detectDrops against targets', () => {
  it('announces a drop the first time a metric is found below its target', () => {
    const { announcements, next } = detectDrops(input({ targets: { accuracy: 0.9 } }));
    expect(announcements).toEqual([
      {
        event_type: 'ml_metrics_performance_drop',
        metric: 'accuracy',
        data: {
          model_name: 'voice_recognition',
          model_version: '2.0',
          metric: 'accuracy',
          value: 87.5,
          target: 90,
          baseline: null,
          window: '7d',
          reason: 'below_target',
        },
      },
    ]);
    expect(next).toEqual({ accuracy: { reason: 'below_target', value: 87.5, model_version: '2.0' } });
  });

  it('announces a persisting drop only once', () => {
    const first = detectDrops(input({ targets: { accuracy: 0.9 } }));
    const second = detectDrops(input({ targets: { accuracy: 0.9 }, current: performanceFixture({ accuracy: 0.85 }), previous: first.next }));
    expect(second.announcements).toEqual([]);
    expect(second.next).toEqual(first.next);
  });

  it('announces one recovery when the metric is back at its target', () => {
    const previous: AlertState = { accuracy: { reason: 'below_target', value: 87.5, model_version: '2.0' } };
    const recovered = detectDrops(input({ targets: { accuracy: 0.9 }, current: performanceFixture({ accuracy: 0.9 }), previous }));
    expect(recovered.announcements).toEqual([
      {
        event_type: 'ml_metrics_performance_recovered',
        metric: 'accuracy',
        data: expect.objectContaining({ metric: 'accuracy', value: 90, target: 90, reason: 'below_target' }),
      },
    ]);
    expect(recovered.next).toEqual({});
    const after = detectDrops(input({ targets: { accuracy: 0.9 }, current: performanceFixture({ accuracy: 0.95 }), previous: recovered.next }));
    expect(after.announcements).toEqual([]);
  });

  it('treats false_positive_rate as a ceiling', () => {
    const over = detectDrops(input({ targets: { false_positive_rate: 0.05 } }));
    expect(over.announcements.map((a) => [a.event_type, a.metric, a.data.value, a.data.target])).toEqual([
      ['ml_metrics_performance_drop', 'false_positive_rate', 10, 5],
    ]);
    expect(detectDrops(input({ targets: { false_positive_rate: 0.1 } })).announcements).toEqual([]);
  });

  it('judges nothing with fewer than min_samples labels, and keeps what was announced', () => {
    const few = performanceFixture({ labeled_predictions: 19, accuracy: 0.5 });
    expect(detectDrops(input({ targets: { accuracy: 0.9 }, current: few })).announcements).toEqual([]);
    const previous: AlertState = { accuracy: { reason: 'below_target', value: 50, model_version: '2.0' } };
    const fewGood = performanceFixture({ labeled_predictions: 19, accuracy: 1 });
    const kept = detectDrops(input({ targets: { accuracy: 0.9 }, current: fewGood, previous }));
    expect(kept.announcements).toEqual([]);
    expect(kept.next).toEqual(previous);
  });

  it('keeps a drop while the metric has no value', () => {
    const previous: AlertState = { precision: { reason: 'below_target', value: 50, model_version: '2.0' } };
    const result = detectDrops(input({ targets: { precision: 0.9 }, current: performanceFixture({ precision: null }), previous }));
    expect(result.announcements).toEqual([]);
    expect(result.next).toEqual(previous);
  });
});

describe('detectDrops against the previous window', () => {
  const baseline = performanceFixture({ accuracy: 0.95, precision: 0.8, recall: 0.9, f1_score: 0.847, confidence: 0.91234 });

  it('announces a drop of at least drop_points under the baseline', () => {
    const { announcements, next } = detectDrops(input({ baseline, current: performanceFixture({ accuracy: 0.9 }) }));
    expect(announcements).toEqual([
      {
        event_type: 'ml_metrics_performance_drop',
        metric: 'accuracy',
        data: {
          model_name: 'voice_recognition',
          model_version: '2.0',
          metric: 'accuracy',
          value: 90,
          target: null,
          baseline: 95,
          window: '7d',
          reason: 'below_baseline',
        },
      },
    ]);
    expect(next['accuracy']?.reason).toBe('below_baseline');
  });

  it('ignores a smaller fall, and honours drop_points', () => {
    expect(detectDrops(input({ baseline, current: performanceFixture({ accuracy: 0.901 }) })).announcements).toEqual([]);
    expect(detectDrops(input({ baseline, dropPoints: 2, current: performanceFixture({ accuracy: 0.93 }) })).announcements).toHaveLength(1);
    expect(detectDrops(input({ baseline, dropPoints: 10, current: performanceFixture({ accuracy: 0.9 }) })).announcements).toEqual([]);
  });

  it('needs min_samples labels in the baseline window too', () => {
    const thin = performanceFixture({ accuracy: 0.95, labeled_predictions: 19 });
    expect(detectDrops(input({ baseline: thin, current: performanceFixture({ accuracy: 0.5 }) })).announcements).toEqual([]);
  });

  it('names below_target when both rules apply', () => {
    const { announcements } = detectDrops(input({ baseline, targets: { accuracy: 0.92 }, current: performanceFixture({ accuracy: 0.9 }) }));
    expect(announcements.map((a) => a.data.reason)).toEqual(['below_target']);
    expect(announcements[0]?.data).toMatchObject({ target: 92, baseline: 95 });
  });

  it('recovers only when at target and no longer drop_points under the baseline', () => {
    const previous: AlertState = { accuracy: { reason: 'below_target', value: 85, model_version: '2.0' } };
    const stillUnderBaseline = detectDrops(input({ baseline, previous, targets: { accuracy: 0.85 }, current: performanceFixture({ accuracy: 0.88 }) }));
    expect(stillUnderBaseline.announcements).toEqual([]);
    const back = detectDrops(input({ baseline, previous, targets: { accuracy: 0.85 }, current: performanceFixture({ accuracy: 0.91 }) }));
    expect(back.announcements.map((a) => [a.event_type, a.data.reason, a.data.value, a.data.baseline])).toEqual([
      ['ml_metrics_performance_recovered', 'below_target', 91, 95],
    ]);
  });

  it('announces a rising false_positive_rate when it has a target', () => {
    const low = performanceFixture({ false_positive_rate: 0.02 });
    const { announcements } = detectDrops(
      input({ baseline: low, targets: { false_positive_rate: 0.2 }, current: performanceFixture({ false_positive_rate: 0.1 }) }),
    );
    expect(announcements.map((a) => [a.metric, a.data.reason, a.data.value, a.data.baseline])).toEqual([
      ['false_positive_rate', 'below_baseline', 10, 2],
    ]);
  });
});

describe('baselineRange', () => {
  it('is the same-length window just before the current one, ending before its first hour', () => {
    const range = baselineRange({ kind: 'duration', spec: '7d', since: '2026-01-03T12:34:56.000Z', until: '2026-01-10T12:34:56.000Z' });
    expect(range).toEqual({ since: '2025-12-27T12:34:56.000Z', until: '2026-01-03T11:59:59.999Z' });
  });

  it('is null for all, count and range windows', () => {
    expect(baselineRange({ kind: 'all', spec: 'all', since: null, until: null })).toBeNull();
    expect(baselineRange({ kind: 'count', spec: '500', since: null, until: null })).toBeNull();
    expect(baselineRange({ kind: 'range', spec: null, since: '2026-01-01T00:00:00.000Z', until: null })).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { adwinChanges } from '../../src/metrics/adwin.js';
import { accuracyChangePoints } from '../../src/metrics/change-points.js';

/** accuracyChangePoints maps ADWIN's detections onto the stream's predictions. */
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const stamp = (i: number) => new Date(T0 + i * 60_000).toISOString();

describe('accuracyChangePoints', () => {
  it('names the prediction that revealed each change, where ADWIN cut, and the accuracy since', () => {
    // 300 right but every 20th, 150 where 3 in 5 are wrong, 200 right again.
    const correct = Array.from({ length: 650 }, (_, i) => (i < 300 ? i % 20 !== 19 : i < 450 ? i % 5 < 2 : true));
    const outcomes = correct.map((value, i) => ({ timestamp: stamp(i), correct: value }));
    const changes = adwinChanges(correct.map((value) => (value ? 1 : 0)));
    const points = accuracyChangePoints(outcomes);
    expect(points.length).toBe(changes.length);
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(points[0]!.direction).toBe('drop');
    expect(points.at(-1)!.direction).toBe('rise');
    points.forEach((point, k) => {
      const change = changes[k]!;
      const end = k + 1 < changes.length ? changes[k + 1]!.index : correct.length - 1;
      const since = correct.slice(change.index + 1, end + 1);
      expect(point).toEqual({
        timestamp: stamp(change.index),
        changed_since: stamp(change.index - change.kept + 1),
        metric: 'accuracy',
        direction: change.after < change.before ? 'drop' : 'rise',
        before: change.before,
        after: change.after,
        accuracy_since: since.length > 0 ? since.filter(Boolean).length / since.length : null,
        labeled_since: since.length,
      });
    });
    // The drop is found within 150 predictions of 300, and the cut lies before the detection.
    expect(Date.parse(points[0]!.timestamp)).toBeLessThan(Date.parse(stamp(450)));
    expect(Date.parse(points[0]!.changed_since)).toBeLessThan(Date.parse(points[0]!.timestamp));
  });

  it('finds nothing in a stable or empty stream', () => {
    expect(accuracyChangePoints([])).toEqual([]);
    expect(accuracyChangePoints(Array.from({ length: 500 }, (_, i) => ({ timestamp: stamp(i), correct: i % 10 !== 0 })))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/tracker/errors.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** The time series over the real store: one point per bucket, from the hourly aggregates. */
const harness = useTrackerHarness('timeseries-');
const NOW = new Date('2024-01-17T12:00:00.000Z');
const CONFIG = { schema_version: 1, storage: { segment_max_records: 10 }, models: { voice: { label_key: 'user', targets: { accuracy: 0.8 } } } };

async function seed(): Promise<ModelPerformanceTracker> {
  const tracker = await harness.open({ config: CONFIG, now: () => NOW });
  const log = (id: string, at: string, predicted: string, truth: string | null, version = '1.0') =>
    tracker.logPrediction({
      prediction_id: id,
      model_name: 'voice',
      model_version: version,
      prediction: { user: predicted },
      confidence: 0.5,
      ...(truth === null ? {} : { ground_truth: { user: truth } }),
      timestamp: at,
    });
  // Day 1 (Jan 15): 3 labeled, 2 right, plus one unlabeled. Day 2 (Jan 16): nothing. Day 3: 1 right.
  await log('a', '2024-01-15T00:00:00.000Z', 'alice', 'alice');
  await log('b', '2024-01-15T10:10:00.000Z', 'bob', 'alice');
  await log('c', '2024-01-15T23:59:59.999Z', 'bob', 'bob');
  await log('d', '2024-01-15T12:00:00.000Z', 'bob', null);
  await log('e', '2024-01-17T08:00:00.000Z', 'alice', 'alice');
  await log('v2', '2024-01-15T09:00:00.000Z', 'alice', 'bob', '2.0');
  // Old fillers seal the segment above, so its counts come back from a stored summary.
  for (let n = 0; n < 5; n += 1) await log(`old${n}`, `2023-06-0${n + 1}T10:00:00.000Z`, 'alice', 'alice');
  expect(tracker.store.stats().segments).toBeGreaterThan(1);
  return tracker;
}

describe('getTimeseries', () => {
  it('answers one point per UTC day with empty days present, matching the performance of each day', async () => {
    const tracker = await seed();
    const series = await tracker.getTimeseries('voice', { bucket: '1d', since: '2024-01-15T06:00:00Z', until: '2024-01-17T12:00:00Z', version: '1.0' });
    expect(series.points.map((point) => point.start)).toEqual(['2024-01-15T00:00:00.000Z', '2024-01-16T00:00:00.000Z', '2024-01-17T00:00:00.000Z']);
    expect(series.since).toBe('2024-01-15T00:00:00.000Z');
    expect(series.until).toBe('2024-01-18T00:00:00.000Z');
    expect(series.targets).toEqual({ accuracy: 0.8 });
    const [first, empty, third] = series.points;
    expect([first?.total_predictions, first?.labeled_predictions, first?.correct_predictions]).toEqual([4, 3, 2]);
    expect(empty).toMatchObject({ total_predictions: 0, labeled_predictions: 0, accuracy: null, accuracy_interval: null, precision: null, confidence: null });
    expect(third).toMatchObject({ total_predictions: 1, correct_predictions: 1, accuracy: 1 });
    for (const point of series.points) {
      const performance = await tracker.getPerformance('voice', { version: '1.0', since: point.start, until: point.end });
      expect(point.accuracy).toBe(performance.accuracy);
      expect(point.accuracy_interval).toEqual(performance.accuracy_interval);
      expect([point.precision, point.recall, point.f1_score, point.confidence]).toEqual([
        performance.precision,
        performance.recall,
        performance.f1_score,
        performance.confidence,
      ]);
    }
  });

  it('keeps versions apart, defaults to the newest version and to the last 30 days up to now', async () => {
    const tracker = await seed();
    const series = await tracker.getTimeseries('voice', {});
    expect(series.model_version).toBe('2.0');
    expect(series.bucket).toBe('1d');
    expect(series.points).toHaveLength(30);
    expect(series.points.at(-1)?.start).toBe('2024-01-17T00:00:00.000Z');
    expect(series.points.reduce((sum, point) => sum + point.total_predictions, 0)).toBe(1);
  });

  it('sums hours into ISO weeks starting on Monday', async () => {
    const tracker = await seed();
    const series = await tracker.getTimeseries('voice', { bucket: '1w', since: '2024-01-10T00:00:00Z', until: '2024-01-20T00:00:00Z', version: '1.0' });
    expect(series.points.map((point) => [point.start, point.total_predictions])).toEqual([
      ['2024-01-08T00:00:00.000Z', 0],
      ['2024-01-15T00:00:00.000Z', 5],
    ]);
  });

  it('refuses more than 1000 points, a bad bucket and an unknown key, naming the field', async () => {
    const tracker = await seed();
    const refused = async (query: unknown) => {
      const error = await tracker.getTimeseries('voice', query).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      return error instanceof InvalidInputError ? error.issues.map((issue) => issue.path) : [];
    };
    expect(await refused({ bucket: '1h', since: '2023-01-01T00:00:00Z', until: '2024-01-01T00:00:00Z' })).toEqual(['since']);
    expect(await refused({ bucket: '2d' })).toEqual(['bucket']);
    expect(await refused({ windowz: '7d' })).toEqual(['windowz']);
    expect(await refused({ since: '2024-01-02T00:00:00Z', until: '2024-01-01T00:00:00Z' })).toEqual(['since']);
    const fine = await tracker.getTimeseries('voice', { bucket: '1h', since: '2024-01-01T00:00:00Z', until: '2024-02-11T16:00:00Z' });
    expect(fine.points).toHaveLength(1000);
  });
});

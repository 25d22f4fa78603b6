import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { createLogger } from '../../src/logging/logger.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** Time windows are exact to the millisecond of the predictions' timestamps (issue 9, "Time"). */
const harness = useTrackerHarness('time-windows-');
const NOW = new Date('2024-01-15T16:10:00.000Z');
const CONFIG = { schema_version: 1, storage: { segment_max_records: 10 }, models: { voice: { label_key: 'user' } } };

/** 14:30 right, then inside one hour 15:10 wrong and 15:46, 15:50 right; 12 fillers at 13:xx seal a segment first. */
async function seed(): Promise<ModelPerformanceTracker> {
  const tracker = await harness.open({ config: CONFIG, now: () => NOW });
  const log = (id: string, at: string, right: boolean) =>
    tracker.logPrediction({ prediction_id: id, model_name: 'voice', prediction: { user: 1 }, ground_truth: { user: right ? 1 : 2 }, timestamp: at });
  await log('p1430', '2024-01-15T14:30:00.000Z', true);
  await log('p1510', '2024-01-15T15:10:00.000Z', false);
  for (let n = 0; n < 12; n += 1) await log(`fill${n}`, `2024-01-15T13:${String(10 + n).padStart(2, '0')}:00.000Z`, true);
  await log('p1546', '2024-01-15T15:46:00.000Z', true);
  await log('p1550', '2024-01-15T15:50:00.000Z', true);
  return tracker;
}

const counts = (answer: { total_predictions: number; correct_predictions: number }) => [answer.total_predictions, answer.correct_predictions];

describe('time windows are exact to the millisecond', () => {
  it('until=15:00 does not count the predictions made at 15:10 and after', async () => {
    const tracker = await seed();
    expect(counts(await tracker.getPerformance('voice', { since: '2024-01-15T14:00:00Z', until: '2024-01-15T15:00:00Z' }))).toEqual([1, 1]);
    expect(counts(await tracker.getPerformance('voice', { until: '2024-01-15T15:46:00Z' }))).toEqual([14, 13]);
  });

  it('separates two groups inside one hour, and adjacent ranges add up to the whole', async () => {
    const tracker = await seed();
    const early = await tracker.getPerformance('voice', { since: '2024-01-15T15:00:00Z', until: '2024-01-15T15:30:00Z' });
    const late = await tracker.getPerformance('voice', { since: '2024-01-15T15:30:00Z', until: '2024-01-15T16:00:00Z' });
    expect(counts(early)).toEqual([1, 0]);
    expect(counts(late)).toEqual([2, 2]);
    expect(early.accuracy).toBe(0);
    expect(late.accuracy).toBe(1);
    // A millisecond either side of a prediction decides.
    expect(counts(await tracker.getPerformance('voice', { since: '2024-01-15T15:46:00.001Z', until: '2024-01-15T15:50:00.001Z' }))).toEqual([1, 1]);
    expect(counts(await tracker.getPerformance('voice', { since: '2024-01-15T15:46:00.000Z', until: '2024-01-15T15:50:00.000Z' }))).toEqual([1, 1]);
  });

  it('a duration window starts exactly now − duration', async () => {
    const tracker = await seed();
    // 16:10 − 30m = 15:40: the predictions at 15:46 and 15:50, not the one at 15:10.
    expect(counts(await tracker.getPerformance('voice', { window: '30m' }))).toEqual([2, 2]);
    // 16:10 − 2h = 14:10: also 14:30 and 15:10, not the 13:xx fillers (in a sealed segment).
    expect(counts(await tracker.getPerformance('voice', { window: '2h' }))).toEqual([4, 3]);
    // 16:10 − 3h = 13:10: the first filler is stamped exactly at the start, and counts.
    expect(counts(await tracker.getPerformance('voice', { window: '3h' }))).toEqual([16, 15]);
  });
});

describe('window queries that cannot be answered are refused with 400', () => {
  it('since later than until names both; window with since/until says which to use', async () => {
    const tracker = await seed();
    const reversed = tracker.getPerformance('voice', { since: '2024-01-15T15:00:00Z', until: '2024-01-15T14:00:00Z' });
    await expect(reversed).rejects.toMatchObject({ issues: [{ path: 'since' }, { path: 'until' }] });
    await expect(reversed).rejects.toThrow(/since \(2024-01-15T15:00:00.000Z\) is later than until \(2024-01-15T14:00:00.000Z\)/);
    await expect(tracker.getPerformance('voice', { window: '7d', since: '2024-01-15T14:00:00Z' })).rejects.toThrow(/give either window or since, not both/);
    await expect(tracker.getPerformance('voice', { window: '7d', since: '2024-01-15T14:00:00Z', until: '2024-01-15T15:00:00Z' })).rejects.toThrow(
      /give either window or since\/until, not both/,
    );
    // since = until is an empty range, not an error.
    expect(counts(await tracker.getPerformance('voice', { since: '2024-01-15T15:10:00Z', until: '2024-01-15T15:10:00Z' }))).toEqual([0, 0]);
  });

  it('over REST: 400 for both, and empty query parameters count as absent', async () => {
    const tracker = await seed();
    const server = createApiServer({ tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 });
    const { url } = await server.start();
    try {
      const base = `${url}/api/v1/ml-metrics/models/voice`;
      const reversed = await fetch(`${base}?since=2024-01-15T15:00:00Z&until=2024-01-15T14:00:00Z`);
      expect(reversed.status).toBe(400);
      const body = (await reversed.json()) as { error: string; issues: { path: string }[] };
      expect(body.issues.map((issue) => issue.path)).toEqual(['since', 'until']);
      expect((await fetch(`${base}?window=7d&until=2024-01-15T14:00:00Z`)).status).toBe(400);
      // What an HTML form sends for fields left blank.
      const blank = await fetch(`${base}?version=&window=&since=&until=`);
      expect(blank.status).toBe(200);
      expect(await blank.json()).toMatchObject({ total_predictions: 16, window: { kind: 'all' } });
      const page = await fetch(`${base}/predictions?cursor=&version=&limit=2`);
      expect(page.status).toBe(200);
      expect(((await page.json()) as { predictions: unknown[] }).predictions).toHaveLength(2);
      expect((await fetch(`${url}/api/v1/ml-metrics/models?x=`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('an edge hour whose raw records retention dropped', () => {
  it('is counted whole from its aggregates (the window widens to the hour)', async () => {
    let clock = new Date('2024-01-10T11:00:00.000Z');
    const tracker = await harness.open({ config: { ...CONFIG, storage: { segment_max_records: 10, retention_days: 1 } }, now: () => clock });
    // 12 predictions from 10:05 to 10:16: the first 10 fill segment 1, the other 2 are sealed by age (segment 2).
    for (let n = 0; n < 12; n += 1) {
      await tracker.logPrediction({ model_name: 'voice', prediction: { user: 1 }, ground_truth: { user: 1 }, timestamp: `2024-01-10T10:${String(5 + n).padStart(2, '0')}:00.000Z` });
    }
    clock = new Date('2024-01-15T12:00:00.000Z');
    for (let n = 0; n < 10; n += 1) await tracker.logPrediction({ model_name: 'voice', prediction: { user: 1 } });
    const range = { since: '2024-01-10T10:10:00Z', until: '2024-01-10T10:12:00Z' };
    expect(counts(await tracker.getPerformance('voice', range))).toEqual([2, 2]);
    expect(await tracker.applyRetention()).toEqual({ segments: 2, records: 12 });
    // 10:10 and 10:11 are gone as raw records: the whole 10:00 hour (12 predictions) is counted.
    expect(counts(await tracker.getPerformance('voice', range))).toEqual([12, 12]);
    // Hours wholly inside a window never need the raw records.
    expect(counts(await tracker.getPerformance('voice', { since: '2024-01-10T10:00:00Z', until: '2024-01-10T11:00:00Z' }))).toEqual([12, 12]);
  });
});

describe('the edge hours of a window, read from sealed segments', () => {
  it('count a late label given after the same window was asked (no stale answer from the per-segment hour cache)', async () => {
    const tracker = await seed();
    // 16:10 − 3h = 13:10: the hour 13:00 is cut, its fillers are read from the sealed segment.
    expect(counts(await tracker.getPerformance('voice', { window: '3h' }))).toEqual([16, 15]);
    await tracker.recordGroundTruth('fill5', { ground_truth: { user: 2 } });
    expect(counts(await tracker.getPerformance('voice', { window: '3h' }))).toEqual([16, 14]);
    await tracker.recordGroundTruth('fill5', { ground_truth: { user: 1 } });
    expect(counts(await tracker.getPerformance('voice', { window: '3h' }))).toEqual([16, 15]);
  });
});

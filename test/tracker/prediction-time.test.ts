import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { createLogger } from '../../src/logging/logger.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** A prediction's `timestamp` is the time of the prediction everywhere (issue 9, "Time", item 3). */
const harness = useTrackerHarness('prediction-time-');
const NOW = new Date('2024-01-15T12:00:00.000Z');
const CONFIG = { schema_version: 1, storage: { segment_max_records: 10 }, models: { voice: { label_key: 'user' } } };
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

/**
 * 25 live predictions (minute 100 down to 76 before now), then a backfill of 15 older ones
 * (minutes 300..286 before now) interleaved with 5 live ones (minutes 75..71): arrival order and
 * time order differ, across sealed segments. Live n is labeled when n is even; backfilled ones all.
 */
async function seed(): Promise<{ tracker: ModelPerformanceTracker; byTime: string[] }> {
  const tracker = await harness.open({ config: CONFIG, now: () => NOW });
  const made: { id: string; at: string }[] = [];
  const log = async (id: string, at: string, labeled: boolean) => {
    await tracker.logPrediction({ prediction_id: id, model_name: 'voice', prediction: { user: 1 }, timestamp: at, ...(labeled ? { ground_truth: { user: 1 } } : {}) });
    made.push({ id, at });
  };
  for (let n = 0; n < 25; n += 1) await log(`live${n}`, minutesAgo(100 - n), n % 2 === 0);
  for (let n = 0; n < 15; n += 1) {
    await log(`old${n}`, minutesAgo(300 - n), true);
    if (n % 3 === 0) await log(`live${25 + n / 3}`, minutesAgo(75 - n / 3), false);
  }
  const byTime = made.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).map(({ id }) => id);
  return { tracker, byTime };
}

async function allPages(tracker: ModelPerformanceTracker, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await tracker.getPredictions('voice', { limit, ...(cursor === undefined ? {} : { cursor }) });
    ids.push(...page.predictions.map((record) => record.prediction_id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

describe("a prediction's timestamp is the time of the prediction", () => {
  it('orders the predictions listing newest timestamp first, and its cursors page through every one once', async () => {
    const { tracker, byTime } = await seed();
    expect((await tracker.getPredictions('voice', { limit: 1000 })).predictions.map((record) => record.prediction_id)).toEqual(byTime);
    for (const limit of [1, 3, 7]) expect(await allPages(tracker, limit)).toEqual(byTime);
  });

  it('takes the last N labeled by timestamp, not the last N logged', async () => {
    const { tracker } = await seed();
    // The 3 labeled with the newest timestamps are live24, live22, live20 (the backfill arrived after them).
    const last3 = await tracker.getPerformance('voice', { window: '3' });
    // live20..live29 stamped at or after live20: 3 labeled, 7 unlabeled (live21, 23, 25..29).
    expect([last3.labeled_predictions, last3.total_predictions]).toEqual([3, 10]);
  });

  it('finds recent predictions for label matching even after a backfill arrived last', async () => {
    const { tracker } = await seed();
    const found = await tracker.findRecent(minutesAgo(80), () => true);
    expect(found.map((record) => record.prediction_id)).toEqual(['live29', 'live28', 'live27', 'live26', 'live25', 'live24', 'live23', 'live22', 'live21', 'live20']);
  });

  it('refuses a timestamp more than 5 minutes in the future (400, nothing stored) and takes old ones', async () => {
    const tracker = await harness.open({ config: CONFIG, now: () => NOW });
    const future = new Date(NOW.getTime() + 5 * 60_000 + 1).toISOString();
    await expect(tracker.logPrediction({ model_name: 'voice', prediction: { user: 1 }, timestamp: future })).rejects.toMatchObject({
      issues: [{ path: 'timestamp' }],
    });
    await expect(tracker.logPrediction({ model_name: 'voice', prediction: { user: 1 }, timestamp: future })).rejects.toThrow(/more than 5 minutes after/);
    expect(await tracker.listModels()).toEqual([]);
    await tracker.logPrediction({ prediction_id: 'skewed', model_name: 'voice', prediction: { user: 1 }, timestamp: new Date(NOW.getTime() + 5 * 60_000).toISOString() });
    await tracker.logPrediction({ prediction_id: 'backfill', model_name: 'voice', prediction: { user: 1 }, timestamp: '2019-03-01T08:00:00Z' });
    expect((await tracker.listModels())[0]?.total_predictions).toBe(2);

    const server = createApiServer({ tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 });
    const { url } = await server.start();
    try {
      const response = await fetch(`${url}/api/v1/ml-metrics/predictions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model_name: 'voice', prediction: { user: 1 }, timestamp: '2024-01-15T12:30:00Z' }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['timestamp']);
      expect((await tracker.listModels())[0]?.total_predictions).toBe(2);
    } finally {
      await server.stop();
    }
  });
});

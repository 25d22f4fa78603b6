/** `hap ml-metrics trend`, read from the data directory and from a running service. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api/create-api-server.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { runHapInProcess } from '../support/run-hap.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

let dir: TempDir;
let server: ApiServer;
let url: string;
let closeTracker: () => Promise<void>;

beforeAll(async () => {
  dir = await createTempDir('trend-cli-');
  const tracker = await openTracker({ dataDir: dir.path, config: { schema_version: 1, models: { voice: { label_key: 'user' } } } });
  const log = (id: string, day: number, right: boolean) =>
    tracker.logPrediction({
      prediction_id: id,
      model_name: 'voice',
      prediction: { user: 'a' },
      confidence: 0.8,
      ground_truth: { user: right ? 'a' : 'b' },
      timestamp: `2024-01-0${day}T12:00:00Z`,
    });
  // Jan 1: 1/2 right; Jan 2: nothing; Jan 3: 2/2 right; Jan 4: 0/1 right.
  await log('p1', 1, true);
  await log('p2', 1, false);
  await log('p3', 3, true);
  await log('p4', 3, true);
  await log('p5', 4, false);
  server = createApiServer({ tracker, logger: silentLogger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1_048_576 });
  url = (await server.start()).url;
  closeTracker = () => tracker.close();
});

afterAll(async () => {
  await server?.stop();
  await closeTracker?.();
  await dir?.remove();
});

const RANGE = ['--since', '2024-01-01T00:00:00Z', '--until', '2024-01-05T00:00:00Z'];

describe('hap ml-metrics trend', () => {
  for (const mode of ['direct', 'url'] as const) {
    it(`draws a sparkline per metric with a gap for the empty day, and min/max/last (${mode})`, async () => {
      const source = mode === 'direct' ? ['--data-dir', dir.path] : ['--url', url];
      const run = await runHapInProcess(['ml-metrics', 'trend', 'voice', ...RANGE, ...source]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const accuracy = run.stdout.split('\n').find((line) => line.startsWith('accuracy'));
      // 50 %, gap, 100 %, 0 %.
      expect(accuracy).toMatch(/^accuracy\s+▅ █▁\s+0\.0%\s+100\.0%\s+0\.0%\s*$/);
      const predictions = run.stdout.split('\n').find((line) => line.startsWith('predictions'));
      expect(predictions).toMatch(/^predictions\s+█▁█▅\s+0\s+2\s+1\s*$/);
      expect(run.stdout).toContain('4 × UTC day');
    });
  }

  it('prints the REST API document with --json and refuses a bad bucket, naming the flag', async () => {
    const json = await runHapInProcess(['ml-metrics', 'trend', 'voice', '--since', '2023-12-30T00:00:00Z', '--until', '2024-01-05T00:00:00Z', '--bucket', '1w', '--data-dir', dir.path, '--json']);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout) as { bucket: string; points: Array<{ start: string; total_predictions: number }> };
    expect(document.bucket).toBe('1w');
    expect(document.points.map((point) => [point.start, point.total_predictions])).toEqual([
      ['2023-12-25T00:00:00.000Z', 0],
      ['2024-01-01T00:00:00.000Z', 5],
    ]);
    const bad = await runHapInProcess(['ml-metrics', 'trend', 'voice', '--bucket', '2d', '--data-dir', dir.path]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--bucket');
  });
});

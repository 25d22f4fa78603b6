import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { CalibrationSchema } from '../../src/domain/calibration.js';
import { ModelPerformanceSchema } from '../../src/domain/performance.js';
import { SlicesSchema } from '../../src/domain/slices.js';
import { createLogger } from '../../src/logging/logger.js';
import { fixedClock, minutesBefore } from '../support/predictions.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** GET /models/{name}/calibration and /slices over HTTP, and estimated_accuracy in GET /models/{name}. */
const harness = useTrackerHarness('api-calibration-');
const PREFIX = '/api/v1/ml-metrics';

async function withServer(run: (get: (path: string) => Promise<{ status: number; body: unknown }>) => Promise<void>): Promise<void> {
  const tracker = await harness.open({ config: { schema_version: 1 }, now: fixedClock });
  for (let n = 0; n < 40; n += 1) {
    await tracker.logPrediction({
      model_name: 'voice',
      prediction: { user: 'alice' },
      confidence: n === 0 ? 0.1 : n === 1 ? 0.3 : 0.5 + n / 100,
      context: { device: n % 4 === 0 ? 'mic_hall' : 'mic_kitchen' },
      timestamp: minutesBefore(100 - n),
      ...(n < 34 ? { ground_truth: { user: n % 3 === 0 ? 'bob' : 'alice' } } : {}),
    });
  }
  const server = createApiServer({ tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 });
  const { url } = await server.start();
  try {
    await run(async (path) => {
      const response = await fetch(`${url}${PREFIX}${path}`);
      return { status: response.status, body: await response.json() };
    });
  } finally {
    await server.stop();
  }
}

describe('calibration and slices over HTTP', () => {
  it('answers the reliability curve, the slices and the estimate; refuses bad queries with 400 naming the field', async () => {
    await withServer(async (get) => {
      const calibration = await get('/models/voice/calibration?bins=5');
      expect(calibration.status).toBe(200);
      const curve = CalibrationSchema.parse(calibration.body);
      expect(curve.bins.map((bin) => [bin.lower, bin.upper, bin.count])).toEqual([
        [0, 0.2, 1],
        [0.2, 0.4, 1],
        [0.4, 0.6000000000000001, 9], // 0.52 … 0.6 (0.5 + 10/100 is 0.6, on the edge: the bin below)
        [0.6000000000000001, 0.8, 20], // 0.61 … 0.8
        [0.8, 1, 3],
      ]);
      expect(curve.labeled_with_confidence).toBe(34);
      expect(curve.window).toMatchObject({ kind: 'all' });

      const slices = await get('/models/voice/slices?by=context.device&window=90m');
      expect(slices.status).toBe(200);
      const answer = SlicesSchema.parse(slices.body);
      // The last 90 minutes hold n = 10 … 39 (n was stamped 100 − n minutes ago); every 4th n is the hall's.
      expect(answer.slices.map((slice) => [slice.value, slice.kind, slice.total_predictions])).toEqual([
        ['mic_kitchen', 'value', 23],
        ['mic_hall', 'value', 7],
      ]);

      const performance = ModelPerformanceSchema.parse((await get('/models/voice')).body);
      expect(performance.estimation_labeled_count).toBe(34);
      expect(performance.estimation_prediction_count).toBe(40);
      expect(performance.estimated_accuracy).not.toBeNull();

      for (const [path, field] of [
        ['/models/voice/calibration?bins=0', 'bins'],
        ['/models/voice/calibration?window=7d&since=2024-01-01T00:00:00Z', 'window'],
        ['/models/voice/slices?by=context.__proto__', 'by'],
        ['/models/voice/slices?by=context.device&limit=1000', 'limit'],
        ['/models/voice/slices', 'by'],
      ] as const) {
        const refused = await get(path);
        expect(refused.status, path).toBe(400);
        expect((refused.body as { issues: { path: string }[] }).issues.map((issue) => issue.path), path).toContain(field);
      }
      expect((await get('/models/nobody/calibration')).status).toBe(404);
      expect((await get('/models/voice/slices?by=context.device&version=9.9')).status).toBe(404);
    });
  });
});

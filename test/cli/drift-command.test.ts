import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { DriftSchema } from '../../src/domain/drift.js';
import { createLogger } from '../../src/logging/logger.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { mulberry32 } from '../support/seeded-random.js';
import { runHapInProcess } from '../support/run-hap.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** `GET /models/{name}/drift` and `hap ml-metrics drift`, direct and remote, on the same store. */
const harness = useTrackerHarness('drift-cli-');
const NOW = new Date('2026-03-01T12:00:00.000Z');
const CONFIG = { schema_version: 1, storage: { segment_max_records: 50 } };
const MINUTE = 60_000;
const RANGES = {
  reference_since: '2026-03-01T08:00:00.000Z',
  reference_until: '2026-03-01T10:00:00.000Z',
  since: '2026-03-01T10:00:00.000Z',
  until: '2026-03-01T12:00:00.000Z',
};

/** 120 predictions a minute apart over the 2 hours before 10:00 (90 % right), 120 after (50 %). */
async function seed(): Promise<ModelPerformanceTracker> {
  const tracker = await harness.open({ config: CONFIG, now: () => NOW });
  const random = mulberry32(5);
  for (let i = 0; i < 240; i++) {
    const recent = i >= 120;
    const person = random() < 0.5 ? 'alice' : 'bob';
    const correct = random() < (recent ? 0.5 : 0.9);
    await tracker.logPrediction({
      model_name: 'voice',
      prediction: { person },
      confidence: Math.round((recent ? 0.4 + 0.5 * random() : 0.7 + 0.3 * random()) * 100) / 100,
      ground_truth: { person: correct ? person : 'someone else' },
      timestamp: new Date(NOW.getTime() - 4 * 60 * MINUTE + i * MINUTE + 30_000).toISOString(),
    });
  }
  return tracker;
}

describe('GET /models/{name}/drift and hap ml-metrics drift', () => {
  it('answers the tracker document over REST and from the CLI, direct and with --url', async () => {
    const tracker = await seed();
    const expected = await tracker.getDrift('voice', RANGES);
    expect(expected.current.total_predictions).toBe(120);
    expect(expected.reference.total_predictions).toBe(120);
    const server = createApiServer({ tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 });
    const { url } = await server.start();
    try {
      const base = `${url}/api/v1/ml-metrics`;
      const response = await fetch(`${base}/models/voice/drift?${new URLSearchParams(RANGES)}`);
      expect(response.status).toBe(200);
      const body: unknown = await response.json();
      expect(DriftSchema.parse(body)).toEqual(expected);
      const bad = await fetch(`${base}/models/voice/drift?since=yesterday`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['since']);
      const reversed = await fetch(`${base}/models/voice/drift?reference_since=2026-03-01T10:00:00Z&reference_until=2026-03-01T09:00:00Z`);
      expect(reversed.status).toBe(400);
      expect((await fetch(`${base}/models/voice/drift?window=7d`)).status).toBe(400);
      expect((await fetch(`${base}/models/nobody/drift`)).status).toBe(404);

      const flags = ['--since', RANGES.since, '--until', RANGES.until, '--reference-since', RANGES.reference_since, '--reference-until', RANGES.reference_until];
      const remote = await runHapInProcess(['ml-metrics', 'drift', 'voice', ...flags, '--url', url, '--json']);
      expect(remote.stderr).toBe('');
      expect(JSON.parse(remote.stdout)).toEqual(expected);
      const text = await runHapInProcess(['ml-metrics', 'drift', 'voice', ...flags, '--url', url]);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^accuracy\s+\d+\.\d% → \d+\.\d% \(-\d+\.\d pts, p [<\d. ]+\)$/m);
      expect(text.stdout).toMatch(/^confidence KS\s+\d\.\d{3} \(p /m);
      expect(text.stdout).toMatch(/Change points \(ADWIN/);
      expect(text.stdout).toMatch(/\bdrop\b/);
    } finally {
      await server.stop();
    }
    await harness.close(tracker);

    const dataDir = harness.dir.path;
    const configPath = join(dataDir, '..', `${dataDir.split('/').pop()}-config.json`);
    await writeFile(configPath, JSON.stringify(CONFIG));
    try {
      const flags = ['--since', RANGES.since, '--until', RANGES.until, '--reference-since', RANGES.reference_since, '--reference-until', RANGES.reference_until];
      const direct = await runHapInProcess(['ml-metrics', 'drift', 'voice', ...flags, '--data-dir', dataDir, '--config', configPath, '--json']);
      expect(direct.stderr).toBe('');
      expect(JSON.parse(direct.stdout)).toEqual(expected);
      const bad = await runHapInProcess(['ml-metrics', 'drift', 'voice', '--reference-since', 'soon', '--data-dir', dataDir]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--reference-since/);
    } finally {
      await rm(configPath, { force: true });
    }
  });
});

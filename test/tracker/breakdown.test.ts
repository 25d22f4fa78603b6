import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { BreakdownSchema } from '../../src/domain/breakdown.js';
import { createLogger } from '../../src/logging/logger.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { fixedClock, minutesBefore } from '../support/predictions.js';
import { runHapInProcess } from '../support/run-hap.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** `getBreakdown`, `GET /models/{name}/breakdown` and `hap ml-metrics breakdown`: per automation. */
const harness = useTrackerHarness('breakdown-');
const CONFIG = { schema_version: 1, storage: { segment_max_records: 10 } };

async function seed(): Promise<ModelPerformanceTracker> {
  const tracker = await harness.open({ config: CONFIG, now: fixedClock });
  // 30 automation runs over 30 hours (3 sealed segments): three automations, every 5th without one.
  for (let n = 0; n < 30; n += 1) {
    const automation = n % 5 === 4 ? {} : { automation: `automation.rule_${n % 3}` };
    await tracker.logPrediction({
      prediction_id: `a${n}`,
      model_name: 'automations',
      prediction: { kept: true },
      context: { ...automation, trigger: 'state' },
      timestamp: minutesBefore((30 - n) * 60),
      ...(n % 2 === 0 ? { ground_truth: { kept: n % 4 === 0 } } : {}),
    });
  }
  await tracker.logPrediction({ prediction_id: 'v2', model_name: 'automations', model_version: '2.0', prediction: { kept: true }, context: { automation: 'automation.rule_0' } });
  return tracker;
}

/** What the records say, counted by hand: n in [from, 30) of version 1.0. */
function expectedGroups(from: number) {
  const groups = new Map<string | null, { total: number; labeled: number; correct: number }>();
  for (let n = from; n < 30; n += 1) {
    const value = n % 5 === 4 ? null : `automation.rule_${n % 3}`;
    const group = groups.get(value) ?? { total: 0, labeled: 0, correct: 0 };
    group.total += 1;
    if (n % 2 === 0) {
      group.labeled += 1;
      if (n % 4 === 0) group.correct += 1;
    }
    groups.set(value, group);
  }
  return ['automation.rule_0', 'automation.rule_1', 'automation.rule_2', null]
    .filter((value) => groups.has(value))
    .map((value) => {
      const group = groups.get(value)!;
      return { value, total_predictions: group.total, labeled_predictions: group.labeled, correct_predictions: group.correct, accuracy: group.labeled > 0 ? group.correct / group.labeled : null };
    });
}

describe('tracker.getBreakdown', () => {
  it('groups one version by a context key, sorted, records without the key under null', async () => {
    const tracker = await seed();
    const answer = await tracker.getBreakdown('automations', { by: 'automation', version: '1.0' });
    expect(BreakdownSchema.parse(answer)).toEqual(answer);
    expect(answer).toMatchObject({ model_name: 'automations', model_version: '1.0', by: 'automation', window: { kind: 'all' } });
    expect(answer.groups).toEqual(expectedGroups(0));
    // The newest version by default.
    expect((await tracker.getBreakdown('automations', { by: 'automation' })).groups).toEqual([
      { value: 'automation.rule_0', total_predictions: 1, labeled_predictions: 0, correct_predictions: 0, accuracy: null },
    ]);
    // A key no record has: one null group.
    expect((await tracker.getBreakdown('automations', { by: 'nope', version: '1.0' })).groups).toEqual([
      { value: null, total_predictions: 30, labeled_predictions: 15, correct_predictions: 8, accuracy: 8 / 15 },
    ]);
  });

  it('takes the windows of the performance answer: a duration (exact to the millisecond) and the last N labeled', async () => {
    const tracker = await seed();
    // 10h back from 12:00 starts at 02:00: predictions made 10 hours before and later, n >= 20.
    expect((await tracker.getBreakdown('automations', { by: 'automation', version: '1.0', window: '10h' })).groups).toEqual(expectedGroups(20));
    // The last 5 labeled (n = 28, 26, 24, 22, 20) and every prediction since the oldest of them.
    expect((await tracker.getBreakdown('automations', { by: 'automation', version: '1.0', window: '5' })).groups).toEqual(expectedGroups(20));
  });

  it('refuses a bad query and names an unknown model or version', async () => {
    const tracker = await seed();
    await expect(tracker.getBreakdown('automations', {})).rejects.toThrow(/by/);
    await expect(tracker.getBreakdown('automations', { by: '' })).rejects.toThrow(/context key/);
    await expect(tracker.getBreakdown('automations', { by: 'automation', window: 'soon' })).rejects.toThrow(/window/);
    await expect(tracker.getBreakdown('automations', { by: 'automation', extra: 1 })).rejects.toThrow(/extra/);
    await expect(tracker.getBreakdown('nobody', { by: 'automation' })).rejects.toThrow(/no model named "nobody"/);
    await expect(tracker.getBreakdown('automations', { by: 'automation', version: '9' })).rejects.toThrow(/no version "9"/);
  });
});

describe('GET /models/{name}/breakdown and hap ml-metrics breakdown', () => {
  it('answers the same document over REST, in the OpenAPI document, and from the CLI', async () => {
    const tracker = await seed();
    const expected = await tracker.getBreakdown('automations', { by: 'automation', version: '1.0', window: '10h' });
    const server = createApiServer({ tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024 });
    const { url } = await server.start();
    try {
      const base = `${url}/api/v1/ml-metrics`;
      const response = await fetch(`${base}/models/automations/breakdown?by=automation&version=1.0&window=10h`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(expected);
      const bad = await fetch(`${base}/models/automations/breakdown?window=7d`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toContain('by');
      expect((await fetch(`${base}/models/nobody/breakdown?by=automation`)).status).toBe(404);
      const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as {
        paths: Record<string, { get?: { operationId: string; parameters: { name: string; required?: boolean }[] } }>;
        components: { schemas: Record<string, unknown> };
      };
      const operation = openapi.paths['/api/v1/ml-metrics/models/{name}/breakdown']?.get;
      expect(operation?.operationId).toBe('getBreakdown');
      expect(operation?.parameters.find((parameter) => parameter.name === 'by')?.required).toBe(true);
      expect(openapi.components.schemas['Breakdown']).toBeDefined();
    } finally {
      await server.stop();
    }
    await harness.close(tracker);

    const dataDir = harness.dir.path;
    const configPath = join(dataDir, '..', `${harness.dir.path.split('/').pop()}-config.json`);
    const { writeFile, rm } = await import('node:fs/promises');
    await writeFile(configPath, JSON.stringify(CONFIG));
    try {
      const args = ['ml-metrics', 'breakdown', 'automations', '--by', 'automation', '--version', '1.0', '--data-dir', dataDir, '--config', configPath];
      const json = await runHapInProcess([...args, '--window', '10h', '--json']);
      expect(json.stderr).toBe('');
      // The CLI's clock is the real one: compare the groups of the whole history instead.
      expect(JSON.parse(json.stdout)).toMatchObject({ model_name: 'automations', by: 'automation', window: { kind: 'duration', spec: '10h' } });
      const all = await runHapInProcess([...args, '--json']);
      expect(JSON.parse(all.stdout).groups).toEqual(expectedGroups(0));
      const text = await runHapInProcess(args);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^automation\s+predictions\s+labeled\s+correct\s+accuracy$/m);
      expect(text.stdout).toMatch(/^automation\.rule_0\s+\d+\s+\d+\s+\d+\s+[\d.]+%$/m);
      expect(text.stdout).toMatch(/^— \(no automation\)\s+6\s+3\s+\d+/m);
      const missing = await runHapInProcess(['ml-metrics', 'breakdown', 'automations', '--data-dir', dataDir, '--config', configPath]);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/--by/);
    } finally {
      await rm(configPath, { force: true });
    }
  });
});

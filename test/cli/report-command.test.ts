import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import { createExperimentRoutes } from '../../src/api/experiment-routes.js';
import { Experiments } from '../../src/experiments/experiments-service.js';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/logging/logger.js';
import { REPORT_CONFIG, seedTwoPeriods } from '../support/report-seed.js';
import { runHapInProcess } from '../support/run-hap.js';
import { useTrackerHarness } from '../support/tracker-harness.js';

/** `hap ml-metrics report`: from the data directory and from a running service (`--url`). */
const harness = useTrackerHarness('report-cli-');
const ACCURACY_ROW = '| Accuracy | 70.0% | 90.0% | −20.0 pp |';

async function seeded(): Promise<{ configPath: string }> {
  const configPath = join(harness.dir.path, 'config.json');
  await writeFile(configPath, JSON.stringify(REPORT_CONFIG));
  const tracker = await harness.open({ config: ConfigSchema.parse({ ...REPORT_CONFIG, data_dir: harness.dir.path }), now: () => new Date() });
  await seedTwoPeriods(tracker, new Date());
  await harness.close(tracker);
  return { configPath };
}

describe('hap ml-metrics report', () => {
  it('prints the Markdown report from the data directory, and writes the HTML one with --out', async () => {
    const { configPath } = await seeded();
    const md = await runHapInProcess(['ml-metrics', 'report', '--data-dir', harness.dir.path, '--config', configPath, '--format', 'md']);
    expect(md.stderr).toBe('');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('# Model performance report');
    expect(md.stdout).toContain(ACCURACY_ROW);
    expect(md.stdout).toContain('Accuracy ≥ 80.0%: **missed** (70.0%)');

    const out = join(harness.dir.path, 'out', 'report.html');
    const html = await runHapInProcess(['ml-metrics', 'report', '--data-dir', harness.dir.path, '--config', configPath, '--format', 'html', '--out', out, '--model', 'voice']);
    expect(html.code).toBe(0);
    expect(html.stdout).toBe(`wrote ${out}\n`);
    const page = await readFile(out, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('data-points="7"');
  });

  it('refuses a bad --since or --format naming the flag, and an unknown --model', async () => {
    const { configPath } = await seeded();
    const since = await runHapInProcess(['ml-metrics', 'report', '--data-dir', harness.dir.path, '--since', 'yesterday']);
    expect(since.code).not.toBe(0);
    expect(since.stderr).toContain('invalid --since "yesterday"');
    const format = await runHapInProcess(['ml-metrics', 'report', '--data-dir', harness.dir.path, '--format', 'pdf']);
    expect(format.stderr).toContain('invalid --format "pdf"');
    const model = await runHapInProcess(['ml-metrics', 'report', '--data-dir', harness.dir.path, '--config', configPath, '--model', 'nobody']);
    expect(model.code).not.toBe(0);
    expect(model.stderr).toContain('nobody');
  });

  it('builds the same figures from a running service with --url', async () => {
    await seeded();
    const tracker = await harness.open({ config: ConfigSchema.parse({ ...REPORT_CONFIG, data_dir: harness.dir.path }), now: () => new Date() });
    const logger = createLogger({ level: 'silent' });
    const experiments = await Experiments.open({ dataDir: harness.dir.path, tracker, logger });
    const server = createApiServer({ tracker, logger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024, extraRoutes: createExperimentRoutes(experiments) });
    const { url } = await server.start();
    try {
      const remote = await runHapInProcess(['ml-metrics', 'report', '--url', url, '--format', 'md']);
      expect(remote.stderr).toBe('');
      expect(remote.stdout).toContain(ACCURACY_ROW);
      expect(remote.stdout).toContain('alice → bob (21)');
    } finally {
      await server.stop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api/create-api-server.js';
import { createExperimentRoutes } from '../../src/api/experiment-routes.js';
import { Experiments } from '../../src/experiments/experiments-service.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { runHapInProcess } from '../support/run-hap.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

let dir: TempDir;
let tracker: ModelPerformanceTracker;
let experiments: Experiments;
let server: ApiServer;
let url = '';

beforeAll(async () => {
  dir = await createTempDir('experiment-cli-');
  tracker = await openTracker({ dataDir: dir.path, logger: silentLogger });
  experiments = await Experiments.open({ dataDir: dir.path, tracker, logger: silentLogger });
  server = createApiServer({ tracker, logger: silentLogger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1_048_576, extraRoutes: createExperimentRoutes(experiments) });
  ({ url } = await server.start());
});

afterAll(async () => {
  await server.stop();
  await experiments.flush();
  await tracker.close();
  await dir.remove();
});

const ok = (run: { code: number; stdout: string; stderr: string }): string => {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
};

describe('hap ml-metrics experiment', () => {
  let id = '';

  it('creates an experiment through the service, and refuses to write the files directly', async () => {
    const args = ['ml-metrics', 'experiment', 'create', '--name', 'Voice v2', '--model', 'voice_recognition', '--version-a', '1.0', '--version-b', '2.0', '--allocation', '0.3', '--mde', '0.1'];
    const direct = await runHapInProcess([...args, '--data-dir', dir.path]);
    expect(direct.code).toBe(1);
    expect(direct.stderr).toBe('hap: to create an experiment, ask the running service: add --url http://127.0.0.1:8000 (the data directory is read-only to the CLI)\n');

    const created = JSON.parse(ok(await runHapInProcess([...args, '--url', url, '--json']))) as { experiment_id: string; allocation: number; min_detectable_effect: number };
    expect(created).toMatchObject({ allocation: 0.3, min_detectable_effect: 0.1 });
    id = created.experiment_id;
  });

  it('names the bad field when the service refuses (exit 2)', async () => {
    const run = await runHapInProcess(['ml-metrics', 'experiment', 'create', '--name', 'Other', '--model', 'voice_recognition', '--version-a', '1.0', '--version-b', '2.0', '--alpha', 'lots', '--url', url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^hap: invalid experiment: alpha: /);
  });

  it('shows, lists and assigns, the same from the files and from the service', async () => {
    for (let i = 0; i < 4; i += 1) {
      await tracker.logPrediction({ model_name: 'voice_recognition', model_version: i % 2 === 0 ? '1.0' : '2.0', prediction: { user_id: 1 }, ground_truth: { user_id: 1 } });
    }
    const show = ok(await runHapInProcess(['ml-metrics', 'experiment', 'show', id, '--url', url]));
    expect(show).toMatch(/^experiment\s+Voice v2 \(exp-[0-9a-f]{8}\)$/m);
    expect(show).toMatch(/^samples\s+a 2, b 2$/m);
    expect(show).toMatch(/^reason\s+waiting for observations: 28 more for 1\.0 and 28 more for 2\.0/m);
    expect(show).toMatch(/^hub sensor\s+sensor\.ml_experiment_voice_v2$/m);

    const list = ok(await runHapInProcess(['ml-metrics', 'experiments', '--url', url]));
    expect(list).toMatch(new RegExp(`^${id}\\s+Voice v2\\s+voice_recognition\\s+1\\.0 → 2\\.0\\s+accuracy\\s+2/2\\s+100\\.0%\\s+100\\.0%\\s+1\\.000\\s+running$`, 'm'));
    const remote = JSON.parse(ok(await runHapInProcess(['ml-metrics', 'experiments', '--url', url, '--json']))) as { experiments: Array<Record<string, unknown>> };
    const direct = JSON.parse(ok(await runHapInProcess(['ml-metrics', 'experiments', '--data-dir', dir.path, '--json']))) as { experiments: Array<Record<string, unknown>> };
    for (const answer of [remote, direct]) for (const report of answer.experiments) delete report['evaluated_at'];
    expect(direct).toEqual(remote);

    const assigned = ok(await runHapInProcess(['ml-metrics', 'experiment', 'assign', id, '--unit', 'kitchen', '--url', url]));
    const again = ok(await runHapInProcess(['ml-metrics', 'experiment', 'assign', id, '--unit', 'kitchen', '--data-dir', dir.path]));
    expect(assigned).toMatch(/^kitchen: (1\.0|2\.0) \(experiment exp-[0-9a-f]{8}, running\)\n$/);
    expect(again).toBe(assigned);
  });

  it('stops it, and says so when it is stopped twice or unknown', async () => {
    expect(ok(await runHapInProcess(['ml-metrics', 'experiment', 'stop', id, '--url', url]))).toMatch(/^status\s+stopped$/m);
    const twice = await runHapInProcess(['ml-metrics', 'experiment', 'stop', id, '--url', url]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/has already ended \(stopped\)/);
    const unknown = await runHapInProcess(['ml-metrics', 'experiment', 'show', 'exp-00000000', '--data-dir', dir.path]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^hap: no experiment "exp-00000000"; known: exp-/);
  });
});

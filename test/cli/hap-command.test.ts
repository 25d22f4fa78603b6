/**
 * `hap ml-metrics ...` as a user runs it: `node bin/hap.js` in a child process, against a data
 * directory written by the real tracker, and against the real REST API.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/api/create-api-server.js';
import { DEFAULT_CONFIG_PATH, readConfigFile } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { type ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { SEED_TRAINING } from '../support/predictions.js';
import { cleanHapEnv, HAP_BIN, spawnHap, type HapRun } from '../support/run-hap.js';
import { ensureBuilt } from '../support/ensure-built.js';
import { freePort, PROJECT_ROOT } from '../support/spawn-service.js';


function hap(args: string[], env: NodeJS.ProcessEnv = {}): Promise<HapRun> {
  return spawnHap(args, { env });
}

function errorLine(run: HapRun): string {
  const lines = run.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^hap: /);
  return lines[0] ?? '';
}

function ok(run: HapRun): string {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

const PER_VERSION = 40;
/** Inputs version 1.0 gets wrong (12 of 40) and version 1.1 gets wrong (1 of 40): 1.1 is clearly better. */
const WRONG_IN_1_0 = new Set([0, 3, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32]);
const WRONG_IN_1_1 = new Set([3]);

/** Writes the store the way the service would: voice predictions of two versions, a binary model, a training run. */
async function seedStore(dataDir: string): Promise<void> {
  const config = readConfigFile(DEFAULT_CONFIG_PATH);
  const tracker = await openTracker({ dataDir, config, logger: silentLogger });
  try {
    const start = Date.now() - 2 * 3600_000;
    let minute = 0;
    for (const [version, wrong] of [
      ['1.0', WRONG_IN_1_0],
      ['1.1', WRONG_IN_1_1],
    ] as const) {
      for (let sample = 0; sample < PER_VERSION; sample += 1) {
        const user = (sample % 3) + 1;
        const predicted = wrong.has(sample) ? (user % 3) + 1 : user;
        await tracker.logPrediction({
          prediction_id: `v${version}-${String(sample).padStart(2, '0')}`,
          model_name: 'voice_recognition',
          model_version: version,
          input_data: { sample },
          prediction: { user_id: predicted, confidence: 0.9 },
          confidence: 0.9,
          ground_truth: { user_id: user },
          timestamp: new Date(start + minute++ * 60_000).toISOString(),
        });
      }
    }
    for (let sample = 0; sample < 10; sample += 1) {
      await tracker.logPrediction({
        model_name: 'suggestion_engine',
        input_data: { pattern_id: sample },
        prediction: { suggestion_id: sample, accepted: true },
        confidence: 0.7,
        ground_truth: { accepted: sample < 7 },
        timestamp: new Date(start + minute++ * 60_000).toISOString(),
      });
    }
    await tracker.logTraining({ ...SEED_TRAINING, model_version: '1.1' });
  } finally {
    await tracker.close();
  }
}

describe('hap ml-metrics (spawned, real store)', () => {
  let scratch: string;
  let dataDir: string;
  let dd: string[];

  beforeAll(async () => {
    await ensureBuilt();
    scratch = await mkdtemp(path.join(tmpdir(), 'hap-e2e-'));
    dataDir = path.join(scratch, 'data');
    await seedStore(dataDir);
    dd = ['--data-dir', dataDir];
  }, 120_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('lists the models as a table and as the API\'s JSON', async () => {
    const table = ok(await hap(['ml-metrics', 'list', ...dd]));
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^model\s+version\s+predictions\s+labeled\s+accuracy\s+confidence\s+last prediction\s+versions\s+all versions$/);
    // The default version's figures (1.1: 39 of 40 right), the same as `performance` shows; all versions apart.
    expect(lines.find((line) => line.startsWith('voice_recognition'))).toMatch(/^voice_recognition\s+1\.1\s+40\s+40\s+97\.5%\s+90\.0%\s+\S+ \S+\s+1\.0, 1\.1\s+80$/);
    expect(lines.find((line) => line.startsWith('suggestion_engine'))).toMatch(/\s1\.0\s+10\s+10\s+70\.0%\s+70\.0%/);

    const json = JSON.parse(ok(await hap(['ml-metrics', 'list', '--json', ...dd]))) as { models: Array<{ model_name: string }> };
    expect(json.models.map((model) => model.model_name)).toEqual(['suggestion_engine', 'voice_recognition']);
  });

  it('reads $ML_METRICS_DATA_DIR when --data-dir is not given', async () => {
    const run = await hap(['ml-metrics', 'list'], { ML_METRICS_DATA_DIR: dataDir });
    expect(ok(run)).toContain('voice_recognition');
  });

  it('shows performance: headline with interval and targets, per class, confusion matrix', async () => {
    const text = ok(await hap(['ml-metrics', 'performance', 'voice_recognition', ...dd]));
    expect(text).toContain('voice_recognition — version 1.1 (multiclass)');
    expect(text).toMatch(/^accuracy\s+97\.5%\s+\d+\.\d% – \d+\.\d%\s+≥ 90\.0% ✓$/m);
    expect(text).toMatch(/^precision\s+\d+\.\d%\s+≥ 88\.0% [✓✗]$/m);
    expect(text).toContain('predictions: 40 total, 40 labeled, 39 correct, 1 incorrect');
    expect(text).toContain('Per class:');
    expect(text).toMatch(/Confusion matrix[^\n]*\ntrue \\ predicted\s+1\s+2\s+3\n/);

    const older = ok(await hap(['ml-metrics', 'performance', 'voice_recognition', '--version', '1.0', '--window', '10', ...dd]));
    expect(older).toContain('version 1.0');
    expect(older).toContain('window: last 10 labeled predictions');
  });

  it('prints the REST API\'s performance document with --json', async () => {
    const document = JSON.parse(ok(await hap(['ml-metrics', 'performance', 'voice_recognition', '--json', ...dd])));
    expect(document).toMatchObject({
      model_name: 'voice_recognition',
      model_version: '1.1',
      accuracy: 39 / 40,
      total_predictions: 40,
      correct_predictions: 39,
      incorrect_predictions: 1,
      task: 'multiclass',
      versions: ['1.0', '1.1'],
      targets: { accuracy: 0.9, precision: 0.88, recall: 0.9, f1_score: 0.89 },
    });
    expect(document.accuracy_interval.lower).toBeLessThan(document.accuracy);
    expect(document.confusion_matrix.labels).toEqual([1, 2, 3]);
  });

  it('pages predictions with --limit and the printed cursor', async () => {
    const first = ok(await hap(['ml-metrics', 'predictions', 'voice_recognition', '--limit', '5', ...dd]));
    const rows = first.split('\n').filter((line) => /^\d{4}-\d\d-\d\d /.test(line));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toContain('v1.1-39');
    const hint = first.match(/--cursor (\d+)/);
    expect(hint, first).not.toBeNull();
    expect(first).toContain('Older predictions: hap ml-metrics predictions voice_recognition --limit 5 --cursor');

    const page = JSON.parse(
      ok(await hap(['ml-metrics', 'predictions', 'voice_recognition', '--limit', '5', '--cursor', hint?.[1] ?? '', '--json', ...dd])),
    ) as { predictions: Array<{ prediction_id: string }>; next_cursor: string | null };
    expect(page.predictions.map((p) => p.prediction_id)).toEqual(['v1.1-34', 'v1.1-33', 'v1.1-32', 'v1.1-31', 'v1.1-30']);
    expect(page.next_cursor).not.toBeNull();
  });

  it('shows training sessions newest first', async () => {
    const text = ok(await hap(['ml-metrics', 'training', 'voice_recognition', ...dd]));
    expect(text).toMatch(/train_20240115_001\s+1\.1\s+1000\s+200\s+92\.0%\s+88\.0%\s+0\.150\s+0\.220\s+20m 51s/);
    const json = JSON.parse(ok(await hap(['ml-metrics', 'training', 'voice_recognition', '--json', ...dd])));
    expect(json).toMatchObject({ model_name: 'voice_recognition', sessions: [{ training_session_id: 'train_20240115_001' }] });
  });

  it('lists the versions registry: natural order, all-time figures, the default one starred', async () => {
    const text = ok(await hap(['ml-metrics', 'versions', 'voice_recognition', ...dd]));
    const rows = text.split('\n').filter((line) => /^\*?\s+1\.[01]\s/.test(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\s+1\.0\s+\S+ \S+\s+\S+ \S+\s+40\s+40\s+70\.0%\s+—$/);
    expect(rows[1]).toMatch(/^\*\s+1\.1\s+\S+ \S+\s+\S+ \S+\s+40\s+40\s+97\.5%\s+train_20240115_001$/);
    const json = JSON.parse(ok(await hap(['ml-metrics', 'versions', 'voice_recognition', '--json', ...dd])));
    expect(json.versions.map((v: { model_version: string; current: boolean }) => [v.model_version, v.current])).toEqual([
      ['1.0', false],
      ['1.1', true],
    ]);
  });

  it('compares two versions: deltas, winner, reason, p-value', async () => {
    const args = ['ml-metrics', 'compare', 'voice_recognition', '--version-a', '1.0', '--version-b', '1.1', ...dd];
    const text = ok(await hap(args));
    expect(text).toMatch(/^accuracy\s+70\.0%\s+97\.5%\s+\+27\.5 pts$/m);
    expect(text).toContain('winner: 1.1');
    expect(text).toMatch(/^reason: .+/m);
    expect(text).toMatch(/^test: McNemar's (exact|chi-squared) test, p (< 0\.001|= 0\.\d{3}) \(alpha 0\.05/m);

    const json = JSON.parse(ok(await hap([...args, '--json'])));
    expect(json).toMatchObject({ version_a: '1.0', version_b: '1.1', winner: '1.1', deltas: { accuracy: expect.closeTo(0.275, 6) } });
  });

  it('names the known models when the model is unknown', async () => {
    const run = await hap(['ml-metrics', 'performance', 'nope', ...dd]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe('hap: no model named "nope"; known models: suggestion_engine, voice_recognition');
    expect(run.stdout).toBe('');
    const training = await hap(['ml-metrics', 'training', 'nope', ...dd]);
    expect(errorLine(training)).toMatch(/^hap: no model named "nope"/);
  });

  it('names the known versions when the version is unknown', async () => {
    const run = await hap(['ml-metrics', 'performance', 'voice_recognition', '--version', '9.9', ...dd]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toMatch(/9\.9.*1\.0, 1\.1/);
  });

  it('refuses a bad --limit with exit 2', async () => {
    const run = await hap(['ml-metrics', 'predictions', 'voice_recognition', '--limit', 'lots', ...dd]);
    expect(run.code).toBe(2);
    expect(errorLine(run)).toBe('hap: invalid --limit "lots": limit must be a whole number');
  });

  it('names a missing data directory and does not create it', async () => {
    const missing = path.join(scratch, 'not-there');
    const run = await hap(['ml-metrics', 'list', '--data-dir', missing]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(`hap: no data directory at ${missing}; start the service first or pass --data-dir`);
    await expect(stat(missing)).rejects.toThrow(/ENOENT/);
  });

  it('names the unreadable file of a corrupt store', async () => {
    const broken = path.join(scratch, 'broken');
    await cp(dataDir, broken, { recursive: true });
    await writeFile(path.join(broken, 'training.json'), '{ not json');
    const run = await hap(['ml-metrics', 'list', '--data-dir', broken]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain(path.join(broken, 'training.json'));
  });

  it('reports an unreachable --url on one line', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await hap(['ml-metrics', 'list', '--url', url]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toMatch(new RegExp(`^hap: cannot reach ${url}: connect ECONNREFUSED`));
  });

  it('answers an unknown command with exit 2 on one line', async () => {
    const run = await hap(['ml-metrics', 'perfomance']);
    expect(run.code).toBe(2);
    expect(errorLine(run)).toBe("hap: unknown command 'perfomance' (Did you mean performance?)");
  });

  it('serves the store with `serve` and reads it back with --url, then stops on SIGTERM', async () => {
    const served = path.join(scratch, 'serve-dir');
    await cp(dataDir, served, { recursive: true });
    const child = spawn(process.execPath, [HAP_BIN, 'ml-metrics', 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', served], {
      cwd: PROJECT_ROOT,
      env: cleanHapEnv(),
    });
    let log = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the service did not start:\n${log}`)), 20_000);
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          log += chunk;
          const found = log.match(/REST API listening.*url=(http:\/\/\S+)/);
          if (found?.[1]) {
            clearTimeout(timer);
            resolve(found[1]);
          }
        });
        child.on('close', () => reject(new Error(`the service exited:\n${log}`)));
      });
      // The logged address ends in /api/v1/ml-metrics; --url takes it as it is.
      const text = ok(await hap(['ml-metrics', 'list', '--url', url]));
      expect(text).toMatch(/^voice_recognition\s+1\.1\s+40\s/m);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, log).toBe(0);
  });

  describe('with --url against the REST API', () => {
    const TOKEN = 'test-token';
    let server: ApiServer;
    let tracker: ModelPerformanceTracker;
    let url: string;

    beforeAll(async () => {
      // Its own copy: the service's tracker holds the data directory's lock.
      const served = path.join(scratch, 'served');
      await cp(dataDir, served, { recursive: true });
      tracker = await openTracker({ dataDir: served, config: readConfigFile(DEFAULT_CONFIG_PATH), logger: silentLogger });
      server = createApiServer({ tracker, logger: silentLogger, host: '127.0.0.1', port: 0, bodyLimitBytes: 1_048_576, apiToken: TOKEN });
      ({ url } = await server.start());
    });

    afterAll(async () => {
      await server?.stop();
      await tracker?.close();
    });

    const withToken = { ML_METRICS_API_TOKEN: TOKEN };

    it('prints the same documents as direct mode', async () => {
      for (const args of [
        ['list'],
        ['performance', 'voice_recognition', '--window', '20'],
        ['predictions', 'voice_recognition', '--limit', '3'],
        ['training', 'voice_recognition'],
        ['versions', 'voice_recognition'],
      ]) {
        const remote = JSON.parse(ok(await hap(['ml-metrics', ...args, '--json', '--url', url], withToken)));
        const direct = JSON.parse(ok(await hap(['ml-metrics', ...args, '--json', ...dd])));
        if ('last_evaluated' in remote) remote.last_evaluated = direct.last_evaluated;
        expect(remote, args.join(' ')).toEqual(direct);
      }
    });

    it('renders tables from the service', async () => {
      const text = ok(await hap(['ml-metrics', 'performance', 'voice_recognition', '--url', url], withToken));
      expect(text).toMatch(/^accuracy\s+97\.5%/m);
      const compare = ok(
        await hap(['ml-metrics', 'compare', 'voice_recognition', '--version-a', '1.0', '--version-b', '1.1', '--url', `${url}/`], withToken),
      );
      expect(compare).toContain('winner: 1.1');
    });

    it('reports an unknown model, and a missing or wrong token, on one line', async () => {
      const unknown = await hap(['ml-metrics', 'training', 'nope', '--url', url], withToken);
      expect(unknown.code).toBe(1);
      expect(errorLine(unknown)).toBe('hap: no model named "nope"; known models: suggestion_engine, voice_recognition');

      const noToken = await hap(['ml-metrics', 'list', '--url', url]);
      expect(noToken.code).toBe(1);
      expect(errorLine(noToken)).toBe(`hap: ${url} refused the request (HTTP 401); set ML_METRICS_API_TOKEN to the add-on's api_token`);

      const wrong = await hap(['ml-metrics', 'list', '--url', url], { ML_METRICS_API_TOKEN: 'nope' });
      expect(errorLine(wrong)).toMatch(/check that ML_METRICS_API_TOKEN holds/);
    });
  });
});

import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { EXPORT_COLUMNS } from '../../src/export/export-columns.js';
import { createLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { parseCsv } from '../support/parse-csv.js';
import { NOW, SMALL_SEGMENTS_CONFIG, minutesBefore, voicePrediction } from '../support/predictions.js';
import { runHapInProcess, spawnHap } from '../support/run-hap.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { ensureBuilt } from '../support/ensure-built.js';

const TOKEN = 'cli-export-token';
const COUNT = 250;

let dir: TempDir;
let configFile = '';
let url = '';
let stop: () => Promise<void> = async () => {};
const ids = Array.from({ length: COUNT }, (_, i) => `p-${i + 1}`);

async function seed(tracker: ModelPerformanceTracker): Promise<void> {
  for (let n = 1; n <= COUNT; n += 1) {
    const fields = { model_version: n > 200 ? '2.0' : '1.0', timestamp: minutesBefore(1000 - n), context: { note: `a,"b"\n${n}` } };
    await tracker.logPrediction(voicePrediction(n, n % 4 === 0 ? { ...fields, ground_truth: { user_id: n % 3 } } : fields));
  }
}

beforeAll(async () => {
  await ensureBuilt();
  dir = await createTempDir('ml-metrics-cli-export-');
  configFile = `${dir.path}.config.json`;
  const { writeFile, rm } = await import('node:fs/promises');
  await writeFile(configFile, JSON.stringify(SMALL_SEGMENTS_CONFIG));
  const tracker = await openTracker({ dataDir: dir.path, config: SMALL_SEGMENTS_CONFIG, now: () => NOW });
  await seed(tracker);
  const server = createApiServer({ tracker, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, bodyLimitBytes: 1 << 20, apiToken: TOKEN });
  url = (await server.start()).url;
  stop = async () => {
    await server.stop();
    await tracker.close();
    await dir.remove();
    await rm(configFile, { force: true });
  };
}, 60_000);

afterAll(async () => {
  await stop();
});

const local = (...args: string[]) => ['ml-metrics', 'export', 'voice_recognition', '--data-dir', dir.path, '--config', configFile, ...args];
const remote = (...args: string[]) => ['ml-metrics', 'export', 'voice_recognition', '--url', url, ...args];

describe('hap ml-metrics export', () => {
  it('writes every prediction once, in the order stored, as CSV on standard output (a real process, a real pipe), and nothing on a non-terminal stderr', async () => {
    const run = await spawnHap(local('--format', 'csv'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = parseCsv(run.stdout);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows.slice(1).map((row) => row[0])).toEqual(ids);
    const context = EXPORT_COLUMNS.indexOf('context');
    expect(JSON.parse(rows[7]![context]!)).toEqual({ note: 'a,"b"\n7' });
  });

  it('gives the same bytes from the store files and from a running service (--url with the token)', async () => {
    const direct = await runHapInProcess(local('--format', 'jsonl', '--version', '2.0'));
    const viaUrl = await runHapInProcess(remote('--format', 'jsonl', '--version', '2.0'), { ML_METRICS_API_TOKEN: TOKEN });
    expect(direct.code).toBe(0);
    expect(viaUrl.code).toBe(0);
    expect(viaUrl.stdout).toBe(direct.stdout);
    const records = direct.stdout.trim().split('\n').map((line) => JSON.parse(line) as PredictionLog);
    expect(records.map((record) => record.prediction_id)).toEqual(ids.slice(200));
  });

  it('keeps to --since and --until', async () => {
    const run = await runHapInProcess(local('--format', 'jsonl', '--since', minutesBefore(1000 - 11), '--until', minutesBefore(1000 - 21)));
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').map((line) => (JSON.parse(line) as PredictionLog).prediction_id)).toEqual(ids.slice(10, 20));
  });

  it('draws a progress line on a terminal stderr, ending at 100 %, and writes through the stdout stream', async () => {
    const out = new PassThrough();
    let written = '';
    out.setEncoding('utf8').on('data', (chunk: string) => (written += chunk));
    let stderr = '';
    const io: CliIo = { stdout: () => expect.fail('the export goes through stdoutStream'), stderr: (text) => (stderr += text), env: {}, stdoutStream: out, stderrIsTTY: true };
    expect(await runCli(local('--format', 'csv'), io)).toBe(0);
    expect(parseCsv(written)).toHaveLength(COUNT + 1);
    expect(stderr.startsWith('\r')).toBe(true);
    expect(stderr).toMatch(new RegExp(`\\[#{24}\\] 100 %  ${COUNT} records, 0\\.\\d MB of at most ${COUNT}\\n$`));
  });

  it('refuses a bad --format or --since naming the flag (exit 2), and names an unknown model or a refused token (exit 1)', async () => {
    const format = await runHapInProcess(local('--format', 'xml'));
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('hap: invalid --format "xml": format must be csv or jsonl\n');
    const since = await runHapInProcess(local('--since', 'yesterday'));
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/^hap: invalid --since "yesterday": /);
    const unknown = await runHapInProcess(['ml-metrics', 'export', 'nobody', '--data-dir', dir.path, '--config', configFile]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^hap: no model named "nobody"; known models: /);
    const unknownRemote = await runHapInProcess(['ml-metrics', 'export', 'nobody', '--url', url], { ML_METRICS_API_TOKEN: TOKEN });
    expect(unknownRemote.stderr).toBe(unknown.stderr);
    const refused = await runHapInProcess(remote());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused the request \(HTTP 401\); set ML_METRICS_API_TOKEN/);
    expect(refused.stdout).toBe('');
  });
});

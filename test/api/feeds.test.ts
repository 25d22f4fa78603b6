import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/api/create-api-server.js';
import type { PredictionLog } from '../../src/domain/prediction.js';
import { EXPORT_COLUMNS } from '../../src/export/export-columns.js';
import { createLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import type { ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { parseCsv } from '../support/parse-csv.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

const TOKEN = 'feeds-token';
const RECORDS = 1_500;
const DAY = 86_400_000;
const NOW = new Date('2024-06-01T12:00:00.000Z');
/** The tracker's clock: the retention test moves it. */
let clock = NOW;
const CONFIG = {
  schema_version: 1,
  storage: { segment_max_records: 100, retention_days: 30 },
  models: { voice_recognition: { label_key: 'user_id' }, 'Stimme Küche: v2': { label_key: 'user_id' } },
  hub: { sensors: { window: '7d' } },
};

let dir: TempDir;
let tracker: ModelPerformanceTracker;
let base = '';
let stop: () => Promise<void> = async () => {};
/** Prediction ids in the order they were logged. */
const logged: string[] = [];

/**
 * Prediction n (1-based): voice_recognition, version 1.0 then 2.0 from n = 1001; made n minutes
 * after 40 days before NOW (every 7th backfilled two days earlier); ids with commas and quotes;
 * every 3rd labeled, right when n % 6 === 0. The last 10 go to 'Stimme Küche: v2'.
 */
function body(n: number): Record<string, unknown> {
  const start = NOW.getTime() - 40 * DAY;
  const made = start + n * 60_000 - (n % 7 === 0 ? 2 * DAY : 0);
  const user = n % 4;
  return {
    prediction_id: `p-${n}, "${n % 5}"`,
    model_name: n > RECORDS - 10 ? 'Stimme Küche: v2' : 'voice_recognition',
    model_version: n > 1000 ? '2.0' : '1.0',
    input_data: { sample: n, note: 'a,b\n"c"' },
    prediction: { user_id: user },
    confidence: (n % 100) / 100,
    context: { room: n % 2 === 0 ? 'Küche' : 'hall' },
    timestamp: new Date(made).toISOString(),
    ...(n % 3 === 0 ? { ground_truth: { user_id: n % 6 === 0 ? user : user + 1 } } : {}),
  };
}

async function get(path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Response> {
  return fetch(`${base}${path}`, { headers });
}

async function stored(id: string): Promise<PredictionLog> {
  const record = await tracker.store.get(id);
  if (record === null) throw new Error(`${id} is not stored`);
  return record;
}

beforeAll(async () => {
  dir = await createTempDir('ml-metrics-feeds-');
  tracker = await openTracker({ dataDir: dir.path, config: CONFIG, now: () => clock });
  // In batches, so group commits carry many records each; arrival order is the order of the calls.
  for (let from = 1; from <= RECORDS; from += 50) {
    const batch = Array.from({ length: Math.min(50, RECORDS - from + 1) }, (_, i) => from + i);
    for (const n of batch) logged.push(String(body(n)['prediction_id']));
    await Promise.all(batch.map((n) => tracker.logPrediction(body(n))));
  }
  const server = createApiServer({
    tracker,
    logger: createLogger({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 1024 * 1024,
    apiToken: TOKEN,
    metricsWindow: '7d',
  });
  const { url } = await server.start();
  base = url;
  stop = async () => {
    await server.stop();
    await tracker.close();
    await dir.remove();
  };
}, 60_000);

afterAll(async () => {
  await stop();
});

const voiceIds = () => logged.filter((_, index) => index < RECORDS - 10);

describe('GET /api/v1/ml-metrics/models/{name}/export', () => {
  it('streams every prediction of the model once, in the order stored, as CSV that parses back', async () => {
    const response = await get('/api/v1/ml-metrics/models/voice_recognition/export?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="ml-metrics-voice_recognition.csv"; filename*=UTF-8''ml-metrics-voice_recognition.csv`,
    );
    expect(Number(response.headers.get('x-expected-records'))).toBe(RECORDS - 10);
    const rows = parseCsv(await response.text());
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    const column = (name: (typeof EXPORT_COLUMNS)[number]) => EXPORT_COLUMNS.indexOf(name);
    const ids = rows.slice(1).map((row) => row[column('prediction_id')]);
    expect(ids).toEqual(voiceIds());
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(EXPORT_COLUMNS.length);
      const record = await stored(row[column('prediction_id')]!);
      expect(JSON.parse(row[column('input_data')]!)).toEqual(record.input_data);
      expect(JSON.parse(row[column('prediction')]!)).toEqual(record.prediction);
      expect(JSON.parse(row[column('context')]!)).toEqual(record.context);
      expect(row[column('ground_truth')]).toBe(record.ground_truth === null ? '' : JSON.stringify(record.ground_truth));
      expect(row[column('correct')]).toBe(record.correct === null ? '' : String(record.correct));
      expect(Number(row[column('confidence')])).toBe(record.confidence);
      expect(row[column('timestamp')]).toBe(record.timestamp);
      expect(row[column('model_version')]).toBe(record.model_version);
    }
  });

  it('streams JSON lines: each line the stored record', async () => {
    const response = await get('/api/v1/ml-metrics/models/voice_recognition/export?format=jsonl');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await response.text()).split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => JSON.parse(line) as PredictionLog);
    expect(records.map((record) => record.prediction_id)).toEqual(voiceIds());
    for (const record of records.slice(0, 200)) expect(record).toEqual(await stored(record.prediction_id));
  });

  it('keeps to a version and a [since, until) range of prediction times', async () => {
    const since = new Date(NOW.getTime() - 40 * DAY + 1100 * 60_000).toISOString();
    const until = new Date(NOW.getTime() - 40 * DAY + 1300 * 60_000).toISOString();
    const query = new URLSearchParams({ format: 'jsonl', version: '2.0', since, until });
    const response = await get(`/api/v1/ml-metrics/models/voice_recognition/export?${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('filename="ml-metrics-voice_recognition-2.0.jsonl"');
    const got = (await response.text()).trim().split('\n').map((line) => (JSON.parse(line) as PredictionLog).prediction_id);
    const expected: string[] = [];
    for (const id of voiceIds()) {
      const record = await stored(id);
      if (record.model_version === '2.0' && record.timestamp >= since && record.timestamp < until) expected.push(id);
    }
    expect(expected.length).toBeGreaterThan(100);
    expect(got).toEqual(expected);
    expect(Number(response.headers.get('x-expected-records'))).toBeGreaterThanOrEqual(expected.length);
  });

  it('exports a model name that needs encoding, under an ASCII file name', async () => {
    const response = await get(`/api/v1/ml-metrics/models/${encodeURIComponent('Stimme Küche: v2')}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="ml-metrics-Stimme_K_che_v2.csv"; filename*=UTF-8''ml-metrics-Stimme%20K%C3%BCche%3A%20v2.csv`,
    );
    expect(parseCsv(await response.text())).toHaveLength(11);
  });

  it('refuses a bad query with a 400 naming the field, an unknown model or version with a 404, a missing token with a 401', async () => {
    const bad = await get('/api/v1/ml-metrics/models/voice_recognition/export?format=xml');
    expect(bad.status).toBe(400);
    expect((await bad.json()) as unknown).toMatchObject({ issues: [{ path: 'format', message: 'format must be csv or jsonl' }] });
    const reversed = await get('/api/v1/ml-metrics/models/voice_recognition/export?since=2024-02-01T00:00:00Z&until=2024-01-01T00:00:00Z');
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['since', 'until']);
    const unknownKey = await get('/api/v1/ml-metrics/models/voice_recognition/export?limit=5');
    expect(unknownKey.status).toBe(400);
    expect((await unknownKey.json()) as unknown).toMatchObject({ issues: [{ path: 'limit' }] });
    const noModel = await get('/api/v1/ml-metrics/models/nobody/export');
    expect(noModel.status).toBe(404);
    expect(((await noModel.json()) as { error: string }).error).toMatch(/no model named "nobody"/);
    const noVersion = await get('/api/v1/ml-metrics/models/voice_recognition/export?version=9.9');
    expect(noVersion.status).toBe(404);
    expect(((await noVersion.json()) as { error: string }).error).toMatch(/known versions: 1\.0, 2\.0/);
    expect((await get('/api/v1/ml-metrics/models/voice_recognition/export', {})).status).toBe(401);
  });
});

/** The samples of the exposition text: `name{labels} value` → value. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('GET /metrics', () => {
  it('answers the Prometheus text format: counters per model and version, gauges over the sensor window', async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    for (const family of ['ml_metrics_predictions_total', 'ml_metrics_labeled_predictions_total', 'ml_metrics_correct_predictions_total']) {
      expect(text.match(new RegExp(`^# TYPE ${family} counter$`, 'gm'))).toHaveLength(1);
      expect(text.match(new RegExp(`^# HELP ${family} `, 'gm'))).toHaveLength(1);
    }
    for (const family of ['ml_metrics_accuracy', 'ml_metrics_precision', 'ml_metrics_recall', 'ml_metrics_f1_score', 'ml_metrics_confidence']) {
      expect(text.match(new RegExp(`^# TYPE ${family} gauge$`, 'gm'))).toHaveLength(1);
    }
    const values = samples(text);
    // Version 1.0: p-1..p-1000; labeled every 3rd (333), right every 6th (166).
    expect(values.get('ml_metrics_predictions_total{model="voice_recognition",version="1.0"}')).toBe(1000);
    expect(values.get('ml_metrics_labeled_predictions_total{model="voice_recognition",version="1.0"}')).toBe(333);
    expect(values.get('ml_metrics_correct_predictions_total{model="voice_recognition",version="1.0"}')).toBe(166);
    expect(values.get('ml_metrics_predictions_total{model="voice_recognition",version="2.0"}')).toBe(490);
    expect(values.get('ml_metrics_predictions_total{model="Stimme Küche: v2",version="2.0"}')).toBe(10);
    // Every prediction is 40 days old: nothing in the 7-day window, so no gauge sample.
    expect([...values.keys()].filter((key) => key.startsWith('ml_metrics_accuracy'))).toEqual([]);
  });

  it('fills the gauges from the window and agrees with GET /models/{name}', async () => {
    await tracker.logPrediction({ model_name: 'voice_recognition', model_version: '2.0', prediction: { user_id: 1 }, confidence: 0.5, ground_truth: { user_id: 1 }, timestamp: NOW.toISOString() });
    await tracker.logPrediction({ model_name: 'voice_recognition', model_version: '2.0', prediction: { user_id: 1 }, confidence: 0.7, ground_truth: { user_id: 2 }, timestamp: NOW.toISOString() });
    const values = samples(await (await get('/metrics')).text());
    const performance = await tracker.getPerformance('voice_recognition', { version: '2.0', window: '7d' });
    expect(performance.labeled_predictions).toBe(2);
    const labels = '{model="voice_recognition",version="2.0"}';
    expect(values.get(`ml_metrics_accuracy${labels}`)).toBe(0.5);
    expect(values.get(`ml_metrics_confidence${labels}`)).toBeCloseTo(0.6, 12);
    expect(values.get(`ml_metrics_precision${labels}`)).toBe(performance.precision);
    expect(values.get(`ml_metrics_f1_score${labels}`)).toBe(performance.f1_score);
    expect(values.get(`ml_metrics_predictions_total${labels}`)).toBe(492);
  });

  it('needs the token like the API, and takes no query', async () => {
    expect((await get('/metrics', {})).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);
    const withQuery = await get('/metrics?x=1');
    expect(withQuery.status).toBe(400);
  });

  it('keeps the counters when retention drops the raw records (the export then holds what is left)', async () => {
    const before = samples(await (await get('/metrics')).text());
    clock = new Date(NOW.getTime() + 60 * DAY);
    const dropped = await tracker.applyRetention();
    clock = NOW;
    expect(dropped.records).toBeGreaterThan(1000);
    const after = samples(await (await get('/metrics')).text());
    for (const [key, value] of before) if (key.includes('_total{')) expect(after.get(key), key).toBe(value);
    const left = (await (await get('/api/v1/ml-metrics/models/voice_recognition/export?format=jsonl')).text())
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as PredictionLog).prediction_id);
    const kept: string[] = [];
    for (const id of voiceIds()) if ((await tracker.store.get(id)) !== null) kept.push(id);
    expect(kept.length).toBeLessThan(RECORDS - 1000);
    // What retention kept, then the two predictions made NOW.
    expect(left.slice(0, -2)).toEqual(kept);
    expect(left).toHaveLength(kept.length + 2);
  });
});

/**
 * /metrics against the real thing: `promtool check metrics` accepts the exposition, and Debian's
 * `prometheus`, scraping the service every second with the bearer token, answers PromQL queries
 * with the values that were seeded through the REST API.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireProgram, startPrometheus, waitFor, type PrometheusServer } from '../support/prometheus-server.js';
import { spawnService, type RunningService } from '../support/spawn-service.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

const TOKEN = 'scrape-token';
const TRICKY = 'Küche Stimme: v2.beta';

let dir: TempDir;
let service: RunningService;
let prometheus: PrometheusServer | undefined;

async function post(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${service.api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
}

/** Seeds `total` predictions of `model` `version`, the first `labeled` labeled and of those the first `correct` right. */
async function seed(model: string, version: string, total: number, labeled: number, correct: number): Promise<void> {
  for (let n = 0; n < total; n += 1) {
    const truth = n < correct ? { ground_truth: { user_id: 'alice' } } : n < labeled ? { ground_truth: { user_id: 'bob' } } : {};
    await post('/predictions', { model_name: model, model_version: version, prediction: { user_id: 'alice' }, confidence: 0.8, ...truth });
  }
}

beforeAll(async () => {
  requireProgram('promtool', 'prometheus');
  requireProgram('prometheus', 'prometheus');
  dir = await createTempDir('ml-metrics-prom-data-');
  service = await spawnService({
    dataDir: dir.path,
    config: { schema_version: 1, models: { voice_recognition: { label_key: 'user_id' }, [TRICKY]: { label_key: 'user_id' } } },
    env: { ML_METRICS_API_TOKEN: TOKEN },
  });
  await seed('voice_recognition', '1.0', 12, 9, 7);
  await seed('voice_recognition', '2.0', 5, 4, 4);
  await seed(TRICKY, '0.1-rc', 3, 2, 1);
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await service?.stop();
  await dir?.remove();
});

describe('GET /metrics with promtool and Prometheus', () => {
  it('is accepted by promtool check metrics', async () => {
    const response = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain(`ml_metrics_predictions_total{model="${TRICKY}",version="0.1-rc"} 3`);
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${checked.stdout}${checked.stderr}`.trim(), 'promtool findings').toBe('');
    expect(checked.status).toBe(0);
  });

  it('is scraped by Prometheus with the bearer token, and PromQL returns the seeded counts', async () => {
    prometheus = await startPrometheus({ target: new URL(service.url).host, metricsPath: '/metrics', bearerToken: TOKEN });
    const server = prometheus;
    const correct = await waitFor(
      async () => {
        const result = await server.query('ml_metrics_correct_predictions_total{model="voice_recognition"}');
        return result.length === 2 ? result : undefined;
      },
      60_000,
      () => `no scrape reached Prometheus; its log:\n${server.logs().slice(-3000)}`,
    );
    const byVersion = Object.fromEntries(correct.map((sample) => [sample.metric['version'], Number(sample.value[1])]));
    expect(byVersion).toEqual({ '1.0': 7, '2.0': 4 });
    expect(correct.every((sample) => sample.metric['job'] === 'ml_metrics')).toBe(true);

    const up = await server.query('up{job="ml_metrics"}');
    expect(up.map((sample) => sample.value[1])).toEqual(['1']);
    const total = await server.query('sum(ml_metrics_predictions_total)');
    expect(Number(total[0]?.value[1])).toBe(20);
    const tricky = await server.query(`ml_metrics_labeled_predictions_total{model="${TRICKY}"}`);
    expect(tricky.map((sample) => [sample.metric['version'], Number(sample.value[1])])).toEqual([['0.1-rc', 2]]);
    // The gauges: accuracy over the window (the sensors' default, 7d) is correct / labeled.
    const accuracy = await server.query('ml_metrics_accuracy{model="voice_recognition",version="1.0"}');
    expect(Number(accuracy[0]?.value[1])).toBeCloseTo(7 / 9, 12);
  });
});

/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): the service runs
 * on a temp data dir with a token and an ingress listener; data is seeded through the REST API.
 * Screenshots of each page (light/dark, desktop/phone) go to docs/screenshots/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, PROJECT_ROOT, spawnService, type RunningService } from '../support/spawn-service.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';
import { startIngressProxy } from './ingress-proxy.js';
import { seedPanel, type Seeded } from './seed-panel.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const TOKEN = 'panel-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SCREENSHOTS = join(PROJECT_ROOT, 'docs', 'screenshots');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let dir: TempDir;
let service: RunningService;
let browser: Browser;
let seeded: Seeded;
let ingressPort: number;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no chromium at ${CHROMIUM}: install it with \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  dir = await createTempDir('panel-system-');
  ingressPort = await freePort();
  service = await spawnService({
    dataDir: dir.path,
    env: { ML_METRICS_API_TOKEN: TOKEN },
    config: {
      schema_version: 1,
      api: { ingress: { host: '127.0.0.1', port: ingressPort, allowed_address: '127.0.0.1' } },
      models: {
        voice_recognition: { label_key: 'user_id', targets: { accuracy: 0.85 } },
        suggestion_engine: { label_key: 'accepted', task: 'binary', targets: { accuracy: 0.8 } },
      },
    },
  });
  seeded = await seedPanel(service.api, AUTH, new Date());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await dir?.remove();
});

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${service.api}${path}`, { headers: AUTH });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** A page that already holds the token (as after answering the token form once). */
async function openPage(options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, colorScheme: options.colorScheme ?? 'light' });
  await context.addInitScript({ content: `sessionStorage.setItem('ml-metrics-token', ${JSON.stringify(TOKEN)});` });
  const page = await context.newPage();
  return { context, page };
}

describe('the dashboard', () => {
  it('asks for the token once when the service has one, then shows every model, newest activity first', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${service.url}/`);
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('.model-card').first().waitFor();
    expect(await page.locator('.model-card').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-model')))).toEqual([
      'voice_recognition',
      'suggestion_engine',
    ]);
    const performance = await api<{ accuracy: number }>('/models/voice_recognition');
    const shown = await page.locator('[data-model="voice_recognition"] [data-field="accuracy"]').textContent();
    expect(shown).toBe(`${(performance.accuracy * 100).toFixed(1)} %`);
    // The card's sparkline: the last 30 days of daily accuracy.
    const series = await api<{ points: Array<{ accuracy: number | null }> }>('/models/voice_recognition/timeseries?bucket=1d');
    const values = JSON.parse((await page.locator('[data-model="voice_recognition"] svg.spark').getAttribute('data-values')) ?? '[]') as unknown[];
    expect(values).toEqual(series.points.map((point) => point.accuracy));
    await context.close();
  });

  it('opens a model: the chart holds one point per day with the time-series values', async () => {
    const { context, page } = await openPage();
    await page.goto(`${service.url}/`);
    await page.getByRole('link', { name: 'voice_recognition' }).click();
    const chart = page.locator('#accuracy-chart[data-points]');
    await chart.waitFor();
    const data = JSON.parse((await chart.getAttribute('data-points')) ?? '{}') as { version: string; points: Array<{ start: string; accuracy: number | null; labeled: number }> };
    const series = await api<{ model_version: string; points: Array<{ start: string; accuracy: number | null; labeled_predictions: number }> }>(
      '/models/voice_recognition/timeseries?bucket=1d&version=1.1',
    );
    expect(data.version).toBe('1.1');
    expect(data.points).toHaveLength(30);
    expect(data.points).toEqual(series.points.map((point) => ({ start: point.start, accuracy: point.accuracy, labeled: point.labeled_predictions, total: expect.any(Number) })));
    expect(data.points.filter((point) => point.labeled > 0).length).toBe(4);
    expect(await page.locator('.uplot').count()).toBe(2);
    await context.close();
  });

  it('shows calibration, drift and slices of the model as the API answers them, and slices by the key chosen', async () => {
    const { context, page } = await openPage();
    await page.goto(`${service.url}/#/models/voice_recognition`);
    await page.locator('#monitoring').waitFor();
    const calibration = await api<{ ece: number | null; bins: Array<{ count: number }> }>('/models/voice_recognition/calibration');
    const percentText = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);
    expect(await page.locator('[data-field="ece"]').textContent()).toBe(percentText(calibration.ece));
    expect(await page.locator('svg.reliability').getAttribute('data-bars')).toBe(String(calibration.bins.filter((bin) => bin.count > 0).length));
    const drift = await api<{ accuracy: { reference: number | null; current: number | null }; change_points: unknown[] }>('/models/voice_recognition/drift');
    expect(await page.locator('#drift').textContent()).toContain(`${percentText(drift.accuracy.reference)} → ${percentText(drift.accuracy.current)}`);
    const performance = await api<{ estimated_accuracy: number | null }>('/models/voice_recognition');
    expect(await page.locator('[data-field="estimated-accuracy"]').textContent()).toBe(percentText(performance.estimated_accuracy));
    // Slices: by the chosen key, one row per slice of the API's answer.
    await page.locator('#slice-by').selectOption('model_version');
    const slices = await api<{ slices: Array<{ value: string }> }>('/models/voice_recognition/slices?by=model_version');
    await expect.poll(async () => page.locator('#slices tbody th').allTextContents()).toEqual(slices.slices.map((slice) => slice.value));
    await context.close();
  });

  it('labels a prediction from the page and shows the new accuracy', async () => {
    const { context, page } = await openPage();
    await page.goto(`${service.url}/#/models/voice_recognition`);
    const row = page.locator(`tr[data-prediction="${seeded.unlabeled[0]}"]`);
    await row.waitFor();
    const before = await api<{ accuracy: number; labeled_predictions: number }>('/models/voice_recognition');
    await row.getByRole('button', { name: '✓ Right' }).click();
    await page.locator(`tr[data-prediction="${seeded.unlabeled[0]}"] .badge.ok`).waitFor();
    const after = await api<{ accuracy: number; labeled_predictions: number }>('/models/voice_recognition');
    expect(after.labeled_predictions).toBe(before.labeled_predictions + 1);
    expect(after.accuracy).not.toBe(before.accuracy);
    await expect.poll(() => page.locator('dd[data-field="accuracy"]').textContent()).toContain(`${(after.accuracy * 100).toFixed(1)} %`);
    // Corrected with the true label.
    const second = page.locator(`tr[data-prediction="${seeded.unlabeled[1]}"]`);
    await second.getByRole('textbox').fill('carol');
    await second.getByRole('button', { name: 'Correct' }).click();
    await page.locator(`tr[data-prediction="${seeded.unlabeled[1]}"] .badge.warn`).waitFor();
    const stored = await api<{ predictions: Array<{ prediction_id: string; ground_truth: unknown; correct: boolean }> }>('/models/voice_recognition/predictions?limit=5');
    expect(stored.predictions.find((prediction) => prediction.prediction_id === seeded.unlabeled[1])).toMatchObject({ ground_truth: { user_id: 'carol' }, correct: false });
    await context.close();
  });

  it('shows a new prediction without a reload (server-sent events)', async () => {
    const { context, page } = await openPage();
    await page.goto(`${service.url}/#/models/voice_recognition`);
    await page.locator('#live.on').waitFor();
    const rendered = await page.locator('#main').getAttribute('data-rendered');
    const response = await fetch(`${service.api}/predictions`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ model_name: 'voice_recognition', model_version: '1.1', prediction: { user_id: 'bob' }, confidence: 0.55 }),
    });
    const { prediction_id: id } = (await response.json()) as { prediction_id: string };
    // No timing assertion (the machine may be busy): the push is immediate, the refetch debounced by 250 ms.
    await page.locator(`tr[data-prediction="${id}"]`).waitFor();
    // Same document: the page re-rendered in place.
    expect(Number(await page.locator('#main').getAttribute('data-rendered'))).toBeGreaterThan(Number(rendered));
    await context.close();
  });

  it('works under an ingress path prefix, trusted without a token', async () => {
    const proxy = await startIngressProxy('/api/hassio_ingress/Xy12ab', `http://127.0.0.1:${ingressPort}`);
    try {
      const context = await browser.newContext({ viewport: DESKTOP });
      const page = await context.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await page.goto(proxy.url);
      await page.locator('.model-card').first().waitFor();
      await page.getByRole('link', { name: 'voice_recognition' }).click();
      await page.locator('#accuracy-chart[data-points]').waitFor();
      await page.locator('#live.on').waitFor();
      expect(requested.length).toBeGreaterThan(5);
      expect(requested.filter((path) => !path.startsWith('/api/hassio_ingress/Xy12ab/'))).toEqual([]);
      expect(await page.locator('dialog.token').count()).toBe(0);
      await context.close();
    } finally {
      await proxy.stop();
    }
  });

  it('saves screenshots of each page, light and dark, desktop and phone', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
        const { context, page } = await openPage({ colorScheme, viewport });
        await page.goto(`${service.url}/`);
        await page.locator('.model-card').first().waitFor();
        await page.screenshot({ path: join(SCREENSHOTS, `overview-${colorScheme}-${size}.png`), fullPage: true });
        await page.goto(`${service.url}/#/models/voice_recognition`);
        await page.locator('#training-chart[data-points]').waitFor();
        await page.screenshot({ path: join(SCREENSHOTS, `model-${colorScheme}-${size}.png`), fullPage: true });
        await context.close();
      }
    }
    expect(existsSync(join(SCREENSHOTS, 'model-dark-phone.png'))).toBe(true);
  });
});

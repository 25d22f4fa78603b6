import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { openTracker } from '../../src/open-tracker.js';
import { buildReport } from '../../src/reports/build-report.js';
import { renderHtml } from '../../src/reports/render-html.js';
import { TrackerReportSource } from '../../src/reports/tracker-report-source.js';
import { REPORT_CONFIG, seedTwoPeriods } from '../support/report-seed.js';
import { PROJECT_ROOT } from '../support/spawn-service.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

/** The HTML report in a real browser (Debian's chromium), offline: the charts are there and drawn. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const NOW = new Date('2026-11-30T08:00:00.000Z');
let browser: Browser;
let dir: TempDir;

beforeAll(async () => {
  await access(CHROMIUM).catch(() => {
    throw new Error(`${CHROMIUM} is missing: install it with "apt-get install chromium" (or set CHROMIUM_PATH)`);
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  dir = await createTempDir('report-system-');
});

afterAll(async () => {
  await browser?.close();
  await dir?.remove();
});

describe('the HTML report in Chromium', () => {
  it('shows a line chart with a point a day and a bar chart of both periods, fetching nothing', async () => {
    const config = ConfigSchema.parse({ ...REPORT_CONFIG, data_dir: dir.path });
    const tracker = await openTracker({ dataDir: dir.path, config, now: () => NOW });
    await seedTwoPeriods(tracker, NOW);
    const report = await buildReport(new TrackerReportSource(tracker, async () => []), { period: '7d', now: NOW });
    await tracker.close();
    const file = join(dir.path, 'report.html');
    await writeFile(file, renderHtml(report));

    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    await expect(page.locator('h1').textContent()).resolves.toBe('Model performance report');
    const line = page.locator('section[data-model="voice"] svg.line-chart');
    await expect(line.locator('title').first().textContent()).resolves.toBe('Daily accuracy — voice');
    await expect(line.locator('circle.point').count()).resolves.toBe(7);
    await expect(line.locator('polyline').count()).resolves.toBe(1);
    await expect(page.locator('section[data-model="voice"] figcaption').first().textContent()).resolves.toBe('Daily accuracy — voice');
    const bars = page.locator('section[data-model="voice"] svg.bar-chart');
    await expect(bars.locator('title').first().textContent()).resolves.toBe('This period vs previous — voice');
    // A bar per period for each figure but the mean confidence: accuracy, precision, recall, F1, estimated accuracy.
    const barCount = await bars.locator('rect.bar').count();
    const expectedBars = report.models[0]!.figures.filter((f) => f.metric !== 'confidence').reduce((n, f) => n + (f.current === null ? 0 : 1) + (f.previous === null ? 0 : 1), 0);
    expect(barCount).toBe(expectedBars);
    expect(barCount).toBe(10);
    // Drawn, not just present: the chart has a size on the page.
    const box = await line.boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(requests).toEqual([]);
    await mkdir(join(PROJECT_ROOT, 'docs', 'screenshots'), { recursive: true });
    await page.screenshot({ path: join(PROJECT_ROOT, 'docs', 'screenshots', 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('svg.chart').count()).resolves.toBe(2);
    await page.close();
  });
});

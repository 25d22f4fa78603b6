import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startApp } from '../../src/app.js';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { REPORT_NOTIFICATION_ID, reportLink, runScheduledReport } from '../../src/reports/scheduled-report.js';
import { TrackerReportSource } from '../../src/reports/tracker-report-source.js';
import { FakeHub, waitFor } from '../fakes/fake-hub.js';
import { REPORT_CONFIG, seedTwoPeriods } from '../support/report-seed.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

/** The scheduled report: files in data/reports/ and the hub's persistent notification, through the composition root. */
let hub: FakeHub;
let dir: TempDir;
let app: App | null = null;

beforeEach(async () => {
  hub = await FakeHub.start();
  dir = await createTempDir('report-job-');
});

afterEach(async () => {
  await app?.stop();
  app = null;
  await hub.close();
  await dir.remove();
});

describe('the scheduled report', () => {
  it('has the documented defaults', () => {
    expect(ConfigSchema.parse({ schema_version: 1 }).reports).toEqual({ enabled: true, cron: '0 8 * * 1', timezone: 'UTC', period: '7d', format: 'html', keep: 52 });
    expect(() => ConfigSchema.parse({ schema_version: 1, reports: { cron: 'mondays' } })).toThrow(/cron is not a valid cron expression/);
  });

  it('writes data/reports/report-<date>.html and posts the summary as a persistent notification', async () => {
    const config = ConfigSchema.parse({ ...REPORT_CONFIG, log_level: 'silent', api: { port: 0 }, data_dir: dir.path, reports: { cron: '* * * * * *', link: 'http://ha.local:8123/dashboard' } });
    const seeder = await openTracker({ dataDir: dir.path, config });
    await seedTwoPeriods(seeder, new Date());
    await seeder.close();
    app = await startApp({ config, logger: createLogger({ level: 'silent' }), env: { HA_URL: hub.url, HA_TOKEN: 'test-token' } });
    const notifications = () => hub.serviceCalls.filter((call) => call.domain === 'persistent_notification' && call.service === 'create');
    await waitFor(() => notifications().length > 0, 20_000, 'a report notification');
    const data = notifications()[0]!.service_data as { title: string; message: string; notification_id: string };
    expect(data.notification_id).toBe(REPORT_NOTIFICATION_ID);
    expect(data.title).toMatch(/^ML model report: 7d to \d{4}-\d{2}-\d{2}$/);
    expect(data.message).toContain('- **voice**: accuracy 70.0% (−20.0 pp), 70 predictions, missed: Accuracy');
    expect(data.message).toContain('[Open the dashboard](http://ha.local:8123/dashboard)');
    const files = await readdir(join(dir.path, 'reports'));
    expect(files.filter((name) => /^report-\d{4}-\d{2}-\d{2}\.html$/.test(name))).toHaveLength(1);
    expect(files.some((name) => name.endsWith('.tmp'))).toBe(false);
    const html = await readFile(join(dir.path, 'reports', files.find((name) => name.endsWith('.html'))!), 'utf8');
    expect(html).toContain('data-model="voice"');
  });

  it('without a hub writes the files only, both formats, and keeps the newest `keep` pairs', async () => {
    const config = ConfigSchema.parse({ ...REPORT_CONFIG, data_dir: dir.path });
    const tracker = await openTracker({ dataDir: dir.path, config });
    try {
      await mkdir(join(dir.path, 'reports'));
      for (const old of ['report-2020-01-01.html', 'report-2020-01-01.md', 'report-2020-01-08.md', 'notes.txt']) await writeFile(join(dir.path, 'reports', old), 'old');
      const written = await runScheduledReport({
        source: new TrackerReportSource(tracker, async () => []),
        dataDir: dir.path,
        settings: { period: '7d', format: 'both', keep: 1 },
        link: null,
        notifier: null,
        now: () => new Date('2026-11-30T08:00:00Z'),
        logger: createLogger({ level: 'silent' }),
      });
      expect(written.map((file) => file.slice(dir.path.length))).toEqual(['/reports/report-2026-11-30.html', '/reports/report-2026-11-30.md']);
      expect((await readdir(join(dir.path, 'reports'))).sort()).toEqual(['notes.txt', 'report-2026-11-30.html', 'report-2026-11-30.md']);
    } finally {
      await tracker.close();
    }
  });

  it('links to the configured page, else the add-on ingress page from its hostname, else nowhere', () => {
    expect(reportLink('http://x/', { SUPERVISOR_TOKEN: 't', HOSTNAME: 'local-ml-metrics' })).toBe('http://x/');
    expect(reportLink(undefined, { SUPERVISOR_TOKEN: 't', HOSTNAME: 'local-ml-metrics' })).toBe('/hassio/ingress/local_ml_metrics');
    expect(reportLink(undefined, { HOSTNAME: 'laptop' })).toBeNull();
  });
});

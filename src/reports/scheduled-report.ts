import { join } from 'node:path';
import type { Logger } from '../logging/logger.js';
import { nodeFileSystem, type FileSystem } from '../storage/file-system.js';
import { buildReport } from './build-report.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown, renderSummary } from './render-markdown.js';
import type { ReportNotifier } from './report-notifier.js';
import type { ReportSource } from './report-source.js';
import type { ReportsConfig } from './reports-config.js';
import { writeReportFile } from './write-report-file.js';

export const REPORTS_FOLDER = 'reports';
export const REPORT_NOTIFICATION_ID = 'ml_metrics_report';
const REPORT_FILE = /^report-\d{4}-\d{2}-\d{2}\.(html|md)$/;

export interface ScheduledReportOptions {
  source: ReportSource;
  dataDir: string;
  settings: Pick<ReportsConfig, 'period' | 'format' | 'keep'>;
  /** The link in the notification; null for none. */
  link: string | null;
  /** Null when no hub is configured. */
  notifier: ReportNotifier | null;
  now: () => Date;
  logger: Logger;
  fs?: FileSystem;
}

/**
 * One run of the scheduled report: builds it, writes data/reports/report-<date>.{html,md}
 * durably, drops the oldest files beyond `keep`, and posts the summary to the hub. Returns the
 * files written.
 */
export async function runScheduledReport(options: ScheduledReportOptions): Promise<string[]> {
  const fs = options.fs ?? nodeFileSystem;
  const now = options.now();
  const report = await buildReport(options.source, { period: options.settings.period, now });
  const dir = join(options.dataDir, REPORTS_FOLDER);
  const date = now.toISOString().slice(0, 10);
  const written: string[] = [];
  const format = options.settings.format;
  if (format === 'html' || format === 'both') {
    written.push(join(dir, `report-${date}.html`));
    await writeReportFile(written[written.length - 1]!, renderHtml(report), fs);
  }
  if (format === 'md' || format === 'both') {
    written.push(join(dir, `report-${date}.md`));
    await writeReportFile(written[written.length - 1]!, renderMarkdown(report), fs);
  }
  await pruneReports(fs, dir, options.settings.keep * (format === 'both' ? 2 : 1));
  options.logger.info('performance report written', { files: written, models: report.models.length });
  if (options.notifier !== null) {
    const message = `${renderSummary(report, options.link)}\n\nFull report: \`${written.join('`, `')}\``;
    await options.notifier.notify({ title: `ML model report: ${options.settings.period} to ${date}`, message, notification_id: REPORT_NOTIFICATION_ID });
  }
  return written;
}

async function pruneReports(fs: FileSystem, dir: string, keep: number): Promise<void> {
  const files = (await fs.readdir(dir)).filter((name) => REPORT_FILE.test(name)).sort();
  for (const name of files.slice(0, Math.max(0, files.length - keep))) await fs.unlink(join(dir, name));
}

/** The notification's link: the configured one, else the add-on's ingress page (its hostname is its slug with dashes). */
export function reportLink(configured: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (configured !== undefined) return configured;
  const host = env['HOSTNAME'];
  if (env['SUPERVISOR_TOKEN'] && host && /^[a-z0-9-]+$/.test(host)) return `/hassio/ingress/${host.replaceAll('-', '_')}`;
  return null;
}

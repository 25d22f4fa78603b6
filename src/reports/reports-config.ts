import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time-zone.js';
import { ReportPeriodSchema } from './report-model.js';

/** `reports`: the scheduled performance report (written to data/reports/, posted to the hub). */
export const ReportsConfigSchema = z.strictObject({
  /** false: no scheduled report (`hap ml-metrics report` still works). */
  enabled: z.boolean().default(true),
  /** A cron expression (default: Mondays at 08:00). */
  cron: z
    .string()
    .refine((value) => validateCron(value), {
      error: 'cron is not a valid cron expression: use 5 fields (minute hour day month weekday) or 6 with seconds, e.g. "0 8 * * 1"',
    })
    .default('0 8 * * 1'),
  /** Time zone of cron (IANA name). */
  timezone: z
    .string()
    .refine(isValidTimeZone, { error: 'timezone is not a time zone this system knows: use an IANA name such as "UTC" or "Europe/Berlin"' })
    .default('UTC'),
  /** The period each report covers, back from its run, against the one before it. */
  period: ReportPeriodSchema.default('7d'),
  /** Which files each run writes: report-<date>.html, .md, or both. */
  format: z.enum(['html', 'md', 'both'], { error: 'format must be html, md or both' }).default('html'),
  /**
   * The link in the hub's notification (e.g. "/hassio/ingress/local_ml_metrics" or
   * "http://homeassistant.local:8000/"). Unset: the add-on's ingress page when running as an
   * add-on, else no link.
   */
  link: z.string().min(1).max(500).optional(),
  /** How many report files to keep in data/reports/ (oldest removed first). */
  keep: z.number().int().min(1).max(1000).default(52),
});
export type ReportsConfig = z.output<typeof ReportsConfigSchema>;

import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time-zone.js';

/** `experiments`: how often running experiments are evaluated (so they decide and stop themselves). */
export const ExperimentsConfigSchema = z.strictObject({
  /** A cron expression (default: every minute). */
  evaluate_cron: z
    .string()
    .refine((value) => validateCron(value), {
      error: 'evaluate_cron is not a valid cron expression: use 5 fields (minute hour day month weekday) or 6 with seconds, e.g. "* * * * *"',
    })
    .default('* * * * *'),
  /** Time zone of evaluate_cron (IANA name). */
  timezone: z
    .string()
    .refine(isValidTimeZone, { error: 'timezone is not a time zone this system knows: use an IANA name such as "UTC" or "Europe/Berlin"' })
    .default('UTC'),
});
export type ExperimentsConfig = z.output<typeof ExperimentsConfigSchema>;

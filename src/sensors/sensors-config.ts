import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { WindowSpecSchema } from '../domain/queries.js';
import { isValidTimeZone } from '../domain/time-zone.js';

/** A change is published at most this long after the first change of a burst. */
export const DEBOUNCE_MAX_WAIT_MS = 5000;

/** `hub.sensors`: which window the sensors show, when they alert, how often they are refreshed. */
export const SensorsConfigSchema = z.strictObject({
  /** The window every sensor shows: a duration back from now (`7d`), a count of labeled predictions (`500`) or `all`. */
  window: WindowSpecSchema.default('7d'),
  /** Labeled predictions the window needs before a target or a drop is judged. */
  min_samples: z.number().int({ error: 'min_samples must be a whole number' }).min(1, { error: 'min_samples must be at least 1' }).default(20),
  /** Percentage points under the previous window's value that count as a drop. */
  drop_points: z.number().gt(0, { error: 'drop_points must be greater than 0' }).max(100, { error: 'drop_points must be at most 100' }).default(5),
  /** Quiet time after a change before the sensors are posted (a burst is posted at most 5 s after its first change). */
  debounce_ms: z
    .number()
    .int({ error: 'debounce_ms must be a whole number of milliseconds' })
    .min(0, { error: 'debounce_ms must not be negative' })
    .max(DEBOUNCE_MAX_WAIT_MS, { error: `debounce_ms must be at most ${DEBOUNCE_MAX_WAIT_MS}` })
    .default(2000),
  /** When every model is re-evaluated (windows age without new events): a cron expression. */
  reevaluate_cron: z
    .string()
    .refine((value) => validateCron(value), {
      error: 'reevaluate_cron is not a valid cron expression: use 5 fields (minute hour day month weekday) or 6 with seconds, e.g. "*/5 * * * *"',
    })
    .default('*/5 * * * *'),
  /** Time zone of reevaluate_cron (IANA name). */
  timezone: z
    .string()
    .refine(isValidTimeZone, { error: 'timezone is not a time zone this system knows: use an IANA name such as "UTC" or "Europe/Berlin"' })
    .default('UTC'),
});
export type SensorsConfig = z.output<typeof SensorsConfigSchema>;
export type SensorsConfigInput = z.input<typeof SensorsConfigSchema>;

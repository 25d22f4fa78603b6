import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time-zone.js';

/** `storage`: how the store bounds its segment files and how long it keeps raw predictions. */
export const StorageConfigSchema = z.strictObject({
  /** A segment is sealed when it holds this many predictions... */
  segment_max_records: z.number().int().min(10).max(100_000).default(1000),
  /** ...or this many bytes... */
  segment_max_bytes: z.number().int().min(16_384).max(64 * 1024 * 1024).default(1024 * 1024),
  /** ...or when its first prediction is this old (hours), so retention can drop whole segments. */
  segment_max_age_hours: z.number().min(1).max(24 * 31).default(24),
  /** Raw predictions older than this are dropped, whole segments at a time; aggregates stay. */
  retention_days: z.number().int().min(1).max(36_500).default(365),
  /** Sealed segments kept parsed in memory for reads; also how many may wait with late labels for their rewrite (deferred-labels.ts). */
  segment_cache_size: z.number().int().min(1).max(1000).default(8),
  /**
   * Seconds after start-up before the background check of the sealed segments begins: the first
   * queries after a restart (the dashboard, the sensors' first evaluation) do not share the CPUs
   * with it. 0 starts it at once.
   */
  segment_check_delay_s: z.number().min(0).max(3600).default(30),
  /** When retention runs (node-cron expression, UTC). */
  retention_cron: z
    .string()
    .refine((value) => validateCron(value), { error: 'retention_cron is not a valid cron expression, e.g. "17 3 * * *"' })
    .default('17 3 * * *'),
  /** Time zone of retention_cron (IANA name). */
  retention_timezone: z
    .string()
    .refine(isValidTimeZone, { error: 'retention_timezone is not a time zone this system knows, e.g. "UTC" or "Europe/Berlin"' })
    .default('UTC'),
});
export type StorageConfig = z.infer<typeof StorageConfigSchema>;

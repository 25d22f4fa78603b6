import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { JsonValueSchema } from '../domain/json.js';
import { WindowSpecSchema } from '../domain/queries.js';
import { CaptureConfigSchema } from '../integration/hub-config.js';
import { LOG_LEVELS } from '../logging/logger.js';
import { isValidTimeZone, SensorsConfigSchema } from '../sensors/sensors-config.js';

export const CONFIG_SCHEMA_VERSION = 1;

/** Metrics a target can be set on. false_positive_rate is a ceiling; every other target is a floor. */
export const TargetMetricSchema = z.enum([
  'accuracy',
  'precision',
  'recall',
  'f1_score',
  'confidence',
  'false_positive_rate',
  'acceptance_rate',
]);
export type TargetMetric = z.infer<typeof TargetMetricSchema>;

const Rate = z.number().min(0, { error: 'must be between 0 and 1' }).max(1, { error: 'must be between 0 and 1' });

/** How one model's labels are read and what it should reach. */
export const ModelConfigSchema = z.strictObject({
  /**
   * The key of ground_truth and prediction that holds the class label. Unset: the ground
   * truth's single key (or, with several keys, all of them together).
   */
  label_key: z.string().min(1).optional(),
  /** `binary` or `multiclass`; unset: binary when every label seen is a boolean. */
  task: z.enum(['binary', 'multiclass']).optional(),
  /** Positive class of a binary model (default `true`). */
  positive_label: JsonValueSchema.optional(),
  /** Metric → threshold, as rates in [0, 1]. */
  targets: z.partialRecord(TargetMetricSchema, Rate).default({}),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const StorageConfigSchema = z.strictObject({
  /** A segment is sealed when it holds this many predictions... */
  segment_max_records: z.number().int().min(10).max(100_000).default(1000),
  /** ...or this many bytes... */
  segment_max_bytes: z.number().int().min(16_384).max(64 * 1024 * 1024).default(1024 * 1024),
  /** ...or when its first prediction is this old (hours), so retention can drop whole segments. */
  segment_max_age_hours: z.number().min(1).max(24 * 31).default(24),
  /** Raw predictions older than this are dropped, whole segments at a time; aggregates stay. */
  retention_days: z.number().int().min(1).max(36_500).default(365),
  /** Sealed segments kept parsed in memory for reads and late labels. */
  segment_cache_size: z.number().int().min(1).max(1000).default(8),
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

export const ApiConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(8000),
  /** Request bodies larger than this are refused with 413. */
  body_limit_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** Browser origins allowed to call the API (CORS); empty: CORS off. `*` allows any. */
  cors_origins: z.array(z.string().min(1)).default([]),
  /** Serve on a non-loopback address without ML_METRICS_API_TOKEN (`--insecure`). */
  insecure: z.boolean().default(false),
});

export const ComparisonConfigSchema = z.strictObject({
  /** Labeled predictions each version needs before a comparison may name a winner. */
  min_samples: z.number().int().min(1).default(30),
  /** Significance level of the accuracy test. */
  alpha: z.number().gt(0).lt(1).default(0.05),
});

/** The hub: where it is (else HA_URL / HA_TOKEN / SUPERVISOR_TOKEN), what to capture, what to publish. */
export const HubConfigSchema = z.strictObject({
  /** Home Assistant's base URL, e.g. http://homeassistant.local:8123 (HA_URL overrides it). */
  url: z.string().optional(),
  /** A long-lived access token (HA_TOKEN overrides it). */
  token: z.string().optional(),
  capture: CaptureConfigSchema.prefault({}),
  sensors: SensorsConfigSchema.prefault({}),
});
export type HubConfig = z.infer<typeof HubConfigSchema>;

export const ConfigSchema = z.strictObject({
  schema_version: z.literal(CONFIG_SCHEMA_VERSION, {
    error: `schema_version must be ${CONFIG_SCHEMA_VERSION}`,
  }),
  data_dir: z.string().min(1).default('./data'),
  log_level: z.enum(LOG_LEVELS).default('info'),
  api: ApiConfigSchema.prefault({}),
  storage: StorageConfigSchema.prefault({}),
  comparison: ComparisonConfigSchema.prefault({}),
  /** The window `GET /models/{name}` uses when none is asked for. */
  default_window: WindowSpecSchema.default('all'),
  models: z.record(z.string().min(1), ModelConfigSchema).default({}),
  hub: HubConfigSchema.prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

import { z } from 'zod';
import { ApiConfigSchema } from '../api/api-config.js';
import { ExperimentsConfigSchema } from '../experiments/experiments-config.js';
import { CaptureConfigSchema } from '../integration/hub-config.js';
import { LOG_LEVELS } from '../logging/logger.js';
import { ReportsConfigSchema } from '../reports/reports-config.js';
import { SensorsConfigSchema } from '../sensors/sensors-config.js';
import { StorageConfigSchema } from '../storage/storage-config.js';
import { TrackerConfigSchema } from '../tracker/tracker-config.js';

/**
 * The whole configuration, composed of the parts each feature folder owns (`*-config.ts`). This
 * file imports nothing else of the features; only the composition root and the front ends (CLI,
 * service) read the composed config and hand each part to its owner.
 */
export const CONFIG_SCHEMA_VERSION = 1;

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
  ...TrackerConfigSchema.shape,
  hub: HubConfigSchema.prefault({}),
  experiments: ExperimentsConfigSchema.prefault({}),
  reports: ReportsConfigSchema.prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

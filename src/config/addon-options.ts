import { z } from 'zod';
import { WindowSpecSchema } from '../domain/queries.js';
import type { LogLevel } from '../logging/logger.js';
import type { TargetMetric } from '../domain/target-metric.js';
import { TargetMetricSchema } from '../domain/target-metric.js';
import type { ConfigInput } from './config-schema.js';
import { CONFIG_SCHEMA_VERSION } from './config-schema.js';

/**
 * The add-on's user-facing settings: what the Supervisor writes to `/data/options.json` from the
 * manifest's `options` and `schema` (ml_metrics/config.yaml; a test checks that both name the same
 * options, optional in the same places). Targets are in percent, as the sensors show them. The
 * result of `addonOptionsToConfig` goes through ConfigSchema like every other configuration source.
 */

/** Target metrics, as options of a model entry (percent): the config schema's. */
export const ADDON_TARGET_OPTIONS = TargetMetricSchema.options;

const Percent = z
  .number({ error: 'must be a number of percent' })
  .min(0, { error: 'must be between 0 and 100 (percent)' })
  .max(100, { error: 'must be between 0 and 100 (percent)' });

/** One entry of the `models` list. */
export const AddonModelOptionSchema = z.strictObject({
  name: z.string().min(1, { error: 'a model needs a name' }),
  label_key: z.string().min(1).optional(),
  task: z.enum(['binary', 'multiclass']).optional(),
  /** The version shown by default (else the highest in natural order). */
  current_version: z.string().min(1).optional(),
  accuracy: Percent.optional(),
  precision: Percent.optional(),
  recall: Percent.optional(),
  f1_score: Percent.optional(),
  confidence: Percent.optional(),
  false_positive_rate: Percent.optional(),
  acceptance_rate: Percent.optional(),
});
export type AddonModelOption = z.infer<typeof AddonModelOptionSchema>;

/** The Supervisor's log levels the add-on offers, and the service's level for each. */
export const ADDON_LOG_LEVELS = { debug: 'debug', info: 'info', warning: 'warn', error: 'error' } as const satisfies Record<string, LogLevel>;

/** `/data/options.json`. Optional here exactly where the manifest's schema says `?`. */
export const AddonOptionsSchema = z.strictObject({
  models: z.array(AddonModelOptionSchema).refine((models) => new Set(models.map((model) => model.name)).size === models.length, {
    error: 'two models have the same name',
  }),
  /** hub.sensors.window: `7d`, `24h`, `500` (labeled predictions) or `all`. */
  sensor_window: WindowSpecSchema,
  /** hub.sensors.min_samples */
  min_samples: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }),
  /** hub.sensors.drop_points */
  drop_points: z.number().gt(0, { error: 'must be greater than 0' }).max(100, { error: 'must be at most 100' }),
  log_level: z.enum(['debug', 'info', 'warning', 'error']),
  /** The port the REST API listens on inside the add-on container. */
  api_port: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be from 1 to 65535' }).max(65_535, { error: 'must be from 1 to 65535' }),
  /**
   * When set, the REST API listens on every interface and wants `Authorization: Bearer <api_token>`
   * (the run script passes it as ML_METRICS_API_TOKEN); unset or empty, it listens on loopback only.
   */
  api_token: z.string().optional(),
  /** hub.capture.native.assist.enabled: Assist pipeline runs as `assist_intent` predictions (default on). */
  capture_assist: z.boolean().optional(),
  /** hub.capture.native.stt.enabled: speech-to-text as `assist_stt` predictions (default on). */
  capture_stt: z.boolean().optional(),
  /** hub.capture.native.automations.enabled: automation runs as `automations` predictions (default on). */
  capture_automations: z.boolean().optional(),
  /** hub.capture.native.faces.enabled: `image_processing.detect_face` as `face_recognition` predictions (default on). */
  capture_faces: z.boolean().optional(),
  /** hub.capture.native.undo_seconds */
  undo_seconds: z.number().int({ error: 'must be a whole number of seconds' }).min(1, { error: 'must be at least 1' }).max(86_400, { error: 'must be at most 86400' }).optional(),
  /** hub.capture.native.rephrase_seconds */
  rephrase_seconds: z.number().int({ error: 'must be a whole number of seconds' }).min(1, { error: 'must be at least 1' }).max(3600, { error: 'must be at most 3600' }).optional(),
});
export type AddonOptions = z.infer<typeof AddonOptionsSchema>;

/** Where the Supervisor mounts the add-on's persistent volume. */
export const ADDON_DATA_DIR = '/data';

/** A percentage option as a rate (`88` → `0.88`). */
function toRate(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}

/** `hub.capture.native` from the options that are set (the rest keep their defaults). */
function nativeCapture(options: AddonOptions): NonNullable<NonNullable<NonNullable<ConfigInput['hub']>['capture']>['native']> {
  const switches = { assist: options.capture_assist, stt: options.capture_stt, automations: options.capture_automations, faces: options.capture_faces };
  return {
    ...Object.fromEntries(Object.entries(switches).filter(([, enabled]) => enabled !== undefined).map(([source, enabled]) => [source, { enabled }])),
    ...(options.undo_seconds === undefined ? {} : { undo_seconds: options.undo_seconds }),
    ...(options.rephrase_seconds === undefined ? {} : { rephrase_seconds: options.rephrase_seconds }),
  };
}

/**
 * The main configuration input for these options: store in /data; the REST API on api_port, on
 * every interface when an api_token is set, else on loopback only (the add-on uses the host's
 * network: loopback is reachable from Home Assistant and the host, not from other machines, and
 * the service refuses an exposed API without a token); the models with their targets as rates;
 * the sensors' window, min_samples and drop_points. Everything else keeps ConfigSchema's defaults.
 * Pure: validate the result with ConfigSchema (`validateConfig`).
 */
/** The port of the ingress listener (the manifest's `ingress_port`): the panel in Home Assistant's sidebar. */
export const ADDON_INGRESS_PORT = 8265;

export function addonOptionsToConfig(options: AddonOptions): ConfigInput {
  const models: NonNullable<ConfigInput['models']> = {};
  for (const model of options.models) {
    const targets: Partial<Record<TargetMetric, number>> = {};
    for (const metric of ADDON_TARGET_OPTIONS) {
      const percent = model[metric];
      if (percent !== undefined) targets[metric] = toRate(percent);
    }
    models[model.name] = {
      ...(model.label_key === undefined ? {} : { label_key: model.label_key }),
      ...(model.task === undefined ? {} : { task: model.task }),
      ...(model.current_version === undefined ? {} : { current_version: model.current_version }),
      targets,
    };
  }
  return {
    schema_version: CONFIG_SCHEMA_VERSION,
    data_dir: ADDON_DATA_DIR,
    log_level: ADDON_LOG_LEVELS[options.log_level],
    api: { host: options.api_token ? '0.0.0.0' : '127.0.0.1', port: options.api_port, ingress: { port: ADDON_INGRESS_PORT } },
    models,
    hub: {
      sensors: { window: options.sensor_window, min_samples: options.min_samples, drop_points: options.drop_points },
      capture: { native: nativeCapture(options) },
    },
  };
}

import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { JsonObjectSchema } from '../domain/json.js';
import { isValidTimeZone } from '../domain/time-zone.js';
import { NativeCaptureConfigSchema } from './capture/native-config.js';
import { EventMappingsSchema } from './event-mapping.js';

/** How feedback events find the prediction they answer. */
export const MatchingConfigSchema = z.strictObject({
  /** Feedback with no id and no context match: the newest unlabeled prediction from the same device within this many seconds. */
  window_seconds: z.number().int().min(1).max(86_400).default(120),
  /** How far back a context-chain match may reach. */
  context_lookback_seconds: z.number().int().min(1).max(7 * 86_400).default(3600),
  /** Feedback that arrives before its prediction waits this long for it. */
  pending_seconds: z.number().min(0).max(600).default(10),
  /** At most this many feedback events wait at once (the oldest is given up first). */
  pending_max: z.number().int().min(1).max(100_000).default(1000),
});
export type MatchingConfig = z.infer<typeof MatchingConfigSchema>;

/** A label given when no feedback came within `after_seconds` (off unless configured per model). */
const ImplicitLabelSchema = z.strictObject({
  after_seconds: z.number().int().min(1).max(7 * 86_400),
  /** `"correct"`: no correction means the prediction was right; or a ground truth such as `{"accepted": false}`. */
  label: z.union([z.literal('correct'), z.strictObject({ ground_truth: JsonObjectSchema })]),
});
export type ImplicitLabel = z.infer<typeof ImplicitLabelSchema>;

export const CaptureConfigSchema = z.strictObject({
  /** Per event type, merged over the shipped contract in config/hub-events.json; null switches one off. */
  events: EventMappingsSchema.default({}),
  matching: MatchingConfigSchema.prefault({}),
  implicit_labels: z.record(z.string().min(1), ImplicitLabelSchema).default({}),
  /** When the implicit-label sweep runs (node-cron expression). */
  implicit_sweep_cron: z
    .string()
    .refine((value) => validateCron(value), { error: 'implicit_sweep_cron is not a valid cron expression, e.g. "* * * * *"' })
    .default('* * * * *'),
  /** Home Assistant's own ML (Assist, speech-to-text, automations, face detection), captured with no setup. */
  native: NativeCaptureConfigSchema.prefault({}),
  /** Time zone of implicit_sweep_cron (IANA name). */
  implicit_sweep_timezone: z
    .string()
    .refine(isValidTimeZone, { error: 'implicit_sweep_timezone is not a time zone this system knows, e.g. "UTC" or "Europe/Berlin"' })
    .default('UTC'),
});

import { z } from 'zod';
import { ModelNameSchema, ModelVersionSchema } from './names.js';
import { WindowSchema } from './performance.js';
import { PerformanceQuerySchema } from './queries.js';
import { RawScanSchema } from './raw-scan.js';

/** Keys a slice path may not walk through: they name JavaScript's object machinery, not data. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const SAFE_KEY = /^[\p{L}\p{N}_\-:@#]+$/u;
const BY_HINT = 'by must be model_version, or context.<key> or input_data.<key> (dots go deeper: context.device.room)';

/** The path of `by`, checked: `model_version`, or `context`/`input_data` followed by 1–8 keys. */
export const SlicePathSchema = z
  .string({ error: BY_HINT })
  .max(200, { error: 'by must be at most 200 characters' })
  .superRefine((value, context) => {
    if (value === 'model_version') return;
    const [root, ...keys] = value.split('.');
    if ((root !== 'context' && root !== 'input_data') || keys.length === 0) {
      context.addIssue({ code: 'custom', message: BY_HINT });
      return;
    }
    if (keys.length > 8) context.addIssue({ code: 'custom', message: 'by may go at most 8 keys deep' });
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) {
        context.addIssue({ code: 'custom', message: `by may not use the key "${key}"` });
      } else if (!SAFE_KEY.test(key)) {
        context.addIssue({ code: 'custom', message: `"${key}" is not a key by can use: letters, digits and _ - : @ # only, none empty` });
      }
    }
  });

/** Query of `GET /models/{name}/slices` and `hap ml-metrics slices`. */
export const SlicesQuerySchema = PerformanceQuerySchema.safeExtend({
  by: SlicePathSchema,
  /** The most values listed one by one (largest first); the rest are folded into "(other)". */
  limit: z.coerce
    .number({ error: 'limit must be a whole number from 1 to 100' })
    .int({ error: 'limit must be a whole number from 1 to 100' })
    .min(1, { error: 'limit must be a whole number from 1 to 100' })
    .max(100, { error: 'limit must be a whole number from 1 to 100' })
    .default(20),
});
export type SlicesQuery = z.input<typeof SlicesQuerySchema>;

export const MISSING_SLICE = '(missing)';
export const OTHER_SLICE = '(other)';

/** One value of the sliced field and its figures. */
export const SliceSchema = z.object({
  /** The value as text: strings as they are, other JSON as canonical JSON text (keys sorted); "(missing)", "(other)". */
  value: z.string(),
  /** `value` for a value of the field, `missing` for records without it, `other` for the folded tail. */
  kind: z.enum(['value', 'missing', 'other']),
  total_predictions: z.number().int(),
  labeled_predictions: z.number().int(),
  /** Rates as in the performance answer; null when there is nothing to compute them on. */
  accuracy: z.number().nullable(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
  f1_score: z.number().nullable(),
  /** Mean confidence of the slice's predictions that have one. */
  confidence: z.number().nullable(),
});
export type Slice = z.infer<typeof SliceSchema>;

/** `GET /models/{name}/slices`: one model version's figures per value of a field, over a window. */
export const SlicesSchema = z.object({
  model_name: ModelNameSchema,
  /** The version sliced; null when slicing by model_version with no version asked (every version). */
  model_version: ModelVersionSchema.nullable(),
  window: WindowSchema,
  by: z.string(),
  limit: z.number().int(),
  /** Largest (total_predictions) first, ties by value text ("(missing)" ranks as a value); "(other)" last. */
  slices: z.array(SliceSchema),
  scan: RawScanSchema,
});
export type Slices = z.infer<typeof SlicesSchema>;

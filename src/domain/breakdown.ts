import { z } from 'zod';
import { JsonValueSchema } from './json.js';
import { ModelNameSchema, ModelVersionSchema } from './names.js';
import { WindowSchema } from './performance.js';
import { WindowSpecSchema } from './queries.js';

/** Query of `GET /models/{name}/breakdown` and `hap ml-metrics breakdown`. */
export const BreakdownQuerySchema = z.strictObject({
  /** The key of each record's `context` to group by, e.g. `automation`. */
  by: z.string({ error: 'by must name a context key, e.g. automation' }).min(1, { error: 'by must name a context key, e.g. automation' }).max(128, { error: 'by must be at most 128 characters' }),
  window: WindowSpecSchema.optional(),
  version: ModelVersionSchema.optional(),
});
export type BreakdownQuery = z.input<typeof BreakdownQuerySchema>;

/** One value of the context key and its predictions. */
export const BreakdownGroupSchema = z.object({
  /** The context value; null for records whose context lacks the key. */
  value: JsonValueSchema.nullable(),
  total_predictions: z.number().int(),
  labeled_predictions: z.number().int(),
  correct_predictions: z.number().int(),
  /** correct / labeled; null when none is labeled. */
  accuracy: z.number().nullable(),
});
export type BreakdownGroup = z.infer<typeof BreakdownGroupSchema>;

/** Per value of a context key: counts and accuracy, from the raw records of the window. */
export const BreakdownSchema = z.object({
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  window: WindowSchema,
  by: z.string(),
  /** Sorted by value (its JSON text); the null group last. */
  groups: z.array(BreakdownGroupSchema),
});
export type Breakdown = z.infer<typeof BreakdownSchema>;

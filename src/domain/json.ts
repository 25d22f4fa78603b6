import { z } from 'zod';

/** Any JSON value (no NaN, no Infinity, no undefined). */
export const JsonValueSchema = z.json();
export type JsonValue = z.infer<typeof JsonValueSchema>;

/** A JSON object such as `input_data`, `prediction`, `ground_truth` or `context`. */
export const JsonObjectSchema = z.record(z.string(), JsonValueSchema);
export type JsonObject = z.infer<typeof JsonObjectSchema>;

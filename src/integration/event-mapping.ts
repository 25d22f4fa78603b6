import { z } from 'zod';
import { JsonObjectSchema } from '../domain/json.js';
import { ModelNameSchema } from '../domain/names.js';

/** A dotted path into an event's `data` (`user_id`, `result.intent.name`). */
const DataPathSchema = z
  .string()
  .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, { error: 'a path is field names joined by dots, such as result.intent' });

/** Which model an event is about: a fixed `model_name`, or a `model_name_path` read from the event. */
const ModelSource = {
  model_name: ModelNameSchema.optional(),
  model_name_path: DataPathSchema.optional(),
};

function oneModelSource(value: { model_name?: string | undefined; model_name_path?: string | undefined }): boolean {
  return (value.model_name === undefined) !== (value.model_name_path === undefined);
}
const ONE_MODEL_SOURCE = { error: 'give either model_name or model_name_path', path: ['model_name'] };

/**
 * How a label is read from an event:
 * - `{ key, path }`: the label `{ [key]: data[path] }` (e.g. `{ user_id: data.user_id }`);
 * - `{ constant }`: a fixed label (e.g. `{ accepted: true }`);
 * - `{ object_path }`: a whole object from the event (the REST body's `prediction`).
 */
const LabelSourceSchema = z.union([
  z.strictObject({ key: z.string().min(1), path: DataPathSchema }),
  z.strictObject({ constant: JsonObjectSchema }),
  z.strictObject({ object_path: DataPathSchema }),
]);
export type LabelSource = z.infer<typeof LabelSourceSchema>;

const CommonPaths = {
  /** Where the prediction's id is; without one, the event's context.id is the id. */
  id_path: DataPathSchema.optional(),
  version_path: DataPathSchema.optional(),
  device_path: DataPathSchema.optional(),
};

/** An event that is a model's prediction. */
const PredictionMappingSchema = z
  .strictObject({
    kind: z.literal('prediction'),
    ...ModelSource,
    prediction: LabelSourceSchema,
    confidence_path: DataPathSchema,
    /** Fields of `data` copied into the prediction's input_data. */
    input_fields: z.array(DataPathSchema).default([]),
    ...CommonPaths,
  })
  .refine(oneModelSource, ONE_MODEL_SOURCE);
export type PredictionMapping = z.infer<typeof PredictionMappingSchema>;

/**
 * How feedback says what was true:
 * - `{ confirm: true }`: the prediction was right;
 * - a label source: the true label;
 * - `{ object_path, correct_path }`: a ground-truth object, or else a `correct` boolean.
 */
const TruthSourceSchema = z.union([
  z.strictObject({ confirm: z.literal(true) }),
  z.strictObject({ key: z.string().min(1), path: DataPathSchema }),
  z.strictObject({ constant: JsonObjectSchema }),
  z.strictObject({ object_path: DataPathSchema, correct_path: DataPathSchema }),
]);

/** An event that confirms or corrects an earlier prediction. */
const FeedbackMappingSchema = z
  .strictObject({
    kind: z.literal('feedback'),
    ...ModelSource,
    truth: TruthSourceSchema,
    /** Where the user's rating (1–5, satisfaction) is, if the event may carry one; a rating alone is feedback too. */
    rating_path: DataPathSchema.optional(),
    /**
     * When no prediction matches, log the feedback as a prediction that carries its own ground
     * truth (a suggestion accepted that was never announced).
     */
    log_unmatched_as: z
      .strictObject({ prediction: LabelSourceSchema, confidence_path: DataPathSchema })
      .optional(),
    ...CommonPaths,
  })
  .refine(oneModelSource, ONE_MODEL_SOURCE);
export type FeedbackMapping = z.infer<typeof FeedbackMappingSchema>;

const EventMappingSchema = z.discriminatedUnion('kind', [PredictionMappingSchema, FeedbackMappingSchema]);
export type EventMapping = z.infer<typeof EventMappingSchema>;

/** event_type → mapping; `null` switches a shipped mapping off. */
export const EventMappingsSchema = z.record(
  z.string().regex(/^[a-z0-9_]+$/, { error: 'an event type is lowercase letters, digits and _' }),
  EventMappingSchema.nullable(),
);
export type EventMappings = z.infer<typeof EventMappingsSchema>;

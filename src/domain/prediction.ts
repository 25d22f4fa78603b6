import { z } from 'zod';
import { JsonObjectSchema } from './json.js';
import {
  DEFAULT_MODEL_VERSION,
  ModelNameSchema,
  ModelVersionSchema,
  RecordIdSchema,
  TimestampSchema,
  UnitIntervalSchema,
} from './names.js';

/** Where a prediction's ground truth came from. */
export const GroundTruthSourceSchema = z.enum([
  'inline', // given with the prediction
  'api', // POSTed later through the REST API, the CLI or the library
  'event_id', // a hub feedback event naming the prediction's id
  'event_context', // a hub feedback event whose context.parent_id is the prediction event's context.id
  'event_window', // the newest unlabeled prediction of the model from the same device, within a time window
  'implicit', // no correction within the configured time
  'native_error', // a native source's run ended in an error (Assist, automations)
  'native_undo', // a person or device reversed what a native source did, within the undo window
  'native_rephrase', // the user asked Assist again, differently, right after
  'native_kept', // the undo window passed with no reversal
]);
export type GroundTruthSource = z.infer<typeof GroundTruthSourceSchema>;

/** A user's satisfaction with a prediction: a whole number from 1 (poor) to 5 (excellent). */
export const RatingSchema = z
  .number()
  .int({ error: 'rating must be a whole number from 1 to 5' })
  .min(1, { error: 'rating must be a whole number from 1 to 5' })
  .max(5, { error: 'rating must be a whole number from 1 to 5' });

/** One logged prediction, as stored (the seed's PredictionLog). */
export const PredictionLogSchema = z.object({
  prediction_id: RecordIdSchema,
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  input_data: JsonObjectSchema,
  prediction: JsonObjectSchema,
  /** null when the source gives no confidence (Home Assistant's native sources). */
  confidence: UnitIntervalSchema.nullable(),
  /** null while unlabeled, and when only `correct: false` is known (the true label is not). */
  ground_truth: JsonObjectSchema.nullable(),
  ground_truth_source: GroundTruthSourceSchema.nullable(),
  /** null while unlabeled. */
  correct: z.boolean().nullable(),
  context: JsonObjectSchema,
  timestamp: TimestampSchema,
  labeled_at: TimestampSchema.nullable(),
  /** The user's satisfaction, 1–5; null until given (absent in files of schema version 1). */
  rating: RatingSchema.nullable().default(null),
});
export type PredictionLog = z.infer<typeof PredictionLogSchema>;

/** The body of `POST /predictions` and the argument of `tracker.logPrediction`. */
export const PredictionInputSchema = z.strictObject({
  prediction_id: RecordIdSchema.optional(),
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema.default(DEFAULT_MODEL_VERSION),
  input_data: JsonObjectSchema.default({}),
  prediction: JsonObjectSchema,
  /** Omitted or null when the source gives none. */
  confidence: UnitIntervalSchema.nullable().optional(),
  ground_truth: JsonObjectSchema.nullable().optional(),
  context: JsonObjectSchema.default({}),
  timestamp: TimestampSchema.optional(),
});
export type PredictionInput = z.input<typeof PredictionInputSchema>;
export type ParsedPredictionInput = z.output<typeof PredictionInputSchema>;

/**
 * A label for an existing prediction: a ground-truth object, or only the knowledge that the
 * prediction was right or wrong (`correct`), and/or the user's `rating` (1–5). `correct: false`
 * with no ground truth counts as incorrect and as a false positive of the predicted class, in no
 * class's recall. A rating alone leaves the label (and its source and time) as it is.
 */
export const GroundTruthInputSchema = z
  .strictObject({
    ground_truth: JsonObjectSchema.optional(),
    correct: z.boolean().optional(),
    rating: RatingSchema.optional(),
    source: GroundTruthSourceSchema.default('api'),
    labeled_at: TimestampSchema.optional(),
  })
  .refine((value) => value.ground_truth !== undefined || value.correct !== undefined || value.rating !== undefined, {
    error: 'give ground_truth (an object), correct (true or false) or rating (1 to 5)',
    path: ['ground_truth'],
  })
  .refine((value) => value.ground_truth === undefined || Object.keys(value.ground_truth).length > 0, {
    error: 'ground_truth must name at least one field',
    path: ['ground_truth'],
  });
export type GroundTruthInput = z.input<typeof GroundTruthInputSchema>;
export type ParsedGroundTruthInput = z.output<typeof GroundTruthInputSchema>;

/** The answer to logging a prediction. */
export const LoggedPredictionSchema = z.object({
  prediction_id: RecordIdSchema,
  correct: z.boolean().nullable(),
});
export type LoggedPrediction = z.infer<typeof LoggedPredictionSchema>;

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

const Count = z.number().int({ error: 'expected a whole number' }).min(0, { error: 'must not be negative' });
const Loss = z.number({ error: 'expected a number' }).min(0, { error: 'must not be negative' });

/** The seed's training-session fields, as stored. */
const TrainingFields = {
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  training_samples: Count,
  validation_samples: Count.nullable(),
  training_accuracy: UnitIntervalSchema,
  validation_accuracy: UnitIntervalSchema.nullable(),
  training_loss: Loss.nullable(),
  validation_loss: Loss.nullable(),
  hyperparameters: JsonObjectSchema,
  training_duration_seconds: Loss.nullable(),
};

/** The body of `POST /training`: the seed's training session; what it may leave out has defaults. */
export const TrainingInputSchema = z.strictObject({
  ...TrainingFields,
  model_version: TrainingFields.model_version.default(DEFAULT_MODEL_VERSION),
  training_session_id: RecordIdSchema.optional(),
  validation_samples: TrainingFields.validation_samples.default(null),
  validation_accuracy: TrainingFields.validation_accuracy.default(null),
  training_loss: TrainingFields.training_loss.default(null),
  validation_loss: TrainingFields.validation_loss.default(null),
  hyperparameters: TrainingFields.hyperparameters.default({}),
  training_duration_seconds: TrainingFields.training_duration_seconds.default(null),
  timestamp: TimestampSchema.optional(),
});
export type TrainingInput = z.input<typeof TrainingInputSchema>;

/** One stored training session (the seed's ModelTrainingLog). */
export const TrainingLogSchema = z.object({
  training_session_id: RecordIdSchema,
  ...TrainingFields,
  timestamp: TimestampSchema,
});
export type TrainingLog = z.infer<typeof TrainingLogSchema>;

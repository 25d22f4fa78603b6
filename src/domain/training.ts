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

/** The body of `POST /training`: the seed's training session. */
export const TrainingInputSchema = z.strictObject({
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema.default(DEFAULT_MODEL_VERSION),
  training_session_id: RecordIdSchema.optional(),
  training_samples: Count,
  validation_samples: Count.nullable().default(null),
  training_accuracy: UnitIntervalSchema,
  validation_accuracy: UnitIntervalSchema.nullable().default(null),
  training_loss: Loss.nullable().default(null),
  validation_loss: Loss.nullable().default(null),
  hyperparameters: JsonObjectSchema.default({}),
  training_duration_seconds: Loss.nullable().default(null),
  timestamp: TimestampSchema.optional(),
});
export type TrainingInput = z.input<typeof TrainingInputSchema>;

/** One stored training session (the seed's ModelTrainingLog). */
export const TrainingLogSchema = z.object({
  training_session_id: RecordIdSchema,
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
  timestamp: TimestampSchema,
});
export type TrainingLog = z.infer<typeof TrainingLogSchema>;

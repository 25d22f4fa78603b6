import { z } from 'zod';
import { ModelNameSchema, ModelVersionSchema, RecordIdSchema, TimestampSchema } from './names.js';

/**
 * One entry of the versions registry (versions.json): written once, the first time a model
 * version is seen in a prediction or a training session.
 */
export const VersionRegistrationSchema = z.object({
  model_name: ModelNameSchema,
  model_version: ModelVersionSchema,
  /** The own time (`timestamp`) of the prediction or training session that registered it. */
  first_seen: TimestampSchema,
  /**
   * What registered it: a prediction, a training session, or `aggregates` — a version already
   * in the store when the registry was added, whose first_seen is the start of its earliest hour.
   */
  registered_from: z.enum(['prediction', 'training', 'aggregates']),
  /** When the registry wrote it (the service's clock). */
  registered_at: TimestampSchema,
});
export type VersionRegistration = z.infer<typeof VersionRegistrationSchema>;

const Count = z.number().int().min(0);

/** One line of `GET /models/{name}/versions`. */
export const ModelVersionEntrySchema = z.object({
  model_version: ModelVersionSchema,
  first_seen: TimestampSchema,
  /** The newest own time of its predictions and training sessions. */
  last_seen: TimestampSchema,
  registered_from: VersionRegistrationSchema.shape.registered_from,
  /** Every prediction of the version, all time (aggregates outlive retention). */
  total_predictions: Count,
  labeled_predictions: Count,
  /** correct / labeled over every labeled prediction of the version, all time; null while none is labeled. */
  accuracy: z.number().min(0).max(1).nullable(),
  /** Ids of its training sessions, oldest first. */
  training_sessions: z.array(RecordIdSchema),
  /** Whether it is the model's default version (`current_version` when configured, else the highest with predictions). */
  current: z.boolean(),
});
export type ModelVersionEntry = z.infer<typeof ModelVersionEntrySchema>;

/** `GET /models/{name}/versions`: natural version order (`1.10` after `1.9`). */
export const ModelVersionListSchema = z.object({
  model_name: ModelNameSchema,
  versions: z.array(ModelVersionEntrySchema),
});
export type ModelVersionList = z.infer<typeof ModelVersionListSchema>;

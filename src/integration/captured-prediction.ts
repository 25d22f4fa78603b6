import { z } from 'zod';
import { PredictionInputSchema } from '../domain/prediction.js';
import { CaptureContextSchema } from './capture-context.js';

/**
 * A prediction read from a hub event: the body `tracker.logPrediction` takes, with what the
 * capture always fills in (the id, the event's time) required, and its context the hub identity.
 */
export const CapturedPredictionSchema = PredictionInputSchema.extend({
  prediction_id: PredictionInputSchema.shape.prediction_id.unwrap(),
  timestamp: PredictionInputSchema.shape.timestamp.unwrap(),
  context: CaptureContextSchema,
});
export type CapturedPrediction = z.input<typeof CapturedPredictionSchema>;

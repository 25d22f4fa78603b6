import type { JsonObject } from '../domain/json.js';
import type { CapturedPrediction } from './captured-prediction.js';

/** Feedback read from an event, before it is matched to a prediction. */
export interface CapturedFeedback {
  event_type: string;
  model_name: string;
  prediction_id: string | null;
  /** The event's context.parent_id: the context of the event that caused it. */
  parent_context_id: string | null;
  device_id: string | null;
  time: string;
  /** null when the feedback only rates the prediction. */
  label: { ground_truth: JsonObject } | { correct: boolean } | null;
  /** The user's rating, 1–5, when the event carried one. */
  rating: number | null;
  /** Set when unmatched feedback is logged as a self-labeled prediction. */
  unmatched?: CapturedPrediction;
}

import type { GroundTruthSource, PredictionLog } from '../domain/prediction.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import { readCaptureContext } from './capture-context.js';
import type { CapturedFeedback } from './captured-feedback.js';
import type { MatchingConfig } from './hub-config.js';
import type { RecentPrediction, RecentPredictions } from './recent-predictions.js';

/** How feedback found its prediction. */
export type MatchSource = Extract<GroundTruthSource, 'event_id' | 'event_context' | 'event_window'>;

interface MatchFeedbackOptions {
  tracker: Pick<ModelPerformanceTracker, 'getPrediction' | 'findRecent'>;
  recent: RecentPredictions;
  matching: MatchingConfig;
}

/**
 * Finds the stored prediction that feedback answers: by the id it names; else through the hub's
 * context chain (its parent context is the prediction event's context), captured lately or stored
 * within the lookback; else the newest prediction of the model from the same device within the
 * window that is still open to a label. Null when nothing matches.
 */
export async function matchFeedback(
  feedback: CapturedFeedback,
  options: MatchFeedbackOptions,
): Promise<{ id: string; source: MatchSource } | null> {
  const { tracker, recent, matching } = options;
  const time = Date.parse(feedback.time);
  if (feedback.prediction_id !== null) {
    const record = await tracker.getPrediction(feedback.prediction_id);
    return record && record.model_name === feedback.model_name ? { id: record.prediction_id, source: 'event_id' } : null;
  }
  if (feedback.parent_context_id !== null) {
    const captured = recent.byContext(feedback.parent_context_id);
    if (captured && captured.model_name === feedback.model_name) return { id: captured.prediction_id, source: 'event_context' };
    const since = new Date(time - matching.context_lookback_seconds * 1000).toISOString();
    const [stored] = await tracker.findRecent(
      since,
      (record) =>
        record.model_name === feedback.model_name && readCaptureContext(record.context).hub_context_id === feedback.parent_context_id,
      1,
    );
    if (stored) return { id: stored.prediction_id, source: 'event_context' };
  }
  if (feedback.device_id !== null) {
    const since = new Date(time - matching.window_seconds * 1000).toISOString();
    const candidates = await tracker.findRecent(
      since,
      (record) =>
        record.model_name === feedback.model_name &&
        readCaptureContext(record.context).device_id === feedback.device_id &&
        Date.parse(record.timestamp) <= time &&
        isOpenToLabel(record),
      50,
    );
    const newest = candidates.sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0];
    if (newest) return { id: newest.prediction_id, source: 'event_window' };
  }
  return null;
}

/** How waiting feedback answers a prediction just captured, or null when it does not. */
export function matchWaitingFeedback(feedback: CapturedFeedback, prediction: RecentPrediction): MatchSource | null {
  if (feedback.model_name !== prediction.model_name) return null;
  if (feedback.prediction_id !== null) return feedback.prediction_id === prediction.prediction_id ? 'event_id' : null;
  if (feedback.parent_context_id === prediction.context_id) return 'event_context';
  if (feedback.device_id !== null && feedback.device_id === prediction.device_id) return 'event_window';
  return null;
}

/** A prediction a device-window match may label: unlabeled, or labeled only implicitly. */
function isOpenToLabel(record: PredictionLog): boolean {
  return record.correct === null || record.ground_truth_source === 'implicit';
}

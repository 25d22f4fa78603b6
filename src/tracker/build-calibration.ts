import type { Calibration, CalibrationQuery } from '../domain/calibration.js';
import { CalibrationQuerySchema } from '../domain/calibration.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { RawScan } from '../domain/raw-scan.js';
import { RAW_SCAN_LIMIT } from '../domain/raw-scan.js';
import type { ScoredOutcome } from '../metrics/calibration-curve.js';
import { calibrationCurve } from '../metrics/calibration-curve.js';
import type { ModelPerformanceTracker } from './model-performance-tracker.js';
import { parseInput } from './parse-input.js';
import { throughStore } from './storage-failure.js';
import type { ResolvedWindow } from './window.js';
import { scanWindowRecords } from './window-records.js';

/**
 * The reliability curve of one model version over a window, from its raw records (newest first,
 * at most `limit`): the labeled predictions with a confidence, top-label (correct or not).
 */
export async function buildCalibration(
  records: AsyncIterable<{ record: PredictionLog }>,
  subject: { model_name: string; model_version: string; window: ResolvedWindow; bins: number; limit: number },
): Promise<Calibration> {
  const { model_name, model_version, window, bins, limit } = subject;
  const outcomes: ScoredOutcome[] = [];
  const scan: RawScan = await scanWindowRecords(records, { model_name, model_version, window, limit }, (record) => {
    if (record.correct !== null && record.confidence !== null) outcomes.push({ confidence: record.confidence, correct: record.correct });
  });
  const curve = calibrationCurve(outcomes, bins);
  return {
    model_name,
    model_version,
    window: window.window,
    labeled_with_confidence: curve.count,
    ece: curve.ece,
    brier_score: curve.brier_score,
    bins: curve.bins,
    scan,
  };
}

/** What the calibration answer needs of the tracker. */
export type CalibrationTracker = Pick<ModelPerformanceTracker, 'windowQuery' | 'store'>;

/**
 * `GET /models/{name}/calibration`: the query validated (CalibrationQuerySchema), the model,
 * version and window resolved as for performance, then the curve over the newest RAW_SCAN_LIMIT
 * predictions of the window at most. InvalidInputError / NotFoundError / StorageUnavailableError.
 */
export async function getCalibration(tracker: CalibrationTracker, modelName: string, query?: CalibrationQuery | unknown): Promise<Calibration> {
  const parsed = parseInput(CalibrationQuerySchema, query, 'query');
  const { name, version, window } = tracker.windowQuery(modelName, parsed);
  const subject = { model_name: name, model_version: version!, window, bins: parsed.bins, limit: RAW_SCAN_LIMIT };
  return throughStore(() => buildCalibration(tracker.store.newestFirst({ model: name }), subject));
}

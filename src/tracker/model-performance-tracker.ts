// SKELETON: signatures fixed; bodies are being written (see storage/).
import type { ModelComparison } from '../domain/comparison.js';
import type { ModelPerformance, ModelSummary } from '../domain/performance.js';
import type { GroundTruthInput, LoggedPrediction, PredictionInput, PredictionLog } from '../domain/prediction.js';
import type { CompareQuery, PerformanceQuery, PredictionsQuery } from '../domain/queries.js';
import type { TrainingInput, TrainingLog } from '../domain/training.js';

export interface PredictionPage {
  model_name: string;
  predictions: PredictionLog[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  next_cursor: string | null;
}

export interface TrackerHealth {
  status: 'ok' | 'degraded';
  models: number;
  stored_predictions: number;
  segments: number;
  data_dir: string;
  reason?: string;
}

/**
 * The application service: everything the REST API, the CLI and the hub integration do goes
 * through it. Inputs are `unknown` and validated here (zod); errors are TrackerError subclasses.
 */
export class ModelPerformanceTracker {
  /** Validates and durably stores a prediction; resolves only once it is on disk. */
  async logPrediction(input: PredictionInput | unknown): Promise<LoggedPrediction> { throw new Error('todo'); }
  /** Sets (or replaces) a prediction's ground truth; resolves with the updated record once on disk. */
  async recordGroundTruth(predictionId: string, input: GroundTruthInput | unknown): Promise<PredictionLog> { throw new Error('todo'); }
  /** Every model with a summary. */
  listModels(): ModelSummary[] { throw new Error('todo'); }
  /** Metrics of one model version (default: newest version seen) over a window (default: all). */
  async getPerformance(modelName: string, query?: PerformanceQuery | unknown): Promise<ModelPerformance> { throw new Error('todo'); }
  /** Newest first, paged with `cursor`. */
  async getPredictions(modelName: string, query?: PredictionsQuery | unknown): Promise<PredictionPage> { throw new Error('todo'); }
  /** Stores a training session (the seed's body). */
  async logTraining(input: TrainingInput | unknown): Promise<TrainingLog> { throw new Error('todo'); }
  /** Newest first. */
  getTrainingHistory(modelName: string): TrainingLog[] { throw new Error('todo'); }
  /** Compares two versions, stores the comparison and returns it. */
  async compareVersions(modelName: string, query: CompareQuery | unknown): Promise<ModelComparison> { throw new Error('todo'); }
  /** Stored comparisons, newest first. */
  listComparisons(modelName?: string): ModelComparison[] { throw new Error('todo'); }
  health(): TrackerHealth { throw new Error('todo'); }
  /** Flushes pending writes and closes the store. */
  async close(): Promise<void> { throw new Error('todo'); }
}

/** Opens (or creates) the store in `dataDir` and returns a ready tracker. */
export async function openTracker(options: { dataDir: string; config?: unknown; logger?: unknown; now?: () => Date; readOnly?: boolean }): Promise<ModelPerformanceTracker> {
  throw new Error('todo');
}

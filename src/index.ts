/** The library: the tracker the REST API, the CLI and the hub integration are built on. */
export { openTracker } from './open-tracker.js';
export type { OpenTrackerOptions } from './open-tracker.js';
export { ModelPerformanceTracker } from './tracker/model-performance-tracker.js';
export type { TrackerChange } from './tracker/model-performance-tracker.js';
export type { PredictionPage, TrackerHealth } from './domain/responses.js';
export { ConflictError, InvalidInputError, NotFoundError, StorageUnavailableError, TrackerError } from './tracker/errors.js';
export { PredictionInputSchema, PredictionLogSchema, GroundTruthInputSchema } from './domain/prediction.js';
export type { PredictionInput, PredictionLog, GroundTruthInput, LoggedPrediction } from './domain/prediction.js';
export { TrainingInputSchema, TrainingLogSchema } from './domain/training.js';
export type { TrainingInput, TrainingLog } from './domain/training.js';
export { ModelPerformanceSchema } from './domain/performance.js';
export type { ModelPerformance, ModelSummary } from './domain/performance.js';
export { ModelComparisonSchema } from './domain/comparison.js';
export type { ModelComparison } from './domain/comparison.js';
export { ConfigSchema } from './config/config-schema.js';
export type { Config, ConfigInput } from './config/config-schema.js';

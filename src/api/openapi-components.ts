import { z } from 'zod';
import { BreakdownSchema } from '../domain/breakdown.js';
import { CalibrationSchema } from '../domain/calibration.js';
import { SlicesSchema } from '../domain/slices.js';
import { ModelComparisonSchema } from '../domain/comparison.js';
import { DriftSchema } from '../domain/drift.js';
import { JsonValueSchema } from '../domain/json.js';
import { ModelPerformanceSchema, ModelSummarySchema } from '../domain/performance.js';
import { GroundTruthInputSchema, LoggedPredictionSchema, PredictionInputSchema, PredictionLogSchema } from '../domain/prediction.js';
import { CompareQuerySchema } from '../domain/queries.js';
import { TimeseriesSchema } from '../domain/timeseries.js';
import { TrainingInputSchema, TrainingLogSchema } from '../domain/training.js';
import { ModelVersionListSchema } from '../domain/versions.js';
import { AssignmentSchema, ExperimentInputSchema, ExperimentListSchema, ExperimentReportSchema } from '../domain/experiments.js';
import { ErrorBodySchema } from './error-response.js';
import {
  ComparisonListResponseSchema,
  HealthResponseSchema,
  ModelListResponseSchema,
  PredictionPageResponseSchema,
  TrainingHistoryResponseSchema,
} from '../domain/responses.js';

/** Every schema the OpenAPI document names under `components/schemas`. */
export const OPENAPI_COMPONENTS = {
  JsonValue: JsonValueSchema,
  PredictionInput: PredictionInputSchema,
  GroundTruthInput: GroundTruthInputSchema,
  TrainingInput: TrainingInputSchema,
  CompareInput: CompareQuerySchema,
  LoggedPrediction: LoggedPredictionSchema,
  PredictionLog: PredictionLogSchema,
  PredictionPage: PredictionPageResponseSchema,
  ModelPerformance: ModelPerformanceSchema,
  ModelSummary: ModelSummarySchema,
  ModelList: ModelListResponseSchema,
  TrainingLog: TrainingLogSchema,
  TrainingHistory: TrainingHistoryResponseSchema,
  ModelComparison: ModelComparisonSchema,
  ComparisonList: ComparisonListResponseSchema,
  Breakdown: BreakdownSchema,
  Timeseries: TimeseriesSchema,
  ModelVersionList: ModelVersionListSchema,
  ExperimentInput: ExperimentInputSchema,
  ExperimentReport: ExperimentReportSchema,
  ExperimentList: ExperimentListSchema,
  Assignment: AssignmentSchema,
  Drift: DriftSchema,
  Calibration: CalibrationSchema,
  Slices: SlicesSchema,
  Health: HealthResponseSchema,
  ErrorBody: ErrorBodySchema,
  OpenApiDocument: z.looseObject({ openapi: z.string() }),
} satisfies Record<string, z.ZodType>;

export type ComponentName = keyof typeof OPENAPI_COMPONENTS;

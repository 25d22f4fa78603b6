import { z } from 'zod';
import { ModelComparisonSchema } from '../domain/comparison.js';
import { ModelNameSchema } from '../domain/names.js';
import { ModelSummarySchema } from '../domain/performance.js';
import { PredictionLogSchema } from '../domain/prediction.js';
import { TrainingLogSchema } from '../domain/training.js';
import type { PredictionPage, TrackerHealth } from '../tracker/model-performance-tracker.js';

/**
 * The REST API's answers that are not one domain record: envelopes around lists, the health
 * report. Used for the OpenAPI document.
 */

/** `GET /models`. */
export const ModelListResponseSchema = z.object({ models: z.array(ModelSummarySchema) });

/** `GET /models/{name}/predictions`: the tracker's PredictionPage. */
export const PredictionPageResponseSchema = z.object({
  model_name: ModelNameSchema,
  predictions: z.array(PredictionLogSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: z.string().nullable(),
});

/** `GET /models/{name}/training`, newest first. */
export const TrainingHistoryResponseSchema = z.object({
  model_name: ModelNameSchema,
  sessions: z.array(TrainingLogSchema),
});

/** `GET /models/{name}/comparisons`, newest first. */
export const ComparisonListResponseSchema = z.object({
  model_name: ModelNameSchema,
  comparisons: z.array(ModelComparisonSchema),
});

/** `GET /health`: the tracker's health report (503 when degraded). */
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  models: z.number().int(),
  stored_predictions: z.number().int(),
  segments: z.number().int(),
  data_dir: z.string(),
  reason: z.string().optional(),
});

// These fail to compile if the tracker's interfaces and the schemas above drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const pageMatchesTracker: Same<z.infer<typeof PredictionPageResponseSchema>, PredictionPage> = true;
const healthMatchesTracker: Same<z.infer<typeof HealthResponseSchema>, TrackerHealth> = true;
void pageMatchesTracker;
void healthMatchesTracker;

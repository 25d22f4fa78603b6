import { z } from 'zod';
import { ModelComparisonSchema } from './comparison.js';
import { ModelNameSchema } from './names.js';
import { ModelSummarySchema } from './performance.js';
import { PredictionLogSchema } from './prediction.js';
import { TrainingLogSchema } from './training.js';

/**
 * The REST API's answers that are not one domain record: envelopes around lists, the health
 * report. The REST API, its OpenAPI document, the CLI and the tracker share them.
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

/** One thing wrong with the running service, named by its file (relative to the data directory) or its hub. */
export const HealthProblemSchema = z.object({
  kind: z.enum(['unreadable_file', 'hub_disconnected']),
  file: z.string().optional(),
  hub: z.string().optional(),
  message: z.string(),
  /** When it was first noticed. */
  since: z.string(),
});
export type HealthProblem = z.infer<typeof HealthProblemSchema>;

/** `GET /health`: the tracker's health report (503 when degraded). */
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  models: z.number().int(),
  stored_predictions: z.number().int(),
  segments: z.number().int(),
  data_dir: z.string(),
  reason: z.string().optional(),
  /** What is wrong (always present in `GET /health`; empty when nothing is): any problem makes the status `degraded`. */
  problems: z.array(HealthProblemSchema).optional(),
  /** The service process (not the tracker): memory in bytes and uptime. */
  process: z
    .object({ rss_bytes: z.number().int(), heap_used_bytes: z.number().int(), uptime_s: z.number() })
    .optional(),
  /** With a hub: the connection and what happened to each event type. */
  hub: z
    .object({
      connected: z.boolean(),
      pending_feedback: z.number().int(),
      pending_retries: z.number().int(),
      events: z.record(
        z.string(),
        z.object({
          captured: z.number().int(),
          labeled: z.number().int(),
          duplicates: z.number().int(),
          refused: z.number().int(),
          unmatched: z.number().int(),
          failed: z.number().int(),
          dropped: z.number().int(),
        }),
      ),
    })
    .optional(),
});

export type PredictionPage = z.infer<typeof PredictionPageResponseSchema>;
export type TrackerHealth = z.infer<typeof HealthResponseSchema>;

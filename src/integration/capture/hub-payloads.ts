/**
 * The shapes of what Home Assistant answers and fires for native capture, as zod schemas (read
 * from 2024.3.3 and 2025.4.4; payloads recorded under test/fixtures/ha-<version>/). Loose objects:
 * a newer release may add fields, and only the fields read here are checked.
 */
import { z } from 'zod';
import { HubContextSchema } from '../hub-schemas.js';

/** `assist_pipeline/pipeline/list`. */
export const PipelineListSchema = z.looseObject({
  pipelines: z.array(
    z.looseObject({
      id: z.string().min(1),
      name: z.string(),
      conversation_engine: z.string().nullable().optional(),
      stt_engine: z.string().nullable().optional(),
    }),
  ),
  preferred_pipeline: z.string().nullable().optional(),
});
export type PipelineList = z.infer<typeof PipelineListSchema>;
export type Pipeline = PipelineList['pipelines'][number];

/** `assist_pipeline/pipeline_debug/list {pipeline_id}`. */
export const PipelineRunListSchema = z.looseObject({
  pipeline_runs: z.array(z.looseObject({ pipeline_run_id: z.string().min(1), timestamp: z.string() })),
});

/** One event of a pipeline run (`assist_pipeline/pipeline_debug/get`). */
export const PipelineEventSchema = z.looseObject({
  type: z.string(),
  data: z.record(z.string(), z.unknown()).nullable().optional(),
  timestamp: z.string(),
});
export type PipelineEvent = z.infer<typeof PipelineEventSchema>;

/** `assist_pipeline/pipeline_debug/get {pipeline_id, pipeline_run_id}`. */
export const PipelineRunSchema = z.looseObject({ events: z.array(PipelineEventSchema) });

/** `conversation/agent/homeassistant/debug {sentences}`: one result per sentence, null when nothing matched. */
export const RecogniserDebugSchema = z.looseObject({
  results: z.array(
    z
      .looseObject({
        intent: z.looseObject({ name: z.string() }).nullable().optional(),
        match: z.boolean().nullable().optional(),
      })
      .nullable(),
  ),
});

/** `trace/contexts {domain}`: context id → the run it started. */
export const TraceContextsSchema = z.record(
  z.string(),
  z.looseObject({ run_id: z.string(), domain: z.string(), item_id: z.string() }),
);

/** `trace/list {domain, item_id?}`. */
export const TraceListSchema = z.array(
  z.looseObject({
    run_id: z.string(),
    item_id: z.string(),
    state: z.string(),
    script_execution: z.string().nullable().optional(),
    error: z.string().nullable().optional(),
  }),
);
export type TraceSummary = z.infer<typeof TraceListSchema>[number];

/** `config/auth/list`. */
export const AuthListSchema = z.array(
  z.looseObject({ id: z.string(), name: z.string().nullable().optional(), system_generated: z.boolean().optional() }),
);

const EntityStateSchema = z.looseObject({ entity_id: z.string(), state: z.string(), context: HubContextSchema });

/** `state_changed` data: the entity, and its state before and after (null when created / removed). */
export const StateChangedDataSchema = z.looseObject({
  entity_id: z.string().min(1),
  old_state: EntityStateSchema.nullable(),
  new_state: EntityStateSchema.nullable(),
});

/** `automation_triggered` data. */
export const AutomationTriggeredDataSchema = z.looseObject({
  entity_id: z.string().min(1),
  name: z.string().optional(),
  source: z.string().nullable().optional(),
});

/** `image_processing.detect_face` data: confidence in percent (0–100), fired at or above the entity's threshold. */
export const DetectFaceDataSchema = z.looseObject({
  entity_id: z.string().min(1),
  name: z.string().nullable().optional(),
  confidence: z.number().min(0).max(100).nullable().optional(),
});

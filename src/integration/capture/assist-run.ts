import type { Pipeline, PipelineEvent } from './hub-payloads.js';

/** What one finished Assist pipeline run says, read from its debug events. */
export interface AssistRun {
  run_id: string;
  pipeline_id: string;
  pipeline_name: string;
  /** When the run started and ended (Home Assistant's clock, ISO 8601). */
  started_at: string;
  ended_at: string;
  language: string | null;
  device_id: string | null;
  conversation_id: string | null;
  /** The speech-to-text stage, when the run had one. */
  stt: { engine: string; text: string | null } | null;
  /** The intent stage, when the run reached it. */
  intent: {
    engine: string;
    text: string;
    started_at: string;
    ended_at: string | null;
    /** `action_done`, `partial_action_done`, `query_answer`, `error`; null when the stage did not end. */
    response_type: string | null;
    /** The response's error code when `response_type` is `error`. */
    error_code: string | null;
    /** Entity ids the command acted on (`data.success[].id`). */
    targets: string[];
  } | null;
  /** The pipeline's own error (`stt-no-text-recognized`, `intent-failed`…), if it ended in one. */
  pipeline_error: { code: string; message: string } | null;
}

type Data = Record<string, unknown>;

function record(value: unknown): Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function find(events: readonly PipelineEvent[], type: string): PipelineEvent | undefined {
  return events.find((event) => event.type === type);
}

/**
 * Reads a run from its debug events; null while it is still running (neither `run-end` nor
 * `error` yet). Pure: what the events say, no interpretation of right or wrong.
 */
export function readAssistRun(runId: string, pipeline: Pick<Pipeline, 'id' | 'name'>, events: readonly PipelineEvent[]): AssistRun | null {
  const end = find(events, 'run-end') ?? find(events, 'error');
  if (!end) return null;
  const start = find(events, 'run-start');
  const runStart = record(start?.data);
  const sttStart = find(events, 'stt-start');
  const sttEnd = find(events, 'stt-end');
  const intentStart = find(events, 'intent-start');
  const intentEnd = find(events, 'intent-end');
  const error = find(events, 'error');
  const intentData = record(intentStart?.data);
  const response = record(record(record(intentEnd?.data)['intent_output'])['response']);
  const responseData = record(response['data']);
  const responseType = text(response['response_type']);
  const success = Array.isArray(responseData['success']) ? responseData['success'] : [];
  const errorData = record(error?.data);
  return {
    run_id: runId,
    pipeline_id: pipeline.id,
    pipeline_name: pipeline.name,
    started_at: start?.timestamp ?? events[0]!.timestamp,
    ended_at: end.timestamp,
    language: text(intentData['language']) ?? text(runStart['language']),
    device_id: text(intentData['device_id']),
    conversation_id: text(intentData['conversation_id']) ?? text(runStart['conversation_id']),
    stt: sttStart
      ? {
          engine: text(record(sttStart.data)['engine']) ?? 'unknown',
          text: text(record(record(sttEnd?.data)['stt_output'])['text']),
        }
      : null,
    intent: intentStart
      ? {
          engine: text(intentData['engine']) ?? 'unknown',
          text: text(intentData['intent_input']) ?? '',
          started_at: intentStart.timestamp,
          ended_at: intentEnd?.timestamp ?? null,
          response_type: responseType,
          error_code: responseType === 'error' ? (text(responseData['code']) ?? 'unknown') : null,
          targets: success.map((target) => text(record(target)['id'])).filter((id): id is string => id !== null),
        }
      : null,
    pipeline_error: error ? { code: text(errorData['code']) ?? 'unknown', message: text(errorData['message']) ?? '' } : null,
  };
}

/** The built-in conversation agent (`homeassistant` up to 2024.x, `conversation.home_assistant` from 2024.6). */
export function isBuiltInAgent(engine: string): boolean {
  return engine === 'homeassistant' || engine === 'conversation.home_assistant';
}

/**
 * Whether Assist understood the command: the intent stage ended with a response that is not an
 * error, and the pipeline did not fail. A run that never reached the intent stage is neither.
 */
export function isUnderstood(run: AssistRun): boolean {
  if (!run.intent) return false;
  if (run.pipeline_error) return false;
  return run.intent.response_type !== null && run.intent.response_type !== 'error';
}

/**
 * The label an `assist_intent` prediction carries, and where it comes from: the recogniser's
 * intent name when the built-in agent re-recognised the text (`HassTurnOn`), else the response
 * type (`action_done`, `query_answer`), else the error code (`no_intent_match`) or the pipeline's
 * error code (`intent-failed`).
 */
export function assistIntentLabel(run: AssistRun, recognisedIntent: string | null): { intent: string; label_source: 'recogniser' | 'response_type' | 'error_code' } {
  if (isUnderstood(run) && recognisedIntent !== null) return { intent: recognisedIntent, label_source: 'recogniser' };
  if (isUnderstood(run)) return { intent: run.intent!.response_type!, label_source: 'response_type' };
  const code = run.intent?.error_code ?? run.pipeline_error?.code ?? 'unknown';
  return { intent: code, label_source: 'error_code' };
}

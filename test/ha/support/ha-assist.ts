/**
 * Assist in the test instance: expose entities to it, run a typed sentence through the default
 * pipeline (`assist_pipeline/run`, intent stage only, streamed to its `run-end`), or hand it
 * straight to the conversation agent (`conversation/process`).
 */
import { z } from 'zod';
import type { HaTestSocket } from './ha-websocket.js';

/** One event of a pipeline run, as streamed on the run's command id and as kept by pipeline_debug. */
export const PipelineEventSchema = z.object({
  type: z.string(),
  data: z.record(z.string(), z.unknown()).nullish(),
  timestamp: z.string(),
});
export type PipelineEvent = z.infer<typeof PipelineEventSchema>;

/**
 * `homeassistant/expose_entity` for the conversation assistant. input_boolean (unlike light and
 * switch) is not exposed by default, and Assist ignores what is not exposed.
 */
export async function exposeToAssist(socket: HaTestSocket, entityIds: readonly string[]): Promise<void> {
  await socket.command({ type: 'homeassistant/expose_entity', assistants: ['conversation'], entity_ids: [...entityIds], should_expose: true });
}

export interface AssistTextRunOptions {
  /** A pipeline id (default: the preferred pipeline). */
  pipeline?: string;
  conversationId?: string;
  /** Give up when `run-end` has not arrived after this long (default 30 s). */
  timeoutMs?: number;
}

/**
 * Runs `text` through a pipeline from the intent stage to the intent stage and resolves with every
 * event of the run, `run-start` to `run-end`, in order. A pipeline error (an `error` event) is part
 * of the answer, not a rejection; a command Home Assistant refuses rejects with HaCommandError.
 */
export async function runAssistText(socket: HaTestSocket, text: string, options: AssistTextRunOptions = {}): Promise<PipelineEvent[]> {
  const events: PipelineEvent[] = [];
  const timeoutMs = options.timeoutMs ?? 30_000;
  let finish: (() => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const ended = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const onEvent = (payload: unknown) => {
    const parsed = PipelineEventSchema.safeParse(payload);
    if (!parsed.success) {
      fail?.(new Error(`assist_pipeline/run streamed an event of unknown shape: ${JSON.stringify(payload)}`));
      return;
    }
    events.push(parsed.data);
    if (parsed.data.type === 'run-end') finish?.();
  };
  const { stop } = await socket.streamCommand(
    {
      type: 'assist_pipeline/run',
      start_stage: 'intent',
      end_stage: 'intent',
      input: { text },
      ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
      ...(options.conversationId === undefined ? {} : { conversation_id: options.conversationId }),
    },
    onEvent,
  );
  const timer = setTimeout(() => fail?.(new Error(`no run-end within ${timeoutMs} ms for "${text}"; events so far: ${JSON.stringify(events)}`)), timeoutMs);
  try {
    await ended;
  } finally {
    clearTimeout(timer);
    stop();
  }
  return events;
}

/** `conversation/process {text}`: the agent's answer (`{response, conversation_id, ...}`), nothing streamed. */
export async function processConversation(socket: HaTestSocket, text: string, options: { conversationId?: string; agentId?: string } = {}): Promise<Record<string, unknown>> {
  return socket.command<Record<string, unknown>>({
    type: 'conversation/process',
    text,
    ...(options.conversationId === undefined ? {} : { conversation_id: options.conversationId }),
    ...(options.agentId === undefined ? {} : { agent_id: options.agentId }),
  });
}

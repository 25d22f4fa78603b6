/**
 * Assist scenarios of the fixture recorder: the pipeline list, text runs through the default
 * pipeline with what pipeline_debug keeps of each, a conversation/process call, the built-in
 * agent's debug view of every sentence, and a person undoing what Assist did.
 */
import type { PipelineEvent } from '../../test/ha/support/ha-assist.js';
import { processConversation, runAssistText } from '../../test/ha/support/ha-assist.js';
import { ASSIST_ENTITIES } from '../../test/ha/support/ha-config.js';
import { eventsSince, settle, stateChangedTo, type RecordingSession } from './recording-session.js';

/** The sentences recorded, by the fixture name of their run (`assist-run-<name>.json`). */
export const ASSIST_SENTENCES = {
  understood: 'turn on the kitchen lamp',
  'no-valid-targets': 'open the pod bay doors',
  gibberish: 'florp the wibble',
  'no-intent-match': 'xyzzy',
  query: 'is the kitchen lamp on',
} as const;

/** Sent through conversation/process, not through a pipeline. */
export const CONVERSATION_SENTENCE = 'turn on the hall light';

interface PipelineList {
  pipelines: Array<{ id: string; name: string }>;
  preferred_pipeline: string | null;
}

/** The run events, and what pipeline_debug says about that run afterwards. */
async function recordRun(session: RecordingSession, sentence: string): Promise<{ run_events: PipelineEvent[]; debug_list: unknown; debug_get: unknown }> {
  const runEvents = await runAssistText(session.socket, sentence);
  const runStart = runEvents.find((event) => event.type === 'run-start');
  const pipeline = (runStart?.data?.['pipeline'] ?? null) as string | null;
  if (!pipeline) throw new Error(`the run of "${sentence}" has no run-start naming its pipeline: ${JSON.stringify(runEvents)}`);
  const debugList = await session.socket.command<{ pipeline_runs: Array<{ pipeline_run_id: string; timestamp: string }> }>({
    type: 'assist_pipeline/pipeline_debug/list',
    pipeline_id: pipeline,
  });
  const newest = debugList.pipeline_runs.at(-1);
  if (!newest) throw new Error(`pipeline_debug/list of ${pipeline} is empty after a run`);
  const debugGet = await session.socket.command({
    type: 'assist_pipeline/pipeline_debug/get',
    pipeline_id: pipeline,
    pipeline_run_id: newest.pipeline_run_id,
  });
  return { run_events: runEvents, debug_list: debugList, debug_get: debugGet };
}

export async function recordAssist(session: RecordingSession): Promise<void> {
  const { socket, writer } = session;
  const lamp = ASSIST_ENTITIES.kitchenLamp.entityId;

  const pipelines = await socket.command<PipelineList>({ type: 'assist_pipeline/pipeline/list' });
  await writer.write('assist-pipeline-list', pipelines);

  // Understood: Assist turns the lamp on; then a person turns it off again over the websocket.
  const mark = socket.events.length;
  const understood = await recordRun(session, ASSIST_SENTENCES.understood);
  const turnedOn = await stateChangedTo(socket, mark, lamp, 'on');
  await writer.write('assist-run-understood', { sentence: ASSIST_SENTENCES.understood, ...understood });
  await settle();
  const undoMark = socket.events.length;
  const undo = await socket.command({ type: 'call_service', domain: 'input_boolean', service: 'turn_off', target: { entity_id: lamp } });
  await stateChangedTo(socket, undoMark, lamp, 'off');
  await settle();
  await writer.write('assist-undo-by-person', {
    sentence: ASSIST_SENTENCES.understood,
    note: 'state_changed events of the target, in order: Assist turning it on (the run), then a person turning it off with call_service over the websocket.',
    run_events: understood.run_events,
    assist_state_changed: turnedOn,
    person_call_service_result: undo,
    state_changed: eventsSince(socket, mark, [lamp]),
  });

  for (const [name, sentence] of Object.entries(ASSIST_SENTENCES)) {
    if (name === 'understood') continue;
    const runMark = socket.events.length;
    const run = await recordRun(session, sentence);
    await settle();
    await writer.write(`assist-run-${name}`, { sentence, ...run, state_changed: eventsSince(socket, runMark, [lamp]) });
  }

  // conversation/process: the agent alone, no pipeline run (pipeline_debug shows none for it).
  const hall = ASSIST_ENTITIES.hallLight.entityId;
  const conversationMark = socket.events.length;
  const before = await socket.command<{ pipeline_runs: unknown[] }>({ type: 'assist_pipeline/pipeline_debug/list', pipeline_id: pipelines.preferred_pipeline });
  const processed = await processConversation(socket, CONVERSATION_SENTENCE);
  const hallOn = await stateChangedTo(socket, conversationMark, hall, 'on');
  const after = await socket.command<{ pipeline_runs: unknown[] }>({ type: 'assist_pipeline/pipeline_debug/list', pipeline_id: pipelines.preferred_pipeline });
  await writer.write('conversation-process', {
    sentence: CONVERSATION_SENTENCE,
    result: processed,
    state_changed: [hallOn],
    debug_list_before: before,
    debug_list_after: after,
  });

  const debug = await socket.command({
    type: 'conversation/agent/homeassistant/debug',
    sentences: [...Object.values(ASSIST_SENTENCES), CONVERSATION_SENTENCE],
  });
  await writer.write('conversation-debug', { command: 'conversation/agent/homeassistant/debug', result: debug });
}

/**
 * Assist and the traced automations of the test instance, on a real Home Assistant
 * (`npm run test:ha`, either release): what the fixture recorder (tools/record-ha-fixtures.ts)
 * relies on, proven on every CI run, through the helpers a capture suite will use.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { skipRealHub } from './support/global-setup.js';
import { exposeToAssist, processConversation, runAssistText } from './support/ha-assist.js';
import { ASSIST_ENTITIES, TRACED_AUTOMATIONS } from './support/ha-config.js';
import { startHomeAssistantInstance, type HomeAssistantInstance } from './support/ha-instance.js';
import { waitUntil } from './support/ha-rest.js';
import { HaTestSocket, type HaEvent } from './support/ha-websocket.js';

let instance: HomeAssistantInstance | undefined;
let socket: HaTestSocket | undefined;
let ownerId: string;

function stateChanged(entityId: string, state: string): Promise<HaEvent> {
  return waitUntil(
    async () =>
      socket!
        .eventsOf('state_changed')
        .find((event) => event.data['entity_id'] === entityId && (event.data['new_state'] as { state?: string } | null)?.state === state),
    10_000,
    `${entityId} to become ${state}`,
  );
}

describe.skipIf(skipRealHub())(`Assist and traced automations on a real Home Assistant ${inject('haVersion')}`, () => {
  beforeAll(async () => {
    instance = await startHomeAssistantInstance(inject('haPython'), 'hap-assist-');
    socket = await HaTestSocket.connect(instance.url, instance.accessToken);
    ownerId = (await socket.command<{ id: string }>({ type: 'auth/current_user' })).id;
    await exposeToAssist(socket, [ASSIST_ENTITIES.kitchenLamp.entityId, ASSIST_ENTITIES.hallLight.entityId]);
    await socket.subscribe('state_changed');
  });

  afterAll(async () => {
    try {
      await socket?.close();
    } finally {
      await instance?.stop();
    }
  });

  it('a typed command runs through the default pipeline to run-end, acts on the exposed entity, and pipeline_debug keeps the run', async () => {
    const events = await runAssistText(socket!, 'turn on the kitchen lamp');
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('run-start');
    expect(types.at(-1)).toBe('run-end');
    expect(types).toContain('intent-start');
    const response = (events.find((event) => event.type === 'intent-end')?.data?.['intent_output'] as { response: Record<string, unknown> }).response;
    expect(response).toMatchObject({
      response_type: 'action_done',
      data: { success: [{ type: 'entity', id: ASSIST_ENTITIES.kitchenLamp.entityId, name: ASSIST_ENTITIES.kitchenLamp.name }] },
    });

    // Assist acts in the context of the command that started the run: the user's, with no parent.
    const changed = await stateChanged(ASSIST_ENTITIES.kitchenLamp.entityId, 'on');
    expect(changed.context).toMatchObject({ user_id: ownerId, parent_id: null });

    const pipeline = String(events[0]!.data?.['pipeline']);
    const runs = await socket!.command<{ pipeline_runs: Array<{ pipeline_run_id: string }> }>({ type: 'assist_pipeline/pipeline_debug/list', pipeline_id: pipeline });
    expect(runs.pipeline_runs).toHaveLength(1);
    const kept = await socket!.command<{ events: Array<{ type: string }> }>({
      type: 'assist_pipeline/pipeline_debug/get',
      pipeline_id: pipeline,
      pipeline_run_id: runs.pipeline_runs[0]!.pipeline_run_id,
    });
    expect(kept.events.map((event) => event.type)).toEqual(types);
  });

  it('a sentence naming nothing that exists ends in an error response, not a pipeline error', async () => {
    const events = await runAssistText(socket!, 'open the pod bay doors');
    expect(events.map((event) => event.type)).not.toContain('error');
    const response = (events.find((event) => event.type === 'intent-end')?.data?.['intent_output'] as { response: Record<string, unknown> }).response;
    expect(response).toMatchObject({ response_type: 'error', data: { code: 'no_valid_targets' } });
  });

  it('conversation/process answers like intent-end and acts on the exposed entity', async () => {
    const answer = await processConversation(socket!, 'turn on the hall light');
    expect(answer['response']).toMatchObject({ response_type: 'action_done', data: { success: [{ id: ASSIST_ENTITIES.hallLight.entityId }] } });
    await stateChanged(ASSIST_ENTITIES.hallLight.entityId, 'on');
  });

  it('an automation calling a service that does not exist is traced with script_execution error', async () => {
    const automation = TRACED_AUTOMATIONS.fails;
    await socket!.command({ type: 'fire_event', event_type: automation.eventType });
    const trace = await waitUntil(
      async () =>
        (await socket!.command<Array<{ item_id: string; state: string; script_execution: string; error?: string }>>({ type: 'trace/list', domain: 'automation' })).find(
          (entry) => entry.item_id === automation.id && entry.state === 'stopped',
        ),
      10_000,
      `a finished trace of ${automation.id}`,
    );
    expect(trace.script_execution).toBe('error');
    expect(trace.error).toContain(automation.service);
  });
});

/**
 * Automation scenarios of the fixture recorder: each traced test automation is triggered by its
 * event (fired over the websocket), and what the bus and the trace integration say is recorded;
 * for the reversed one, a person turns its target back off.
 */
import { waitUntil } from '../../test/ha/support/ha-rest.js';
import { TRACED_AUTOMATIONS } from '../../test/ha/support/ha-config.js';
import { eventsSince, settle, stateChangedTo, type RecordingSession } from './recording-session.js';

interface TraceSummary {
  item_id: string;
  run_id: string;
  state: string;
  script_execution: string | null;
  error?: string;
}

type Automation = (typeof TRACED_AUTOMATIONS)[keyof typeof TRACED_AUTOMATIONS];

/** Fires the automation's event and waits for its run's trace to be stopped; returns the new trace. */
async function triggerAndTrace(session: RecordingSession, automation: Automation): Promise<{ fired: unknown; trace: TraceSummary }> {
  const { socket } = session;
  const known = new Set((await socket.command<TraceSummary[]>({ type: 'trace/list', domain: 'automation' })).map((trace) => trace.run_id));
  const fired = await socket.command({ type: 'fire_event', event_type: automation.eventType, event_data: { recorded_by: 'tools/record-ha-fixtures.ts' } });
  const trace = await waitUntil(
    async () =>
      (await socket.command<TraceSummary[]>({ type: 'trace/list', domain: 'automation' })).find(
        (entry) => entry.item_id === automation.id && !known.has(entry.run_id) && entry.state === 'stopped',
      ),
    15_000,
    `a finished trace of ${automation.id}`,
  );
  return { fired, trace };
}

async function record(session: RecordingSession, name: string, automation: Automation, reverse: boolean): Promise<void> {
  const { socket, writer } = session;
  const entities = [automation.entityId, ...(automation.target ? [automation.target] : [])];
  const mark = socket.events.length;
  const { fired, trace } = await triggerAndTrace(session, automation);
  if (automation.target) await stateChangedTo(socket, mark, automation.target, 'on');
  let reversal: unknown;
  if (reverse && automation.target) {
    await settle();
    const reverseMark = socket.events.length;
    reversal = await socket.command({ type: 'call_service', domain: 'input_boolean', service: 'turn_off', target: { entity_id: automation.target } });
    await stateChangedTo(socket, reverseMark, automation.target, 'off');
  }
  await settle();
  const bus = socket.events.slice(mark);
  await writer.write(name, {
    automation: automation.entityId,
    trigger_event_type: automation.eventType,
    fire_event_result: fired,
    automation_triggered: bus.filter((event) => event.event_type === 'automation_triggered' && event.data['entity_id'] === automation.entityId),
    state_changed: eventsSince(socket, mark, entities).filter((event) => event.event_type === 'state_changed'),
    ...(reverse ? { person_call_service_result: reversal } : {}),
    trace_list: await socket.command({ type: 'trace/list', domain: 'automation' }),
    trace_contexts: await socket.command({ type: 'trace/contexts' }),
    trace_get: await socket.command({ type: 'trace/get', domain: 'automation', item_id: automation.id, run_id: trace.run_id }),
  });
}

export async function recordAutomations(session: RecordingSession): Promise<void> {
  await record(session, 'automation-left-alone', TRACED_AUTOMATIONS.leftAlone, false);
  await record(session, 'automation-reversed-by-person', TRACED_AUTOMATIONS.reversed, true);
  await record(session, 'automation-error', TRACED_AUTOMATIONS.fails, false);
}

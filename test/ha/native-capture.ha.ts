/**
 * Native capture against a real Home Assistant (`npm run test:ha`, 2024.3.3 or 2025.4.4): a fresh
 * instance, the service with no model configuration (only shorter undo and rephrase windows, so
 * the suite does not wait a minute per step), and commands and automation runs made through Home
 * Assistant's own APIs. The steps run in order on one instance and one service.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { RunningService } from '../support/spawn-service.js';
import { spawnService } from '../support/spawn-service.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';
import { skipRealHub } from './support/global-setup.js';
import { exposeToAssist, processConversation, runAssistText } from './support/ha-assist.js';
import { createLongLivedToken } from './support/ha-auth.js';
import { ASSIST_ENTITIES, TRACED_AUTOMATIONS } from './support/ha-config.js';
import { startHomeAssistantInstance, type HomeAssistantInstance } from './support/ha-instance.js';
import { HaRest, waitUntil } from './support/ha-rest.js';
import { HaTestSocket } from './support/ha-websocket.js';

const UNDO_SECONDS = 6;
const SERVICE_CONFIG = {
  schema_version: 1,
  log_level: 'debug',
  hub: { sensors: { debounce_ms: 50 }, capture: { native: { undo_seconds: UNDO_SECONDS, rephrase_seconds: 3, assist_poll_seconds: 1 } } },
};

interface Stored {
  prediction_id: string;
  model_version: string;
  prediction: Record<string, unknown>;
  input_data: Record<string, unknown>;
  confidence: number | null;
  ground_truth: Record<string, unknown> | null;
  ground_truth_source: string | null;
  correct: boolean | null;
  context: Record<string, unknown>;
}

let instance: HomeAssistantInstance | undefined;
let socket: HaTestSocket | undefined;
let rest: HaRest;
let temp: TempDir | undefined;
let service: RunningService | undefined;

async function predictions(model: string): Promise<Stored[]> {
  const response = await fetch(`${service!.api}/models/${model}/predictions?limit=100`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`predictions of ${model}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { predictions: Stored[] }).predictions;
}

/** The stored prediction of `model` that `find` picks, once it is labeled. */
function labeled(model: string, find: (record: Stored) => boolean, what: string): Promise<Stored> {
  return waitUntil(
    async () => (await predictions(model)).find((record) => find(record) && record.correct !== null),
    UNDO_SECONDS * 1000 + 20_000,
    `${what} to be captured and labeled`,
    async () => JSON.stringify(await predictions(model)),
  );
}

const byText = (text: string) => (record: Stored) => record.input_data['text'] === text;
const byAutomation = (entity: string) => (record: Stored) => record.context['automation'] === entity;

async function sensor(entityId: string, expected: string): Promise<void> {
  await waitUntil(
    async () => ((await rest.state(entityId))?.state === expected ? true : undefined),
    20_000,
    `${entityId} to be ${expected}`,
    async () => `it is ${JSON.stringify((await rest.state(entityId))?.state ?? 'absent')}`,
  );
}

async function turnOff(entityId: string): Promise<void> {
  await socket!.command({ type: 'call_service', domain: 'input_boolean', service: 'turn_off', target: { entity_id: entityId } });
}

describe.skipIf(skipRealHub())(`native capture on a real Home Assistant ${inject('haVersion')}`, () => {
  beforeAll(async () => {
    instance = await startHomeAssistantInstance(inject('haPython'), 'hap-native-');
    const token = await createLongLivedToken(instance.url, instance.accessToken, 'hap-ml-metrics native suite');
    rest = new HaRest(instance.url, token);
    socket = await HaTestSocket.connect(instance.url, token);
    await exposeToAssist(socket, [ASSIST_ENTITIES.kitchenLamp.entityId, ASSIST_ENTITIES.hallLight.entityId]);
    temp = await createTempDir('hap-native-data-');
    service = await spawnService({ dataDir: temp.path, config: SERVICE_CONFIG, env: { HA_URL: instance.url, HA_TOKEN: token, SUPERVISOR_TOKEN: '' } });
    const running = service;
    await waitUntil(async () => (running.logs().includes('connected to Home Assistant') ? true : undefined), 30_000, 'the service to connect', () => running.logs());
  });

  beforeEach((context) => {
    context.onTestFailed(() => {
      process.stderr.write(`\n[native] ${context.task.name} failed. Home Assistant's output:\n${instance?.hass.outputTail(60) ?? ''}\n`);
      process.stderr.write(`[native] the service's output:\n${service?.logs().split('\n').slice(-80).join('\n') ?? ''}\n`);
    });
  });

  afterAll(async () => {
    try {
      await socket?.close();
      const exit = await service?.stop();
      if (exit) expect(exit.code, 'the service stops cleanly').toBe(0);
    } finally {
      try {
        await instance?.stop();
      } finally {
        await temp?.remove();
      }
    }
  });

  it('an understood command becomes a correct assist_intent prediction named by the recogniser', async () => {
    await runAssistText(socket!, 'turn on the kitchen lamp');
    const record = await labeled('assist_intent', byText('turn on the kitchen lamp'), 'the kitchen lamp command');
    expect(record).toMatchObject({ prediction: { intent: 'HassTurnOn' }, confidence: null, correct: true, ground_truth_source: 'native_kept' });
    expect(['homeassistant', 'conversation.home_assistant']).toContain(record.model_version);
    expect(record.input_data).toMatchObject({ label_source: 'recogniser', response_type: 'action_done' });
  });

  it('a sentence Home Assistant cannot act on is wrong at once', async () => {
    await runAssistText(socket!, 'open the pod bay doors');
    const record = await labeled('assist_intent', byText('open the pod bay doors'), 'the pod bay doors');
    expect(record).toMatchObject({ prediction: { intent: 'no_valid_targets' }, correct: false, ground_truth_source: 'native_error' });
  });

  it('a command whose target a person turns back within the window is wrong', async () => {
    await runAssistText(socket!, 'turn on the hall light');
    await waitUntil(async () => ((await rest.state(ASSIST_ENTITIES.hallLight.entityId))?.state === 'on' ? true : undefined), 10_000, 'the hall light to be on');
    await turnOff(ASSIST_ENTITIES.hallLight.entityId);
    const record = await labeled('assist_intent', byText('turn on the hall light'), 'the hall light command');
    expect(record).toMatchObject({ correct: false, ground_truth_source: 'native_undo' });
  });

  it('conversation/process runs no pipeline, so it is not captured (README: limits)', async () => {
    await processConversation(socket!, 'turn off the kitchen lamp');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await predictions('assist_intent')).some(byText('turn off the kitchen lamp'))).toBe(false);
  });

  it('automations: one left alone is kept, one a person reverses is not, one that errors is not', async () => {
    const { leftAlone, reversed, fails } = TRACED_AUTOMATIONS;
    for (const automation of [leftAlone, reversed, fails]) await socket!.command({ type: 'fire_event', event_type: automation.eventType });
    await waitUntil(async () => ((await rest.state(reversed.target))?.state === 'on' ? true : undefined), 10_000, 'the fan to be on');
    await turnOff(reversed.target);
    const [kept, undone, failed] = await Promise.all([
      labeled('automations', byAutomation(leftAlone.entityId), leftAlone.id),
      labeled('automations', byAutomation(reversed.entityId), reversed.id),
      labeled('automations', byAutomation(fails.entityId), fails.id),
    ]);
    expect(kept).toMatchObject({ prediction: { kept: true }, ground_truth: { kept: true }, correct: true, ground_truth_source: 'native_kept' });
    expect(undone).toMatchObject({ ground_truth: { kept: false }, correct: false, ground_truth_source: 'native_undo' });
    expect(failed).toMatchObject({ ground_truth: { kept: false }, correct: false, ground_truth_source: 'native_error' });
  });

  it('publishes the accuracy, command understanding rate and automation success rate with the right values', async () => {
    // assist_intent: 3 commands captured, 2 understood, 1 right; automations: 1 of 3 kept.
    await sensor('sensor.ml_assist_intent_command_understanding_rate', '66.7');
    await sensor('sensor.ml_assist_intent_accuracy', '33.3');
    await sensor('sensor.ml_automations_success_rate', '33.3');
    const breakdown = await fetch(`${service!.api}/models/automations/breakdown?by=automation`);
    expect(breakdown.status).toBe(200);
    const groups = ((await breakdown.json()) as { groups: Array<{ value: string; accuracy: number | null }> }).groups;
    expect(groups.find((group) => group.value === TRACED_AUTOMATIONS.leftAlone.entityId)?.accuracy).toBe(1);
    expect(groups.find((group) => group.value === TRACED_AUTOMATIONS.fails.entityId)?.accuracy).toBe(0);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssistRunCapture, assistIntentId, assistSttId } from '../../../src/integration/capture/assist-runs.js';
import { AutomationRunCapture, automationRunId } from '../../../src/integration/capture/automation-runs.js';
import { DETECT_FACE_EVENT, FaceEventCapture } from '../../../src/integration/capture/face-events.js';
import { NativeCaptureConfigSchema } from '../../../src/integration/capture/native-config.js';
import { StateChangeWatch } from '../../../src/integration/capture/state-change-watch.js';
import { SystemUsers } from '../../../src/integration/capture/system-users.js';
import { HubConnection } from '../../../src/integration/hub-connection.js';
import { resolveHubEndpoint } from '../../../src/integration/hub-endpoint.js';
import type { ModelPerformanceTracker } from '../../../src/tracker/model-performance-tracker.js';
import { FAKE_USER_ID, FakeHub, ulid, waitFor } from '../../fakes/fake-hub.js';
import type { FakePipelineEvent } from '../../fakes/fake-native.js';
import { SUPERVISOR_USER_ID } from '../../fakes/fake-native.js';
import { recordingLogger, type RecordingLogger } from '../../support/recording-logger.js';
import { useTrackerHarness } from '../../support/tracker-harness.js';

const harness = useTrackerHarness('hap-native-');
const LAMP = 'input_boolean.kitchen_lamp';
/** Short windows so a test sees a whole run's life. */
const SETTINGS = { ...NativeCaptureConfigSchema.parse({}), undo_seconds: 1, rephrase_seconds: 1, assist_poll_seconds: 60 };

let hub: FakeHub;
let connection: HubConnection;
let tracker: ModelPerformanceTracker;
let watch: StateChangeWatch;
let systemUsers: SystemUsers;
let logger: RecordingLogger;
const stops: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  hub = await FakeHub.start();
  const endpoint = resolveHubEndpoint({ HA_URL: hub.url, HA_TOKEN: 'test-token' });
  if (!endpoint) throw new Error('no endpoint');
  logger = recordingLogger();
  connection = new HubConnection({ endpoint, logger, heartbeat: false });
  await connection.start();
  tracker = await harness.open({});
  watch = new StateChangeWatch({ hub: connection, keepMs: 120_000, logger });
  systemUsers = new SystemUsers({ hub: connection, logger });
  await watch.start();
  await systemUsers.start();
  hub.setState(LAMP, 'off');
});

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  systemUsers.stop();
  await watch.stop();
  await connection.stop();
  await hub.close();
});

const iso = (ms: number) => new Date(ms).toISOString();

/** A finished text run's events, as Home Assistant 2024.3.3 keeps them, around `at`. */
function textRun(text: string, response: Record<string, unknown>, at = Date.now(), extra: { stt?: string | null; deviceId?: string; error?: string } = {}): FakePipelineEvent[] {
  const events: FakePipelineEvent[] = [{ type: 'run-start', data: { pipeline: hub.native.pipelines[0]!.id, language: 'en' }, timestamp: iso(at - 60) }];
  if (extra.stt !== undefined) {
    events.push({ type: 'stt-start', data: { engine: 'stt.faster_whisper', metadata: {} }, timestamp: iso(at - 55) });
    if (extra.stt === null) {
      events.push({ type: 'error', data: { code: 'stt-no-text-recognized', message: 'No text recognized' }, timestamp: iso(at - 40) });
      return events;
    }
    events.push({ type: 'stt-end', data: { stt_output: { text: extra.stt } }, timestamp: iso(at - 52) });
  }
  events.push(
    { type: 'intent-start', data: { engine: 'homeassistant', language: 'en', intent_input: text, conversation_id: null, device_id: extra.deviceId ?? null }, timestamp: iso(at - 50) },
    { type: 'intent-end', data: { intent_output: { response: { response_type: 'action_done', data: {}, ...response }, conversation_id: null } }, timestamp: iso(at + 50) },
    { type: 'run-end', data: null, timestamp: iso(at + 51) },
  );
  return events;
}

const turnedOn = { response_type: 'action_done', data: { targets: [], success: [{ name: 'Kitchen lamp', type: 'entity', id: LAMP }], failed: [] } };
const refused = { response_type: 'error', data: { code: 'no_valid_targets' } };

async function startAssist(): Promise<AssistRunCapture> {
  const capture = new AssistRunCapture({ hub: connection, tracker, watch, systemUsers, settings: SETTINGS, logger, now: () => new Date() });
  capture.start();
  stops.push(() => capture.stop());
  return capture;
}

/** Runs `text` on the fake hub: the lamp turns on in the person's context (as Assist's own change), then the run is listed. */
async function assistTurnsOnLamp(capture: AssistRunCapture, runId: string): Promise<void> {
  hub.native.recognised.set('turn on the kitchen lamp', 'HassTurnOn');
  await new Promise((resolve) => setTimeout(resolve, 60));
  const at = Date.now();
  hub.setState(LAMP, 'on', {}, { user_id: FAKE_USER_ID });
  hub.native.setRun(hub.native.pipelines[0]!.id, runId, textRun('turn on the kitchen lamp', turnedOn, at));
  await capture.poll();
}

describe('Assist runs', () => {
  it('captures an understood command with its intent, and labels it right once nobody undid it', async () => {
    const capture = await startAssist();
    await assistTurnsOnLamp(capture, 'RUN1');
    const stored = await tracker.getPrediction(assistIntentId('RUN1'));
    expect(stored).toMatchObject({
      model_name: 'assist_intent',
      model_version: 'homeassistant',
      prediction: { intent: 'HassTurnOn' },
      confidence: null,
      input_data: { text: 'turn on the kitchen lamp', label_source: 'recogniser', response_type: 'action_done', pipeline: 'Home Assistant' },
      correct: null,
    });
    await expect.poll(async () => (await tracker.getPrediction(assistIntentId('RUN1')))?.ground_truth_source, { timeout: 5000 }).toBe('native_kept');
    expect(await tracker.getPrediction(assistIntentId('RUN1'))).toMatchObject({ correct: true });
  });

  it('labels a command a person turned back within the window wrong', async () => {
    const capture = await startAssist();
    await assistTurnsOnLamp(capture, 'RUN2');
    hub.setState(LAMP, 'off', {}, { user_id: FAKE_USER_ID });
    await expect.poll(async () => (await tracker.getPrediction(assistIntentId('RUN2')))?.ground_truth_source, { timeout: 5000 }).toBe('native_undo');
    expect(await tracker.getPrediction(assistIntentId('RUN2'))).toMatchObject({ correct: false });
  });

  it('does not count a system user (an add-on) turning it back as an undo', async () => {
    const capture = await startAssist();
    await assistTurnsOnLamp(capture, 'RUN3');
    hub.setState(LAMP, 'off', {}, { user_id: SUPERVISOR_USER_ID });
    await expect.poll(async () => (await tracker.getPrediction(assistIntentId('RUN3')))?.ground_truth_source, { timeout: 5000 }).toBe('native_kept');
  });

  it('labels a sentence it could not act on wrong at once, with the error code as its label', async () => {
    const capture = await startAssist();
    hub.native.setRun(hub.native.pipelines[0]!.id, 'RUN4', textRun('open the pod bay doors', refused));
    await capture.poll();
    expect(await tracker.getPrediction(assistIntentId('RUN4'))).toMatchObject({
      prediction: { intent: 'no_valid_targets' },
      input_data: { label_source: 'error_code' },
      correct: false,
      ground_truth_source: 'native_error',
    });
  });

  it('captures a run once it has ended, and never twice (also after a restart of the capture)', async () => {
    const capture = await startAssist();
    const events = textRun('turn on the kitchen lamp', turnedOn);
    hub.native.setRun(hub.native.pipelines[0]!.id, 'RUN5', events.slice(0, -1));
    await capture.poll();
    expect(await tracker.getPrediction(assistIntentId('RUN5'))).toBeNull();
    hub.native.setRun(hub.native.pipelines[0]!.id, 'RUN5', events);
    await capture.poll();
    await capture.poll();
    await capture.stop();
    const again = await startAssist();
    await again.poll();
    const page = await tracker.getPredictions('assist_intent');
    expect(page.predictions.map((record) => record.prediction_id)).toEqual([assistIntentId('RUN5')]);
  });

  it('captures speech-to-text: no text recognised is wrong; an understood command left alone is right', async () => {
    const capture = await startAssist();
    hub.native.setRun(hub.native.pipelines[0]!.id, 'RUN6', textRun('', {}, Date.now(), { stt: null }));
    hub.setState(LAMP, 'on', {}, { user_id: FAKE_USER_ID });
    hub.native.setRun(hub.native.pipelines[0]!.id, 'RUN7', textRun('turn on the kitchen lamp', turnedOn, Date.now(), { stt: 'turn on the kitchen lamp' }));
    await capture.poll();
    expect(await tracker.getPrediction(assistSttId('RUN6'))).toMatchObject({ model_name: 'assist_stt', model_version: 'stt.faster_whisper', correct: false, ground_truth_source: 'native_error' });
    expect(await tracker.getPrediction(assistIntentId('RUN6'))).toBeNull();
    expect(await tracker.getPrediction(assistSttId('RUN7'))).toMatchObject({ prediction: { text: 'turn on the kitchen lamp' } });
    await expect.poll(async () => (await tracker.getPrediction(assistSttId('RUN7')))?.correct, { timeout: 5000 }).toBe(true);
  });

  it('marks the transcript of a run not understood and asked again from the same device wrong', async () => {
    const capture = await startAssist();
    const first = Date.now();
    hub.native.setRun(hub.native.pipelines[0]!.id, 'RUN8', textRun('turn on the kitchen lump', refused, first, { stt: 'turn on the kitchen lump', deviceId: 'satellite' }));
    hub.native.setRun(hub.native.pipelines[0]!.id, 'RUN9', textRun('turn on the kitchen lamp', turnedOn, first + 700, { stt: 'turn on the kitchen lamp', deviceId: 'satellite' }));
    await capture.poll();
    expect(await tracker.getPrediction(assistSttId('RUN8'))).toMatchObject({ correct: false, ground_truth_source: 'native_rephrase' });
  });

  it('says once that Assist is not set up, and keeps polling without failing', async () => {
    hub.native.assistLoaded = false;
    const capture = await startAssist();
    await capture.poll();
    await capture.poll();
    expect(logger.entries.filter((entry) => entry.message.includes('Assist is not set up'))).toHaveLength(1);
  });
});

describe('automation runs', () => {
  async function startAutomations(): Promise<void> {
    const capture = new AutomationRunCapture({ hub: connection, tracker, watch, systemUsers, settings: SETTINGS, logger, now: () => new Date() });
    await capture.start();
    stops.push(() => capture.stop());
  }

  /** An automation run as Home Assistant does it: automation_triggered in context C, then its action in C. */
  function runAutomation(entity: string, itemId: string, target: string, trace: { script_execution: string; error?: string } = { script_execution: 'finished' }): string {
    const context = hub.fireEvent('automation_triggered', { name: itemId, entity_id: entity, source: 'event' }, { parentId: ulid() });
    hub.native.setTrace(context.id, { run_id: ulid(), item_id: itemId, state: 'stopped', ...trace });
    if (trace.script_execution !== 'error') hub.setState(target, 'on', {}, { id: context.id, parent_id: context.parent_id });
    return context.id;
  }

  it('labels a run whose actions were left alone kept', async () => {
    await startAutomations();
    hub.setState('input_boolean.porch', 'off');
    const id = automationRunId(runAutomation('automation.porch_at_dusk', 'porch_at_dusk', 'input_boolean.porch'));
    await expect.poll(async () => (await tracker.getPrediction(id))?.ground_truth, { timeout: 8000 }).toEqual({ kept: true });
    expect(await tracker.getPrediction(id)).toMatchObject({ model_name: 'automations', prediction: { kept: true }, correct: true, context: { automation: 'automation.porch_at_dusk' } });
  });

  it('labels a run a person reversed within the window not kept', async () => {
    await startAutomations();
    hub.setState('input_boolean.fan', 'off');
    const id = automationRunId(runAutomation('automation.fan_on', 'fan_on', 'input_boolean.fan'));
    await waitFor(() => hub.getState('input_boolean.fan')?.state === 'on');
    hub.setState('input_boolean.fan', 'off', {}, { user_id: FAKE_USER_ID });
    await expect.poll(async () => (await tracker.getPrediction(id))?.ground_truth_source, { timeout: 8000 }).toBe('native_undo');
    expect(await tracker.getPrediction(id)).toMatchObject({ ground_truth: { kept: false }, correct: false });
  });

  it('counts a physical change back (no user, no parent) as an undo, and another automation reacting as none', async () => {
    await startAutomations();
    hub.setState('input_boolean.a', 'off');
    hub.setState('input_boolean.b', 'off');
    const byDevice = automationRunId(runAutomation('automation.a', 'a', 'input_boolean.a'));
    const byAutomation = automationRunId(runAutomation('automation.b', 'b', 'input_boolean.b'));
    hub.setState('input_boolean.a', 'off');
    hub.setState('input_boolean.b', 'off', {}, { parent_id: ulid() });
    await expect.poll(async () => (await tracker.getPrediction(byDevice))?.ground_truth_source, { timeout: 8000 }).toBe('native_undo');
    await expect.poll(async () => (await tracker.getPrediction(byAutomation))?.ground_truth_source, { timeout: 8000 }).toBe('native_kept');
  });

  it('labels a run that ended in an error not kept, from its trace', async () => {
    await startAutomations();
    const id = automationRunId(runAutomation('automation.broken', 'broken', 'input_boolean.none', { script_execution: 'error', error: 'Service input_boolean.no_such_service not found.' }));
    await expect.poll(async () => (await tracker.getPrediction(id))?.ground_truth_source, { timeout: 8000 }).toBe('native_error');
    expect(await tracker.getPrediction(id)).toMatchObject({ ground_truth: { kept: false } });
  });
});

describe('face detection', () => {
  it('captures detect_face as a face_recognition prediction per entity, with its confidence as a rate', async () => {
    const capture = new FaceEventCapture({ hub: connection, tracker, logger });
    await capture.start();
    stops.push(() => capture.stop());
    const context = hub.fireEvent(DETECT_FACE_EVENT, { entity_id: 'image_processing.front_door', name: 'Alice', confidence: 87.5 });
    await expect.poll(() => tracker.getPrediction(`face_recognition:${context.id}`), { timeout: 5000 }).toMatchObject({
      model_name: 'face_recognition',
      model_version: 'image_processing.front_door',
      prediction: { name: 'Alice' },
      confidence: 0.875,
      context: { hub_context_id: context.id },
    });
  });
});

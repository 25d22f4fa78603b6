/**
 * The Home Assistant configuration the real-hub suite runs with: a minimal `configuration.yaml`
 * (no default_config), the automations the suite proves, and the shipped blueprint copied where
 * Home Assistant looks for blueprints.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/spawn-service.js';

/**
 * Domains `configuration.yaml` sets up (bootstrap adds its defaults, e.g. frontend and the
 * input_* helpers). `sensor` carries the recorder platform that makes a posted `sensor.*` state
 * with a `state_class` eligible for statistics; every real installation loads it (default_config
 * pulls it in, and so does any sensor integration), so it is listed here. `assist_pipeline`,
 * `conversation` and `intent` give the instance Assist (text runs; no STT or TTS engine).
 */
export const CONFIG_DOMAINS = [
  'http',
  'api',
  'websocket_api',
  'automation',
  'input_boolean',
  'recorder',
  'sensor',
  'logger',
  'assist_pipeline',
  'conversation',
  'intent',
] as const;

/** The shipped blueprint, and where the suite puts it under the config dir's `blueprints/automation/`. */
export const BLUEPRINT_SOURCE = join(PROJECT_ROOT, 'config', 'blueprints', 'automation', 'ml_metrics_accuracy_drop.yaml');
export const BLUEPRINT_PATH = 'hap-ml-metrics/ml_metrics_accuracy_drop.yaml';

/** input_boolean entities the automations turn on; the suite reads them. */
export const FLAGS = {
  belowTarget: 'input_boolean.ml_accuracy_below_target',
  dropEvent: 'input_boolean.ml_drop_event_seen',
  blueprint: 'input_boolean.ml_blueprint_fired',
  firstBelowTarget: 'input_boolean.ml_first_below_target',
  firstBlueprint: 'input_boolean.ml_first_blueprint_fired',
  newModelBelow: 'input_boolean.ml_new_model_below',
  driftEvent: 'input_boolean.ml_drift_event_seen',
} as const;

/** The model whose accuracy drops inside the sensors' window, for the drift sensor and event. */
export const DRIFT_MODEL = 'speaker_drift';

/**
 * Models whose very first evaluation is already below the target (the numeric_state trap: Home
 * Assistant arms the trigger only after seeing a state that does not match). `configured` is in the
 * service's config with an accuracy target; `unconfigured` is not: its sensors appear with its
 * first prediction.
 */
export const FIRST_BELOW_MODELS = { configured: 'presence_guess', unconfigured: 'doorbell_guess' } as const;

/** Automation entity ids (from their aliases). */
export const AUTOMATIONS = {
  confirmByContext: 'automation.test_confirm_voice_by_context',
  belowTarget: 'automation.test_voice_accuracy_below_target',
  dropEvent: 'automation.test_voice_accuracy_drop_event',
  blueprint: 'automation.test_voice_accuracy_drop_blueprint',
  firstBelowTarget: 'automation.test_first_evaluation_below_target',
  firstBlueprint: 'automation.test_first_evaluation_blueprint',
  newModelBelow: 'automation.test_new_model_below',
  driftEvent: 'automation.test_drift_event',
} as const;

/**
 * input_boolean entities meant for Assist, with the names a sentence uses. input_boolean is not
 * exposed to Assist by default: see exposeToAssist (ha-assist.ts).
 */
export const ASSIST_ENTITIES = {
  kitchenLamp: { entityId: 'input_boolean.kitchen_lamp', name: 'Kitchen lamp' },
  hallLight: { entityId: 'input_boolean.hall_light', name: 'Hall light' },
} as const;

/**
 * Automations with an `id` (so they are traced), each triggered by its own event:
 * - leftAlone: turns porch_light on; nobody touches it afterwards.
 * - reversed: turns fan on; the test then turns it off as a person would.
 * - fails: calls a service that does not exist, so the run ends in an error.
 */
export const TRACED_AUTOMATIONS = {
  leftAlone: { entityId: 'automation.test_automation_left_alone', id: 'test_automation_left_alone', eventType: 'test_automation_left_alone', target: 'input_boolean.porch_light' },
  reversed: { entityId: 'automation.test_automation_reversed', id: 'test_automation_reversed', eventType: 'test_automation_reversed', target: 'input_boolean.fan' },
  fails: { entityId: 'automation.test_automation_fails', id: 'test_automation_fails', eventType: 'test_automation_fails', target: null, service: 'input_boolean.no_such_service' },
} as const;

/** The accuracy target of voice_recognition in the service's config, in percent. */
export const ACCURACY_TARGET_PERCENT = 90;

export interface HomeAssistantConfigOptions {
  configDir: string;
  port: number;
}

function configurationYaml(port: number): string {
  return `# Written by test/ha/support/ha-config.ts for the real-hub suite.
homeassistant:
  name: hap-ml-metrics test
  latitude: 52.52
  longitude: 13.40
  elevation: 34
  unit_system: metric
  time_zone: UTC
  currency: EUR
  country: DE

http:
  server_host: 127.0.0.1
  server_port: ${port}

api:
websocket_api:
sensor: []

logger:
  default: warning
  logs:
    homeassistant.components.automation: info

recorder:
  commit_interval: 1

assist_pipeline:
conversation:
intent:

input_boolean:
  ml_accuracy_below_target:
    name: ml accuracy below target
  ml_drop_event_seen:
    name: ml drop event seen
  ml_blueprint_fired:
    name: ml blueprint fired
  ml_first_below_target:
    name: ml first evaluation below target
  ml_first_blueprint_fired:
    name: ml first evaluation blueprint fired
  ml_new_model_below:
    name: ml new model below
  ml_drift_event_seen:
    name: ml drift event seen
  kitchen_lamp:
    name: ${ASSIST_ENTITIES.kitchenLamp.name}
  hall_light:
    name: ${ASSIST_ENTITIES.hallLight.name}
  porch_light:
    name: Porch light
  fan:
    name: Fan

automation: !include automations.yaml
`;
}

/**
 * - A user confirms by context: on a voice_identified event carrying `confirm_by_context: true`,
 *   fire voice_identification_confirmed with no prediction id. What an automation does carries a
 *   new context whose parent_id is the trigger's context id: the service must match on that.
 * - numeric_state below the target on the accuracy sensor.
 * - the service's ml_metrics_performance_drop event.
 * - the shipped blueprint, with its duration left at the default.
 * - TRACED_AUTOMATIONS: one left alone, one a person reverses, one that fails.
 * - the service's ml_metrics_drift_detected event for DRIFT_MODEL.
 * - FIRST_BELOW_MODELS: numeric_state below the target on each one's accuracy sensor, and the
 *   blueprint on the configured one's confidence sensor with a threshold its confidence never
 *   goes under (so only the blueprint's below-target trigger can fire it).
 */
function automationsYaml(): string {
  return `# Written by test/ha/support/ha-config.ts for the real-hub suite.
- id: test_confirm_voice_by_context
  alias: test confirm voice by context
  mode: queued
  trigger:
    - platform: event
      event_type: voice_identified
      event_data:
        confirm_by_context: true
  action:
    - event: voice_identification_confirmed
      event_data:
        confirmed_by: automation

- id: test_voice_accuracy_below_target
  alias: test voice accuracy below target
  trigger:
    - platform: numeric_state
      entity_id: sensor.ml_voice_recognition_accuracy
      below: ${ACCURACY_TARGET_PERCENT}
  action:
    - service: input_boolean.turn_on
      target:
        entity_id: ${FLAGS.belowTarget}

- id: test_voice_accuracy_drop_event
  alias: test voice accuracy drop event
  trigger:
    - platform: event
      event_type: ml_metrics_performance_drop
      event_data:
        model_name: voice_recognition
        metric: accuracy
  action:
    - service: input_boolean.turn_on
      target:
        entity_id: ${FLAGS.dropEvent}

- id: test_voice_accuracy_drop_blueprint
  alias: test voice accuracy drop blueprint
  use_blueprint:
    path: ${BLUEPRINT_PATH}
    input:
      metric_sensor: sensor.ml_voice_recognition_accuracy
      threshold: ${ACCURACY_TARGET_PERCENT}
      actions:
        - service: input_boolean.turn_on
          target:
            entity_id: ${FLAGS.blueprint}

- id: test_first_evaluation_below_target
  alias: test first evaluation below target
  trigger:
    - platform: numeric_state
      entity_id: sensor.ml_${FIRST_BELOW_MODELS.configured}_accuracy
      below: ${ACCURACY_TARGET_PERCENT}
  action:
    - service: input_boolean.turn_on
      target:
        entity_id: ${FLAGS.firstBelowTarget}

- id: test_first_evaluation_blueprint
  alias: test first evaluation blueprint
  use_blueprint:
    path: ${BLUEPRINT_PATH}
    input:
      metric_sensor: sensor.ml_${FIRST_BELOW_MODELS.configured}_confidence
      threshold: 10
      actions:
        - service: input_boolean.turn_on
          target:
            entity_id: ${FLAGS.firstBlueprint}

- id: test_new_model_below
  alias: test new model below
  trigger:
    - platform: numeric_state
      entity_id: sensor.ml_${FIRST_BELOW_MODELS.unconfigured}_accuracy
      below: ${ACCURACY_TARGET_PERCENT}
  action:
    - service: input_boolean.turn_on
      target:
        entity_id: ${FLAGS.newModelBelow}

- id: test_drift_event
  alias: test drift event
  trigger:
    - platform: event
      event_type: ml_metrics_drift_detected
      event_data:
        model_name: ${DRIFT_MODEL}
        metric: accuracy
  action:
    - service: input_boolean.turn_on
      target:
        entity_id: ${FLAGS.driftEvent}

- id: ${TRACED_AUTOMATIONS.leftAlone.id}
  alias: ${TRACED_AUTOMATIONS.leftAlone.id.replaceAll('_', ' ')}
  trigger:
    - platform: event
      event_type: ${TRACED_AUTOMATIONS.leftAlone.eventType}
  action:
    - service: input_boolean.turn_on
      target:
        entity_id: ${TRACED_AUTOMATIONS.leftAlone.target}

- id: ${TRACED_AUTOMATIONS.reversed.id}
  alias: ${TRACED_AUTOMATIONS.reversed.id.replaceAll('_', ' ')}
  trigger:
    - platform: event
      event_type: ${TRACED_AUTOMATIONS.reversed.eventType}
  action:
    - service: input_boolean.turn_on
      target:
        entity_id: ${TRACED_AUTOMATIONS.reversed.target}

- id: ${TRACED_AUTOMATIONS.fails.id}
  alias: ${TRACED_AUTOMATIONS.fails.id.replaceAll('_', ' ')}
  trigger:
    - platform: event
      event_type: ${TRACED_AUTOMATIONS.fails.eventType}
  action:
    - service: ${TRACED_AUTOMATIONS.fails.service}
`;
}

/** Writes configuration.yaml, automations.yaml and the blueprint into `configDir`. */
export async function writeHomeAssistantConfig(options: HomeAssistantConfigOptions): Promise<void> {
  const { configDir, port } = options;
  await mkdir(join(configDir, 'blueprints', 'automation', 'hap-ml-metrics'), { recursive: true });
  await writeFile(join(configDir, 'configuration.yaml'), configurationYaml(port));
  await writeFile(join(configDir, 'automations.yaml'), automationsYaml());
  await copyFile(BLUEPRINT_SOURCE, join(configDir, 'blueprints', 'automation', BLUEPRINT_PATH));
}

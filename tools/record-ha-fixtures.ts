/**
 * `npm run record:ha-fixtures`: starts a real Home Assistant (the release `ML_METRICS_HA_VERSION`
 * names, built with `ML_METRICS_HA_PYTHON`, exactly as `npm run test:ha` does) and writes what it
 * really sends, one pretty JSON file per scenario, to `test/fixtures/ha-<version>/`. See
 * test/fixtures/README.md for the scenarios and what could not be recorded.
 */
import { join, relative } from 'node:path';
import { exposeToAssist } from '../test/ha/support/ha-assist.js';
import { ASSIST_ENTITIES } from '../test/ha/support/ha-config.js';
import { startHomeAssistantInstance } from '../test/ha/support/ha-instance.js';
import { ensureHomeAssistant } from '../test/ha/support/ha-install.js';
import { HaRest } from '../test/ha/support/ha-rest.js';
import { selectedHaVersion } from '../test/ha/support/ha-versions.js';
import { HaTestSocket } from '../test/ha/support/ha-websocket.js';
import { PROJECT_ROOT } from '../test/support/spawn-service.js';
import { describeError } from '../src/logging/to-error.js';
import { FixtureWriter } from './ha-fixtures/fixture-writer.js';
import { recordAssist } from './ha-fixtures/record-assist.js';
import { recordAutomations } from './ha-fixtures/record-automations.js';
import { BUS_EVENT_TYPES, recordBusEvents } from './ha-fixtures/record-bus-events.js';
import { recordContexts } from './ha-fixtures/record-contexts.js';
import { RECORDED_EVENT_TYPES } from './ha-fixtures/recording-session.js';

const log = (line: string) => process.stderr.write(`[record-ha-fixtures] ${line}\n`);

async function main(): Promise<void> {
  const version = selectedHaVersion();
  const install = await ensureHomeAssistant({ version, log });
  log(`Home Assistant ${install.version} in ${install.venv} (${install.installedNow ? 'installed' : 'reused'}, ${install.seconds} s)`);

  const instance = await startHomeAssistantInstance(install.python, 'hap-record-ha-');
  log(`Home Assistant answers at ${instance.url}`);
  let socket: HaTestSocket | undefined;
  try {
    socket = await HaTestSocket.connect(instance.url, instance.accessToken);
    await exposeToAssist(socket, Object.values(ASSIST_ENTITIES).map((entity) => entity.entityId));
    for (const eventType of [...RECORDED_EVENT_TYPES, ...BUS_EVENT_TYPES]) await socket.subscribe(eventType);

    const writer = new FixtureWriter(join(PROJECT_ROOT, 'test', 'fixtures', `ha-${version}`), [instance.accessToken, instance.refreshToken]);
    const session = { socket, rest: new HaRest(instance.url, instance.accessToken), writer, haVersion: version, token: instance.accessToken };
    await recordAssist(session);
    await recordAutomations(session);
    await recordContexts(session);
    await recordBusEvents(session);
    for (const path of writer.written) log(`wrote ${relative(PROJECT_ROOT, path)}`);
  } catch (error) {
    process.stderr.write(`${instance.hass.outputTail(80)}\n`);
    throw error;
  } finally {
    await socket?.close();
    await instance.stop();
  }
}

main().catch((error: unknown) => {
  log(`failed: ${describeError(error)}`);
  process.exitCode = 1;
});

/**
 * `npm run record:ha-fixtures`: starts a real Home Assistant (the release `ML_METRICS_HA_VERSION`
 * names, built with `ML_METRICS_HA_PYTHON`, exactly as `npm run test:ha` does) and writes what it
 * really sends, one pretty JSON file per scenario, to `test/fixtures/ha-<version>/`. See
 * test/fixtures/README.md for the scenarios and what could not be recorded.
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { exposeToAssist } from '../test/ha/support/ha-assist.js';
import { onboardOwner } from '../test/ha/support/ha-auth.js';
import { ASSIST_ENTITIES, writeHomeAssistantConfig } from '../test/ha/support/ha-config.js';
import { ensureHomeAssistant } from '../test/ha/support/ha-install.js';
import { spawnHomeAssistant, waitForHomeAssistant, type HomeAssistantProcess } from '../test/ha/support/ha-process.js';
import { HaRest } from '../test/ha/support/ha-rest.js';
import { selectedHaVersion } from '../test/ha/support/ha-versions.js';
import { HaTestSocket } from '../test/ha/support/ha-websocket.js';
import { freePort, PROJECT_ROOT } from '../test/support/spawn-service.js';
import { describeError } from '../src/logging/to-error.js';
import { FixtureWriter } from './ha-fixtures/fixture-writer.js';
import { recordAssist } from './ha-fixtures/record-assist.js';
import { recordAutomations } from './ha-fixtures/record-automations.js';
import { recordContexts } from './ha-fixtures/record-contexts.js';
import { RECORDED_EVENT_TYPES } from './ha-fixtures/recording-session.js';

const log = (line: string) => process.stderr.write(`[record-ha-fixtures] ${line}\n`);

async function main(): Promise<void> {
  const version = selectedHaVersion();
  const install = await ensureHomeAssistant({ version, log });
  log(`Home Assistant ${install.version} in ${install.venv} (${install.installedNow ? 'installed' : 'reused'}, ${install.seconds} s)`);

  const temp = await mkdtemp(join(tmpdir(), 'hap-record-ha-'));
  const configDir = join(temp, 'config');
  await mkdir(configDir);
  let hass: HomeAssistantProcess | undefined;
  let socket: HaTestSocket | undefined;
  try {
    const port = await freePort();
    await writeHomeAssistantConfig({ configDir, port });
    hass = spawnHomeAssistant({ python: install.python, configDir, port, outputPath: join(temp, 'hass-output.log') });
    await waitForHomeAssistant(hass);
    const owner = await onboardOwner(hass.url);
    await waitForHomeAssistant(hass, { token: owner.accessToken });
    log(`Home Assistant answers at ${hass.url}`);

    socket = await HaTestSocket.connect(hass.url, owner.accessToken);
    await exposeToAssist(socket, Object.values(ASSIST_ENTITIES).map((entity) => entity.entityId));
    for (const eventType of RECORDED_EVENT_TYPES) await socket.subscribe(eventType);

    const writer = new FixtureWriter(join(PROJECT_ROOT, 'test', 'fixtures', `ha-${version}`), [owner.accessToken, owner.refreshToken]);
    const session = { socket, rest: new HaRest(hass.url, owner.accessToken), writer, haVersion: version, token: owner.accessToken };
    await recordAssist(session);
    await recordAutomations(session);
    await recordContexts(session);
    for (const path of writer.written) log(`wrote ${relative(PROJECT_ROOT, path)}`);
  } catch (error) {
    if (hass) process.stderr.write(`${hass.outputTail(80)}\n`);
    throw error;
  } finally {
    await socket?.close();
    await hass?.stop();
    await rm(temp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(`failed: ${describeError(error)}`);
  process.exitCode = 1;
});

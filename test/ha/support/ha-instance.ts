/**
 * A fresh Home Assistant with the test configuration, started and onboarded in one call: a temp
 * config directory, a free loopback port, the owner created through onboarding, running. `stop()`
 * stops it and removes the directory (unless `ML_METRICS_HA_KEEP_DIR=1`).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../support/spawn-service.js';
import { createTempDir } from '../../support/temp-dir.js';
import { onboardOwner } from './ha-auth.js';
import { writeHomeAssistantConfig } from './ha-config.js';
import { spawnHomeAssistant, waitForHomeAssistant, type HomeAssistantProcess } from './ha-process.js';

export interface HomeAssistantInstance {
  hass: HomeAssistantProcess;
  url: string;
  /** The owner's access token (30 minutes). */
  accessToken: string;
  refreshToken: string;
  configDir: string;
  stop(): Promise<void>;
}

/** Starts Home Assistant from the venv interpreter `python` (ensureHomeAssistant's) and onboards the owner. */
export async function startHomeAssistantInstance(python: string, tempPrefix = 'hap-ha-'): Promise<HomeAssistantInstance> {
  const temp = await createTempDir(tempPrefix);
  const configDir = join(temp.path, 'config');
  let hass: HomeAssistantProcess | undefined;
  const stop = async () => {
    try {
      await hass?.stop();
    } finally {
      if (process.env['ML_METRICS_HA_KEEP_DIR'] === '1') process.stderr.write(`[ha-instance] kept ${temp.path} (ML_METRICS_HA_KEEP_DIR=1)\n`);
      else await temp.remove();
    }
  };
  try {
    await mkdir(configDir);
    const port = await freePort();
    await writeHomeAssistantConfig({ configDir, port });
    hass = spawnHomeAssistant({ python, configDir, port, outputPath: join(temp.path, 'hass-output.log') });
    await waitForHomeAssistant(hass);
    const owner = await onboardOwner(hass.url);
    await waitForHomeAssistant(hass, { token: owner.accessToken });
    return { hass, url: hass.url, accessToken: owner.accessToken, refreshToken: owner.refreshToken, configDir, stop };
  } catch (error) {
    const tail = hass?.outputTail(80);
    await stop();
    if (tail) process.stderr.write(`${tail}\n`);
    throw error;
  }
}

/**
 * Global setup of `npm run test:ha` (vitest.ha.config.ts): installs (or reuses) Home Assistant
 * once for the run and hands its interpreter to the suite. A failure to install fails the run.
 * `ML_METRICS_SKIP_REAL_HUB=1`, and only that, skips the suite, loudly, at the start and the end.
 */
import type { TestProject } from 'vitest/node';
import { ensureHomeAssistant } from './ha-install.js';
import { selectedHaVersion } from './ha-versions.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cached venv's interpreter; '' when the suite is skipped. */
    haPython: string;
    /** The Home Assistant release installed there (`ML_METRICS_HA_VERSION`). */
    haVersion: string;
  }
}

/** True when `ML_METRICS_SKIP_REAL_HUB=1`; throws on any other non-empty value (a typo must not skip silently). */
export function skipRealHub(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['ML_METRICS_SKIP_REAL_HUB'];
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`ML_METRICS_SKIP_REAL_HUB must be 1 (skip the real Home Assistant suite) or unset, not "${value}"`);
}

function banner(lines: string[]): string {
  const width = Math.max(...lines.map((line) => line.length)) + 4;
  const rule = '#'.repeat(width + 2);
  return ['', rule, ...lines.map((line) => `#  ${line.padEnd(width - 2)}#`), rule, ''].join('\n');
}

const skippedBanner = (version: string) =>
  banner([
    'ML_METRICS_SKIP_REAL_HUB=1: THE REAL HOME ASSISTANT SUITE WAS SKIPPED.',
    `Nothing was proven against Home Assistant ${version}: capture, sensors,`,
    'automations, the blueprint, reconnection and statistics are untested here.',
    'Unset ML_METRICS_SKIP_REAL_HUB to run it (see README, "Testing against a real Home Assistant").',
  ]);

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const version = selectedHaVersion();
  if (skipRealHub()) {
    const skipped = skippedBanner(version);
    process.stderr.write(skipped);
    project.provide('haPython', '');
    project.provide('haVersion', version);
    return () => {
      process.stderr.write(skipped);
    };
  }
  const log = (line: string) => process.stderr.write(`[ha-install] ${line}\n`);
  const install = await ensureHomeAssistant({ version, log });
  log(
    install.installedNow
      ? `installed Home Assistant ${install.version} into ${install.venv} in ${install.seconds} s`
      : `reusing Home Assistant ${install.version} from ${install.venv} (checked in ${install.seconds} s)`,
  );
  project.provide('haPython', install.python);
  project.provide('haVersion', install.version);
  return undefined;
}

/**
 * The Home Assistant releases the real-hub suite runs against, and what installing each one needs
 * beyond its own `package_constraints.txt`. One row per release; `ML_METRICS_HA_VERSION` picks
 * the row (default `DEFAULT_HA_VERSION`), `ML_METRICS_HA_PYTHON` the interpreter that builds its
 * venv (default `python3`).
 */

export interface HaRelease {
  /** Oldest and newest Python minor (3.x) the release runs on. */
  python: { min: number; max: number };
  /** Where that interpreter usually is on the project's machines (pyenv); only for messages. */
  pythonHint: string;
  /** Pins added to the release's own constraints, each with why. */
  extraConstraints: readonly string[];
}

export const HA_RELEASES = {
  /**
   * The newest release that runs on Python 3.11. `acme==2.8.0` (through hass-nabucasa 0.78)
   * accepts josepy 2, which removed `ComparableX509`: every HTTP request then fails with 500
   * (http's forwarded middleware imports hass_nabucasa), so josepy stays on 1.x.
   */
  '2024.3.3': { python: { min: 11, max: 11 }, pythonHint: 'python3 (3.11)', extraConstraints: ['josepy==1.14.0'] },
  /**
   * Needs Python 3.13. hass-nabucasa 0.94 pins `acme==3.2.0`, which itself requires
   * `josepy<2,>=1.13.0` (pip picks 1.15.0): the release's own constraints are enough.
   */
  '2025.4.4': { python: { min: 13, max: 13 }, pythonHint: '/root/.pyenv/versions/3.13.0/bin/python3.13', extraConstraints: [] },
} as const satisfies Record<string, HaRelease>;

export type HaVersion = keyof typeof HA_RELEASES;

export const DEFAULT_HA_VERSION: HaVersion = '2024.3.3';

function isHaVersion(value: string): value is HaVersion {
  return Object.hasOwn(HA_RELEASES, value);
}

/** The release `ML_METRICS_HA_VERSION` names (default 2024.3.3); throws on one the table lacks. */
export function selectedHaVersion(env: NodeJS.ProcessEnv = process.env): HaVersion {
  const value = env['ML_METRICS_HA_VERSION'] || DEFAULT_HA_VERSION;
  if (!isHaVersion(value)) {
    throw new Error(`ML_METRICS_HA_VERSION=${value} is not one of ${Object.keys(HA_RELEASES).join(', ')} (test/ha/support/ha-versions.ts)`);
  }
  return value;
}

/** The interpreter `ML_METRICS_HA_PYTHON` names, else `python3`. */
export function selectedBasePython(env: NodeJS.ProcessEnv = process.env): string {
  return env['ML_METRICS_HA_PYTHON'] || 'python3';
}

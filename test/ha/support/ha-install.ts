/**
 * Installs Home Assistant core into a virtual environment cached outside the repository, keyed by
 * version, and reuses it on later runs.
 *
 * Layout: `<cache>/ha-<version>/` is a venv holding Home Assistant and the requirements of every
 * integration the test configuration loads, and `.hap-ml-metrics-install.json` (the marker). It is
 * built in `<cache>/ha-<version>.partial-<pid>` and renamed into place only when complete, and the
 * marker must match what this file would install: a half install, or one made by an older recipe,
 * is built again. `<cache>` is `$ML_METRICS_HA_CACHE_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/hap-ml-metrics`.
 *
 * The recipe (what a plain `pip install homeassistant==2024.3.3` gets wrong, and why):
 * 1. Home Assistant pins its direct requirements but not theirs; unconstrained, pip picks today's
 *    releases (habluetooth 7, bluetooth-data-tools 1.29, ...) and backtracks for many minutes.
 *    Home Assistant ships the pins it is tested with in `homeassistant/package_constraints.txt`:
 *    the wheel is downloaded first, that file is read out of it, and every install uses it as
 *    `pip -c`.
 * 2. Even so, `acme==2.8.0` (through hass-nabucasa) accepts josepy 2, which removed
 *    `ComparableX509`: every HTTP request then fails with 500 (http's forwarded middleware imports
 *    hass_nabucasa). `josepy==1.14.0` is added to the constraints.
 * 3. Home Assistant pip-installs integration requirements at first start unless `--skip-pip`.
 *    The suite starts it with `--skip-pip`, so the requirements (exact pins from each manifest)
 *    of every integration it loads are installed here: bootstrap's core and default integrations,
 *    the domains of the test configuration, and their manifest dependencies.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_DOMAINS } from './ha-config.js';
import { runCommand } from './run-command.js';

export const HA_VERSION = '2024.3.3';

/** Pins added to Home Assistant's own constraints (see point 2 above). */
export const EXTRA_CONSTRAINTS = ['josepy==1.14.0'] as const;

/** Bumped when the recipe changes, so existing caches are rebuilt. */
const RECIPE = 1;

const MARKER = '.hap-ml-metrics-install.json';

export interface HomeAssistantInstall {
  /** The venv's interpreter: run Home Assistant with it. */
  python: string;
  venv: string;
  version: string;
  /** True when this call built the venv; false when it reused the cache. */
  installedNow: boolean;
  /** How long this call took. */
  seconds: number;
}

export interface EnsureOptions {
  /** Interpreter to build the venv with (default `$ML_METRICS_HA_PYTHON` or `python3`); needs 3.11 (2024.3 does not run on 3.10; 2024.4 needs 3.12). */
  basePython?: string;
  cacheDir?: string;
  log?: (line: string) => void;
}

interface Marker {
  recipe: number;
  version: string;
  python: string;
  extra_constraints: string[];
  config_domains: string[];
  requirements: string[];
  installed_at: string;
  install_seconds: number;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['ML_METRICS_HA_CACHE_DIR']) return env['ML_METRICS_HA_CACHE_DIR'];
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'hap-ml-metrics');
}

const PIP_FLAGS = ['--disable-pip-version-check', '--no-input'];
const PIP_QUIET = ['--progress-bar', 'off'];
const STEP_TIMEOUT_MS = 15 * 60_000;

async function readMarker(venv: string): Promise<Marker | null> {
  try {
    return JSON.parse(await readFile(join(venv, MARKER), 'utf8')) as Marker;
  } catch {
    // No marker (or a torn one): not a finished install.
    return null;
  }
}

function markerMatches(marker: Marker | null, python: string): boolean {
  return (
    marker !== null &&
    marker.recipe === RECIPE &&
    marker.version === HA_VERSION &&
    marker.python === python &&
    JSON.stringify(marker.extra_constraints) === JSON.stringify(EXTRA_CONSTRAINTS) &&
    JSON.stringify(marker.config_domains) === JSON.stringify([...CONFIG_DOMAINS].sort())
  );
}

/** `3.11` of the interpreter; throws when it cannot run Home Assistant 2024.3. */
async function pythonVersion(basePython: string): Promise<string> {
  const version = (await runCommand(basePython, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'])).trim();
  const [major, minor] = version.split('.').map(Number);
  if (major !== 3 || minor === undefined || minor < 11) {
    throw new Error(
      `Home Assistant ${HA_VERSION} needs Python 3.11 or newer, but ${basePython} is Python ${version}: ` +
        'set ML_METRICS_HA_PYTHON to a python3.11 interpreter',
    );
  }
  return version;
}

/** Removes scratch directories left by installs whose process is gone. */
async function removeStalePartials(cacheDir: string): Promise<void> {
  const prefix = `ha-${HA_VERSION}.partial-`;
  for (const name of await readdir(cacheDir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      // ESRCH: that install's process is gone, its directory is garbage.
    }
    if (!alive) await rm(join(cacheDir, name), { recursive: true, force: true });
  }
}

interface Manifest {
  requirements?: string[];
  dependencies?: string[];
}

/** Requirements of `domains` and their manifest dependencies, with the domains reached. */
async function integrationRequirements(componentsDir: string, domains: Iterable<string>): Promise<{ domains: string[]; requirements: string[] }> {
  const seen = new Set<string>();
  const requirements = new Set<string>();
  const todo = [...domains];
  while (todo.length > 0) {
    const domain = todo.pop()!;
    if (seen.has(domain)) continue;
    seen.add(domain);
    const manifest = JSON.parse(await readFile(join(componentsDir, domain, 'manifest.json'), 'utf8')) as Manifest;
    for (const requirement of manifest.requirements ?? []) requirements.add(requirement);
    todo.push(...(manifest.dependencies ?? []));
  }
  return { domains: [...seen].sort(), requirements: [...requirements].sort() };
}

/** Builds the venv in `dir` (which must not exist). */
async function build(dir: string, basePython: string, log: (line: string) => void): Promise<Omit<Marker, 'installed_at' | 'install_seconds' | 'python'>> {
  const python = join(dir, 'bin', 'python');
  const download = join(dir, '.download');
  const pip = (...args: string[]) =>
    runCommand(python, ['-m', 'pip', ...args, ...PIP_FLAGS, ...(args[0] === 'check' ? [] : PIP_QUIET)], { timeoutMs: STEP_TIMEOUT_MS });

  log(`creating a venv with ${basePython}`);
  await runCommand(basePython, ['-m', 'venv', dir], { timeoutMs: STEP_TIMEOUT_MS });

  log(`downloading the homeassistant ${HA_VERSION} wheel to read its package constraints`);
  await pip('download', '--no-deps', '--only-binary', ':all:', '--dest', download, `homeassistant==${HA_VERSION}`);
  const wheel = (await readdir(download)).find((name) => name.startsWith(`homeassistant-${HA_VERSION}-`) && name.endsWith('.whl'));
  if (!wheel) throw new Error(`pip download left no homeassistant ${HA_VERSION} wheel in ${download}`);
  const constraintsPath = join(download, 'constraints.txt');
  const shipped = await runCommand(python, [
    '-c',
    'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("homeassistant/package_constraints.txt").decode())',
    join(download, wheel),
  ]);
  await writeFile(constraintsPath, `${shipped}\n# Added by hap-ml-metrics (test/ha/support/ha-install.ts)\n${EXTRA_CONSTRAINTS.join('\n')}\n`);

  log(`installing homeassistant ${HA_VERSION} with its package constraints`);
  await pip('install', '--constraint', constraintsPath, join(download, wheel), ...EXTRA_CONSTRAINTS);

  const bootstrapDomains = JSON.parse(
    await runCommand(python, [
      '-c',
      'import json; from homeassistant import bootstrap as b; print(json.dumps(sorted(b.CORE_INTEGRATIONS | b.DEFAULT_INTEGRATIONS)))',
    ]),
  ) as string[];
  const componentsDir = (
    await runCommand(python, ['-c', 'import os, homeassistant.components as c; print(os.path.dirname(c.__file__))'])
  ).trim();
  const { domains, requirements } = await integrationRequirements(componentsDir, [...bootstrapDomains, ...CONFIG_DOMAINS]);
  log(`installing the requirements of ${domains.length} integrations: ${requirements.join(' ')}`);
  if (requirements.length > 0) await pip('install', '--constraint', constraintsPath, ...requirements);

  // A conflict here is a broken venv: fail now, with pip's words, rather than at Home Assistant's start.
  await pip('check');
  await rm(download, { recursive: true, force: true });
  return {
    recipe: RECIPE,
    version: HA_VERSION,
    extra_constraints: [...EXTRA_CONSTRAINTS],
    config_domains: [...CONFIG_DOMAINS].sort(),
    requirements,
  };
}

/**
 * Returns a venv with Home Assistant `HA_VERSION`, installing it first when the cache has no
 * finished install. Throws (with pip's output) when it cannot be installed.
 */
export async function ensureHomeAssistant(options: EnsureOptions = {}): Promise<HomeAssistantInstall> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const basePython = options.basePython ?? (process.env['ML_METRICS_HA_PYTHON'] || 'python3');
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const venv = join(cacheDir, `ha-${HA_VERSION}`);
  const python = join(venv, 'bin', 'python');
  const pyVersion = await pythonVersion(basePython);
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;

  if (markerMatches(await readMarker(venv), pyVersion) && existsSync(python)) {
    return { python, venv, version: HA_VERSION, installedNow: false, seconds: seconds() };
  }

  await mkdir(cacheDir, { recursive: true });
  await removeStalePartials(cacheDir);
  const partial = join(cacheDir, `ha-${HA_VERSION}.partial-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    const recipe = await build(partial, basePython, log);
    const marker: Marker = { ...recipe, python: pyVersion, installed_at: new Date().toISOString(), install_seconds: seconds() };
    await writeFile(join(partial, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    if (existsSync(venv)) {
      if (markerMatches(await readMarker(venv), pyVersion)) {
        // Another run finished first: keep its venv.
        await rm(partial, { recursive: true, force: true });
        return { python, venv, version: HA_VERSION, installedNow: false, seconds: seconds() };
      }
      log(`removing the unfinished or outdated install in ${venv}`);
      await rm(venv, { recursive: true, force: true });
    }
    await rename(partial, venv);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return { python, venv, version: HA_VERSION, installedNow: true, seconds: seconds() };
}

/**
 * Installs Home Assistant core into a virtual environment cached outside the repository, keyed by
 * version, and reuses it on later runs. Which release: `ML_METRICS_HA_VERSION` (see ha-versions.ts).
 *
 * Layout: `<cache>/ha-<version>/` is a venv holding Home Assistant and the requirements of every
 * integration the test configuration loads, and `.hap-ml-metrics-install.json` (the marker). It is
 * built in `<cache>/ha-<version>.partial-<pid>` and renamed into place only when complete, and the
 * marker must match what this file would install: a half install, or one made by an older recipe,
 * is built again. `<cache>` is `$ML_METRICS_HA_CACHE_DIR`, else `${XDG_CACHE_HOME:-~/.cache}/hap-ml-metrics`.
 *
 * The recipe (what a plain `pip install homeassistant==<version>` gets wrong, and why):
 * 1. Home Assistant pins its direct requirements but not theirs; unconstrained, pip picks today's
 *    releases (habluetooth 7, bluetooth-data-tools 1.29, ...) and backtracks for many minutes.
 *    Home Assistant ships the pins it is tested with in `homeassistant/package_constraints.txt`:
 *    the wheel is downloaded first, that file is read out of it, and every install uses it as
 *    `pip -c`.
 * 2. Even so, a release may need a pin of its own (2024.3.3: `josepy==1.14.0`): each release's
 *    extra constraints are in HA_RELEASES (ha-versions.ts), with why.
 * 3. Home Assistant pip-installs integration requirements at first start unless `--skip-pip`.
 *    The suite starts it with `--skip-pip`, so the requirements (exact pins from each manifest)
 *    of every integration it loads are installed here: bootstrap's core and default integrations,
 *    the domains of the test configuration, and their manifests' `dependencies` and
 *    `after_dependencies`, transitively.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describeError } from '../../../src/logging/to-error.js';
import { CONFIG_DOMAINS } from './ha-config.js';
import { HA_RELEASES, selectedBasePython, selectedHaVersion, type HaVersion } from './ha-versions.js';
import { runCommand } from './run-command.js';

/** Bumped when the recipe changes, so existing caches are rebuilt. */
const RECIPE = 2;

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
  /** Release to install (default `$ML_METRICS_HA_VERSION`, else 2024.3.3). */
  version?: HaVersion;
  /** Interpreter to build the venv with (default `$ML_METRICS_HA_PYTHON` or `python3`); its Python must suit the release (HA_RELEASES). */
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

function markerMatches(marker: Marker | null, version: HaVersion, python: string): boolean {
  return (
    marker !== null &&
    marker.recipe === RECIPE &&
    marker.version === version &&
    marker.python === python &&
    JSON.stringify(marker.extra_constraints) === JSON.stringify(HA_RELEASES[version].extraConstraints) &&
    JSON.stringify(marker.config_domains) === JSON.stringify([...CONFIG_DOMAINS].sort())
  );
}

/** `3.11` of the interpreter; throws when it is missing or cannot run Home Assistant `haVersion`. */
async function pythonVersion(basePython: string, haVersion: HaVersion): Promise<string> {
  const release = HA_RELEASES[haVersion];
  const wanted = release.python.min === release.python.max ? `3.${release.python.min}` : `3.${release.python.min} to 3.${release.python.max}`;
  const advice = `set ML_METRICS_HA_PYTHON to a Python ${wanted} interpreter (e.g. ${release.pythonHint})`;
  let version: string;
  try {
    version = (await runCommand(basePython, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'])).trim();
  } catch (error) {
    throw new Error(`Home Assistant ${haVersion} needs Python ${wanted}, and ${basePython} cannot be run (${describeError(error)}): ${advice}`);
  }
  const [major, minor] = version.split('.').map(Number);
  if (major !== 3 || minor === undefined || minor < release.python.min || minor > release.python.max) {
    throw new Error(`Home Assistant ${haVersion} needs Python ${wanted}, but ${basePython} is Python ${version}: ${advice}`);
  }
  return version;
}

/** Removes scratch directories left by installs whose process is gone. */
async function removeStalePartials(cacheDir: string, version: HaVersion): Promise<void> {
  const prefix = `ha-${version}.partial-`;
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
  after_dependencies?: string[];
}

/** Requirements of `domains` and their manifests' dependencies and after_dependencies, with the domains reached. */
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
    todo.push(...(manifest.dependencies ?? []), ...(manifest.after_dependencies ?? []));
  }
  return { domains: [...seen].sort(), requirements: [...requirements].sort() };
}

/** Builds the venv in `dir` (which must not exist). */
async function build(
  dir: string,
  version: HaVersion,
  basePython: string,
  log: (line: string) => void,
): Promise<Omit<Marker, 'installed_at' | 'install_seconds' | 'python'>> {
  const extraConstraints: readonly string[] = HA_RELEASES[version].extraConstraints;
  const python = join(dir, 'bin', 'python');
  const download = join(dir, '.download');
  const pip = (...args: string[]) =>
    runCommand(python, ['-m', 'pip', ...args, ...PIP_FLAGS, ...(args[0] === 'check' ? [] : PIP_QUIET)], { timeoutMs: STEP_TIMEOUT_MS });

  log(`creating a venv with ${basePython}`);
  await runCommand(basePython, ['-m', 'venv', dir], { timeoutMs: STEP_TIMEOUT_MS });

  log(`downloading the homeassistant ${version} wheel to read its package constraints`);
  await pip('download', '--no-deps', '--only-binary', ':all:', '--dest', download, `homeassistant==${version}`);
  const wheel = (await readdir(download)).find((name) => name.startsWith(`homeassistant-${version}-`) && name.endsWith('.whl'));
  if (!wheel) throw new Error(`pip download left no homeassistant ${version} wheel in ${download}`);
  const constraintsPath = join(download, 'constraints.txt');
  const shipped = await runCommand(python, [
    '-c',
    'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("homeassistant/package_constraints.txt").decode())',
    join(download, wheel),
  ]);
  await writeFile(constraintsPath, `${shipped}\n# Added by hap-ml-metrics (test/ha/support/ha-install.ts)\n${extraConstraints.join('\n')}\n`);

  log(`installing homeassistant ${version} with its package constraints`);
  await pip('install', '--constraint', constraintsPath, join(download, wheel), ...extraConstraints);

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
    version,
    extra_constraints: [...extraConstraints],
    config_domains: [...CONFIG_DOMAINS].sort(),
    requirements,
  };
}

/**
 * Returns a venv with Home Assistant `version`, installing it first when the cache has no
 * finished install. Throws (with pip's output) when it cannot be installed.
 */
export async function ensureHomeAssistant(options: EnsureOptions = {}): Promise<HomeAssistantInstall> {
  const started = Date.now();
  const log = options.log ?? (() => {});
  const version = options.version ?? selectedHaVersion();
  const basePython = options.basePython ?? selectedBasePython();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const venv = join(cacheDir, `ha-${version}`);
  const python = join(venv, 'bin', 'python');
  const pyVersion = await pythonVersion(basePython, version);
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;

  if (markerMatches(await readMarker(venv), version, pyVersion) && existsSync(python)) {
    return { python, venv, version, installedNow: false, seconds: seconds() };
  }

  await mkdir(cacheDir, { recursive: true });
  await removeStalePartials(cacheDir, version);
  const partial = join(cacheDir, `ha-${version}.partial-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    const recipe = await build(partial, version, basePython, log);
    const marker: Marker = { ...recipe, python: pyVersion, installed_at: new Date().toISOString(), install_seconds: seconds() };
    await writeFile(join(partial, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
    if (existsSync(venv)) {
      if (markerMatches(await readMarker(venv), version, pyVersion)) {
        // Another run finished first: keep its venv.
        await rm(partial, { recursive: true, force: true });
        return { python, venv, version, installedNow: false, seconds: seconds() };
      }
      log(`removing the unfinished or outdated install in ${venv}`);
      await rm(venv, { recursive: true, force: true });
    }
    await rename(partial, venv);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  return { python, venv, version, installedNow: true, seconds: seconds() };
}

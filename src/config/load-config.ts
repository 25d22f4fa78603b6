import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AddonOptionsSchema, addonOptionsToConfig } from './addon-options.js';
import type { Config } from './config-schema.js';
import { ConfigSchema } from './config-schema.js';
import { READABLE_ERRORS } from '../domain/readable-errors.js';
import { describeError } from '../logging/to-error.js';

/** The defaults shipped in the package's top-level config/ folder. */
export const DEFAULT_CONFIG_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'ml-metrics.json');

/** A configuration that cannot be used; the message names the file and the field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Overrides from the command line (`--port`...) and the environment (`ML_METRICS_PORT`...). */
export interface ConfigOverrides {
  port?: number | undefined;
  host?: string | undefined;
  dataDir?: string | undefined;
  configPath?: string | undefined;
  /** Allow a non-loopback address without an API token. */
  insecure?: boolean | undefined;
}

const PortSchema = z.coerce.number().int().min(0).max(65_535);

/** The JSON of one config file; problems name the file. */
function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${path}: ${describeError(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the config file ${path} is not valid JSON: ${describeError(error)}`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A user's config over the shipped models: a model the file names gets the file's fields over
 * the shipped ones (`targets` as a whole), a shipped model the file does not name stays as
 * shipped, and `null` drops a shipped model. Anything not an object is left to validation.
 */
export function overShippedModels(raw: unknown, shipped: unknown): unknown {
  if (!isObject(raw) || !isObject(shipped) || !isObject(shipped['models'])) return raw;
  if (raw['models'] !== undefined && !isObject(raw['models'])) return raw;
  const own = (raw['models'] ?? {}) as Record<string, unknown>;
  const models: Record<string, unknown> = {};
  for (const [name, model] of Object.entries(shipped['models'])) {
    if (Object.hasOwn(own, name)) continue;
    models[name] = model;
  }
  for (const [name, model] of Object.entries(own)) {
    if (model === null) continue;
    const base = shipped['models'][name];
    models[name] = isObject(base) && isObject(model) ? { ...base, ...model } : model;
  }
  return { ...raw, models };
}

/**
 * Reads one config file and validates it; every problem names the file and the field. A file
 * other than the shipped one is read over the shipped model settings (`overShippedModels`).
 */
export function readConfigFile(path: string): Config {
  const raw = readJsonFile(path);
  if (resolve(path) === resolve(DEFAULT_CONFIG_PATH)) return validateConfig(raw, path);
  return configOverShipped(raw, path);
}

/** A configuration (as a file would hold it) over the shipped model settings, validated: what `--config` with it gives. */
export function configOverShipped(raw: unknown, source: string): Config {
  return validateConfig(overShippedModels(raw, readJsonFile(DEFAULT_CONFIG_PATH)), source);
}

export function validateConfig(raw: unknown, source: string): Config {
  const result = ConfigSchema.safeParse(raw, READABLE_ERRORS);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration in ${source}: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Reads the add-on's `/data/options.json`: the options are checked against AddonOptionsSchema
 * (problems name the option), turned into a configuration, and validated by ConfigSchema.
 */
export function readAddonOptionsFile(path: string): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the add-on options ${path}: ${describeError(error)}`);
  }
  const result = AddonOptionsSchema.safeParse(raw, READABLE_ERRORS);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid add-on options in ${path}: ${problems.join('; ')}`);
  }
  return validateConfig(addonOptionsToConfig(result.data), path);
}

/**
 * The configuration in force: the config file (`--config`; else the add-on options named by
 * `ML_METRICS_ADDON_OPTIONS`; else `ML_METRICS_CONFIG` or the shipped defaults), then the
 * environment, then command-line flags.
 */
export function loadConfig(flags: ConfigOverrides, env: NodeJS.ProcessEnv): Config {
  const addonOptions = flags.configPath === undefined ? env['ML_METRICS_ADDON_OPTIONS'] : undefined;
  const path = flags.configPath ?? env['ML_METRICS_CONFIG'] ?? DEFAULT_CONFIG_PATH;
  const config = addonOptions ? readAddonOptionsFile(resolve(addonOptions)) : readConfigFile(resolve(path));
  const port = flags.port ?? env['ML_METRICS_PORT'];
  if (port !== undefined && port !== '') {
    const parsed = PortSchema.safeParse(port);
    if (!parsed.success) throw new ConfigError(`port must be a whole number from 0 to 65535, got "${port}"`);
    config.api.port = parsed.data;
  }
  const host = flags.host ?? env['ML_METRICS_HOST'];
  if (host) config.api.host = host;
  const dataDir = flags.dataDir ?? env['ML_METRICS_DATA_DIR'];
  if (dataDir) config.data_dir = dataDir;
  if (flags.insecure) config.api.insecure = true;
  return config;
}

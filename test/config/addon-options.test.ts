import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADDON_INGRESS_PORT, ADDON_LOG_LEVELS, AddonModelOptionSchema, AddonOptionsSchema, addonOptionsToConfig } from '../../src/config/addon-options.js';
import { ConfigSchema } from '../../src/config/config-schema.js';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig, readAddonOptionsFile, readConfigFile, validateConfig } from '../../src/config/load-config.js';
import { MAIN_JS, PROJECT_ROOT, freePort } from '../support/spawn-service.js';
import type { TempDir } from '../support/temp-dir.js';
import { createTempDir } from '../support/temp-dir.js';

/**
 * The add-on (ml_metrics/): its manifest against the service's zod schemas, and its run script
 * against a fake /data/options.json and SUPERVISOR_TOKEN. Docker cannot run here; what the
 * Dockerfile does beyond the run script is kept simple enough to check by reading.
 */

const ADDON_DIR = join(PROJECT_ROOT, 'ml_metrics');
const RUN_SCRIPT = join(ADDON_DIR, 'run.sh');

// ---------------------------------------------------------------------------------------------
// A reader for the YAML the add-on files use (no dependency for it): block mappings and lists,
// quoted and plain scalars, numbers, booleans, full-line comments and folded/literal block
// scalars. Anything else (flow collections, anchors, trailing comments) is refused, so a manifest
// that leaves this subset fails here instead of being misread.

interface YamlLine {
  indent: number;
  text: string;
  no: number;
}

class YamlSubsetError extends Error {
  override name = 'YamlSubsetError';
}

function yamlScalar(text: string, no: number): unknown {
  if (/^'.*'$/.test(text)) return text.slice(1, -1).replaceAll("''", "'");
  if (/^".*"$/.test(text)) return JSON.parse(text) as string;
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === '' || text === '~' || text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === '{}') return {};
  if (text === '[]') return [];
  if (/^[[{&*!|>]/.test(text) || / #/.test(text)) throw new YamlSubsetError(`line ${no}: "${text}" is outside the YAML subset this test reads`);
  return text;
}

class YamlSubsetReader {
  readonly #lines: YamlLine[];
  #pos = 0;

  constructor(source: string) {
    this.#lines = source
      .split('\n')
      .map((raw, index) => ({ raw: raw.replace(/\s+$/, ''), no: index + 1 }))
      .filter(({ raw }) => raw.trim() !== '' && !raw.trim().startsWith('#'))
      .map(({ raw, no }) => {
        if (raw.includes('\t')) throw new YamlSubsetError(`line ${no}: tabs are not YAML indentation`);
        const indent = raw.length - raw.trimStart().length;
        return { indent, text: raw.trim(), no };
      });
  }

  read(): unknown {
    const value = this.#node(0);
    const rest = this.#lines[this.#pos];
    if (rest) throw new YamlSubsetError(`line ${rest.no}: unexpected indentation`);
    return value;
  }

  #node(minIndent: number): unknown {
    const line = this.#lines[this.#pos];
    if (!line || line.indent < minIndent) return null;
    return line.text === '-' || line.text.startsWith('- ') ? this.#list(line.indent) : this.#map(line.indent);
  }

  #list(indent: number): unknown[] {
    const items: unknown[] = [];
    for (let line = this.#lines[this.#pos]; line && line.indent === indent && (line.text === '-' || line.text.startsWith('- ')); line = this.#lines[this.#pos]) {
      const rest = line.text.slice(1).trim();
      if (rest === '') {
        this.#pos += 1;
        items.push(this.#node(indent + 1));
      } else if (/^[^'"\s][^:]*:(\s|$)/.test(rest)) {
        // "- key: value" opens a mapping whose keys sit two columns in.
        this.#lines[this.#pos] = { indent: indent + 2, text: rest, no: line.no };
        items.push(this.#map(indent + 2));
      } else {
        this.#pos += 1;
        items.push(yamlScalar(rest, line.no));
      }
    }
    return items;
  }

  #map(indent: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (let line = this.#lines[this.#pos]; line && line.indent === indent; line = this.#lines[this.#pos]) {
      const match = /^([^'"\s:][^:]*?|'[^']*'|"[^"]*"):(?:\s+(.*))?$/.exec(line.text);
      if (!match) throw new YamlSubsetError(`line ${line.no}: expected "key: value", got "${line.text}"`);
      const key = String(yamlScalar(match[1]!, line.no));
      if (key in map) throw new YamlSubsetError(`line ${line.no}: duplicate key ${key}`);
      const value = match[2] ?? '';
      this.#pos += 1;
      if (/^[>|]-?$/.test(value)) {
        const parts: string[] = [];
        while (this.#lines[this.#pos] && this.#lines[this.#pos]!.indent > indent) parts.push(this.#lines[(this.#pos += 1) - 1]!.text);
        map[key] = parts.join(value.startsWith('>') ? ' ' : '\n');
      } else if (value !== '') map[key] = yamlScalar(value, line.no);
      else {
        const next = this.#lines[this.#pos];
        const nestedList = next && next.indent === indent && (next.text === '-' || next.text.startsWith('- '));
        map[key] = nestedList ? this.#list(indent) : this.#node(indent + 1);
      }
    }
    return map;
  }
}

function readYaml(path: string): Record<string, unknown> {
  return new YamlSubsetReader(readFileSync(path, 'utf8')).read() as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------

interface Manifest {
  name: string;
  version: string;
  slug: string;
  description: string;
  url?: string;
  arch: string[];
  ingress?: boolean;
  ingress_port?: number;
  panel_icon?: string;
  panel_title?: string;
  init: boolean;
  homeassistant_api: boolean;
  options: Record<string, unknown>;
  schema: Record<string, unknown>;
}

const manifest = readYaml(join(ADDON_DIR, 'config.yaml')) as unknown as Manifest;

/** Option name → the manifest's type for it (`str?`, `float(0,100)?`...). */
function schemaEntries(schema: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(schema).map(([key, type]) => [key, Array.isArray(type) ? 'list-of-dicts' : String(type)]);
}

function isOptionalInZod(schema: { safeParse(value: unknown): { success: boolean } }): boolean {
  return schema.safeParse(undefined).success;
}

describe('the add-on manifest (ml_metrics/config.yaml)', () => {
  it('is read back the way a YAML parser reads it', () => {
    expect(new YamlSubsetReader("a: 1\nb:\n  - x: 'y'\n    z: true\n  - 2.5\nc: >-\n  one\n  two\nd:\n- q\n").read()).toEqual({
      a: 1,
      b: [{ x: 'y', z: true }, 2.5],
      c: 'one two',
      d: ['q'],
    });
    expect(() => new YamlSubsetReader('a: {b: 1}\n').read()).toThrow(YamlSubsetError);
  });

  it('carries what the Supervisor requires, at the version of the package it installs', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(manifest).toMatchObject({ slug: 'ml_metrics', init: false, homeassistant_api: true });
    expect(manifest.name).toEqual(expect.any(String));
    expect(manifest.description).toEqual(expect.any(String));
    // The Dockerfile installs hap-ml-metrics@<this version> (the Supervisor passes it as BUILD_VERSION).
    expect(manifest.version).toBe(pkg.version);
    // No placeholder address: `url` stays out until the project has a real public home.
    expect(manifest.url).toBeUndefined();
    expect(readFileSync(join(ADDON_DIR, 'config.yaml'), 'utf8')).not.toMatch(/OWNER/);
    expect([...manifest.arch].sort()).toEqual(['aarch64', 'amd64']);
    for (const file of ['Dockerfile', 'run.sh', 'DOCS.md', 'CHANGELOG.md', 'README.md', join('translations', 'en.yaml')]) {
      expect(existsSync(join(ADDON_DIR, file)), file).toBe(true);
    }
    const repository = readYaml(join(PROJECT_ROOT, 'repository.yaml'));
    expect(repository).toMatchObject({ name: expect.any(String), maintainer: expect.any(String) });
    expect(repository['url']).toBeUndefined();
    expect(readFileSync(join(PROJECT_ROOT, 'repository.yaml'), 'utf8')).not.toMatch(/OWNER/);
  });

  it('opens as a sidebar panel through ingress, on the port of the service\'s ingress listener', () => {
    expect(manifest).toMatchObject({ ingress: true, ingress_port: ADDON_INGRESS_PORT, panel_icon: 'mdi:chart-line', panel_title: 'ML Metrics' });
    expect(manifest.ingress_port).not.toBe((manifest.options as { api_port: number }).api_port);
  });

  it('has default options that validate through the add-on schema and ConfigSchema, and give the shipped models and targets', () => {
    const options = AddonOptionsSchema.parse(manifest.options);
    const config = validateConfig(addonOptionsToConfig(options), 'ml_metrics/config.yaml options');
    const shipped = readConfigFile(DEFAULT_CONFIG_PATH);
    // positive_label: true is the default of a binary model, which the add-on does not offer to change.
    const shippedModels = Object.fromEntries(
      Object.entries(shipped.models).map(([name, { positive_label, ...model }]) => {
        expect(positive_label ?? true, `${name} positive_label`).toBe(true);
        return [name, model];
      }),
    );
    expect(config.models).toEqual(shippedModels);
    const defaults = ConfigSchema.parse({ schema_version: 1 });
    expect(config.hub.sensors).toEqual(defaults.hub.sensors);
    expect(config.hub.capture.native).toEqual(defaults.hub.capture.native);
    // No api_token by default: the API stays on the host's loopback.
    expect(config).toMatchObject({ data_dir: '/data', log_level: 'info', api: { host: '127.0.0.1', port: 8000 } });
    const withToken = validateConfig(addonOptionsToConfig({ ...options, api_token: 'secret' }), 'options with a token');
    expect(withToken.api.host).toBe('0.0.0.0');
    expect(validateConfig(addonOptionsToConfig({ ...options, api_token: '' }), 'options with an empty token').api.host).toBe('127.0.0.1');
    // The sidebar panel: an ingress listener only the Supervisor's proxy may reach, token or not.
    expect(config.api.ingress).toEqual({ host: '0.0.0.0', port: ADDON_INGRESS_PORT, allowed_address: '172.30.32.2' });
    expect(withToken.api.ingress?.port).toBe(8265);
  });

  it('has a schema that names the same options as the zod schema, optional in the same places', () => {
    const topLevel = schemaEntries(manifest.schema);
    expect(topLevel.map(([key]) => key).sort()).toEqual(Object.keys(AddonOptionsSchema.shape).sort());
    for (const [key, type] of topLevel) {
      const zodField = AddonOptionsSchema.shape[key as keyof typeof AddonOptionsSchema.shape];
      expect(type.endsWith('?'), `${key} optional in the manifest`).toBe(isOptionalInZod(zodField));
    }
    const modelEntry = (manifest.schema['models'] as Array<Record<string, unknown>>)[0]!;
    const modelKeys = schemaEntries(modelEntry);
    expect(modelKeys.map(([key]) => key).sort()).toEqual(Object.keys(AddonModelOptionSchema.shape).sort());
    for (const [key, type] of modelKeys) {
      const zodField = AddonModelOptionSchema.shape[key as keyof typeof AddonModelOptionSchema.shape];
      expect(type.endsWith('?'), `models.${key} optional in the manifest`).toBe(isOptionalInZod(zodField));
    }
    // The choices of list(...) types are the zod enums.
    expect(String(manifest.schema['log_level'])).toBe(`list(${Object.keys(ADDON_LOG_LEVELS).join('|')})`);
    expect(String(modelEntry['task'])).toBe(`list(${AddonModelOptionSchema.shape.task.unwrap().options.join('|')})?`);
  });

  it('labels every option in translations/en.yaml', () => {
    const translations = readYaml(join(ADDON_DIR, 'translations', 'en.yaml')) as { configuration: Record<string, { name: string; description?: string }> };
    expect(Object.keys(translations.configuration).sort()).toEqual(Object.keys(manifest.schema).sort());
    for (const [key, entry] of Object.entries(translations.configuration)) expect(entry.name, key).toEqual(expect.any(String));
  });
});

describe('reading /data/options.json', () => {
  let dir: TempDir;
  let written = 0;
  const valid = () => structuredClone(manifest.options) as Record<string, unknown>;
  /** Writes `options` to a fresh file in the temp dir and returns its path. */
  const writeOptions = (options: unknown): string => {
    const path = join(dir.path, `options-${(written += 1)}.json`);
    writeFileSync(path, JSON.stringify(options));
    return path;
  };

  beforeEach(async () => {
    dir = await createTempDir('hap-addon-options-');
  });
  afterEach(() => dir.remove());

  it('turns percent targets into rates and the Supervisor log level into the service one', () => {
    const config = readAddonOptionsFile(
      writeOptions({ ...valid(), log_level: 'warning', models: [{ name: 'doorbell', task: 'binary', current_version: 'v2', precision: 97.5, false_positive_rate: 2 }] }),
    );
    expect(config.log_level).toBe('warn');
    expect(config.models).toEqual({ doorbell: { task: 'binary', current_version: 'v2', targets: { precision: 0.975, false_positive_rate: 0.02 } } });
  });

  it('switches native capture sources and sets their windows', () => {
    const config = readAddonOptionsFile(writeOptions({ ...valid(), capture_automations: false, capture_faces: false, undo_seconds: 30, rephrase_seconds: 10 }));
    expect(config.hub.capture.native).toMatchObject({ assist: { enabled: true }, stt: { enabled: true }, automations: { enabled: false }, faces: { enabled: false }, undo_seconds: 30, rephrase_seconds: 10 });
    expect(() => readAddonOptionsFile(writeOptions({ ...valid(), undo_seconds: 0 }))).toThrow(/undo_seconds/);
  });

  it('names the option and the file of a bad value', () => {
    const path = writeOptions({ ...valid(), models: [{ name: 'm', accuracy: 150 }] });
    expect(() => readAddonOptionsFile(path)).toThrow(ConfigError);
    expect(() => readAddonOptionsFile(path)).toThrow(new RegExp(`${path}.*models\\.0\\.accuracy: must be between 0 and 100`));
    expect(() => readAddonOptionsFile(writeOptions({ ...valid(), sensor_window: '0d' }))).toThrow(/sensor_window: window must be greater than zero/);
    expect(() => readAddonOptionsFile(writeOptions({ ...valid(), min_sample: 3 }))).toThrow(/min_sample/);
    expect(() => readAddonOptionsFile(writeOptions({ ...valid(), models: [{ name: 'a' }, { name: 'a' }] }))).toThrow(/models: two models have the same name/);
    expect(() => readAddonOptionsFile(join(dir.path, 'missing.json'))).toThrow(/cannot read the add-on options/);
  });

  it('is used by loadConfig when ML_METRICS_ADDON_OPTIONS is set and --config is not; the environment still overrides', () => {
    const path = writeOptions({ ...valid(), api_port: 9123, sensor_window: '24h', api_token: 'secret' });
    const env = { ML_METRICS_ADDON_OPTIONS: path, ML_METRICS_DATA_DIR: join(dir.path, 'data'), ML_METRICS_HOST: '127.0.0.1' };
    const config = loadConfig({}, env);
    expect(config.hub.sensors.window).toBe('24h');
    expect(config.api).toMatchObject({ host: '127.0.0.1', port: 9123 });
    expect(config.data_dir).toBe(join(dir.path, 'data'));
    expect(Object.keys(config.models).sort()).toEqual(['assist_intent', 'assist_stt', 'automations', 'face_recognition', 'intent_processing', 'pattern_learner', 'suggestion_engine', 'voice_recognition']);
    expect(config.hub.capture.native).toMatchObject({ assist: { enabled: true }, automations: { enabled: true }, undo_seconds: 60, rephrase_seconds: 20 });
    // An explicit --config wins over the add-on options.
    const explicit = loadConfig({ configPath: DEFAULT_CONFIG_PATH }, env);
    expect(explicit.api.port).toBe(8000);
    expect(explicit.hub.sensors.window).toBe('7d');
  });
});

// ---------------------------------------------------------------------------------------------

interface ScriptRun {
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs ml_metrics/run.sh with /bin/sh (as the container does) and a clean environment plus `env`. */
function runScript(env: Record<string, string>): ScriptRun {
  const child = spawn('/bin/sh', [RUN_SCRIPT], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { output: () => output, exited, kill: (signal) => child.kill(signal) };
}

async function waitForOutput(run: ScriptRun, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(run.output());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the add-on run script (ml_metrics/run.sh)', () => {
  let dir: TempDir;
  let running: ScriptRun | null = null;

  beforeEach(async () => {
    if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} does not exist: run \`npm run build\` first (npm test does it)`);
    dir = await createTempDir('hap-addon-run-');
  });
  afterEach(async () => {
    if (running) {
      running.kill('SIGKILL');
      await running.exited;
      running = null;
    }
    await dir.remove();
  });

  async function fakeAddon(options: Record<string, unknown>): Promise<Record<string, string>> {
    const dataDir = join(dir.path, 'data');
    await mkdir(dataDir);
    const optionsPath = join(dataDir, 'options.json');
    await writeFile(optionsPath, JSON.stringify(options));
    return {
      ML_METRICS_ADDON_OPTIONS: optionsPath,
      ML_METRICS_DATA_DIR: dataDir,
      ML_METRICS_APP_DIR: PROJECT_ROOT,
      SUPERVISOR_TOKEN: 'fake-supervisor-token',
    };
  }

  it('starts the service against the Supervisor, with the options, the store in the data dir and the API token', async () => {
    const port = await freePort();
    const env = await fakeAddon({ ...manifest.options, api_port: port, api_token: 'addon-api-token' });
    // With a token the add-on listens on every interface; here loopback is enough.
    running = runScript({ ...env, ML_METRICS_HOST: '127.0.0.1', HA_URL: 'http://ignored.invalid:8123', HA_TOKEN: 'ignored' });
    const [, url] = await waitForOutput(running, /REST API listening url=(\S+) auth="bearer token"/);
    expect(new URL(url!).port).toBe(String(port));
    await waitForOutput(running, /connecting to Home Assistant mode=supervisor url=ws:\/\/supervisor\/core\/websocket/);
    expect(running.output()).toContain(`store opened data_dir=${env['ML_METRICS_DATA_DIR']}`);
    expect(running.output()).not.toContain('fake-supervisor-token');
    expect(running.output()).not.toContain('addon-api-token');
    expect(readdirSync(env['ML_METRICS_DATA_DIR']!).filter((name) => name !== 'options.json').length).toBeGreaterThan(0);

    const origin = new URL(url!).origin;
    expect((await fetch(`${origin}/api/v1/ml-metrics/models`)).status).toBe(401);
    const models = await fetch(`${origin}/api/v1/ml-metrics/models`, { headers: { authorization: 'Bearer addon-api-token' } });
    expect(models.status).toBe(200);

    running.kill('SIGTERM');
    const status = await running.exited;
    running = null;
    expect(status).toEqual({ code: 0, signal: null });
  });

  it('keeps the API on loopback, open, when no api_token is set', async () => {
    const port = await freePort();
    const env = await fakeAddon({ ...manifest.options, api_port: port });
    running = runScript(env);
    await waitForOutput(running, new RegExp(`REST API listening url=http://127\\.0\\.0\\.1:${port}\\S* auth=none`));
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/ml-metrics/models`)).status).toBe(200);
  });

  it('refuses to start without SUPERVISOR_TOKEN', async () => {
    const env = await fakeAddon(manifest.options);
    const { SUPERVISOR_TOKEN: _token, ...withoutToken } = env;
    const run = runScript(withoutToken);
    const status = await run.exited;
    expect(status.code).not.toBe(0);
    expect(run.output()).toMatch(/SUPERVISOR_TOKEN is not set.*homeassistant_api/);
  });

  it('exits non-zero naming the option when options.json is invalid', async () => {
    const env = await fakeAddon({ ...manifest.options, models: [{ name: 'm', recall: -1 }] });
    const run = runScript(env);
    const status = await run.exited;
    expect(status.code).not.toBe(0);
    expect(run.output()).toMatch(/invalid add-on options in .*options\.json: models\.0\.recall/);
  });
});

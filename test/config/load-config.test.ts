import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig, readConfigFile } from '../../src/config/load-config.js';

function writeConfig(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hap-config-')), 'config.json');
  writeFileSync(path, content);
  return path;
}

describe('loadConfig', () => {
  it('reads the shipped defaults: the seed targets, store in ./data, API on 127.0.0.1:8000', () => {
    const config = readConfigFile(DEFAULT_CONFIG_PATH);
    expect(config.data_dir).toBe('./data');
    expect(config.api).toMatchObject({ host: '127.0.0.1', port: 8000, body_limit_bytes: 1_048_576 });
    expect(config.storage.retention_days).toBe(365);
    expect(config.models['voice_recognition']?.targets).toEqual({ accuracy: 0.9, precision: 0.88, recall: 0.9, f1_score: 0.89 });
    expect(config.models['pattern_learner']?.targets).toEqual({ accuracy: 0.85, confidence: 0.75, false_positive_rate: 0.1 });
    expect(config.models['suggestion_engine']).toMatchObject({ task: 'binary', positive_label: true, targets: { acceptance_rate: 0.6 } });
  });

  it('applies the environment, then flags', () => {
    const env = { ML_METRICS_PORT: '9100', ML_METRICS_HOST: '0.0.0.0', ML_METRICS_DATA_DIR: '/tmp/env-data' };
    expect(loadConfig({}, env).api.port).toBe(9100);
    expect(loadConfig({}, env).data_dir).toBe('/tmp/env-data');
    const flagged = loadConfig({ port: 9200, host: '127.0.0.2', dataDir: '/tmp/flag-data' }, env);
    expect(flagged.api).toMatchObject({ port: 9200, host: '127.0.0.2' });
    expect(flagged.data_dir).toBe('/tmp/flag-data');
  });

  it('names the file and the field of a bad setting', () => {
    const path = writeConfig(JSON.stringify({ schema_version: 1, storage: { retention_days: -3 } }));
    expect(() => loadConfig({ configPath: path }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ configPath: path }, {})).toThrow(new RegExp(`${path}.*storage\\.retention_days`));
  });

  it('refuses unknown keys, a target outside [0, 1], JSON that does not parse, and a bad port', () => {
    expect(() => loadConfig({ configPath: writeConfig('{"schema_version":1,"retension_days":3}') }, {})).toThrow(/retension_days/);
    expect(() =>
      loadConfig({ configPath: writeConfig('{"schema_version":1,"models":{"m":{"targets":{"accuracy":90}}}}') }, {}),
    ).toThrow(/models\.m\.targets\.accuracy/);
    expect(() => loadConfig({ configPath: writeConfig('{"schema_version":1,') }, {})).toThrow(/not valid JSON/);
    expect(() => loadConfig({}, { ML_METRICS_PORT: 'eighty' })).toThrow(/port must be a whole number/);
    expect(() => loadConfig({ configPath: '/nonexistent/config.json' }, {})).toThrow(/cannot read the config file \/nonexistent\/config\.json/);
  });

  it('reads --config over the shipped model settings: named models merge field by field, others stay, null drops one', () => {
    const shipped = readConfigFile(DEFAULT_CONFIG_PATH);
    const path = writeConfig(
      JSON.stringify({
        schema_version: 1,
        models: { voice_recognition: { current_version: '2.0' }, pattern_learner: null, doorbell: { task: 'binary' } },
      }),
    );
    const config = loadConfig({ configPath: path }, {});
    // The shipped label key and targets stay; the file's field is added.
    expect(config.models['voice_recognition']).toEqual({ ...shipped.models['voice_recognition'], current_version: '2.0' });
    expect(config.models['suggestion_engine']).toEqual(shipped.models['suggestion_engine']);
    expect(config.models['pattern_learner']).toBeUndefined();
    expect(config.models['doorbell']).toEqual({ task: 'binary', targets: {} });
    // Targets given in the file replace the shipped ones as a whole.
    const targets = loadConfig({ configPath: writeConfig(JSON.stringify({ schema_version: 1, models: { voice_recognition: { targets: { accuracy: 0.5 } } } })) }, {});
    expect(targets.models['voice_recognition']).toEqual({ label_key: 'user_id', targets: { accuracy: 0.5 } });
  });
});

import type { Config } from '../src/config/config-schema.js';
import { loadConfig } from '../src/config/load-config.js';

/**
 * The configuration the service runs with (the shipped config/ml-metrics.json, no environment
 * overrides), so stores written in-process have the label fingerprint the spawned service expects.
 */
export function shippedConfig(dataDir: string): Config {
  const config = loadConfig({}, {});
  return { ...config, data_dir: dataDir, log_level: 'warn' };
}

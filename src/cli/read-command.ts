import path from 'node:path';
import { ConfigError, loadConfig } from '../config/load-config.js';
import type { Config } from '../config/config-schema.js';
import { createLogger, silentLogger } from '../logging/logger.js';
import { CliError } from './cli-errors.js';
import { type CliIo, debugEnabled } from './cli-io.js';
import { parseReadOptions, type ReadOptions } from './cli-options.js';
import type { Answer, MetricsSource } from './metrics-source.js';
import { RemoteSource } from './remote-source.js';

/**
 * The configuration the service would use (`--config`, `$ML_METRICS_CONFIG` or the shipped
 * defaults; data directory from `--data-dir`, `$ML_METRICS_DATA_DIR` or the file, else ./data),
 * so targets and label keys, hence the metrics, are the same as the service's.
 */
export function loadDirectConfig(options: ReadOptions, env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig({ dataDir: options.dataDir, configPath: options.configPath }, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/** Opens what `--url` or `--data-dir` names. */
export async function openMetricsSource(options: ReadOptions, io: CliIo): Promise<MetricsSource> {
  if (options.url !== undefined) {
    return new RemoteSource({ url: options.url, token: io.env.ML_METRICS_API_TOKEN });
  }
  const logger = debugEnabled(io.env)
    ? createLogger({ level: 'debug', write: (line) => io.stderr(`${line}\n`) })
    : silentLogger;
  // Loaded only here, so `--url` and `--help` never touch the store's code.
  const { openDirectSource } = await import('./direct-source.js');
  const config = loadDirectConfig(options, io.env);
  return openDirectSource({ dataDir: path.resolve(config.data_dir), config, logger });
}

/**
 * The shape of every read command: check the options, open the source, ask it one thing, close
 * it, print the REST API's JSON (`--json`) or the readable rendering.
 */
export async function runReadCommand<T>(
  rawOptions: Record<string, unknown>,
  io: CliIo,
  ask: (source: MetricsSource) => Promise<Answer<T>>,
  render: (value: T) => string,
): Promise<void> {
  const options = parseReadOptions(rawOptions);
  const source = await openMetricsSource(options, io);
  let answer: Answer<T>;
  try {
    answer = await ask(source);
  } catch (error) {
    // The read's error is the one to report; a failure to close after it would only hide it.
    await source.close().catch(() => undefined);
    throw error;
  }
  await source.close();
  io.stdout(options.json ? `${JSON.stringify(answer.json, null, 2)}\n` : `${render(answer.value)}\n`);
}

import { resolve } from 'node:path';
import { createApiServer } from './api/create-api-server.js';
import type { Config } from './config/config-schema.js';
import type { Logger } from './logging/logger.js';
import { openTracker } from './tracker/model-performance-tracker.js';
import type { ModelPerformanceTracker } from './tracker/model-performance-tracker.js';

export interface App {
  tracker: ModelPerformanceTracker;
  url: string;
  /** Stops the HTTP server (waiting for requests in flight), then flushes and closes the store. */
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
}

/** The composition root: builds the store, the tracker and the REST API, and starts them. */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const dataDir = resolve(config.data_dir);
  const tracker = await openTracker({ dataDir, config, logger, ...(options.now ? { now: options.now } : {}) });
  const apiToken = options.env['ML_METRICS_API_TOKEN'] || undefined;
  const api = createApiServer({
    tracker,
    logger: logger.child('api'),
    host: config.api.host,
    port: config.api.port,
    bodyLimitBytes: config.api.body_limit_bytes,
    apiToken,
  });
  let address: { url: string };
  try {
    address = await api.start();
  } catch (error) {
    await tracker.close();
    throw error;
  }
  logger.info('REST API listening', { url: `${address.url}/api/v1/ml-metrics`, auth: apiToken ? 'bearer token' : 'none' });
  return {
    tracker,
    url: address.url,
    async stop() {
      await api.stop();
      await tracker.close();
    },
  };
}

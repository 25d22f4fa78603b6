import type { ConfigOverrides } from '../config/load-config.js';
import { loadConfig } from '../config/load-config.js';
import { startApp } from '../app.js';
import { createLogger } from '../logging/logger.js';

/**
 * Runs the service until SIGTERM or SIGINT: loads the configuration, starts the app, logs what
 * it does, and stops in order. Resolves with the process exit code.
 */
export async function runService(flags: ConfigOverrides, env: NodeJS.ProcessEnv): Promise<number> {
  const boot = createLogger({ level: 'info' });
  let config;
  try {
    config = loadConfig(flags, env);
  } catch (error) {
    boot.error((error as Error).message);
    return 2;
  }
  const logger = createLogger({ level: config.log_level });
  let app;
  try {
    app = await startApp({ config, logger, env });
  } catch (error) {
    logger.error(`cannot start: ${(error as Error).message}`);
    return 1;
  }
  logger.info('no hub configured: running standalone (REST API and CLI only)');
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal} received: stopping`);
      app
        .stop()
        .then(() => {
          logger.info('stopped cleanly');
          resolveExit(0);
        })
        .catch((error: unknown) => {
          logger.error(`stopping failed: ${(error as Error).message}`);
          resolveExit(1);
        })
        .finally(() => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
        });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

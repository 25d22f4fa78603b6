import type { ConfigOverrides } from './config/load-config.js';
import { loadConfig } from './config/load-config.js';
import { startApp } from './app.js';
import type { App } from './app.js';
import { createLogger } from './logging/logger.js';
import { describeError } from './logging/to-error.js';
import { compactHeap } from './service/compact-heap.js';

/**
 * Runs the service until SIGTERM or SIGINT (exit 0), or until the hub refuses its token (exit
 * 1): loads the configuration, starts the app, logs what it does, and stops in order.
 * Resolves with the process exit code.
 */
export async function runService(flags: ConfigOverrides, env: NodeJS.ProcessEnv): Promise<number> {
  const boot = createLogger({ level: 'info' });
  let config;
  try {
    config = loadConfig(flags, env);
  } catch (error) {
    boot.error(describeError(error));
    return 2;
  }
  const logger = createLogger({ level: config.log_level });
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolveExit) => {
    finish = resolveExit;
  });
  // Signals are handled from the first log line on: one that arrives while the app is starting
  // (the hub may be slow, the store large) is kept, and the app stops as soon as it is up.
  let app: App | undefined;
  const requested: { stop: { reason: string; code: number } | null } = { stop: null };
  let stopping = false;
  const stop = (reason: string, code: number) => {
    if (!app) {
      if (!requested.stop) logger.info(`${reason}: stopping once started`);
      requested.stop ??= { reason, code };
      return;
    }
    if (stopping) return;
    stopping = true;
    logger.info(`${reason}: stopping`);
    app
      .stop()
      .then(() => {
        logger.info('stopped cleanly');
        done(code);
      })
      .catch((error: unknown) => {
        logger.error(`stopping failed: ${describeError(error)}`);
        done(1);
      });
  };
  const onSigterm = () => stop('SIGTERM received', 0);
  const onSigint = () => stop('SIGINT received', 0);
  const done = (exitCode: number) => {
    process.off('SIGTERM', onSigterm);
    process.off('SIGINT', onSigint);
    finish(exitCode);
  };
  process.on('SIGTERM', onSigterm);
  process.on('SIGINT', onSigint);
  try {
    app = await startApp({
      config,
      logger,
      env,
      // The hub may refuse the token before startApp has returned: stop() keeps it until then.
      onFatal: (error) => stop(`cannot go on without the hub (${error.name})`, 1),
    });
  } catch (error) {
    logger.error(`cannot start: ${describeError(error)}`);
    done(1);
    return 1;
  }
  if (requested.stop) stop(requested.stop.reason, requested.stop.code);
  else {
    // Before the first request is handled: start-up's garbage and grown young generation back to the system.
    const ms = await compactHeap();
    logger.debug('compacted the heap after start-up', { ms: ms === null ? null : Math.round(ms), rss_mb: Math.round(process.memoryUsage().rss / 1e6) });
  }
  return finished;
}

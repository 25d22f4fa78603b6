import type { ConfigOverrides } from './config/load-config.js';
import { loadConfig } from './config/load-config.js';
import { startApp } from './app.js';
import type { App } from './app.js';
import { createLogger } from './logging/logger.js';
import { describeError } from './logging/to-error.js';

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
  let app: App;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolveExit) => {
    finish = resolveExit;
  });
  let stopping = false;
  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${reason}: stopping`);
    const done = (exitCode: number) => {
      process.off('SIGTERM', onSigterm);
      process.off('SIGINT', onSigint);
      finish(exitCode);
    };
    // app is assigned before any signal handler can run a stop (handlers are added after start).
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
  // Set by onFatal when the hub refuses the token before startApp has returned.
  const early: { fatal: Error | null } = { fatal: null };
  try {
    app = await startApp({
      config,
      logger,
      env,
      onFatal: (error) => {
        if (!app) early.fatal = error;
        else stop(`cannot go on without the hub (${error.name})`, 1);
      },
    });
  } catch (error) {
    logger.error(`cannot start: ${describeError(error)}`);
    return 1;
  }
  process.on('SIGTERM', onSigterm);
  process.on('SIGINT', onSigint);
  if (early.fatal) stop(`cannot go on without the hub (${early.fatal.name})`, 1);
  return finished;
}

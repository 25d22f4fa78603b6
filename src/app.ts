import { resolve } from 'node:path';
import cron from 'node-cron';
import { createApiServer } from './api/create-api-server.js';
import type { Config } from './config/config-schema.js';
import { loadEventMappings } from './config/load-event-mappings.js';
import { EventCapture } from './integration/event-capture.js';
import type { HubError } from './integration/errors.js';
import { HubConnection } from './integration/hub-connection.js';
import { resolveHubEndpoint } from './integration/hub-endpoint.js';
import { ImplicitLabeler } from './integration/implicit-labeler.js';
import type { Logger } from './logging/logger.js';
import { openSensorsStateStore, SensorPublisher } from './sensors/sensor-publisher.js';
import { openTracker } from './open-tracker.js';
import type { ModelPerformanceTracker } from './tracker/model-performance-tracker.js';

export interface App {
  tracker: ModelPerformanceTracker;
  url: string;
  /** The hub pieces, when a hub is configured. */
  hub: { connection: HubConnection; capture: EventCapture; publisher: SensorPublisher } | null;
  /** Stops everything in reverse order of start, losing nothing acknowledged. */
  stop(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Called when the hub refuses the token (at start or on a reconnection): the service must exit. */
  onFatal?: (error: Error) => void;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The composition root: builds the store, the tracker, the REST API and (with a hub) the
 * connection, event capture, implicit labels and sensors, and starts them. Each piece's undo is
 * kept; `stop()` runs them in reverse.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, logger, env } = options;
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error(`a component failed to stop: ${(error as Error).message}`);
      }
    }
  };

  try {
    // Refuse an exposed API without a token before anything is opened.
    const apiToken = env['ML_METRICS_API_TOKEN'] || undefined;
    if (!isLoopback(config.api.host) && !apiToken && !config.api.insecure) {
      throw new Error(
        `the REST API would listen on ${config.api.host}, reachable from other machines, with no token: ` +
          'set ML_METRICS_API_TOKEN (clients then send Authorization: Bearer <token>), listen on 127.0.0.1, or pass --insecure',
      );
    }
    // Validate what the hub side needs before anything is opened.
    const endpoint = resolveHubEndpoint(env, { url: config.hub.url, token: config.hub.token });
    const mappings = endpoint ? loadEventMappings(config.hub.capture.events) : {};

    const dataDir = resolve(config.data_dir);
    const tracker = await openTracker({ dataDir, config, logger, ...(options.now ? { now: options.now } : {}) });
    stops.push(() => tracker.close());

    const retention = cron.schedule(
      config.storage.retention_cron,
      async () => {
        await tracker.applyRetention();
      },
      { name: 'retention', timezone: config.storage.retention_timezone, noOverlap: true },
    );
    stops.push(async () => {
      await retention.destroy();
    });

    let hub: App['hub'] = null;
    const api = createApiServer({
      tracker,
      logger: logger.child('api'),
      host: config.api.host,
      port: config.api.port,
      bodyLimitBytes: config.api.body_limit_bytes,
      apiToken,
      corsOrigins: config.api.cors_origins,
      healthExtras: () =>
        hub
          ? {
              hub: {
                connected: hub.connection.connected,
                pending_feedback: hub.capture.pendingFeedback,
                pending_retries: hub.capture.pendingRetries,
                events: hub.capture.counts(),
              },
            }
          : {},
    });
    const address = await api.start();
    stops.push(() => api.stop());

    if (!endpoint) {
      logger.info('no hub configured (HA_URL and HA_TOKEN, or SUPERVISOR_TOKEN): running standalone, REST API and CLI only');
    } else {
      const hubLogger = logger.child('integration');
      const connection = new HubConnection({ endpoint, logger: hubLogger });
      const stateStore = await openSensorsStateStore({ dataDir });
      const publisher = new SensorPublisher({ tracker, hub: connection, logger: logger.child('sensors'), config: config.hub.sensors, stateStore });
      const capture = new EventCapture({ hub: connection, tracker, mappings, matching: config.hub.capture.matching, logger: hubLogger });
      const labeler = new ImplicitLabeler({ tracker, rules: config.hub.capture.implicit_labels, logger: hubLogger });
      const fatal = (error: HubError) => {
        logger.error(`the hub refused this service: ${error.message}`);
        options.onFatal?.(error);
      };
      connection.onFatal(fatal);
      connection.onReady(() => publisher.republishAll());
      stops.push(() => connection.stop());
      publisher.start();
      stops.push(() => publisher.stop());
      stops.push(() => capture.stop());
      if (Object.keys(config.hub.capture.implicit_labels).length > 0) {
        const sweep = cron.schedule(config.hub.capture.implicit_sweep_cron, () => labeler.sweep().then(() => undefined), {
          name: 'implicit-labels',
          timezone: config.hub.capture.implicit_sweep_timezone,
          noOverlap: true,
        });
        stops.push(async () => {
          await sweep.destroy();
        });
      }
      logger.info('connecting to Home Assistant', { mode: endpoint.mode, url: endpoint.websocketUrl });
      // The hub may start after the add-on: connect in the background, retrying; the API is up meanwhile.
      void connection
        .start()
        .then(() => capture.start())
        .catch((error: unknown) => {
          const name = (error as Error).name;
          if (name === 'HubStoppedError') return;
          if (name === 'HubAuthError') fatal(error as HubError);
          else {
            logger.error(`hub integration failed: ${(error as Error).message}`);
            options.onFatal?.(error as Error);
          }
        });
      hub = { connection, capture, publisher };
    }

    return { tracker, url: address.url, hub, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

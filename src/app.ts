import { resolve } from 'node:path';
import { createApiServer } from './api/create-api-server.js';
import { createExperimentRoutes } from './api/experiment-routes.js';
import { Experiments } from './experiments/experiments-service.js';
import { ExperimentSensors } from './sensors/experiment-sensors.js';
import type { Config } from './config/config-schema.js';
import { loadEventMappings } from './integration/load-event-mappings.js';
import { EventCapture } from './integration/event-capture.js';
import { ExperimentAssignListener } from './integration/experiment-assign-listener.js';
import { HubAuthError, HubStoppedError } from './integration/errors.js';
import type { HubError } from './integration/errors.js';
import { HubConnection } from './integration/hub-connection.js';
import { resolveHubEndpoint } from './integration/hub-endpoint.js';
import { AssistRunCapture } from './integration/capture/assist-runs.js';
import { AutomationRunCapture } from './integration/capture/automation-runs.js';
import { FaceEventCapture } from './integration/capture/face-events.js';
import { StateChangeWatch } from './integration/capture/state-change-watch.js';
import { SystemUsers } from './integration/capture/system-users.js';
import { ImplicitLabeler } from './integration/implicit-labeler.js';
import type { Logger } from './logging/logger.js';
import { ProblemSensor } from './sensors/problem-sensor.js';
import { openSensorsStateStore, SensorPublisher } from './sensors/sensor-publisher.js';
import { DriftPublisher } from './sensors/drift-publisher.js';
import { SegmentVerifier } from './storage/segment-verifier.js';
import { OffThreadSegmentCheck } from './storage/off-thread-segment-check.js';
import { HealthProblems } from './tracker/health-problems.js';
import { toError } from './logging/to-error.js';
import { openTracker } from './open-tracker.js';
import { ScheduledJob } from './service/scheduled-job.js';
import { HubReportNotifier } from './integration/hub-report-notifier.js';
import { reportLink, runScheduledReport } from './reports/scheduled-report.js';
import { TrackerReportSource } from './reports/tracker-report-source.js';
import type { ModelPerformanceTracker } from './tracker/model-performance-tracker.js';

export interface App {
  tracker: ModelPerformanceTracker;
  url: string;
  /** The hub pieces, when a hub is configured. */
  hub: { connection: HubConnection; capture: EventCapture; publisher: SensorPublisher; drift: DriftPublisher } | null;
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
        logger.error('a component failed to stop', { error });
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
    const now = options.now ?? (() => new Date());
    const tracker = await openTracker({ dataDir, config, logger, now });
    stops.push(() => tracker.close());
    const experiments = await Experiments.open({ dataDir, tracker, logger: logger.child('experiments'), now });
    stops.push(() => experiments.flush());
    let experimentSensors: ExperimentSensors | null = null;

    const retention = new ScheduledJob({
      name: 'retention',
      cron: config.storage.retention_cron,
      timezone: config.storage.retention_timezone,
      settings: { cron: 'storage.retention_cron', timezone: 'storage.retention_timezone' },
      run: () => tracker.applyRetention(),
      logger: logger.child('storage'),
    });
    retention.start();
    stops.push(() => retention.stop());

    let hub: App['hub'] = null;
    const problems = new HealthProblems(now);
    const api = createApiServer({
      tracker,
      logger: logger.child('api'),
      host: config.api.host,
      port: config.api.port,
      bodyLimitBytes: config.api.body_limit_bytes,
      apiToken,
      // As an add-on the run script passes the api_token option as ML_METRICS_API_TOKEN.
      apiTokenSource: env['SUPERVISOR_TOKEN'] ? "the add-on's api_token option" : 'the ML_METRICS_API_TOKEN environment variable',
      corsOrigins: config.api.cors_origins,
      changes: (listener) => tracker.onChange(listener),
      ingress: config.api.ingress === null ? null : { host: config.api.ingress.host, port: config.api.ingress.port, allowedAddress: config.api.ingress.allowed_address },
      extraRoutes: createExperimentRoutes(experiments),
      metricsWindow: config.hub.sensors.window,
      healthExtras: () => ({
        problems: problems.list(),
        ...(hub
          ? {
              hub: {
                connected: hub.connection.connected,
                pending_feedback: hub.capture.pendingFeedback,
                pending_retries: hub.capture.pendingRetries,
                events: hub.capture.counts(),
              },
            }
          : {}),
      }),
    });
    const address = await api.start();
    stops.push(() => api.stop());

    if (!endpoint) {
      logger.info('no hub configured (HA_URL and HA_TOKEN, or SUPERVISOR_TOKEN): running standalone, REST API and CLI only');
    } else {
      const hubLogger = logger.child('integration');
      const connection = new HubConnection({ endpoint, logger: hubLogger });
      const stateStore = await openSensorsStateStore({ dataDir });
      const publisher = new SensorPublisher({ tracker, hub: connection, logger: logger.child('sensors'), config: config.hub.sensors, stateStore, configuredModels: Object.keys(config.models) });
      const drift = new DriftPublisher({ tracker, hub: connection, logger: logger.child('sensors'), stateStore, configuredModels: Object.keys(config.models) });
      const driftReevaluation = new ScheduledJob({
        name: 'drift re-evaluation',
        cron: config.hub.sensors.reevaluate_cron,
        timezone: config.hub.sensors.timezone,
        settings: { cron: 'hub.sensors.reevaluate_cron', timezone: 'hub.sensors.timezone' },
        run: () => drift.evaluateAll(),
        logger: logger.child('sensors'),
      });
      const capture = new EventCapture({ hub: connection, tracker, mappings, matching: config.hub.capture.matching, logger: hubLogger });
      const labeler = new ImplicitLabeler({ tracker, rules: config.hub.capture.implicit_labels, logger: hubLogger, now });
      const reevaluation = new ScheduledJob({
        name: 'sensor re-evaluation',
        cron: config.hub.sensors.reevaluate_cron,
        timezone: config.hub.sensors.timezone,
        settings: { cron: 'hub.sensors.reevaluate_cron', timezone: 'hub.sensors.timezone' },
        run: () => publisher.evaluateAll(),
        logger: logger.child('sensors'),
      });
      const native = config.hub.capture.native;
      const watchesChanges = native.assist.enabled || native.stt.enabled || native.automations.enabled;
      const watch = new StateChangeWatch({ hub: connection, keepMs: (native.undo_seconds + 120) * 1000, logger: hubLogger });
      const systemUsers = new SystemUsers({ hub: connection, logger: hubLogger });
      const nativeCommon = { hub: connection, tracker, watch, systemUsers, settings: native, logger: hubLogger, now };
      const nativeSources = [
        ...(native.assist.enabled || native.stt.enabled ? [new AssistRunCapture(nativeCommon)] : []),
        ...(native.automations.enabled ? [new AutomationRunCapture(nativeCommon)] : []),
        ...(native.faces.enabled ? [new FaceEventCapture({ hub: connection, tracker, logger: hubLogger })] : []),
      ];
      const fatal = (error: HubError) => {
        logger.error(`the hub refused this service: ${error.message}`);
        options.onFatal?.(error);
      };
      connection.onFatal(fatal);
      connection.onReady(() => publisher.republishAll());
      const sensorsForExperiments = new ExperimentSensors({ experiments, hub: connection, logger: logger.child('sensors') });
      experimentSensors = sensorsForExperiments;
      connection.onReady(() => sensorsForExperiments.publish({ force: true }));
      experiments.onDecided(() => void sensorsForExperiments.publish());
      stops.push(() => sensorsForExperiments.stop());
      const assignListener = new ExperimentAssignListener({ hub: connection, experiments, logger: hubLogger });
      stops.push(() => assignListener.stop());
      connection.onReady(() => drift.republishAll());
      // Not connected is a problem from start-up until the first connection, and after each loss until the next.
      const hubDown = () =>
        problems.report('hub', { kind: 'hub_disconnected', hub: endpoint.websocketUrl, message: 'not connected to Home Assistant; reconnecting (events and sensors wait)' });
      hubDown();
      connection.onDisconnect(hubDown);
      connection.onReady(() => problems.clear('hub'));
      const problemSensor = new ProblemSensor({ hub: connection, problems, logger: logger.child('sensors') });
      connection.onReady(() => problemSensor.publish());
      problemSensor.start();
      stops.push(() => problemSensor.stop());
      stops.push(() => connection.stop());
      publisher.start();
      stops.push(() => publisher.stop());
      reevaluation.start();
      stops.push(() => reevaluation.stop());
      drift.start();
      stops.push(() => drift.stop());
      driftReevaluation.start();
      stops.push(() => driftReevaluation.stop());
      stops.push(() => capture.stop());
      stops.push(() => watch.stop());
      stops.push(async () => systemUsers.stop());
      for (const source of nativeSources) stops.push(() => source.stop());
      if (Object.keys(config.hub.capture.implicit_labels).length > 0) {
        const sweep = new ScheduledJob({
          name: 'implicit-label sweep',
          cron: config.hub.capture.implicit_sweep_cron,
          timezone: config.hub.capture.implicit_sweep_timezone,
          settings: { cron: 'hub.capture.implicit_sweep_cron', timezone: 'hub.capture.implicit_sweep_timezone' },
          run: () => labeler.sweep(),
          logger: hubLogger,
        });
        sweep.start();
        stops.push(() => sweep.stop());
      }
      logger.info('connecting to Home Assistant', { mode: endpoint.mode, url: endpoint.websocketUrl });
      // The hub may start after the add-on: connect in the background, retrying; the API is up meanwhile.
      void connection
        .start()
        .then(async () => {
          await capture.start();
          await assignListener.start();
          if (watchesChanges) await Promise.all([watch.start(), systemUsers.start()]);
          for (const source of nativeSources) await source.start();
        })
        .catch((error: unknown) => {
          if (error instanceof HubStoppedError) return;
          if (error instanceof HubAuthError) fatal(error);
          else {
            logger.error('hub integration failed', { error });
            options.onFatal?.(toError(error));
          }
        });
      hub = { connection, capture, publisher, drift };
    }

    // Running experiments decide (and stop themselves) without anyone asking: evaluate them on a schedule.
    const experimentEvaluation = new ScheduledJob({
      name: 'experiment evaluation',
      cron: config.experiments.evaluate_cron,
      timezone: config.experiments.timezone,
      settings: { cron: 'experiments.evaluate_cron', timezone: 'experiments.timezone' },
      run: async () => {
        await experiments.evaluateRunning();
        await experimentSensors?.publish();
      },
      logger: logger.child('experiments'),
    });
    experimentEvaluation.start();
    stops.push(() => experimentEvaluation.stop());

    // The performance report: written to data/reports/ on a schedule, and announced on the hub.
    if (config.reports.enabled) {
      const reportConnection = hub?.connection ?? null;
      const report = new ScheduledJob({
        name: 'performance report',
        cron: config.reports.cron,
        timezone: config.reports.timezone,
        settings: { cron: 'reports.cron', timezone: 'reports.timezone' },
        run: () =>
          runScheduledReport({
            source: new TrackerReportSource(tracker, () => experiments.list()),
            dataDir,
            settings: config.reports,
            link: reportLink(config.reports.link, env),
            notifier: reportConnection === null ? null : new HubReportNotifier(reportConnection),
            now,
            logger: logger.child('reports'),
          }),
        logger: logger.child('reports'),
      });
      report.start();
      stops.push(() => report.stop());
    }

    // Sealed segments are read only when a query reaches them: check them all once, in the
    // background (one at a time, pausing between them). Start-up does not wait for it.
    // Off the event loop: parsing a segment on the main thread delayed the requests meanwhile;
    // while it runs, the worker also reads segments for the label-free estimate.
    const check = OffThreadSegmentCheck.open(dataDir, config.storage.segment_max_bytes) ?? undefined;
    if (check) tracker.store.readOutcomesWith(check);
    const verifier = new SegmentVerifier({
      store: tracker.store,
      logger: logger.child('storage'),
      check,
      // After the first queries a restart brings (the dashboard, the sensors' first evaluation).
      startDelayMs: config.storage.segment_check_delay_s * 1000,
      onUnreadable: (file, reason) =>
        problems.report(`file:${file}`, {
          kind: 'unreadable_file',
          file,
          message: `${file} is unreadable (${reason}); its predictions are missing from listings. Stop the service and run "hap ml-metrics doctor", then "hap ml-metrics repair"`,
        }),
    });
    verifier.start();
    stops.push(() => verifier.stop());

    return { tracker, url: address.url, hub, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { z } from 'zod';
import type { CliIo } from './cli-io.js';
import {
  parseBreakdownArgs,
  parseCalibrationArgs,
  parseCompareArgs,
  parseDriftArgs,
  parseExportArgs,
  parseModelName,
  parsePerformanceArgs,
  parsePredictionsArgs,
  parseServeOptions,
  parseSlicesArgs,
  parseTrendArgs,
} from './cli-options.js';
import { runReadCommand } from './read-command.js';
import { renderBreakdown } from './render-breakdown.js';
import { renderCalibration } from './render-calibration.js';
import { renderComparison } from './render-comparison.js';
import { renderDrift } from './render-drift.js';
import { renderModelList } from './render-model-list.js';
import { renderPerformance } from './render-performance.js';
import { renderPredictions } from './render-predictions.js';
import { renderSlices } from './render-slices.js';
import { renderTraining } from './render-training.js';
import { renderTrend } from './render-trend.js';
import { renderVersions } from './render-versions.js';
import { addExperimentCommands } from './experiment-commands.js';
import { addReportCommand } from './report-command.js';

export interface ProgramContext {
  io: CliIo;
  /** Records the exit code of a command that ends with one (`serve`). */
  setExitCode: (code: number) => void;
}

/** The package's version (package.json sits two folders up from src/cli and dist/cli). */
const PACKAGE_VERSION = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'), 'utf8'))).version;

const EXAMPLES = `
Examples:
  hap ml-metrics list
  hap ml-metrics performance voice_recognition --window 7d
  hap ml-metrics predictions voice_recognition --limit 50
  hap ml-metrics training voice_recognition
  hap ml-metrics versions voice_recognition
  hap ml-metrics compare voice_recognition --version-a 1.0 --version-b 1.1
  hap ml-metrics breakdown automations --by automation --window 7d
  hap ml-metrics trend voice_recognition --bucket 1d --since 2024-01-01T00:00:00Z
  hap ml-metrics experiment create --name "Voice v2" --model voice_recognition --version-a 1.0 --version-b 2.0 --url http://localhost:8000
  hap ml-metrics experiments
  hap ml-metrics drift voice_recognition --since 2026-11-23T00:00:00Z
  hap ml-metrics calibration voice_recognition --bins 10 --window 7d
  hap ml-metrics slices voice_recognition --by context.device
  hap ml-metrics export voice_recognition --format csv > voice.csv
  hap ml-metrics report --since 7d --format html --out report.html
  hap ml-metrics doctor --data-dir ./data
  hap ml-metrics list --url http://localhost:8000 --json

Environment:
  ML_METRICS_DATA_DIR    data directory when --data-dir is not given (else ./data)
  ML_METRICS_CONFIG      configuration file when --config is not given
  ML_METRICS_API_TOKEN   sent as a bearer token with --url
  HAP_DEBUG=1            stack traces and store logs on errors`;

/** `--data-dir`, `--config` and `--json`: what `doctor` and `repair`, which read the files, take. */
function withStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--data-dir <dir>', 'the service\'s data directory (default: $ML_METRICS_DATA_DIR or ./data)'),
    )
    .option('--config <file>', 'configuration file with targets and label keys, over the shipped one (default: $ML_METRICS_CONFIG)')
    .option('--json', 'print the REST API\'s JSON document instead of tables');
}

/** The store options and `--url`, on every command that reads metrics. */
function withReadOptions(command: Command): Command {
  return withStoreOptions(command).addOption(
    new Option('--url <url>', 'read a running service instead, e.g. http://localhost:8000').conflicts(['dataDir', 'config']),
  );
}

/** The `hap` command tree. Actions throw; runCli turns errors into one line and an exit code. */
export function buildProgram({ io, setExitCode }: ProgramContext): Command {
  const program = new Command('hap')
    .description('Home Assistant platform command line')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // runCli prints commander's errors itself, as one `hap: ...` line.
      outputError: () => undefined,
    })
    .showSuggestionAfterError(true)
    // `hap --version` only: after a command, --version is that command's (`performance --version 1.1`).
    .enablePositionalOptions()
    .version(PACKAGE_VERSION, '-V, --version', 'print the version');

  const metrics = program
    .command('ml-metrics')
    .description('how well the machine-learning models are doing: predictions, metrics, training, comparisons')
    .addHelpText('after', EXAMPLES);

  withReadOptions(metrics.command('list').description('list tracked models with their headline metrics')).action(
    (options: Record<string, unknown>) =>
      runReadCommand(options, io, (source) => source.listModels(), (document) => renderModelList(document.models)),
  );

  withReadOptions(
    metrics
      .command('performance')
      .description('metrics of one model version: accuracy with its interval, precision, recall, F1, targets')
      .argument('<name>', 'model name, e.g. voice_recognition')
      .option('--version <version>', 'model version (default: current_version, else the highest)')
      .option('--window <window>', 'all, a duration (30m, 12h, 7d, 2w) or the last N labeled predictions (500)')
      .option('--since <time>', 'only predictions from this ISO 8601 time, e.g. 2024-01-15T00:00:00Z')
      .option('--until <time>', 'only predictions before this ISO 8601 time'),
  ).action((name: string, options: Record<string, unknown> & { version?: string; window?: string; since?: string; until?: string }) => {
    const modelName = parseModelName(name);
    const query = parsePerformanceArgs({
      version: options.version,
      window: options.window,
      since: options.since,
      until: options.until,
    });
    return runReadCommand(options, io, (source) => source.getPerformance(modelName, query), renderPerformance);
  });

  withReadOptions(
    metrics
      .command('predictions')
      .description('logged predictions of a model, newest first')
      .argument('<name>', 'model name')
      .option('--limit <n>', 'predictions per page, 1 to 1000', '50')
      .option('--cursor <cursor>', 'the cursor printed under the previous page')
      .option('--version <version>', 'only this model version'),
  ).action((name: string, options: Record<string, unknown> & { limit?: string; cursor?: string; version?: string }) => {
    const modelName = parseModelName(name);
    const query = parsePredictionsArgs({ limit: options.limit, cursor: options.cursor, version: options.version });
    return runReadCommand(
      options,
      io,
      (source) => source.getPredictions(modelName, query),
      (page) =>
        renderPredictions(page, {
          limit: query.limit,
          version: query.version,
          url: typeof options['url'] === 'string' ? options['url'] : undefined,
          dataDir: typeof options['dataDir'] === 'string' ? options['dataDir'] : undefined,
        }),
    );
  });

  withReadOptions(
    metrics.command('training').description('training sessions of a model, newest first').argument('<name>', 'model name'),
  ).action((name: string, options: Record<string, unknown>) => {
    const modelName = parseModelName(name);
    return runReadCommand(
      options,
      io,
      (source) => source.getTrainingHistory(modelName),
      (history) => renderTraining(history.model_name, history.sessions),
    );
  });

  withReadOptions(
    metrics
      .command('versions')
      .description("a model's versions registry: first and last seen, counts, accuracy, training sessions, the default one")
      .argument('<name>', 'model name'),
  ).action((name: string, options: Record<string, unknown>) => {
    const modelName = parseModelName(name);
    return runReadCommand(options, io, (source) => source.listVersions(modelName), renderVersions);
  });

  withReadOptions(
    metrics
      .command('compare')
      .description('compare two versions of a model: deltas, winner, significance')
      .argument('<name>', 'model name')
      .requiredOption('--version-a <version>', 'the baseline version')
      .requiredOption('--version-b <version>', 'the candidate version')
      .option('--window <window>', 'all, a duration (30m, 12h, 7d, 2w) or the last N labeled predictions'),
  ).action((name: string, options: Record<string, unknown> & { versionA?: string; versionB?: string; window?: string }) => {
    const modelName = parseModelName(name);
    const query = parseCompareArgs({ versionA: options.versionA, versionB: options.versionB, window: options.window });
    // Read from the data directory, the store is read-only: the comparison is computed, not stored.
    const stored = options['url'] !== undefined;
    return runReadCommand(options, io, (source) => source.compareVersions(modelName, query), (comparison) => renderComparison(comparison, { stored }));
  });

  withReadOptions(
    metrics
      .command('breakdown')
      .description('counts and accuracy per value of a context key (e.g. per automation), from the raw records')
      .argument('<name>', 'model name, e.g. automations')
      .requiredOption('--by <key>', 'the context key to group by, e.g. automation')
      .option('--window <window>', 'all, a duration (30m, 12h, 7d, 2w) or the last N labeled predictions (500)')
      .option('--version <version>', 'model version (default: current_version, else the highest)'),
  ).action((name: string, options: Record<string, unknown> & { by?: string; window?: string; version?: string }) => {
    const modelName = parseModelName(name);
    const query = parseBreakdownArgs({ by: options.by, window: options.window, version: options.version });
    return runReadCommand(options, io, (source) => source.getBreakdown(modelName, query), renderBreakdown);
  });

  withReadOptions(
    metrics
      .command('trend')
      .description('metrics over time: a sparkline per metric, one character per hour, UTC day or ISO week')
      .argument('<name>', 'model name')
      .option('--bucket <bucket>', '1h, 1d or 1w (ISO week from Monday)', '1d')
      .option('--since <time>', 'first bucket: the one holding this ISO 8601 time (default: 30 days, 48 hours or 26 weeks back)')
      .option('--until <time>', 'last bucket: the one holding the instant before this time (default: now)')
      .option('--version <version>', 'model version (default: current_version, else the highest)'),
  ).action((name: string, options: Record<string, unknown> & { bucket?: string; since?: string; until?: string; version?: string }) => {
    const modelName = parseModelName(name);
    const query = parseTrendArgs({ bucket: options.bucket, since: options.since, until: options.until, version: options.version });
    return runReadCommand(options, io, (source) => source.getTimeseries(modelName, query), renderTrend);
  });
  addExperimentCommands(metrics, io, withReadOptions);
  addReportCommand(metrics, io, withReadOptions);
  withReadOptions(
    metrics
      .command('drift')
      .description('drift of the current window against a reference window: confidences, predicted labels, accuracy, change points')
      .argument('<name>', 'model name, e.g. voice_recognition')
      .option('--since <time>', 'start of the current window, ISO 8601 (default: the sensors window back from --until)')
      .option('--until <time>', 'end of the current window, excluded (default: now)')
      .option('--reference-since <time>', 'start of the reference window (default: as long before --reference-until as the current window is long)')
      .option('--reference-until <time>', 'end of the reference window, excluded (default: the start of the current window)')
      .option('--version <version>', 'model version (default: current_version, else the highest)'),
  ).action((name: string, options: Record<string, unknown> & { since?: string; until?: string; referenceSince?: string; referenceUntil?: string; version?: string }) => {
    const modelName = parseModelName(name);
    const query = parseDriftArgs({ version: options.version, since: options.since, until: options.until, referenceSince: options.referenceSince, referenceUntil: options.referenceUntil });
    return runReadCommand(options, io, (source) => source.getDrift(modelName, query), renderDrift);
  });

  type WindowFlags = { version?: string; window?: string; since?: string; until?: string };
  const windowFlags = (command: Command) =>
    command
      .option('--version <version>', 'model version (default: current_version, else the highest)')
      .option('--window <window>', 'all, a duration (30m, 12h, 7d, 2w) or the last N labeled predictions (500)')
      .option('--since <time>', 'only predictions from this ISO 8601 time, e.g. 2024-01-15T00:00:00Z')
      .option('--until <time>', 'only predictions before this ISO 8601 time');

  withReadOptions(
    windowFlags(
      metrics
        .command('calibration')
        .description('how far confidence is from accuracy: equal-width confidence bins, ECE and Brier score, from the raw records')
        .argument('<name>', 'model name, e.g. voice_recognition')
        .option('--bins <n>', 'equal-width confidence bins on [0, 1], 1 to 100', '10'),
    ),
  ).action((name: string, options: Record<string, unknown> & WindowFlags & { bins?: string }) => {
    const modelName = parseModelName(name);
    const query = parseCalibrationArgs({ bins: options.bins, version: options.version, window: options.window, since: options.since, until: options.until });
    return runReadCommand(options, io, (source) => source.getCalibration(modelName, query), renderCalibration);
  });

  withReadOptions(
    windowFlags(
      metrics
        .command('slices')
        .description('metrics per value of a field (context.device, input_data.room, model_version), largest first, from the raw records')
        .argument('<name>', 'model name, e.g. voice_recognition')
        .requiredOption('--by <path>', 'context.<key>, input_data.<key> (dots go deeper) or model_version')
        .option('--limit <n>', 'values listed one by one, 1 to 100; the rest are folded into (other)', '20'),
    ),
  ).action((name: string, options: Record<string, unknown> & WindowFlags & { by?: string; limit?: string }) => {
    const modelName = parseModelName(name);
    const { by, limit, version, window, since, until } = options;
    const query = parseSlicesArgs({ by, limit, version, window, since, until });
    return runReadCommand(options, io, (source) => source.getSlices(modelName, query), renderSlices);
  });

  metrics
    .command('export')
    .description('every stored prediction of a model, in the order stored, as CSV or JSON lines on standard output')
    .argument('<name>', 'model name')
    .option('--format <format>', 'csv (a header row, then one row per prediction) or jsonl (one record per line)', 'csv')
    .option('--version <version>', 'only this model version (default: every version)')
    .option('--since <time>', 'only predictions made at or after this ISO 8601 time')
    .option('--until <time>', 'only predictions made before this ISO 8601 time')
    .addOption(new Option('--data-dir <dir>', "the service's data directory (default: $ML_METRICS_DATA_DIR or ./data)"))
    .option('--config <file>', 'configuration file with label keys, over the shipped one (default: $ML_METRICS_CONFIG)')
    .addOption(new Option('--url <url>', 'read a running service instead, e.g. http://localhost:8000').conflicts(['dataDir', 'config']))
    .action(async (name: string, options: Record<string, unknown> & { format?: string; version?: string; since?: string; until?: string }) => {
      const modelName = parseModelName(name);
      const query = parseExportArgs({ format: options.format, version: options.version, since: options.since, until: options.until });
      const { format: _format, version: _version, since: _since, until: _until, ...sourceOptions } = options;
      const { runExport } = await import('./export-command.js');
      await runExport(modelName, query, sourceOptions, io);
    });

  withStoreOptions(
    metrics.command('doctor').description('check every file of the store; names each problem (exit 1 when there is any)'),
  ).action(async (options: Record<string, unknown>) => {
    const { runDoctor } = await import('./store-commands.js');
    setExitCode(await runDoctor(options, io));
  });

  withStoreOptions(
    metrics.command('repair').description('move unreadable files aside (never deleting them) and rebuild the aggregates; the service must be stopped'),
  ).action(async (options: Record<string, unknown>) => {
    const { runRepair } = await import('./store-commands.js');
    setExitCode(await runRepair(options, io));
  });

  metrics
    .command('serve')
    .description('run the service: REST API, hub integration, sensors (until SIGTERM or SIGINT)')
    .option('--port <port>', 'REST API port (default: from the configuration, 8000)')
    .option('--host <host>', 'REST API address (default: from the configuration, 127.0.0.1)')
    .option('--data-dir <dir>', 'data directory (default: $ML_METRICS_DATA_DIR, the configuration, ./data)')
    .option('--config <file>', 'configuration file (JSON)')
    .option('--insecure', 'allow a non-loopback --host without ML_METRICS_API_TOKEN')
    .action(async (options: { port?: string; host?: string; dataDir?: string; config?: string; insecure?: boolean }) => {
      const flags = parseServeOptions({
        port: options.port,
        host: options.host,
        dataDir: options.dataDir,
        configPath: options.config,
        insecure: options.insecure,
      });
      // Loaded only here, so the read commands never load the server.
      const { runService } = await import('../run-service.js');
      setExitCode(await runService(flags, io.env));
    });

  return program;
}

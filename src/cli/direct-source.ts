import { stat } from 'node:fs/promises';
import type { Config } from '../config/config-schema.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { getCalibration } from '../tracker/build-calibration.js';
import { getSlices } from '../tracker/build-slices.js';
import { NotFoundError } from '../tracker/errors.js';
import { openTracker } from '../open-tracker.js';
import { type ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import { CliError, unknownModelError } from './cli-errors.js';
import type { Answer, ExportStream, MetricsSource, ModelListDocument, TrainingHistoryDocument } from './metrics-source.js';
import { exportChunks } from '../export/export-chunks.js';
import { exportPredictions } from '../tracker/export-predictions.js';
import { describeError } from '../logging/to-error.js';
import { Experiments } from '../experiments/experiments-service.js';
import { TrackerReportSource } from '../reports/tracker-report-source.js';

function answer<T>(value: T): Answer<T> {
  return { value, json: value };
}

/** Reads the store's files through a read-only tracker; the service may be running meanwhile. */
export class DirectSource implements MetricsSource {
  constructor(
    private readonly tracker: ModelPerformanceTracker,
    private readonly experiments: Experiments,
  ) {}

  async listModels(): Promise<Answer<ModelListDocument>> {
    return answer({ models: await this.tracker.listModels() });
  }

  getPerformance(modelName: string, query: Parameters<MetricsSource['getPerformance']>[1]) {
    return this.aboutModel(modelName, async () => answer(await this.tracker.getPerformance(modelName, query)));
  }

  getPredictions(modelName: string, query: Parameters<MetricsSource['getPredictions']>[1]) {
    return this.aboutModel(modelName, async () => answer(await this.tracker.getPredictions(modelName, query)));
  }

  getTrainingHistory(modelName: string): Promise<Answer<TrainingHistoryDocument>> {
    return this.aboutModel(modelName, async () => {
      const sessions = this.tracker.getTrainingHistory(modelName);
      // A model with neither predictions nor training sessions is unknown, not merely untrained.
      if (sessions.length === 0) this.assertKnown(modelName);
      return answer({ model_name: modelName, sessions });
    });
  }

  compareVersions(modelName: string, query: Parameters<MetricsSource['compareVersions']>[1]) {
    return this.aboutModel(modelName, async () => answer(await this.tracker.compareVersions(modelName, query)));
  }

  getBreakdown(modelName: string, query: Parameters<MetricsSource['getBreakdown']>[1]) {
    return this.aboutModel(modelName, async () => answer(await this.tracker.getBreakdown(modelName, query)));
  }

  getCalibration(modelName: string, query: Parameters<MetricsSource['getCalibration']>[1]) {
    return this.aboutModel(modelName, async () => answer(await getCalibration(this.tracker, modelName, query)));
  }

  getSlices(modelName: string, query: Parameters<MetricsSource['getSlices']>[1]) {
    return this.aboutModel(modelName, async () => answer(await getSlices(this.tracker, modelName, query)));
  }

  getTimeseries(modelName: string, query: Parameters<MetricsSource['getTimeseries']>[1]) {
    return this.aboutModel(modelName, async () => answer(await this.tracker.getTimeseries(modelName, query)));
  }

  listVersions(modelName: string) {
    return this.aboutModel(modelName, async () => answer(this.tracker.listVersions(modelName)));
  }

  reportSource() {
    return new TrackerReportSource(this.tracker, () => this.experiments.list());
  }

  async listExperiments() {
    return answer({ experiments: await this.experiments.list() });
  }

  async getExperiment(id: string) {
    return answer(await this.experiments.get(id));
  }

  createExperiment(): Promise<never> {
    return Promise.reject(writeNeedsService('create an experiment'));
  }

  stopExperiment(): Promise<never> {
    return Promise.reject(writeNeedsService('stop an experiment'));
  }

  async assignExperiment(id: string, unit: string) {
    return answer(this.experiments.assign(id, { unit }));
  }

  getDrift(modelName: string, query: Parameters<MetricsSource['getDrift']>[1]) {
    return this.aboutModel(modelName, async () => answer(await this.tracker.getDrift(modelName, query)));
  }

  exportPredictions(modelName: string, query: Parameters<MetricsSource['exportPredictions']>[1]): Promise<ExportStream> {
    return this.aboutModel(modelName, async () => {
      const exported = await exportPredictions(this.tracker, modelName, query);
      return { chunks: exportChunks(exported.records, exported.format), expected_records: exported.expected_records };
    });
  }

  close(): Promise<void> {
    return this.tracker.close();
  }

  /** Turns the tracker's "not found" into the CLI's message when it is the model that is missing. */
  private async aboutModel<T>(modelName: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof NotFoundError) this.assertKnown(modelName);
      throw error;
    }
  }

  private assertKnown(modelName: string): void {
    const known = this.tracker.modelNames();
    if (!known.includes(modelName)) throw unknownModelError(modelName, known);
  }
}

function writeNeedsService(what: string): CliError {
  return new CliError(`to ${what}, ask the running service: add --url http://127.0.0.1:8000 (the data directory is read-only to the CLI)`);
}

/**
 * Opens `dataDir` read-only. A missing directory is an error here, before the tracker is asked,
 * because a read-only open must not create it.
 */
export async function openDirectSource(options: { dataDir: string; config?: Config; logger?: Logger }): Promise<DirectSource> {
  const { dataDir, config, logger = silentLogger } = options;
  const info = await stat(dataDir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read the data directory ${dataDir}: ${describeError(error)}`);
  });
  if (info === null) {
    throw new CliError(`no data directory at ${dataDir}; start the service first or pass --data-dir`);
  }
  if (!info.isDirectory()) {
    throw new CliError(`${dataDir} is not a directory; pass --data-dir with the service's data directory`);
  }
  const tracker = await openTracker({ dataDir, readOnly: true, logger, ...(config ? { config } : {}) });
  try {
    return new DirectSource(tracker, await Experiments.open({ dataDir, tracker, logger, readOnly: true }));
  } catch (error) {
    await tracker.close();
    throw error;
  }
}

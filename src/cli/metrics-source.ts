import type { Breakdown } from '../domain/breakdown.js';
import type { Calibration } from '../domain/calibration.js';
import type { Slices } from '../domain/slices.js';
import type { ModelComparison } from '../domain/comparison.js';
import type { Drift } from '../domain/drift.js';
import type { ModelPerformance } from '../domain/performance.js';
import type { PredictionPage } from '../domain/responses.js';
import type { ModelVersionList } from '../domain/versions.js';
import type { Assignment, ExperimentReport } from '../domain/experiments.js';
import type { ReportSource } from '../reports/report-source.js';
import type { z } from 'zod';
import type { ModelListResponseSchema, TrainingHistoryResponseSchema } from '../domain/responses.js';
import type { Timeseries } from '../domain/timeseries.js';
import type { BreakdownArgs, CalibrationArgs, CompareArgs, DriftArgs, ExportArgs, PerformanceArgs, PredictionsArgs, SlicesArgs, TrendArgs } from './cli-options.js';

/** What a source answered: the checked value to render, and the JSON document to print with `--json`. */
/** `GET /models`. */
export type ModelListDocument = z.infer<typeof ModelListResponseSchema>;
/** `GET /models/{name}/training`, newest first. */
export type TrainingHistoryDocument = z.infer<typeof TrainingHistoryResponseSchema>;

/** An export on its way: the text in pieces, and at most how many records it holds (null: not said). */
export interface ExportStream {
  chunks: AsyncIterable<string | Uint8Array>;
  expected_records: number | null;
}

export interface Answer<T> {
  value: T;
  json: unknown;
}

/**
 * Where the CLI reads from: the store's files (direct) or a running service (`--url`). Both
 * answer with the documents of the REST API; an unknown model is reported the same way by both.
 */
export interface MetricsSource {
  listModels(): Promise<Answer<ModelListDocument>>;
  getPerformance(modelName: string, query: PerformanceArgs): Promise<Answer<ModelPerformance>>;
  getPredictions(modelName: string, query: PredictionsArgs): Promise<Answer<PredictionPage>>;
  getTrainingHistory(modelName: string): Promise<Answer<TrainingHistoryDocument>>;
  compareVersions(modelName: string, query: CompareArgs): Promise<Answer<ModelComparison>>;
  getBreakdown(modelName: string, query: BreakdownArgs): Promise<Answer<Breakdown>>;
  getCalibration(modelName: string, query: CalibrationArgs): Promise<Answer<Calibration>>;
  getSlices(modelName: string, query: SlicesArgs): Promise<Answer<Slices>>;
  getTimeseries(modelName: string, query: TrendArgs): Promise<Answer<Timeseries>>;
  listVersions(modelName: string): Promise<Answer<ModelVersionList>>;
  listExperiments(): Promise<Answer<{ experiments: ExperimentReport[] }>>;
  getExperiment(id: string): Promise<Answer<ExperimentReport>>;
  /** Writes: a running service only (`--url`); the files are read-only to the CLI. */
  createExperiment(input: Record<string, unknown>): Promise<Answer<ExperimentReport>>;
  stopExperiment(id: string): Promise<Answer<ExperimentReport>>;
  assignExperiment(id: string, unit: string): Promise<Answer<Assignment>>;
  getDrift(modelName: string, query: DriftArgs): Promise<Answer<Drift>>;
  /** `GET /models/{name}/export`: CSV or JSON lines, streamed. */
  exportPredictions(modelName: string, query: ExportArgs): Promise<ExportStream>;
  /** The report's reads, where this source has a cheaper way than its queries (the data directory: the aggregates). */
  reportSource?(): ReportSource;
  close(): Promise<void>;
}

import { randomUUID } from 'node:crypto';
import { BreakdownQuerySchema, type Breakdown, type BreakdownQuery } from '../domain/breakdown.js';
import type { ModelComparison } from '../domain/comparison.js';
import type { ModelPerformance, ModelSummary } from '../domain/performance.js';
import type { GroundTruthInput, LoggedPrediction, PredictionInput, PredictionLog } from '../domain/prediction.js';
import { GroundTruthInputSchema } from '../domain/prediction.js';
import { CompareQuerySchema, PerformanceQuerySchema, PredictionsQuerySchema, type CompareQuery, type PerformanceQuery, type PredictionsQuery } from '../domain/queries.js';
import type { PredictionPage, TrackerHealth } from '../domain/responses.js';
import { TimeseriesQuerySchema, type Timeseries, type TimeseriesQuery } from '../domain/timeseries.js';
import type { TrainingInput, TrainingLog } from '../domain/training.js';
import type { ModelVersionList, VersionRegistration } from '../domain/versions.js';
import { TrainingInputSchema } from '../domain/training.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { JsonLogStore } from '../storage/json-log-store.js';
import type { PredictionStore } from '../storage/prediction-store.js';
import { buildBreakdown } from './build-breakdown.js';
import { buildComparison } from './build-comparison.js';
import { readDrift, type DriftSources } from './read-drift.js';
import { buildTimeseries } from './build-timeseries.js';
import { newRecord, withLabel } from './build-record.js';
import { ConflictError, NotFoundError, StorageUnavailableError } from './errors.js';
import { EstimateCache } from './estimate-cache.js';
import { estimateWindowAccuracy } from './estimate-window-accuracy.js';
import type { LabelResolver } from './label-resolver.js';
import type { ModelVersions } from './model-summaries.js';
import { modelVersions, summarizeModel } from './model-summaries.js';
import { pairOutcomes } from './paired-outcomes.js';
import { findRecentPredictions, pagePredictions } from './read-predictions.js';
import { checkPredictionId, parseInput, parseModelName, parsePredictionInput } from './parse-input.js';
import { ParsedQueries } from './parsed-queries.js';
import { throughStore } from './storage-failure.js';
import type { TrackerConfig } from './tracker-config.js';
import { PerformanceAnswers } from './performance-answers.js';
import { resolveWindow, type ResolvedWindow } from './window.js';
import type { VersionRegistry } from './version-registry.js';

/** Which model version a stored prediction or label changed. */
export interface TrackerChange {
  model_name: string;
  model_version: string;
  kind: 'prediction' | 'label';
}

/** What the tracker is built from (see `openTracker`, which builds them). */
export interface TrackerParts {
  config: TrackerConfig;
  store: PredictionStore;
  training: JsonLogStore<TrainingLog>;
  comparisons: JsonLogStore<ModelComparison>;
  /** The versions registry (versions.json). */
  registry: VersionRegistry;
  labels: LabelResolver;
  now: () => Date;
  logger: Logger;
  dataDir: string;
  /** Opened read-only (the CLI beside a running service): computes, stores nothing. */
  readOnly: boolean;
  driftWindow?: string;
  /** Keep the figures of recent performance answers (default true; false: every answer is computed, as benchmarks of the computation want). */
  keepAnswers?: boolean;
}

/**
 * The application service: everything the REST API, the CLI and the hub integration do goes
 * through it. Inputs are `unknown` and validated here (zod); errors are TrackerError subclasses.
 * It is handed its store and logs; `openTracker` (src/open-tracker.ts) builds them.
 */
export class ModelPerformanceTracker {
  readonly #config: TrackerConfig;
  readonly #store: PredictionStore;
  readonly #training: JsonLogStore<TrainingLog>;
  readonly #comparisons: JsonLogStore<ModelComparison>;
  readonly #registry: VersionRegistry;
  readonly #labels: LabelResolver;
  readonly #now: () => Date;
  readonly #logger: Logger;
  readonly #dataDir: string;
  readonly #readOnly: boolean;
  readonly #drift: DriftSources;
  readonly #listeners = new Set<(change: TrackerChange) => void>();
  /** Label-free estimates of recent answers: recomputed after a change of their model version, or after a minute. */
  readonly #estimates = new EstimateCache({ maxAgeMs: 60_000 });
  /** Figures of recent performance answers, reused while what they were computed from is unchanged (performance-answers.ts). */
  readonly #answers: PerformanceAnswers;
  /** Query parses, kept by the query's text (parsed-queries.ts). */
  readonly #queries = new ParsedQueries();
  /** Each model's sorted versions, while the aggregates and the training log are unchanged (every query needs them; sorting is the natural order's string work). */
  readonly #versionLists = new Map<string, { changes: number; trained: readonly TrainingLog[]; value: ModelVersions }>();

  constructor(parts: TrackerParts) {
    this.#config = parts.config;
    this.#store = parts.store;
    this.#training = parts.training;
    this.#comparisons = parts.comparisons;
    this.#registry = parts.registry;
    this.#labels = parts.labels;
    this.#now = parts.now;
    this.#logger = parts.logger;
    this.#dataDir = parts.dataDir;
    this.#readOnly = parts.readOnly;
    this.#drift = { store: parts.store, labels: parts.labels, driftWindow: parts.driftWindow };
    this.#answers = new PerformanceAnswers({ source: parts.store, contribute: parts.labels.contribute, keep: parts.keepAnswers ?? true });
  }

  get config(): TrackerConfig {
    return this.#config;
  }

  /** The underlying store (maintenance: retention, aggregate checks, benchmarks). */
  get store(): PredictionStore {
    return this.#store;
  }

  // ---------------------------------------------------------------- predictions

  /** Validates and durably stores a prediction; resolves only once it is on disk. */
  async logPrediction(input: PredictionInput | unknown): Promise<LoggedPrediction> {
    const record = newRecord(parsePredictionInput(input), this.#labels, this.#now());
    await throughStore(() => this.#store.insert(record));
    // Usually a known version: nothing to wait for (and no turn of the microtask queue).
    const registering = this.#register(record.model_name, record.model_version, record.timestamp, 'prediction');
    if (registering) await registering;
    this.#notify({ model_name: record.model_name, model_version: record.model_version, kind: 'prediction' });
    return { prediction_id: record.prediction_id, correct: record.correct };
  }

  /** Sets (or replaces) a prediction's ground truth; resolves with the updated record once on disk. */
  async recordGroundTruth(
    predictionId: string,
    input: GroundTruthInput | unknown,
    options: { onlyIfUnlabeled?: boolean } = {},
  ): Promise<PredictionLog> {
    checkPredictionId(predictionId);
    const parsed = parseInput(GroundTruthInputSchema, input, 'ground truth');
    const labeledAt = parsed.labeled_at ?? this.#now().toISOString();
    const onlyIfUnlabeled = options.onlyIfUnlabeled ?? false;
    const updated = await throughStore(() =>
      this.#store.label(predictionId, (record) => withLabel(record, parsed, labeledAt, this.#labels, onlyIfUnlabeled)),
    );
    this.#notify({ model_name: updated.model_name, model_version: updated.model_version, kind: 'label' });
    return updated;
  }

  /** A stored record's outcome as the metrics count it (class keys of truth and prediction); null when unlabeled. */
  outcomeOf(record: PredictionLog): { correct: boolean; truth: string | null; predicted: string } | null {
    return this.#labels.contribute(record).outcome;
  }

  /** Calls `listener` after each stored prediction or label; returns the unsubscribe function. */
  onChange(listener: (change: TrackerChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(change: TrackerChange): void {
    this.#estimates.changed(change.model_name, change.model_version);
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.error('a change listener failed', { error: describeError(error) });
      }
    }
  }

  /** Newest timestamp first, paged with `cursor` (the seq of the last record of the previous page). */
  async getPredictions(modelName: string, query?: PredictionsQuery | unknown): Promise<PredictionPage> {
    const name = this.#knownModel(modelName);
    const parsed = this.#queries.parse(PredictionsQuerySchema, query, 'query');
    return throughStore(() => pagePredictions(this.#store, name, parsed));
  }

  /** Stored predictions stamped at or after `since`, newest first, that pass `match` (at most `limit`). */
  findRecent(since: string, match: (record: PredictionLog) => boolean, limit = 100): Promise<PredictionLog[]> {
    return throughStore(() => findRecentPredictions(this.#store, since, match, limit));
  }

  /** The stored prediction with this id, or null. */
  getPrediction(predictionId: string): Promise<PredictionLog | null> {
    return throughStore(() => this.#store.get(predictionId));
  }

  // ---------------------------------------------------------------- metrics

  /** Every model (with predictions or training sessions), sorted by name. */
  modelNames(): string[] {
    const names = new Set(this.#store.aggregates.models());
    for (const entry of this.#training.entries) names.add(entry.model_name);
    return [...names].sort();
  }

  /** Every model with a summary: its default version's figures over the default window (those of `getPerformance`). */
  async listModels(): Promise<ModelSummary[]> {
    const summaries: ModelSummary[] = [];
    for (const name of this.modelNames()) {
      summaries.push(summarizeModel(await this.getPerformance(name), this.#store.aggregates.versions(name)));
    }
    return summaries;
  }

  /** Metrics of one model version (default: `current_version`, else the highest) over a window (default: the configured one). */
  async getPerformance(modelName: string, query?: PerformanceQuery | unknown): Promise<ModelPerformance> {
    const name = this.#knownModel(modelName);
    const parsed = this.#queries.parse(PerformanceQuerySchema, query, 'query');
    const { versions } = this.#versions(name);
    const version = this.#knownVersion(name, parsed.version);
    const now = this.#now();
    const window = resolveWindow(parsed.window ?? this.#config.default_window, parsed.since, parsed.until, now);
    const windowKey = JSON.stringify([parsed.window ?? this.#config.default_window, parsed.since ?? null, parsed.until ?? null]);
    const subject = { model_name: name, model_version: version, versions, window, windowKey, model: this.#config.models[name], now };
    const { key, count } = await throughStore(() => this.#answers.content(subject));
    const estimate = await this.#estimates.get(name, version, windowKey, now, () =>
      estimateWindowAccuracy(this.#store, { model_name: name, model_version: version, window }, this.#logger),
    );
    return throughStore(() => this.#answers.answer(subject, key, count, estimate));
  }

  /** Model, version (null: every version, with `anyVersion` and none asked) and window of a query, resolved as getPerformance does. */
  windowQuery(modelName: string, query: PerformanceQuery & { version?: string }, anyVersion = false): { name: string; version: string | null; window: ResolvedWindow } {
    const name = this.#knownModel(modelName);
    const version = anyVersion && query.version === undefined ? null : this.#knownVersion(name, query.version);
    return { name, version, window: resolveWindow(query.window ?? this.#config.default_window, query.since, query.until, this.#now()) };
  }

  /** One model version's metrics per hour, day or ISO week, from the hourly aggregates. */
  async getTimeseries(modelName: string, query?: TimeseriesQuery | unknown): Promise<Timeseries> {
    const name = this.#knownModel(modelName);
    const parsed = this.#queries.parse(TimeseriesQuerySchema, query, 'query');
    const version = this.#knownVersion(name, parsed.version);
    return buildTimeseries(this.#store.aggregates, parsed, { model_name: name, model_version: version, versions: this.#versions(name).versions, model: this.#config.models[name], now: this.#now() });
  }

  /**
   * Counts and accuracy per value of `context[by]` for one model version over a window, from the
   * raw records (newest first): only predictions whose raw records retention kept are counted.
   */
  async getBreakdown(modelName: string, query?: BreakdownQuery | unknown): Promise<Breakdown> {
    const name = this.#knownModel(modelName);
    const parsed = this.#queries.parse(BreakdownQuerySchema, query, 'query');
    const version = this.#knownVersion(name, parsed.version);
    const window = resolveWindow(parsed.window ?? this.#config.default_window, undefined, undefined, this.#now());
    return throughStore(() => buildBreakdown(this.#store.newestFirst({ model: name }), { model_name: name, model_version: version, by: parsed.by, window }));
  }

  /** Drift of one model version: two windows of its raw records compared (read-drift.ts; the query is validated there). */
  async getDrift(modelName: string, query?: unknown) {
    const name = this.#knownModel(modelName);
    return readDrift(this.#drift, name, query, this.#now(), (asked) => this.#knownVersion(name, asked));
  }

  // ---------------------------------------------------------------- training and comparison

  /** Stores a training session (the seed's body). */
  async logTraining(input: TrainingInput | unknown): Promise<TrainingLog> {
    const parsed = parseInput(TrainingInputSchema, input, 'training session');
    if (this.#readOnly) throw new StorageUnavailableError('the store was opened read-only');
    const now = this.#now();
    const session: TrainingLog = {
      ...parsed,
      training_session_id: parsed.training_session_id ?? `train_${now.toISOString().slice(0, 10).replaceAll('-', '')}_${randomUUID().slice(0, 8)}`,
      timestamp: parsed.timestamp ?? now.toISOString(),
    };
    try {
      await this.#training.append(session, (entries) => {
        if (entries.some((entry) => entry.training_session_id === session.training_session_id)) {
          throw new ConflictError(`training_session_id "${session.training_session_id}" is already stored`);
        }
      });
    } catch (error) {
      if (error instanceof ConflictError) throw error;
      throw new StorageUnavailableError(`could not store the training session: ${describeError(error)}`);
    }
    await this.#register(session.model_name, session.model_version, session.timestamp, 'training');
    return session;
  }

  /** Newest first. */
  getTrainingHistory(modelName: string): TrainingLog[] {
    const name = parseModelName(modelName);
    const sessions = this.#training.entries.filter((entry) => entry.model_name === name);
    if (sessions.length === 0 && !this.#store.aggregates.models().includes(name)) this.#knownModel(name);
    return sessions.slice().sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
  }

  /** Compares two versions, stores the comparison and returns it. */
  async compareVersions(modelName: string, query: CompareQuery | unknown): Promise<ModelComparison> {
    const name = this.#knownModel(modelName);
    const parsed = this.#queries.parse(CompareQuerySchema, query, 'comparison');
    const window = parsed.window === undefined ? {} : { window: parsed.window };
    const [a, b] = await Promise.all([
      this.getPerformance(name, { version: parsed.version_a, ...window }),
      this.getPerformance(name, { version: parsed.version_b, ...window }),
    ]);
    const paired = await throughStore(() => pairOutcomes(this.#store.newestFirst({ model: name }), name, parsed.version_a, parsed.version_b));
    const comparison = buildComparison(a, b, paired, this.#config.comparison, this.#now());
    // Read-only (the CLI beside a running service): computed and returned, not stored.
    if (this.#readOnly) return comparison;
    try {
      await this.#comparisons.append(comparison);
    } catch (error) {
      throw new StorageUnavailableError(`could not store the comparison: ${describeError(error)}`);
    }
    return comparison;
  }

  // ---------------------------------------------------------------- versions

  /** The model's versions registry, natural version order; 404 for an unknown model. */
  listVersions(modelName: string): ModelVersionList {
    const name = this.#knownModel(modelName);
    return this.#registry.list(name, this.#store.aggregates.versions(name), this.#training.entries, this.#versions(name).defaultVersion, this.#now());
  }

  /** Registers the versions already in the store that the registry lacks (at start; read-only does nothing). */
  async registerStoredVersions(): Promise<void> {
    if (!this.#readOnly) await this.#registry.registerMissing(this.modelNames(), (name) => this.#store.aggregates.versions(name), this.#training.entries, this.#now());
  }

  /** Registers a version the registry lacks; a known one (every prediction but a version's first) costs no clock read and no promise. */
  #register(model: string, version: string, seen: string, from: VersionRegistration['registered_from']): Promise<void> | undefined {
    if (this.#readOnly || this.#registry.has(model, version)) return undefined;
    return this.#registry.sighted(model, version, seen, from, this.#now());
  }

  /** Stored comparisons, newest first. */
  listComparisons(modelName?: string): ModelComparison[] {
    if (modelName !== undefined && !this.#comparisons.entries.some((entry) => entry.model_name === modelName)) this.#knownModel(modelName);
    return this.#comparisons.entries.filter((entry) => modelName === undefined || entry.model_name === modelName).slice().reverse();
  }

  // ---------------------------------------------------------------- lifecycle

  health(): TrackerHealth {
    const stats = this.#store.stats();
    const failure = this.#store.lastWriteFailure;
    return {
      status: failure === null ? 'ok' : 'degraded',
      models: this.#store.aggregates.models().length,
      stored_predictions: stats.stored_predictions,
      segments: stats.segments,
      data_dir: this.#dataDir,
      ...(failure === null ? {} : { reason: failure }),
    };
  }

  /** Drops raw predictions older than the configured retention (aggregates stay). */
  async applyRetention(): Promise<{ segments: number; records: number }> {
    const dropped = await this.#store.applyRetention();
    if (dropped.records > 0) this.#estimates.clear();
    return dropped;
  }

  /** Flushes pending writes and closes the store. */
  async close(): Promise<void> {
    await this.#training.flush();
    await this.#comparisons.flush();
    await this.#registry.flush();
    await this.#store.close();
    this.#logger.debug('tracker closed');
  }

  // ---------------------------------------------------------------- helpers

  /** A model with predictions or training sessions. */
  #knownModel(modelName: string): string {
    const name = parseModelName(modelName);
    // What modelNames() lists, without building and sorting the list for every query.
    if (this.#store.aggregates.models().includes(name) || this.#training.entries.some((entry) => entry.model_name === name)) return name;
    const models = this.modelNames();
    const known = models.length > 0 ? `known models: ${models.join(', ')}` : 'no model has logged a prediction yet';
    throw new NotFoundError(`no model named "${name}"; ${known}`);
  }

  /** The version asked for (default: the model's default version), which must have predictions or be the configured current one. */
  #knownVersion(model: string, asked: string | undefined): string {
    const { versions, defaultVersion } = this.#versions(model);
    const version = asked ?? defaultVersion;
    if (version !== defaultVersion && !versions.includes(version)) {
      const known = versions.length > 0 ? `known versions: ${versions.join(', ')}` : 'no version has a prediction yet';
      throw new NotFoundError(`model "${model}" has no version "${version}"; ${known}`);
    }
    return version;
  }

  /** The versions with predictions in natural order, and the default version. */
  #versions(model: string): ModelVersions {
    // Kept while what they come from is the same: the aggregates' change counter (every
    // prediction, label, summary and rebuild moves it) and the training log (a new array on each append).
    const changes = this.#store.aggregates.changes;
    const entries = this.#training.entries;
    const kept = this.#versionLists.get(model);
    if (kept && kept.changes === changes && kept.trained === entries) return kept.value;
    const trained = entries.filter((entry) => entry.model_name === model).map((entry) => entry.model_version);
    const value = modelVersions(this.#store.aggregates.versions(model), trained, this.#config.models[model]);
    Object.freeze(value.versions);
    this.#versionLists.set(model, { changes, trained: entries, value: Object.freeze(value) });
    return value;
  }
}

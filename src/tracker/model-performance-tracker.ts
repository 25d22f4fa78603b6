import { randomUUID } from 'node:crypto';
import type { Breakdown, BreakdownQuery } from '../domain/breakdown.js';
import { BreakdownQuerySchema } from '../domain/breakdown.js';
import type { ModelComparison } from '../domain/comparison.js';
import type { ModelPerformance, ModelSummary } from '../domain/performance.js';
import type { GroundTruthInput, LoggedPrediction, PredictionInput, PredictionLog } from '../domain/prediction.js';
import { GroundTruthInputSchema, PredictionInputSchema } from '../domain/prediction.js';
import type { CompareQuery, PerformanceQuery, PredictionsQuery } from '../domain/queries.js';
import { CompareQuerySchema, PerformanceQuerySchema, PredictionsQuerySchema } from '../domain/queries.js';
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
import { buildPerformance } from './build-performance.js';
import { buildTimeseries } from './build-timeseries.js';
import { buildVersionList, missingRegistrations } from './build-version-list.js';
import { newRecord, withLabel } from './build-record.js';
import { ConflictError, NotFoundError, StorageUnavailableError } from './errors.js';
import type { LabelResolver } from './label-resolver.js';
import type { ModelVersions } from './model-summaries.js';
import { modelVersions, summarizeModel } from './model-summaries.js';
import { pairOutcomes } from './paired-outcomes.js';
import { checkPredictionId, parseInput, parseModelName } from './parse-input.js';
import { throughStore } from './storage-failure.js';
import type { TrackerConfig } from './tracker-config.js';
import { countWindow } from './window-counts.js';
import { resolveWindow } from './window.js';
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
  readonly #listeners = new Set<(change: TrackerChange) => void>();

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
    const record = newRecord(parseInput(PredictionInputSchema, input, 'prediction'), this.#labels, this.#now());
    await throughStore(() => this.#store.insert(record));
    await this.#register(record.model_name, record.model_version, record.timestamp, 'prediction');
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
    const parsed = parseInput(PredictionsQuerySchema, query, 'query');
    const predictions: PredictionLog[] = [];
    let lastSeq: number | null = null;
    let more = false;
    const after = parsed.cursor === undefined ? {} : { afterSeq: Number(parsed.cursor) };
    await throughStore(async () => {
      for await (const { seq, record } of this.#store.newestFirst({ model: name, ...after })) {
        if (parsed.version !== undefined && record.model_version !== parsed.version) continue;
        if (predictions.length === parsed.limit) {
          more = true;
          break;
        }
        predictions.push(record);
        lastSeq = seq;
      }
    });
    return { model_name: name, predictions, next_cursor: more && lastSeq !== null ? String(lastSeq) : null };
  }

  /**
   * Stored predictions stamped at or after `since`, newest first, that pass `match` (at most
   * `limit`). Reads back by timestamp and stops at the first one older than `since`.
   */
  findRecent(since: string, match: (record: PredictionLog) => boolean, limit = 100): Promise<PredictionLog[]> {
    return throughStore(() => this.#findRecent(since, match, limit));
  }

  async #findRecent(since: string, match: (record: PredictionLog) => boolean, limit: number): Promise<PredictionLog[]> {
    const found: PredictionLog[] = [];
    const sinceMs = Date.parse(since);
    for await (const { record } of this.#store.newestFirst()) {
      const at = Date.parse(record.timestamp);
      if (at < sinceMs) break;
      if (match(record)) {
        found.push(record);
        if (found.length >= limit) break;
      }
    }
    return found;
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
    const parsed = parseInput(PerformanceQuerySchema, query, 'query');
    const { versions } = this.#versions(name);
    const version = this.#knownVersion(name, parsed.version);
    const now = this.#now();
    const window = resolveWindow(parsed.window ?? this.#config.default_window, parsed.since, parsed.until, now);
    const counts = await throughStore(() => countWindow(this.#store, this.#labels.contribute, name, version, window));
    return buildPerformance(counts, { model_name: name, model_version: version, versions, window: window.window, model: this.#config.models[name], now });
  }

  /** One model version's metrics per hour, day or ISO week, from the hourly aggregates. */
  async getTimeseries(modelName: string, query?: TimeseriesQuery | unknown): Promise<Timeseries> {
    const name = this.#knownModel(modelName);
    const parsed = parseInput(TimeseriesQuerySchema, query, 'query');
    const version = this.#knownVersion(name, parsed.version);
    return buildTimeseries(this.#store.aggregates, parsed, { model_name: name, model_version: version, versions: this.#versions(name).versions, model: this.#config.models[name], now: this.#now() });
  }

  /**
   * Counts and accuracy per value of `context[by]` for one model version over a window, from the
   * raw records (newest first): only predictions whose raw records retention kept are counted.
   */
  async getBreakdown(modelName: string, query?: BreakdownQuery | unknown): Promise<Breakdown> {
    const name = this.#knownModel(modelName);
    const parsed = parseInput(BreakdownQuerySchema, query, 'query');
    const version = this.#knownVersion(name, parsed.version);
    const window = resolveWindow(parsed.window ?? this.#config.default_window, undefined, undefined, this.#now());
    return throughStore(() => buildBreakdown(this.#store.newestFirst({ model: name }), { model_name: name, model_version: version, by: parsed.by, window }));
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
    const parsed = parseInput(CompareQuerySchema, query, 'comparison');
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
    const aggregates = this.#store.aggregates.versions(name);
    const training = this.#training.entries.filter((entry) => entry.model_name === name);
    const registered = this.#registry.entries.filter((entry) => entry.model_name === name);
    // Not registered yet (read-only beside a service, or a failed write): shown as the next start registers it.
    const registrations = [...registered, ...missingRegistrations(name, aggregates, training, registered, this.#now())];
    return buildVersionList(name, registrations, aggregates, training, this.#versions(name).defaultVersion);
  }

  /** Registers the versions already in the store that the registry lacks (at start; read-only does nothing). */
  async registerStoredVersions(): Promise<void> {
    if (this.#readOnly) return;
    const missing = this.modelNames().flatMap((name) =>
      missingRegistrations(
        name,
        this.#store.aggregates.versions(name),
        this.#training.entries.filter((entry) => entry.model_name === name),
        this.#registry.entries,
        this.#now(),
      ),
    );
    await this.#registry.register(missing);
  }

  async #register(model: string, version: string, seen: string, from: VersionRegistration['registered_from']): Promise<void> {
    if (this.#readOnly || this.#registry.has(model, version)) return;
    await this.#registry.register([{ model_name: model, model_version: version, first_seen: seen, registered_from: from, registered_at: this.#now().toISOString() }]);
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
  applyRetention(): Promise<{ segments: number; records: number }> {
    return this.#store.applyRetention();
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
    const models = this.modelNames();
    if (!models.includes(name)) {
      const known = models.length > 0 ? `known models: ${models.join(', ')}` : 'no model has logged a prediction yet';
      throw new NotFoundError(`no model named "${name}"; ${known}`);
    }
    return name;
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
    const trained = this.#training.entries.filter((entry) => entry.model_name === model).map((entry) => entry.model_version);
    return modelVersions(this.#store.aggregates.versions(model), trained, this.#config.models[model]);
  }
}

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
import type { TrainingInput, TrainingLog } from '../domain/training.js';
import { TrainingInputSchema } from '../domain/training.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { BucketCounts } from '../metrics/bucket-counts.js';
import { applyContribution, emptyCounts } from '../metrics/bucket-counts.js';
import type { JsonLogStore } from '../storage/json-log-store.js';
import type { PredictionStore } from '../storage/prediction-store.js';
import { buildBreakdown } from './build-breakdown.js';
import { buildComparison } from './build-comparison.js';
import { buildPerformance } from './build-performance.js';
import { newRecord, withLabel } from './build-record.js';
import { ConflictError, NotFoundError, StorageUnavailableError } from './errors.js';
import type { LabelResolver } from './label-resolver.js';
import { summarizeModel, versionsInOrder } from './model-summaries.js';
import { pairOutcomes } from './paired-outcomes.js';
import { checkPredictionId, parseInput, parseModelName } from './parse-input.js';
import { throughStore } from './storage-failure.js';
import type { TrackerConfig } from './tracker-config.js';
import type { ResolvedWindow } from './window.js';
import { resolveWindow } from './window.js';

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

  /** Newest first, paged with `cursor`. */
  async getPredictions(modelName: string, query?: PredictionsQuery | unknown): Promise<PredictionPage> {
    const name = this.#knownModel(modelName);
    const parsed = parseInput(PredictionsQuerySchema, query, 'query');
    const predictions: PredictionLog[] = [];
    let lastSeq: number | null = null;
    let more = false;
    const before = parsed.cursor === undefined ? undefined : Number(parsed.cursor);
    await throughStore(async () => {
      const only = { model_name: name, ...(parsed.version === undefined ? {} : { model_version: parsed.version }) };
      for await (const { seq, record } of this.#store.newestFirst(before, only)) {
        if (record.model_name !== name) continue;
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
   * Stored predictions made at or after `since`, newest first, that pass `match` (at most
   * `limit`). Reads back from the newest records and stops at the first one older than `since`
   * by more than a minute (records are kept in arrival order).
   */
  findRecent(since: string, match: (record: PredictionLog) => boolean, limit = 100): Promise<PredictionLog[]> {
    return throughStore(() => this.#findRecent(since, match, limit));
  }

  async #findRecent(since: string, match: (record: PredictionLog) => boolean, limit: number): Promise<PredictionLog[]> {
    const found: PredictionLog[] = [];
    const sinceMs = Date.parse(since);
    for await (const { record } of this.#store.newestFirst()) {
      const at = Date.parse(record.timestamp);
      if (at < sinceMs - 60_000) break;
      if (at >= sinceMs && match(record)) {
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

  /** Every model with a summary. */
  listModels(): ModelSummary[] {
    const aggregates = this.#store.aggregates;
    return aggregates
      .models()
      .sort()
      .map((model) => summarizeModel(model, aggregates.versions(model)));
  }

  /** Metrics of one model version (default: newest version seen) over a window (default: all). */
  async getPerformance(modelName: string, query?: PerformanceQuery | unknown): Promise<ModelPerformance> {
    const name = this.#knownModel(modelName);
    const parsed = parseInput(PerformanceQuerySchema, query, 'query');
    const versions = this.#versions(name);
    const version = this.#knownVersion(name, parsed.version);
    const now = this.#now();
    const window = resolveWindow(parsed.window ?? this.#config.default_window, parsed.since, parsed.until, now);
    const counts = await throughStore(() => this.#counts(name, version, window));
    return buildPerformance(counts, { model_name: name, model_version: version, versions, window: window.window, model: this.#config.models[name], now });
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
    return throughStore(() => buildBreakdown(this.#store.newestFirst(), { model_name: name, model_version: version, by: parsed.by, window }));
  }

  async #counts(model: string, version: string, window: ResolvedWindow): Promise<BucketCounts> {
    if (window.kind === 'all') return this.#store.aggregates.sum(model, version, null, null);
    if (window.kind === 'hours') return this.#store.aggregates.sum(model, version, window.fromHour, window.toHour);
    // The last N labeled predictions, and every prediction made since the oldest of them.
    const counts = emptyCounts();
    for await (const { record } of this.#store.newestFirst()) {
      if (record.model_name !== model || record.model_version !== version) continue;
      applyContribution(counts, this.#labels.contribute(record), 1);
      if (counts.labeled === window.count) break;
    }
    return counts;
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
    const paired = await throughStore(() => pairOutcomes(this.#store.newestFirst(), name, parsed.version_a, parsed.version_b));
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
    await this.#store.close();
    this.#logger.debug('tracker closed');
  }

  // ---------------------------------------------------------------- helpers

  #knownModel(modelName: string): string {
    const name = parseModelName(modelName);
    const models = this.#store.aggregates.models();
    if (!models.includes(name)) {
      const known = models.length > 0 ? `known models: ${models.sort().join(', ')}` : 'no model has logged a prediction yet';
      throw new NotFoundError(`no model named "${name}"; ${known}`);
    }
    return name;
  }

  /** The version asked for (default: the newest), which must exist. */
  #knownVersion(model: string, asked: string | undefined): string {
    const versions = this.#versions(model);
    const version = asked ?? versions.at(-1)!;
    if (!versions.includes(version)) {
      throw new NotFoundError(`model "${model}" has no version "${version}"; known versions: ${versions.join(', ')}`);
    }
    return version;
  }

  /** Versions in the order they were first seen; the last is the newest. */
  #versions(model: string): string[] {
    return versionsInOrder(this.#store.aggregates.versions(model)).map((version) => version.model_version);
  }
}

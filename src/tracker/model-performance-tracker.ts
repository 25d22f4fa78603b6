import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Config } from '../config/config-schema.js';
import { ConfigSchema } from '../config/config-schema.js';
import type { ModelComparison } from '../domain/comparison.js';
import type { PredictionPage, TrackerHealth } from '../domain/responses.js';
import { ModelComparisonSchema } from '../domain/comparison.js';
import { ModelNameSchema } from '../domain/names.js';
import type { ModelPerformance, ModelSummary } from '../domain/performance.js';
import type { GroundTruthInput, LoggedPrediction, PredictionInput, PredictionLog } from '../domain/prediction.js';
import { GroundTruthInputSchema, PredictionInputSchema } from '../domain/prediction.js';
import type { CompareQuery, PerformanceQuery, PredictionsQuery } from '../domain/queries.js';
import { CompareQuerySchema, PerformanceQuerySchema, PredictionsQuerySchema } from '../domain/queries.js';
import type { TrainingInput, TrainingLog } from '../domain/training.js';
import { TrainingInputSchema, TrainingLogSchema } from '../domain/training.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { BucketCounts } from '../metrics/bucket-counts.js';
import { applyContribution, emptyCounts } from '../metrics/bucket-counts.js';
import { classKey } from '../metrics/class-key.js';
import { decideWinner } from '../metrics/version-comparison.js';
import type { FileSystem } from '../storage/file-system.js';
export type { PredictionPage, TrackerHealth } from '../domain/responses.js';
import { JsonLogStore } from '../storage/json-log-store.js';
import { PredictionStore } from '../storage/prediction-store.js';
import { CorruptFileError, DuplicateIdError, UnknownIdError, WriteFailedError } from '../storage/storage-errors.js';
import { buildPerformance } from './build-performance.js';
import { ConflictError, InvalidInputError, NotFoundError, StorageUnavailableError } from './errors.js';
import { LabelResolver } from './label-resolver.js';
import type { ResolvedWindow } from './window.js';
import { resolveWindow } from './window.js';

/** Which model version a stored prediction or label changed. */
export interface TrackerChange {
  model_name: string;
  model_version: string;
  kind: 'prediction' | 'label';
}

export interface OpenTrackerOptions {
  dataDir: string;
  /** Parsed with ConfigSchema; defaults when omitted. */
  config?: unknown;
  logger?: Logger;
  now?: () => Date;
  /** Reads only: no lock, no writes (the CLI reading a store a service may be writing). */
  readOnly?: boolean;
  fs?: FileSystem;
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw InvalidInputError.fromZod(what, result.error);
  return result.data;
}

function parseModelName(name: unknown): string {
  const result = ModelNameSchema.safeParse(name);
  if (!result.success) {
    throw new InvalidInputError(`invalid model name: ${result.error.issues[0]?.message ?? 'invalid'}`, [
      { path: 'model_name', message: result.error.issues[0]?.message ?? 'invalid' },
    ]);
  }
  return result.data;
}

/** Maps storage failures to the tracker's errors. */
function storageError(error: unknown): Error {
  if (error instanceof DuplicateIdError) return new ConflictError(error.message);
  if (error instanceof UnknownIdError) return new NotFoundError(error.message);
  if (error instanceof WriteFailedError) return new StorageUnavailableError(error.message);
  if (error instanceof CorruptFileError) {
    return new StorageUnavailableError(`${error.message} Run "hap ml-metrics doctor" to list every damaged file.`);
  }
  return error as Error;
}

/** Runs a read of raw records, turning an unreadable segment into StorageUnavailableError. */
async function reading<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw storageError(error);
  }
}

/**
 * The application service: everything the REST API, the CLI and the hub integration do goes
 * through it. Inputs are `unknown` and validated here (zod); errors are TrackerError subclasses.
 */
export class ModelPerformanceTracker {
  readonly #config: Config;
  readonly #store: PredictionStore;
  readonly #training: JsonLogStore<TrainingLog>;
  readonly #comparisons: JsonLogStore<ModelComparison>;
  readonly #labels: LabelResolver;
  readonly #now: () => Date;
  readonly #logger: Logger;
  readonly #dataDir: string;
  readonly #listeners = new Set<(change: TrackerChange) => void>();
  readonly #readOnly: boolean;

  private constructor(parts: {
    config: Config;
    store: PredictionStore;
    training: JsonLogStore<TrainingLog>;
    comparisons: JsonLogStore<ModelComparison>;
    labels: LabelResolver;
    now: () => Date;
    logger: Logger;
    dataDir: string;
    readOnly: boolean;
  }) {
    this.#readOnly = parts.readOnly;
    this.#config = parts.config;
    this.#store = parts.store;
    this.#training = parts.training;
    this.#comparisons = parts.comparisons;
    this.#labels = parts.labels;
    this.#now = parts.now;
    this.#logger = parts.logger;
    this.#dataDir = parts.dataDir;
  }

  /** Opens (or creates) the store in `dataDir` and returns a ready tracker. */
  static async open(options: OpenTrackerOptions): Promise<ModelPerformanceTracker> {
    const config = ConfigSchema.parse(options.config ?? { schema_version: 1 });
    const logger = options.logger ?? silentLogger;
    const now = options.now ?? (() => new Date());
    const labels = new LabelResolver(config.models);
    const store = await PredictionStore.open({
      dataDir: options.dataDir,
      storage: config.storage,
      contribute: labels.contribute,
      labelFingerprint: labels.fingerprint,
      logger: logger.child('storage'),
      now,
      ...(options.fs ? { fs: options.fs } : {}),
      ...(options.readOnly ? { readOnly: true } : {}),
    });
    try {
      const common = { dataDir: options.dataDir, ...(options.fs ? { fs: options.fs } : {}), ...(options.readOnly ? { readOnly: true } : {}) };
      const training = await JsonLogStore.open({ ...common, fileName: 'training.json', kind: 'training-log', entry: TrainingLogSchema });
      const comparisons = await JsonLogStore.open({ ...common, fileName: 'comparisons.json', kind: 'comparison-log', entry: ModelComparisonSchema });
      return new ModelPerformanceTracker({ config, store, training, comparisons, labels, now, logger, dataDir: options.dataDir, readOnly: options.readOnly ?? false });
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  get config(): Config {
    return this.#config;
  }

  /** The underlying store (maintenance: retention, aggregate checks, benchmarks). */
  get store(): PredictionStore {
    return this.#store;
  }

  // ---------------------------------------------------------------- predictions

  /** Validates and durably stores a prediction; resolves only once it is on disk. */
  async logPrediction(input: PredictionInput | unknown): Promise<LoggedPrediction> {
    const parsed = parse(PredictionInputSchema, input, 'prediction');
    const now = this.#now().toISOString();
    this.#checkLabelKey(parsed.model_name, parsed.prediction, 'prediction');
    const groundTruth = parsed.ground_truth ?? null;
    if (groundTruth) this.#checkGroundTruth(parsed.model_name, groundTruth, 'ground_truth');
    const record: PredictionLog = {
      prediction_id: parsed.prediction_id ?? randomUUID(),
      model_name: parsed.model_name,
      model_version: parsed.model_version,
      input_data: parsed.input_data,
      prediction: parsed.prediction,
      confidence: parsed.confidence,
      ground_truth: groundTruth,
      ground_truth_source: groundTruth ? 'inline' : null,
      correct: groundTruth ? LabelResolver.isCorrect(parsed.prediction, groundTruth) : null,
      context: parsed.context,
      timestamp: parsed.timestamp ?? now,
      labeled_at: groundTruth ? now : null,
    };
    try {
      await this.#store.insert(record);
    } catch (error) {
      throw storageError(error);
    }
    this.#notify({ model_name: record.model_name, model_version: record.model_version, kind: 'prediction' });
    return { prediction_id: record.prediction_id, correct: record.correct };
  }

  /** Sets (or replaces) a prediction's ground truth; resolves with the updated record once on disk. */
  async recordGroundTruth(
    predictionId: string,
    input: GroundTruthInput | unknown,
    options: { onlyIfUnlabeled?: boolean } = {},
  ): Promise<PredictionLog> {
    if (typeof predictionId !== 'string' || predictionId.length === 0 || predictionId.length > 200) {
      throw new InvalidInputError('invalid prediction_id', [{ path: 'prediction_id', message: 'expected an id of 1 to 200 characters' }]);
    }
    const parsed = parse(GroundTruthInputSchema, input, 'ground truth');
    const labeledAt = parsed.labeled_at ?? this.#now().toISOString();
    let updated: PredictionLog;
    try {
      updated = await this.#store.label(predictionId, (record) => {
        if (options.onlyIfUnlabeled && record.correct !== null) return record;
        let groundTruth = parsed.ground_truth ?? null;
        if (groundTruth) this.#checkGroundTruth(record.model_name, groundTruth, 'ground_truth');
        let correct = groundTruth ? LabelResolver.isCorrect(record.prediction, groundTruth) : parsed.correct!;
        if (groundTruth && parsed.correct !== undefined && parsed.correct !== correct) {
          throw new InvalidInputError('correct contradicts ground_truth', [
            { path: 'correct', message: `the ground truth makes this prediction ${correct ? 'correct' : 'incorrect'}` },
          ]);
        }
        if (!groundTruth && correct) groundTruth = this.#labels.impliedGroundTruth(record);
        correct = correct ?? false;
        return { ...record, ground_truth: groundTruth, ground_truth_source: parsed.source, correct, labeled_at: labeledAt };
      });
    } catch (error) {
      throw storageError(error);
    }
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
        this.#logger.error('a change listener failed', { error: (error as Error).message });
      }
    }
  }

  /** Newest first, paged with `cursor`. */
  async getPredictions(modelName: string, query?: PredictionsQuery | unknown): Promise<PredictionPage> {
    const name = this.#knownModel(modelName);
    const parsed = parse(PredictionsQuerySchema, query, 'query');
    const predictions: PredictionLog[] = [];
    let lastSeq: number | null = null;
    let more = false;
    const before = parsed.cursor === undefined ? undefined : Number(parsed.cursor);
    await reading(async () => {
      for await (const { seq, record } of this.#store.newestFirst(before)) {
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
    return reading(() => this.#findRecent(since, match, limit));
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
    return reading(() => this.#store.get(predictionId));
  }

  // ---------------------------------------------------------------- metrics

  /** Every model with a summary. */
  listModels(): ModelSummary[] {
    const aggregates = this.#store.aggregates;
    return aggregates
      .models()
      .sort()
      .map((model) => {
        const versions = aggregates.versions(model).sort((a, b) => a.first_seq - b.first_seq);
        const latest = versions.at(-1)!;
        const all = emptyCounts();
        let last: string | null = null;
        for (const version of versions) {
          all.total += version.all_time.total;
          all.labeled += version.all_time.labeled;
          all.correct += version.all_time.correct;
          all.confidence_sum += version.all_time.confidence_sum;
          if (version.last_timestamp && (last === null || version.last_timestamp > last)) last = version.last_timestamp;
        }
        return {
          model_name: model,
          versions: versions.map((version) => version.model_version),
          latest_version: latest.model_version,
          total_predictions: all.total,
          labeled_predictions: all.labeled,
          accuracy: all.labeled > 0 ? all.correct / all.labeled : null,
          confidence: all.total > 0 ? all.confidence_sum / all.total : null,
          last_prediction_at: last,
        };
      });
  }

  /** Metrics of one model version (default: newest version seen) over a window (default: all). */
  async getPerformance(modelName: string, query?: PerformanceQuery | unknown): Promise<ModelPerformance> {
    const name = this.#knownModel(modelName);
    const parsed = parse(PerformanceQuerySchema, query, 'query');
    const versions = this.#versions(name);
    const version = parsed.version ?? versions.at(-1)!;
    if (!versions.includes(version)) {
      throw new NotFoundError(`model "${name}" has no version "${version}"; known versions: ${versions.join(', ')}`);
    }
    const now = this.#now();
    const window = resolveWindow(parsed.window ?? this.#config.default_window, parsed.since, parsed.until, now);
    const counts = await reading(() => this.#counts(name, version, window));
    return buildPerformance(counts, { model_name: name, model_version: version, versions, window: window.window, model: this.#config.models[name], now });
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
    const parsed = parse(TrainingInputSchema, input, 'training session');
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
      throw new StorageUnavailableError(`could not store the training session: ${(error as Error).message}`);
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
    const parsed = parse(CompareQuerySchema, query, 'comparison');
    const window = parsed.window === undefined ? {} : { window: parsed.window };
    const [a, b] = await Promise.all([
      this.getPerformance(name, { version: parsed.version_a, ...window }),
      this.getPerformance(name, { version: parsed.version_b, ...window }),
    ]);
    const paired = await reading(() => this.#pairedOutcomes(name, parsed.version_a, parsed.version_b));
    const { min_samples, alpha } = this.#config.comparison;
    const decision = decideWinner(
      { version: parsed.version_a, correct: a.correct_predictions, labeled: a.labeled_predictions },
      { version: parsed.version_b, correct: b.correct_predictions, labeled: b.labeled_predictions },
      paired,
      min_samples,
      alpha,
    );
    const delta = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
    const comparison: ModelComparison = {
      comparison_id: randomUUID(),
      model_name: name,
      version_a: parsed.version_a,
      version_b: parsed.version_b,
      metrics_a: a,
      metrics_b: b,
      deltas: {
        accuracy: delta(a.accuracy, b.accuracy),
        precision: delta(a.precision, b.precision),
        recall: delta(a.recall, b.recall),
        f1_score: delta(a.f1_score, b.f1_score),
        confidence: delta(a.confidence, b.confidence),
      },
      winner: decision.winner,
      reason: decision.reason,
      test: decision.test,
      min_samples,
      required_sample_size: decision.required_sample_size,
      created_at: this.#now().toISOString(),
    };
    // Read-only (the CLI beside a running service): computed and returned, not stored.
    if (this.#readOnly) return comparison;
    try {
      await this.#comparisons.append(comparison);
    } catch (error) {
      throw new StorageUnavailableError(`could not store the comparison: ${(error as Error).message}`);
    }
    return comparison;
  }

  /**
   * Inputs scored by both versions (same canonical `input_data`, both labeled): the newest
   * labeled outcome of each version per input. Reads the raw records of this model.
   */
  async #pairedOutcomes(model: string, versionA: string, versionB: string): Promise<{ pairs: number; onlyA: number; onlyB: number }> {
    const outcomes = new Map<string, { a?: boolean; b?: boolean }>();
    for await (const { record } of this.#store.newestFirst()) {
      if (record.model_name !== model || record.correct === null) continue;
      if (record.model_version !== versionA && record.model_version !== versionB) continue;
      if (Object.keys(record.input_data).length === 0) continue;
      const key = classKey(record.input_data);
      const entry = outcomes.get(key) ?? {};
      const side = record.model_version === versionA ? 'a' : 'b';
      if (entry[side] === undefined) entry[side] = record.correct;
      outcomes.set(key, entry);
    }
    let pairs = 0;
    let onlyA = 0;
    let onlyB = 0;
    for (const { a, b } of outcomes.values()) {
      if (a === undefined || b === undefined) continue;
      pairs += 1;
      if (a && !b) onlyA += 1;
      if (!a && b) onlyB += 1;
    }
    return { pairs, onlyA, onlyB };
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

  /** Versions in the order they were first seen; the last is the newest. */
  #versions(model: string): string[] {
    return this.#store.aggregates
      .versions(model)
      .sort((a, b) => a.first_seq - b.first_seq)
      .map((version) => version.model_version);
  }

  #checkLabelKey(model: string, value: Record<string, unknown>, path: string): void {
    const key = this.#labels.labelKey(model);
    if (key !== undefined && !Object.hasOwn(value, key)) {
      throw new InvalidInputError(`invalid ${path}`, [{ path: `${path}.${key}`, message: `model "${model}" reads its label from "${key}"; it is missing` }]);
    }
  }

  #checkGroundTruth(model: string, groundTruth: Record<string, unknown>, path: string): void {
    if (Object.keys(groundTruth).length === 0) {
      throw new InvalidInputError(`invalid ${path}`, [{ path, message: 'ground_truth must name at least one field' }]);
    }
    this.#checkLabelKey(model, groundTruth, path);
  }
}

/** Opens (or creates) the store in `dataDir` and returns a ready tracker. */
export function openTracker(options: OpenTrackerOptions): Promise<ModelPerformanceTracker> {
  return ModelPerformanceTracker.open(options);
}

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Assignment, Experiment, ExperimentReport } from '../domain/experiments.js';
import { AssignQuerySchema, ExperimentInputSchema, ExperimentSchema } from '../domain/experiments.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import { classKey } from '../metrics/class-key.js';
import type { FileSystem } from '../storage/file-system.js';
import { JsonDocumentStore } from '../storage/json-document-store.js';
import { ConflictError, InvalidInputError, NotFoundError, StorageUnavailableError } from '../tracker/errors.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import { parseInput } from '../tracker/parse-input.js';
import { assignVersion } from './assign-unit.js';
import { evaluateExperiment, type TimedObservation } from './evaluate-experiment.js';
import { needsBinaryModel, observationValue, type MetricContext } from './experiment-observations.js';
import { experimentSlug } from './experiment-slug.js';

export const EXPERIMENTS_FILE = 'experiments.json';

/** What the experiments read from the tracker. */
export type ExperimentsTracker = Pick<ModelPerformanceTracker, 'getPerformance' | 'modelNames' | 'outcomeOf' | 'store'>;

export interface ExperimentsOptions {
  dataDir: string;
  tracker: ExperimentsTracker;
  logger: Logger;
  now?: () => Date;
  fs?: FileSystem;
  readOnly?: boolean;
}

/**
 * A/B experiments between two versions of a model (experiments.json): created, assigned,
 * evaluated with an always-valid sequential test over the predictions made since they started,
 * decided (and stopped) by that test or stopped by the user.
 */
export class Experiments {
  readonly #store: JsonDocumentStore<Experiment[]>;
  readonly #tracker: ExperimentsTracker;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #readOnly: boolean;
  readonly #listeners = new Set<(report: ExperimentReport) => void>();

  private constructor(store: JsonDocumentStore<Experiment[]>, options: ExperimentsOptions) {
    this.#store = store;
    this.#tracker = options.tracker;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#readOnly = options.readOnly ?? false;
  }

  static async open(options: ExperimentsOptions): Promise<Experiments> {
    const store = await JsonDocumentStore.open<Experiment[]>({
      dataDir: options.dataDir,
      fileName: EXPERIMENTS_FILE,
      kind: 'experiments',
      schema: z.array(ExperimentSchema),
      initial: [],
      ...(options.fs ? { fs: options.fs } : {}),
      ...(options.readOnly ? { readOnly: true } : {}),
    });
    return new Experiments(store, options);
  }

  /** Calls `listener` once for each experiment the test decides (not for one the user stops). */
  onDecided(listener: (report: ExperimentReport) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async create(input: unknown): Promise<ExperimentReport> {
    const parsed = parseInput(ExperimentInputSchema, input, 'experiment');
    this.#writable();
    const slug = experimentSlug(parsed.name);
    const clash = this.#store.document.find((experiment) => experiment.name === parsed.name || experiment.slug === slug);
    if (clash) throw new ConflictError(`an experiment named "${clash.name}" (${clash.experiment_id}) already exists; choose another name`);
    if (needsBinaryModel(parsed.metric)) {
      const context = await this.#metricContext(parsed.model_name, parsed.version_a, parsed.version_b, parsed.metric);
      if (context !== null && context.positive === null) {
        throw new InvalidInputError(`invalid experiment: ${parsed.metric} needs a binary model, and ${parsed.model_name} is multiclass; test accuracy`, [
          { path: 'metric', message: `${parsed.metric} needs a binary model` },
        ]);
      }
    }
    const { metric, ...rest } = parsed;
    const experiment: Experiment = {
      experiment_id: `exp-${randomBytes(4).toString('hex')}`,
      ...rest,
      slug,
      metric_name: metric,
      status: 'running',
      created_at: this.#now().toISOString(),
      ended_at: null,
      winner: null,
      decision_announced: false,
    };
    await this.#save((experiments) => [...experiments, experiment], 'store the experiment');
    this.#logger.info('experiment started', { experiment: experiment.experiment_id, name: experiment.name, model: experiment.model_name, a: experiment.version_a, b: experiment.version_b });
    return this.#evaluate(experiment);
  }

  /** Every experiment, newest first, with its figures now. */
  async list(): Promise<ExperimentReport[]> {
    const reports: ExperimentReport[] = [];
    for (const experiment of [...this.#store.document].reverse()) reports.push(await this.#evaluate(experiment));
    return reports;
  }

  async get(id: string): Promise<ExperimentReport> {
    return this.#evaluate(this.#find(id));
  }

  /** Stops a running experiment now (409 when it has already ended). */
  async stop(id: string): Promise<ExperimentReport> {
    this.#writable();
    const experiment = this.#find(id);
    if (experiment.status !== 'running') throw new ConflictError(`experiment ${id} has already ended (${experiment.status})`);
    const ended_at = this.#now().toISOString();
    await this.#save((experiments) => experiments.map((entry) => (entry.experiment_id === id ? { ...entry, status: 'stopped', ended_at } : entry)), 'stop the experiment');
    this.#logger.info('experiment stopped by the user', { experiment: id });
    return this.#evaluate(this.#find(id));
  }

  assign(id: string, query: unknown): Assignment {
    const { unit } = parseInput(AssignQuerySchema, query, 'assignment');
    const experiment = this.#find(id);
    return { experiment_id: id, unit, version: assignVersion(experiment, unit), status: experiment.status };
  }

  /** Evaluates every running experiment; stores and announces the ones the test decided. Returns those. */
  async evaluateRunning(): Promise<ExperimentReport[]> {
    const decided: ExperimentReport[] = [];
    for (const experiment of this.#store.document.filter((entry) => entry.status === 'running')) {
      const report = await this.#evaluate(experiment);
      if (report.status === 'decided') decided.push(report);
    }
    return decided;
  }

  /** Decided experiments whose decision the hub has not been told of yet. */
  unannounced(): Experiment[] {
    return this.#store.document.filter((entry) => entry.status === 'decided' && !entry.decision_announced);
  }

  /** Notes that the hub was told of an experiment's decision. */
  async markAnnounced(id: string): Promise<void> {
    await this.#save((experiments) => experiments.map((entry) => (entry.experiment_id === id ? { ...entry, decision_announced: true } : entry)), 'note the announcement');
  }

  async flush(): Promise<void> {
    await this.#store.flush();
  }

  #find(id: string): Experiment {
    const experiment = this.#store.document.find((entry) => entry.experiment_id === id);
    if (!experiment) {
      const known = this.#store.document.map((entry) => entry.experiment_id);
      throw new NotFoundError(`no experiment ${JSON.stringify(id)}; ${known.length > 0 ? `known: ${known.join(', ')}` : 'none has been created'}`);
    }
    return experiment;
  }

  #writable(): void {
    if (this.#readOnly) throw new StorageUnavailableError('the store was opened read-only; run this against the service (--url)');
  }

  async #save(change: (experiments: Experiment[]) => Experiment[], what: string): Promise<void> {
    try {
      await this.#store.update(change);
    } catch (error) {
      throw new StorageUnavailableError(`could not ${what}: ${describeError(error)}`);
    }
  }

  /** Evaluates one experiment; a running one the test decides is stored as decided (once) and announced. */
  async #evaluate(experiment: Experiment): Promise<ExperimentReport> {
    const observations = await this.#observations(experiment);
    const { report, decided } = evaluateExperiment(experiment, observations, this.#now());
    if (decided === null || this.#readOnly) return report;
    const id = experiment.experiment_id;
    let first = false;
    await this.#save(
      (experiments) =>
        experiments.map((entry) => {
          if (entry.experiment_id !== id || entry.status !== 'running') return entry;
          first = true;
          return { ...entry, status: 'decided', ended_at: decided.ended_at, winner: decided.winner };
        }),
      'store the decision',
    );
    if (first) {
      this.#logger.info('experiment decided', { experiment: id, winner: decided.winner ?? 'none', reason: report.reason });
      for (const listener of this.#listeners) {
        try {
          listener(report);
        } catch (error) {
          this.#logger.error('an experiment listener failed', { error: describeError(error) });
        }
      }
    }
    return report;
  }

  /** The task of the model (binary: its positive class key), from either version's performance; null when neither has predictions. */
  async #metricContext(model: string, a: string, b: string, metric: Experiment['metric_name']): Promise<MetricContext | null> {
    if (!this.#tracker.modelNames().includes(model)) return null;
    for (const version of [a, b]) {
      try {
        const performance = await this.#tracker.getPerformance(model, { version });
        if (performance.total_predictions === 0) continue;
        return { metric, positive: performance.task === 'binary' ? classKey(performance.positive_label ?? true) : null };
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    return null;
  }

  /** The experiment's counted predictions, oldest first: its versions, made (own time) within its period. */
  async #observations(experiment: Experiment): Promise<TimedObservation[]> {
    const context = await this.#metricContext(experiment.model_name, experiment.version_a, experiment.version_b, experiment.metric_name);
    if (context === null) return [];
    const start = Date.parse(experiment.created_at);
    const end = experiment.ended_at === null ? Infinity : Date.parse(experiment.ended_at);
    const newestFirst: TimedObservation[] = [];
    for await (const { record } of this.#tracker.store.newestFirst({ model: experiment.model_name })) {
      const time = Date.parse(record.timestamp);
      if (time < start) break;
      if (time > end) continue;
      const arm = record.model_version === experiment.version_a ? 'a' : record.model_version === experiment.version_b ? 'b' : null;
      if (arm === null) continue;
      const value = observationValue(record, this.#tracker.outcomeOf(record), context);
      if (value !== null) newestFirst.push({ arm, value, timestamp: record.timestamp });
    }
    return newestFirst.reverse();
  }
}

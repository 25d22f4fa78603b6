import type { TrainingLog } from '../domain/training.js';
import type { ModelVersionList, VersionRegistration } from '../domain/versions.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { VersionAggregates } from '../storage/aggregate-index.js';
import type { JsonLogStore } from '../storage/json-log-store.js';
import { buildVersionList, missingRegistrations } from './build-version-list.js';

function key(model: string, version: string): string {
  return JSON.stringify([model, version]);
}

/**
 * The versions registry: one entry per model version, written the first time the version is
 * seen. A registration is one small durable write per new version (never per prediction), and
 * what registers it is already stored, so a failed registration loses nothing: the version is
 * registered from the aggregates at the next start (see `missingRegistrations`).
 */
export class VersionRegistry {
  readonly #log: JsonLogStore<VersionRegistration>;
  readonly #logger: Logger;
  /** Registered versions by model (what `has` asks on every logged prediction: no key string to build). */
  readonly #knownVersions = new Map<string, Set<string>>();
  readonly #pending = new Map<string, Promise<void>>();

  constructor(log: JsonLogStore<VersionRegistration>, logger: Logger) {
    this.#log = log;
    this.#logger = logger;
    for (const entry of log.entries) this.#markKnown(entry.model_name, entry.model_version);
  }

  get entries(): readonly VersionRegistration[] {
    return this.#log.entries;
  }

  has(model: string, version: string): boolean {
    return this.#knownVersions.get(model)?.has(version) ?? false;
  }

  /**
   * Registers each entry not registered yet; resolves once on disk. Never rejects: a failed
   * write is logged and the entries stay unregistered (retried by the next sighting or start).
   */
  async register(entries: readonly VersionRegistration[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.#registerOne(entry)));
  }

  #markKnown(model: string, version: string): void {
    let versions = this.#knownVersions.get(model);
    if (!versions) {
      versions = new Set();
      this.#knownVersions.set(model, versions);
    }
    versions.add(version);
  }

  #registerOne(entry: VersionRegistration): Promise<void> {
    if (this.has(entry.model_name, entry.model_version)) return Promise.resolve();
    const id = key(entry.model_name, entry.model_version);
    const pending = this.#pending.get(id);
    if (pending) return pending;
    const write = this.#log
      .append(entry)
      .then(() => {
        this.#markKnown(entry.model_name, entry.model_version);
        this.#logger.info('registered a new model version', { model: entry.model_name, version: entry.model_version, from: entry.registered_from });
      })
      .catch((error: unknown) => {
        this.#logger.warn('could not register a model version; it is registered again at the next start', {
          model: entry.model_name,
          version: entry.model_version,
          error: describeError(error),
        });
      })
      .finally(() => this.#pending.delete(id));
    this.#pending.set(id, write);
    return write;
  }

  /** Registers a version seen in a stored prediction or training session, unless it is registered. */
  async sighted(model: string, version: string, seen: string, from: VersionRegistration['registered_from'], now: Date): Promise<void> {
    if (this.has(model, version)) return;
    await this.register([{ model_name: model, model_version: version, first_seen: seen, registered_from: from, registered_at: now.toISOString() }]);
  }

  /** Registers the versions of these models already in the store that the registry lacks (at start). */
  async registerMissing(models: readonly string[], aggregatesOf: (model: string) => readonly VersionAggregates[], training: readonly TrainingLog[], now: Date): Promise<void> {
    const trainingOf = (model: string) => training.filter((entry) => entry.model_name === model);
    await this.register(models.flatMap((model) => missingRegistrations(model, aggregatesOf(model), trainingOf(model), this.entries, now)));
  }

  /**
   * `GET /models/{name}/versions`. A version not registered yet (read-only beside a service, or a
   * failed write) is shown as the next start registers it.
   */
  list(model: string, aggregates: readonly VersionAggregates[], training: readonly TrainingLog[], defaultVersion: string, now: Date): ModelVersionList {
    const own = training.filter((entry) => entry.model_name === model);
    const registered = this.entries.filter((entry) => entry.model_name === model);
    const registrations = [...registered, ...missingRegistrations(model, aggregates, own, registered, now)];
    return buildVersionList(model, registrations, aggregates, own, defaultVersion);
  }

  async flush(): Promise<void> {
    await Promise.all(this.#pending.values());
    await this.#log.flush();
  }
}

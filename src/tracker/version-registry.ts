import type { VersionRegistration } from '../domain/versions.js';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { JsonLogStore } from '../storage/json-log-store.js';

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
  readonly #known = new Set<string>();
  readonly #pending = new Map<string, Promise<void>>();

  constructor(log: JsonLogStore<VersionRegistration>, logger: Logger) {
    this.#log = log;
    this.#logger = logger;
    for (const entry of log.entries) this.#known.add(key(entry.model_name, entry.model_version));
  }

  get entries(): readonly VersionRegistration[] {
    return this.#log.entries;
  }

  has(model: string, version: string): boolean {
    return this.#known.has(key(model, version));
  }

  /**
   * Registers each entry not registered yet; resolves once on disk. Never rejects: a failed
   * write is logged and the entries stay unregistered (retried by the next sighting or start).
   */
  async register(entries: readonly VersionRegistration[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.#registerOne(entry)));
  }

  #registerOne(entry: VersionRegistration): Promise<void> {
    const id = key(entry.model_name, entry.model_version);
    if (this.#known.has(id)) return Promise.resolve();
    const pending = this.#pending.get(id);
    if (pending) return pending;
    const write = this.#log
      .append(entry)
      .then(() => {
        this.#known.add(id);
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

  async flush(): Promise<void> {
    await Promise.all(this.#pending.values());
    await this.#log.flush();
  }
}

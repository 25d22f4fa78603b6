import type { AccuracyEstimate } from '../metrics/estimated-accuracy.js';

interface Entry {
  at: number;
  generation: number;
  estimate: AccuracyEstimate;
}

/**
 * The label-free estimates of recent performance answers, by model version and window. The
 * estimate reads up to thousands of raw records, and every performance answer (each query, each
 * sensor evaluation) carries one: it is computed again only after a prediction or label of that
 * model version, after retention, or once it is `maxAgeMs` old (a rolling window moves on).
 */
export class EstimateCache {
  readonly #entries = new Map<string, Entry>();
  readonly #generations = new Map<string, number>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;

  constructor(options: { maxAgeMs: number; maxEntries?: number }) {
    this.#maxAgeMs = options.maxAgeMs;
    this.#maxEntries = options.maxEntries ?? 256;
  }

  /** A prediction or label of this model version was stored: its estimates are stale. */
  changed(model: string, version: string): void {
    const id = JSON.stringify([model, version]);
    this.#generations.set(id, (this.#generations.get(id) ?? 0) + 1);
  }

  /** Everything is stale (retention dropped raw records). */
  clear(): void {
    this.#entries.clear();
  }

  /** The cached estimate for this model version and window (`windowKey`: the window as asked), or `compute`'s. */
  async get(model: string, version: string, windowKey: string, now: Date, compute: () => Promise<AccuracyEstimate>): Promise<AccuracyEstimate> {
    const generation = this.#generations.get(JSON.stringify([model, version])) ?? 0;
    const key = JSON.stringify([model, version, windowKey]);
    const cached = this.#entries.get(key);
    const at = now.getTime();
    if (cached && cached.generation === generation && at - cached.at >= 0 && at - cached.at < this.#maxAgeMs) return cached.estimate;
    const estimate = await compute();
    this.#entries.delete(key);
    this.#entries.set(key, { at, generation, estimate });
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    return estimate;
  }
}

import type { ModelPerformance } from '../domain/performance.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { BucketCounts, Contribution } from '../metrics/bucket-counts.js';
import type { AccuracyEstimate } from '../metrics/estimated-accuracy.js';
import { buildPerformance } from './build-performance.js';
import type { ModelConfig } from './tracker-config.js';
import type { WindowSource } from './window-counts.js';
import { countTimeWindow, countWindow, timeWindowKey, timeWindowParts } from './window-counts.js';
import type { ResolvedWindow } from './window.js';

/** One performance question, resolved: which model version, over which window, at which instant. */
export interface PerformanceSubject {
  model_name: string;
  model_version: string;
  versions: string[];
  window: ResolvedWindow;
  /** The window as asked (`7d`, a since/until pair): answers to the same ask share a cache slot. */
  windowKey: string;
  model: ModelConfig | undefined;
  now: Date;
}

interface Entry {
  /** What the counts were computed from (see `content`). */
  key: string;
  estimate: AccuracyEstimate;
  versions: readonly string[];
  model: ModelConfig | undefined;
  figures: ModelPerformance;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/**
 * Performance answers, with the figures of recent ones kept while what they were computed from
 * is unchanged, so a repeated query builds nothing. Exact: a kept answer is reused only when
 * - the aggregates have not changed since (their change counter: every prediction, label,
 *   summary and rebuild moves it),
 * - the window holds the same predictions: the same whole hours, and in each hour it cuts the
 *   same raw records array (a commit, rewrite or re-read makes a new one) and the same of its
 *   records (where the window's bounds fall among their timestamps, so the window moving with
 *   the clock reuses the figures until a prediction enters or leaves it), and the same retention
 *   state of those hours,
 * - the label-free estimate is the same object (EstimateCache decides when it is recomputed),
 *   and the versions list and model configuration are the same;
 * and the fields that depend on the instant alone (`last_evaluated`, `window`) are rendered anew
 * for each answer. Windows of the last N labeled predictions are never kept.
 */
export class PerformanceAnswers {
  readonly #entries = new Map<string, Entry>();
  readonly #source: WindowSource;
  readonly #contribute: (record: PredictionLog) => Contribution;
  readonly #keep: boolean;
  readonly #maxEntries: number;

  constructor(options: { source: WindowSource; contribute: (record: PredictionLog) => Contribution; keep?: boolean; maxEntries?: number }) {
    this.#source = options.source;
    this.#contribute = options.contribute;
    this.#keep = options.keep ?? true;
    this.#maxEntries = options.maxEntries ?? 64;
  }

  /**
   * What the window's counts depend on (`key`; null when they are not kept) and how to count
   * them. Reads the edge hours' raw records (store errors are the caller's to wrap).
   */
  async content(subject: PerformanceSubject): Promise<{ key: string | null; count: () => Promise<BucketCounts> }> {
    const { model_name: model, model_version: version, window } = subject;
    const source = this.#source;
    const changes = source.aggregates.changes;
    if (window.kind === 'time') {
      const parts = await timeWindowParts(source, model, version, window);
      return { key: `${changes}|${timeWindowKey(parts)}`, count: async () => countTimeWindow(source, this.#contribute, model, version, window, parts) };
    }
    const count = () => countWindow(source, this.#contribute, model, version, window);
    return { key: window.kind === 'all' ? `${changes}|all` : null, count };
  }

  /** The answer: the kept figures when `key` and the rest still match, else built from `count()`; the instant's fields rendered anew. */
  async answer(subject: PerformanceSubject, key: string | null, count: () => Promise<BucketCounts>, estimate: AccuracyEstimate): Promise<ModelPerformance> {
    const slot = `${subject.model_name}\t${subject.model_version}\t${subject.windowKey}`;
    const kept = this.#entries.get(slot);
    let figures: ModelPerformance;
    if (kept && key !== null && kept.key === key && kept.estimate === estimate && kept.model === subject.model && sameList(kept.versions, subject.versions)) {
      figures = kept.figures;
    } else {
      const { model_name, model_version, versions, window, model, now } = subject;
      figures = buildPerformance(await count(), { model_name, model_version, versions, window: window.window, model, now, estimate });
      if (this.#keep && key !== null) {
        this.#entries.delete(slot);
        this.#entries.set(slot, { key, estimate, versions: [...versions], model, figures: deepFreeze({ ...figures, versions: [...versions] }) });
        if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
      }
    }
    return { ...figures, versions: subject.versions, last_evaluated: subject.now.toISOString(), window: subject.window.window };
  }
}

import { relative } from 'node:path';
import type { PredictionLog } from '../domain/prediction.js';
import { describeError, toError } from '../logging/to-error.js';
import type { HourRecords } from './hour-records.js';
import { recordsOfHour } from './hour-records.js';
import type { NewestFirstOptions } from './newest-first.js';
import { newestFirstByTime } from './newest-first.js';
import type { OutcomeReader, OutcomeVisitor } from './newest-outcomes.js';
import { visitNewestOutcomes } from './newest-outcomes.js';
import { rewriteDeferred } from './deferred-labels.js';
import { OutcomeColumnsCache } from './outcome-columns.js';
import type { AggregateReader } from './aggregate-index.js';
import type { Operation } from './commit-queue.js';
import { CommitQueue } from './commit-queue.js';
import { commitWrites } from './commit-writes.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { nodeFileSystem } from './file-system.js';
import { OpenLogFileSystem } from './open-log-file-system.js';
import { rebuildAggregates } from './rebuild-aggregates.js';
import type { ArrivalOrderOptions, ArrivalSnapshot } from './records-in-arrival-order.js';
import { recordsInArrivalOrder, takeArrivalSnapshot } from './records-in-arrival-order.js';
import { dropExpiredSegments } from './retention.js';
import { WriteFailedError } from './storage-errors.js';
import type { PredictionStoreOptions, Relabel } from './store-options.js';
import { StoreState } from './store-state.js';
import { loadStore, reloadStore } from './store-recovery.js';

/**
 * Predictions in bounded segments (each an append-only log, sealed by no longer appending to it), with running aggregates.
 *
 * - Appends go to the open segment, an append-only log of JSON lines (segment-log-lines.ts): a
 *   commit appends its lines and fdatasyncs them once. It is sealed at `segment_max_records`,
 *   `segment_max_bytes` or `segment_max_age_hours`: the log stays as it is, and the next
 *   segment's log is created (open-segment.ts, seal-open-segment.ts).
 * - Sealed segments get a summary file (counts per model, version and hour, and id hashes), so
 *   start-up reads summaries and one open segment, never the whole history (store-recovery.ts);
 *   a torn last line of the open segment's log is dropped there (recover-open-segment.ts).
 * - Writes are group-committed: operations that arrive while a commit is on disk go in the next
 *   one; none resolves before its commit is synced (commit-queue.ts, stage-batch.ts, commit-writes.ts).
 * - A late label for a sealed segment is logged in the open segment (an intent line) and kept in
 *   memory; the sealed segment and its summary are rewritten once, with every label it got, when
 *   the open segment seals (deferred-labels.ts); start-up re-applies logged labels whose rewrite
 *   did not happen.
 * - Retention drops whole old segments' raw records; their aggregates stay (retention.ts).
 */
export class PredictionStore {
  readonly #state: StoreState;
  readonly #queue: CommitQueue;
  /** The real file system, keeping the open segment's log open between commits (none when a FileSystem was given). */
  readonly #openLog: OpenLogFileSystem | null;
  /** Outcome columns of sealed segments the estimate read from disk: ~30 B a record, 8 times the segment cache's records. */
  readonly #outcomes: OutcomeColumnsCache;
  #outcomeReader: OutcomeReader | null = null;
  #releaseLock: (() => Promise<void>) | null = null;

  private constructor(options: PredictionStoreOptions) {
    this.#openLog = options.fs ? null : new OpenLogFileSystem(nodeFileSystem);
    this.#state = new StoreState(options, options.fs ?? this.#openLog!);
    this.#queue = new CommitQueue((batch) => this.#commit(batch), options.readOnly === true);
    this.#outcomes = new OutcomeColumnsCache(8 * this.cachedRecords);
  }

  /** Opens the store in `dataDir` (creating it unless read-only) and recovers any interrupted commit. */
  static async open(options: PredictionStoreOptions): Promise<PredictionStore> {
    const store = new PredictionStore(options);
    if (!options.readOnly) {
      await store.#state.files.createDirectories();
      store.#releaseLock = await acquireDataDirLock(options.dataDir);
    }
    try {
      await loadStore(store.#state);
    } catch (error) {
      await store.#openLog?.close();
      await store.#releaseLock?.();
      throw error;
    }
    return store;
  }

  // ---------------------------------------------------------------- writes

  /** Stores a new record; resolves once it is on disk. Rejects with DuplicateIdError for a known id. */
  insert(record: PredictionLog): Promise<void> {
    return new Promise((resolve, reject) => this.#queue.enqueue({ kind: 'insert', record, resolve, reject }));
  }

  /** Replaces a stored record's label; resolves with the new record once it is on disk. */
  label(id: string, relabel: Relabel): Promise<PredictionLog> {
    return new Promise((resolve, reject) => this.#queue.enqueue({ kind: 'label', id, relabel, resolve, reject }));
  }

  /** Drops the raw records of sealed segments older than the retention age; their aggregates stay. */
  async applyRetention(): Promise<{ segments: number; records: number }> {
    let dropped = { segments: 0, records: 0 };
    await this.#queue.exclusive(async () => {
      dropped = await dropExpiredSegments(this.#state);
    });
    if (dropped.segments > 0) {
      this.#state.options.logger.info('retention dropped old raw predictions; their aggregates stay', dropped);
    }
    return dropped;
  }

  /** Waits for every queued write, then stops taking new ones and releases the lock. */
  async close(): Promise<void> {
    if (this.#queue.closed) return;
    // Late labels waiting for their sealed segments' rewrite (deferred-labels.ts) go there now, so
    // that the next start-up has none to apply. If that fails they stay logged: start-up applies them.
    if (this.#state.deferred.size > 0 && this.#state.options.readOnly !== true) {
      await this.#queue.exclusive(async () => void (await rewriteDeferred(this.#state))).catch(() => undefined);
    }
    await this.#queue.close();
    await this.#openLog?.close();
    await this.#releaseLock?.();
    this.#releaseLock = null;
  }

  // ---------------------------------------------------------------- reads

  /** The stored record with this id, or null. */
  async get(id: string): Promise<PredictionLog | null> {
    const open = this.#state.open;
    const index = open?.ids.get(id);
    if (open && index !== undefined) return open.data.records[index]!;
    for (const segment of this.#state.ids.candidates(id)) {
      const loaded = await this.#state.loadSealed(segment);
      const at = loaded.ids.get(id);
      if (at !== undefined) return loaded.data.records[at]!;
    }
    return null;
  }

  /**
   * Records from the newest timestamp to the oldest (ties: the later arrival first), optionally
   * one model's only and only those after the record with seq `afterSeq` (a page's cursor).
   */
  newestFirst(options: NewestFirstOptions = {}): AsyncGenerator<{ seq: number; record: PredictionLog }> {
    return newestFirstByTime(this.#state, options);
  }

  /**
   * One model's records in `newestFirst`'s order as outcome columns (timestamp, version,
   * confidence, correct), until `visit` returns false. Sealed segments the segment cache does not
   * hold are read without being cached (their columns are kept instead), so a scan of thousands of
   * records leaves ~30 B a record behind, not the parsed records (newest-outcomes.ts).
   */
  visitNewestOutcomes(model: string, visit: OutcomeVisitor): Promise<void> {
    return visitNewestOutcomes(this.#state, { kept: this.#outcomes, reader: this.#outcomeReader }, model, visit);
  }

  /**
   * Where `visitNewestOutcomes` reads sealed segments the caches do not hold: `reader` (the start-up
   * segment check's worker) while it can, this thread once it cannot or with null.
   */
  readOutcomesWith(reader: OutcomeReader | null): void {
    this.#outcomeReader = reader;
  }

  /**
   * Every stored record (optionally of one model, version and time range) in the order they were
   * stored, read one segment at a time as the caller consumes them (records-in-arrival-order.ts).
   * What is listed is fixed when this resolves: records stored later are not in it.
   */
  async inArrivalOrder(options: ArrivalOrderOptions = {}): Promise<AsyncGenerator<PredictionLog>> {
    let snapshot: ArrivalSnapshot = { sealed: [], open: [] };
    const take = async () => {
      snapshot = takeArrivalSnapshot(this.#state, options);
    };
    // Between commits, so a segment being sealed is seen either open or sealed, never both or neither.
    if (this.#state.options.readOnly) await take();
    else await this.#queue.exclusive(take);
    return recordsInArrivalOrder(this.#state, snapshot, options);
  }

  /**
   * The raw records of one model version whose timestamp is in the hour starting at `hour` (ms),
   * read from the segments whose summaries count that hour only; `complete` is false when
   * retention dropped some of them.
   */
  recordsOfHour(model: string, version: string, hour: number): Promise<HourRecords> {
    return recordsOfHour(this.#state, model, version, hour);
  }

  /** Sealed segments whose raw records are on disk, ascending (what the background verifier reads). */
  sealedSegmentsWithRecords(): number[] {
    return [...this.#state.sealed.values()]
      .filter((summary) => !summary.raw_dropped)
      .map((summary) => summary.segment)
      .sort((a, b) => a - b);
  }

  /**
   * Reads and validates one sealed segment file without keeping it (the cache is left alone);
   * rejects with CorruptFileError naming the file when it is unreadable.
   */
  async verifySealedSegment(segment: number): Promise<void> {
    await this.#state.files.readSegment(segment);
  }

  /** The file of a sealed segment (its log, or an older store's JSON document), relative to the data directory. */
  segmentFile(segment: number): string {
    return relative(this.#state.options.dataDir, this.#state.files.sealedSegmentPath(segment));
  }

  /** The running aggregates, to read; only the store's commits change them. */
  get aggregates(): AggregateReader {
    return this.#state.aggregates;
  }

  /** How many records the segment cache holds when its segments are full: `segment_cache_size` × `segment_max_records`. */
  get cachedRecords(): number {
    return this.#state.options.storage.segment_cache_size * this.#state.options.storage.segment_max_records;
  }

  /** Why the last commit failed, until a commit succeeds again; null when writes work. */
  get lastWriteFailure(): string | null {
    return this.#state.lastWriteFailure;
  }

  /** Figures for health and benchmarks. */
  stats(): { segments: number; stored_predictions: number; open_segment_records: number } {
    return this.#state.stats();
  }

  /**
   * Recomputes the aggregates from the raw records (and, for segments whose raw records
   * retention dropped, from their stored summaries). The live `aggregates` must equal this.
   */
  async rebuildAggregates(): Promise<AggregateReader> {
    if (this.#state.options.readOnly) return rebuildAggregates(this.#state);
    // Behind the commits in flight, so the files read are the ones they finish writing.
    let rebuilt: AggregateReader | undefined;
    await this.#queue.exclusive(async () => {
      rebuilt = await rebuildAggregates(this.#state);
    });
    return rebuilt!;
  }

  // ---------------------------------------------------------------- commit

  /** Commits one batch from the queue: its writes together, then each exclusive step alone. */
  async #commit(batch: Operation[]): Promise<void> {
    const state = this.#state;
    if (state.needsReload) {
      try {
        await reloadStore(state);
      } catch (error) {
        const failure = new WriteFailedError(`the store could not recover from a failed write: ${describeError(error)}`);
        for (const operation of batch) operation.reject(failure);
        return;
      }
    }
    const exclusive = batch.filter((operation) => operation.kind === 'exclusive');
    const writes = batch.filter((operation) => operation.kind !== 'exclusive');
    if (writes.length > 0) {
      try {
        await commitWrites(state, writes, (operations) => this.#queue.requeue(operations));
      } catch (error) {
        // Never leave a caller waiting, nor the queue stuck on a rejected drain (settled ones ignore this).
        for (const operation of writes) operation.reject(toError(error));
      }
    }
    for (const operation of exclusive) {
      try {
        await operation.run();
        operation.resolve();
      } catch (error) {
        state.needsReload = true;
        operation.reject(toError(error));
      }
    }
  }
}

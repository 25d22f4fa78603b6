import type { StorageConfig } from './storage-config.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { Logger } from '../logging/logger.js';
import type { AggregateReader } from './aggregate-index.js';
import { AggregateIndex } from './aggregate-index.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import type { FileSystem } from './file-system.js';
import { nodeFileSystem } from './file-system.js';
import { decodeIdHashes, IdHashIndex } from './id-hashes.js';
import type { LoadedSegment } from './segment-cache.js';
import { indexRecords, SegmentCache } from './segment-cache.js';
import type { LabelIntent, SegmentFile, SegmentSummary } from './segment-files.js';
import { CorruptFileError, DuplicateIdError, StorageError, UnknownIdError, WriteFailedError } from './storage-errors.js';
import { SegmentFilesOnDisk } from './segment-files-on-disk.js';
import { STORE_SCHEMA_VERSION } from './stored-file-version.js';
import type { Contribute } from './summarize-segment.js';
import { summarizeSegment } from './summarize-segment.js';

export interface PredictionStoreOptions {
  dataDir: string;
  storage: StorageConfig;
  /** What a record adds to the aggregates (depends on the models' label keys). */
  contribute: Contribute;
  /** Changes when the label keys change; stored summaries computed otherwise are rebuilt. */
  labelFingerprint: string;
  logger: Logger;
  now: () => Date;
  fs?: FileSystem;
  /** Reads only: takes no lock, repairs nothing, writes nothing (the CLI). */
  readOnly?: boolean;
}

/** A label to set on a stored record: returns the new record. */
export type Relabel = (record: PredictionLog) => PredictionLog;

interface SealedSegment {
  /** The summary without its id hashes (they are in the store's IdHashIndex). */
  summary: SegmentSummary;
}

/** The open segment (or its staged copy during a commit). */
interface OpenSegment {
  data: SegmentFile;
  ids: Map<string, number>;
  bytes: number;
  dirty: boolean;
}

/** Where a record to relabel sits during a commit: a staged open or sealing segment, or a sealed one staged for rewriting. */
type StagedRecord =
  | { segment: OpenSegment; index: number; sealed: false }
  | { segment: LoadedSegment & { revision: number }; index: number; sealed: true };

interface RecordChange {
  before: PredictionLog | null;
  after: PredictionLog;
  seq: number;
}

type Operation =
  | { kind: 'insert'; record: PredictionLog; resolve: () => void; reject: (error: Error) => void }
  | { kind: 'label'; id: string; relabel: Relabel; resolve: (record: PredictionLog) => void; reject: (error: Error) => void }
  | { kind: 'exclusive'; run: () => Promise<void>; resolve: () => void; reject: (error: Error) => void };

/** Bytes a logged label takes in the open segment's file (UTF-8, with its separator). */
function intentSize(intent: LabelIntent): number {
  return Buffer.byteLength(JSON.stringify(intent)) + 2;
}

/**
 * Predictions in bounded lowdb segment files, with running aggregates.
 *
 * - Appends go to the open segment; it is sealed at `segment_max_records`, `segment_max_bytes` or
 *   `segment_max_age_hours`, so one write touches a bounded number of bytes.
 * - Sealed segments get a summary file (counts per model, version and hour, and id hashes), so
 *   start-up reads summaries and one open segment, never the whole history.
 * - Writes are group-committed: operations that arrive while a commit is on disk go in the next
 *   one; none resolves before its commit is fsynced.
 * - A late label for a sealed segment is first logged in the open segment (`label_log`), then the
 *   sealed segment and its summary are rewritten; start-up re-applies a logged label whose
 *   rewrite did not complete.
 */
export class PredictionStore {
  readonly #aggregates = new AggregateIndex();
  readonly #options: PredictionStoreOptions;
  readonly #fs: FileSystem;
  readonly #files: SegmentFilesOnDisk;
  readonly #cache: SegmentCache;
  readonly #sealed = new Map<number, SealedSegment>();
  #ids = new IdHashIndex();
  #open: OpenSegment | null = null;
  #nextSegment = 1;
  #nextSeq = 0;
  #queue: Operation[] = [];
  #draining: Promise<void> | null = null;
  #needsReload = false;
  #closed = false;
  #releaseLock: (() => Promise<void>) | null = null;
  #lastWriteFailure: string | null = null;

  private constructor(options: PredictionStoreOptions) {
    this.#options = options;
    this.#fs = options.fs ?? nodeFileSystem;
    this.#files = new SegmentFilesOnDisk(options.dataDir, this.#fs);
    this.#cache = new SegmentCache(options.storage.segment_cache_size);
  }

  /** Opens the store in `dataDir` (creating it unless read-only) and recovers any interrupted commit. */
  static async open(options: PredictionStoreOptions): Promise<PredictionStore> {
    const store = new PredictionStore(options);
    if (!options.readOnly) {
      await store.#files.createDirectories();
      store.#releaseLock = await acquireDataDirLock(options.dataDir);
    }
    try {
      await store.#load();
    } catch (error) {
      await store.#releaseLock?.();
      throw error;
    }
    return store;
  }

  // ---------------------------------------------------------------- writes

  /** Stores a new record; resolves once it is on disk. Rejects with DuplicateIdError for a known id. */
  insert(record: PredictionLog): Promise<void> {
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'insert', record, resolve, reject }));
  }

  /** Replaces a stored record's label; resolves with the new record once it is on disk. */
  label(id: string, relabel: Relabel): Promise<PredictionLog> {
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'label', id, relabel, resolve, reject }));
  }

  /** Drops the raw records of sealed segments older than the retention age; their aggregates stay. */
  async applyRetention(): Promise<{ segments: number; records: number }> {
    const dropped = { segments: 0, records: 0 };
    await this.#exclusive(async () => {
      const cutoff = this.#options.now().getTime() - this.#options.storage.retention_days * 86_400_000;
      for (const [segment, sealed] of [...this.#sealed].sort(([a], [b]) => a - b)) {
        const { summary } = sealed;
        if (summary.raw_dropped) continue;
        if (summary.max_timestamp !== null && Date.parse(summary.max_timestamp) >= cutoff) continue;
        const next: SegmentSummary = { ...summary, raw_dropped: true, id_hashes: '' };
        await this.#files.writeSummary(next);
        await this.#files.removeSegment(segment);
        this.#sealed.set(segment, { summary: next });
        this.#ids.remove(segment);
        this.#cache.delete(segment);
        dropped.segments += 1;
        dropped.records += summary.record_count;
      }
    });
    if (dropped.segments > 0) {
      this.#options.logger.info('retention dropped old raw predictions; their aggregates stay', dropped);
    }
    return dropped;
  }

  /** Waits for every queued write, then stops taking new ones and releases the lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#draining) await this.#draining;
    this.#closed = true;
    await this.#releaseLock?.();
    this.#releaseLock = null;
  }

  // ---------------------------------------------------------------- reads

  /** The stored record with this id, or null. */
  async get(id: string): Promise<PredictionLog | null> {
    const found = await this.#find(id, this.#open);
    return found?.record ?? null;
  }

  /** Records from the newest to the oldest, optionally only those with seq < `beforeSeq`. */
  async *newestFirst(beforeSeq?: number): AsyncGenerator<{ seq: number; record: PredictionLog }> {
    const open = this.#open;
    if (open) {
      const { records, first_seq } = open.data;
      for (let index = records.length - 1; index >= 0; index -= 1) {
        const seq = first_seq + index;
        if (beforeSeq !== undefined && seq >= beforeSeq) continue;
        yield { seq, record: records[index]! };
      }
    }
    const segments = [...this.#sealed.entries()].sort(([a], [b]) => b - a);
    for (const [segment, { summary }] of segments) {
      if (summary.raw_dropped || summary.record_count === 0) continue;
      if (beforeSeq !== undefined && summary.first_seq >= beforeSeq) continue;
      const { data } = await this.#loadSealed(segment);
      for (let index = data.records.length - 1; index >= 0; index -= 1) {
        const seq = data.first_seq + index;
        if (beforeSeq !== undefined && seq >= beforeSeq) continue;
        yield { seq, record: data.records[index]! };
      }
    }
  }

  /** The running aggregates, to read; only the store's commits change them. */
  get aggregates(): AggregateReader {
    return this.#aggregates;
  }

  /** Why the last commit failed, until a commit succeeds again; null when writes work. */
  get lastWriteFailure(): string | null {
    return this.#lastWriteFailure;
  }

  /** Figures for health and benchmarks. */
  stats(): { segments: number; stored_predictions: number; open_segment_records: number } {
    let stored = this.#open?.data.records.length ?? 0;
    for (const { summary } of this.#sealed.values()) if (!summary.raw_dropped) stored += summary.record_count;
    return {
      segments: this.#sealed.size + (this.#open ? 1 : 0),
      stored_predictions: stored,
      open_segment_records: this.#open?.data.records.length ?? 0,
    };
  }

  /**
   * Recomputes the aggregates from the raw records (and, for segments whose raw records
   * retention dropped, from their stored summaries). The live `aggregates` must equal this.
   */
  async rebuildAggregates(): Promise<AggregateReader> {
    if (this.#options.readOnly) return this.#rebuild();
    // Behind the commits in flight, so the files read are the ones they finish writing.
    let rebuilt: AggregateIndex | undefined;
    await this.#exclusive(async () => {
      rebuilt = await this.#rebuild();
    });
    return rebuilt!;
  }

  async #rebuild(): Promise<AggregateIndex> {
    const rebuilt = new AggregateIndex();
    for (const [segment, { summary }] of [...this.#sealed].sort(([a], [b]) => a - b)) {
      const source = summary.raw_dropped
        ? summary
        : summarizeSegment((await this.#files.readSegment(segment)), this.#options.contribute, this.#options.labelFingerprint);
      for (const group of source.groups) rebuilt.addGroup(group);
    }
    this.#open?.data.records.forEach((record, index) => {
      rebuilt.apply(this.#options.contribute(record), 1, this.#open!.data.first_seq + index, record.timestamp);
    });
    return rebuilt;
  }

  // ---------------------------------------------------------------- commit loop

  #enqueue(operation: Operation): void {
    if (this.#closed) {
      operation.reject(new StorageError('the store is closed'));
      return;
    }
    if (this.#options.readOnly) {
      operation.reject(new StorageError('the store was opened read-only'));
      return;
    }
    this.#queue.push(operation);
    this.#draining ??= this.#drain();
  }

  #exclusive(run: () => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'exclusive', run, resolve, reject }));
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      await this.#commit(batch);
    }
    this.#draining = null;
  }

  async #commit(batch: Operation[]): Promise<void> {
    if (this.#needsReload) {
      try {
        await this.#reload();
      } catch (error) {
        const failure = new WriteFailedError(`the store could not recover from a failed write: ${(error as Error).message}`);
        for (const operation of batch) operation.reject(failure);
        return;
      }
    }
    const exclusive = batch.filter((operation) => operation.kind === 'exclusive');
    const writes = batch.filter((operation) => operation.kind !== 'exclusive');
    if (writes.length > 0) {
      try {
        await this.#commitWrites(writes);
      } catch (error) {
        // Never leave a caller waiting, nor the queue stuck on a rejected drain (settled ones ignore this).
        for (const operation of writes) operation.reject(error as Error);
      }
    }
    for (const operation of exclusive) {
      try {
        await operation.run();
        operation.resolve();
      } catch (error) {
        this.#needsReload = true;
        operation.reject(error as Error);
      }
    }
  }

  /**
   * One commit has one commit point: the write of the open segment. Operations are acknowledged
   * once it is on disk. What follows is derived and can be redone from it: summaries, and sealed
   * segments rewritten for late labels (whose labels the open segment's label_log already holds).
   * A failure there is repaired by re-reading the store before the next commit.
   */
  async #commitWrites(batch: Array<Exclude<Operation, { kind: 'exclusive' }>>): Promise<void> {
    const now = this.#options.now();
    let open = this.#stageOpen(this.#open, now);
    const targets = new Map<number, LoadedSegment & { revision: number }>();
    const changes: RecordChange[] = [];
    const accepted: Array<() => void> = [];
    const rejectAccepted: Array<(error: Error) => void> = [];

    for (let position = 0; position < batch.length; position += 1) {
      const operation = batch[position]!;
      if (operation.kind === 'insert') {
        const { record } = operation;
        let exists: boolean;
        try {
          exists = await this.#exists(record.prediction_id, open, targets);
        } catch (error) {
          // A sealed segment that may hold the id cannot be read (CorruptFileError names it).
          operation.reject(error as Error);
          continue;
        }
        if (exists) {
          operation.reject(new DuplicateIdError(`prediction_id "${record.prediction_id}" is already stored`));
          continue;
        }
        if (this.#isFull(open, now, this.#files.size(record) + 2)) {
          if (open.dirty || targets.size > 0) {
            // One commit writes one segment: the rest goes in the next commit, into a new segment.
            this.#queue.unshift(...batch.slice(position));
            break;
          }
          // The open segment is unchanged and already on disk: seal it, start the next one.
          await this.#seal();
          open = this.#stageOpen(null, now);
        }
        const index = open.data.records.length;
        open.data.records.push(record);
        open.ids.set(record.prediction_id, index);
        open.bytes += this.#files.size(record) + 2;
        open.dirty = true;
        changes.push({ before: null, after: record, seq: open.data.first_seq + index });
        accepted.push(() => operation.resolve());
        rejectAccepted.push(operation.reject);
        continue;
      }
      // label
      let where: StagedRecord | null;
      try {
        where = this.#findStaged(operation.id, open) ?? (await this.#findSealed(operation.id, targets));
      } catch (error) {
        // The sealed segment that may hold the id cannot be read (CorruptFileError names it).
        operation.reject(error as Error);
        continue;
      }
      if (!where) {
        operation.reject(new UnknownIdError(`no stored prediction has prediction_id "${operation.id}"`));
        continue;
      }
      const before = where.segment.data.records[where.index]!;
      let after: PredictionLog;
      try {
        after = operation.relabel(before);
      } catch (error) {
        operation.reject(error as Error);
        continue;
      }
      if (after === before) {
        // Nothing to change (e.g. a label only wanted while unlabeled): answer without a write.
        accepted.push(() => operation.resolve(before));
        rejectAccepted.push(operation.reject);
        continue;
      }
      where.segment.data.records[where.index] = after;
      changes.push({ before, after, seq: where.segment.data.first_seq + where.index });
      if (where.sealed) {
        const target = where.segment as LoadedSegment & { revision: number };
        const intent: LabelIntent = {
          prediction_id: after.prediction_id,
          segment: target.data.segment,
          target_revision: target.revision,
          ground_truth: after.ground_truth,
          ground_truth_source: after.ground_truth_source ?? 'api',
          correct: after.correct ?? false,
          labeled_at: after.labeled_at ?? now.toISOString(),
        };
        open.data.label_log.push(intent);
        open.bytes += intentSize(intent);
      } else {
        open.bytes += this.#files.size(after) - this.#files.size(before);
      }
      open.dirty = true;
      accepted.push(() => operation.resolve(after));
      rejectAccepted.push(operation.reject);
    }
    if (accepted.length === 0) return;

    // The commit point.
    if (open.dirty) {
      try {
        await this.#files.writeSegment(open.data);
      } catch (error) {
        this.#needsReload = true;
        const failure = new WriteFailedError(`could not write to ${this.#options.dataDir}: ${(error as Error).message}`);
        this.#lastWriteFailure = failure.message;
        this.#options.logger.error('a write failed; nothing in it was acknowledged', { error: failure.message });
        for (const reject of rejectAccepted) reject(failure);
        return;
      }
    }

    // On disk: publish.
    this.#lastWriteFailure = null;
    for (const target of targets.values()) {
      target.data = { ...target.data, revision: target.revision };
      this.#cache.set(target.data.segment, { data: target.data, ids: target.ids });
    }
    this.#open = open;
    this.#nextSegment = Math.max(this.#nextSegment, open.data.segment + 1);
    this.#nextSeq = open.data.first_seq + open.data.records.length;
    for (const change of changes) {
      if (change.before) this.#aggregates.apply(this.#options.contribute(change.before), -1, change.seq, change.before.timestamp);
      this.#aggregates.apply(this.#options.contribute(change.after), 1, change.seq, change.after.timestamp);
    }

    // Derived: apply late labels to their sealed segments (before answering, so what callers see
    // next on disk is settled; a failure here does not undo the acknowledged commit).
    for (const target of targets.values()) {
      try {
        await this.#files.writeSegment(target.data);
        const summary = this.#summarize(target.data);
        await this.#files.writeSummary(summary);
        this.#sealed.set(summary.segment, { summary: { ...summary, id_hashes: '' } });
      } catch (error) {
        this.#derivedFailed(`could not apply late labels to sealed segment ${target.data.segment}`, error);
      }
    }
    for (const resolve of accepted) resolve();
  }

  /** Seals the open segment (unchanged, on disk): its summary is derived, and rebuilt at start-up if lost. */
  async #seal(): Promise<void> {
    const open = this.#open;
    if (!open) return;
    const summary = this.#summarize(open.data);
    this.#sealed.set(summary.segment, { summary: { ...summary, id_hashes: '' } });
    this.#ids.add(summary.segment, decodeIdHashes(summary.id_hashes));
    this.#cache.set(open.data.segment, { data: open.data, ids: open.ids });
    this.#open = null;
    this.#nextSegment = Math.max(this.#nextSegment, open.data.segment + 1);
    this.#nextSeq = open.data.first_seq + open.data.records.length;
    try {
      await this.#files.writeSummary(summary);
    } catch (error) {
      this.#derivedFailed(`could not write the summary of segment ${summary.segment}`, error);
    }
  }

  /** A derived write failed: what is acknowledged is safe; re-read (and redo) before the next commit. */
  #derivedFailed(what: string, error: unknown): void {
    this.#needsReload = true;
    this.#options.logger.warn(`${what}; it is redone from the open segment before the next write`, { error: (error as Error).message });
  }

  // ---------------------------------------------------------------- staging helpers

  #stageOpen(open: OpenSegment | null, now: Date): OpenSegment {
    if (!open) return this.#newOpen(this.#nextSegment, this.#nextSeq, now);
    // Intents whose target rewrite is on disk (published commits) are no longer needed: dropping
    // them keeps the open segment bounded under label-only traffic. They leave with the next write.
    const label_log: LabelIntent[] = [];
    let bytes = open.bytes;
    for (const intent of open.data.label_log) {
      if (this.#intentPending(intent)) label_log.push(intent);
      else bytes -= intentSize(intent);
    }
    return {
      data: { ...open.data, records: open.data.records.slice(), label_log },
      ids: new Map(open.ids),
      bytes,
      dirty: false,
    };
  }

  /** Whether a logged label is not yet in its sealed target segment (as published). */
  #intentPending(intent: LabelIntent): boolean {
    const target = this.#sealed.get(intent.segment);
    return target !== undefined && !target.summary.raw_dropped && target.summary.source_revision < intent.target_revision;
  }

  #newOpen(segment: number, firstSeq: number, now: Date): OpenSegment {
    return {
      data: {
        schema_version: STORE_SCHEMA_VERSION,
        kind: 'predictions-segment',
        segment,
        revision: 0,
        first_seq: firstSeq,
        created_at: now.toISOString(),
        records: [],
        label_log: [],
      },
      ids: new Map(),
      bytes: 256,
      dirty: false,
    };
  }

  /** Whether the open segment must be sealed before a record of `adding` bytes is appended to it. */
  #isFull(open: OpenSegment, now: Date, adding: number): boolean {
    const { storage } = this.#options;
    if (open.data.records.length === 0) return false;
    return (
      open.data.records.length >= storage.segment_max_records ||
      open.bytes + adding > storage.segment_max_bytes ||
      now.getTime() - Date.parse(open.data.created_at) >= storage.segment_max_age_hours * 3_600_000
    );
  }

  #findStaged(id: string, open: OpenSegment): { segment: OpenSegment; index: number; sealed: false } | null {
    const index = open.ids.get(id);
    return index === undefined ? null : { segment: open, index, sealed: false };
  }

  /** Finds a record in a sealed segment, staging a copy of that segment for rewriting. */
  async #findSealed(
    id: string,
    targets: Map<number, LoadedSegment & { revision: number }>,
  ): Promise<{ segment: LoadedSegment & { revision: number }; index: number; sealed: true } | null> {
    for (const segment of this.#ids.candidates(id)) {
      let target = targets.get(segment);
      if (!target) {
        const loaded = await this.#loadSealed(segment);
        target = {
          data: { ...loaded.data, records: loaded.data.records.slice() },
          ids: loaded.ids,
          revision: loaded.data.revision + 1,
        };
        const index = target.ids.get(id);
        if (index === undefined) continue;
        targets.set(segment, target);
        return { segment: target, index, sealed: true };
      }
      const index = target.ids.get(id);
      if (index !== undefined) return { segment: target, index, sealed: true };
    }
    return null;
  }

  async #exists(id: string, open: OpenSegment, targets: Map<number, LoadedSegment>): Promise<boolean> {
    if (this.#findStaged(id, open)) return true;
    for (const segment of this.#ids.candidates(id)) {
      const loaded = targets.get(segment) ?? (await this.#loadSealed(segment));
      if (loaded.ids.has(id)) return true;
    }
    return false;
  }

  async #find(id: string, open: OpenSegment | null): Promise<{ record: PredictionLog } | null> {
    const index = open?.ids.get(id);
    if (open && index !== undefined) return { record: open.data.records[index]! };
    for (const segment of this.#ids.candidates(id)) {
      const loaded = await this.#loadSealed(segment);
      const at = loaded.ids.get(id);
      if (at !== undefined) return { record: loaded.data.records[at]! };
    }
    return null;
  }

  // ---------------------------------------------------------------- files

  async #loadSealed(segment: number): Promise<LoadedSegment> {
    const cached = this.#cache.get(segment);
    if (cached) return cached;
    const data = await this.#files.readSegment(segment);
    const loaded = { data, ids: indexRecords(data.records) };
    this.#cache.set(segment, loaded);
    return loaded;
  }

  #summarize(data: SegmentFile): SegmentSummary {
    return summarizeSegment(data, this.#options.contribute, this.#options.labelFingerprint);
  }

  // ---------------------------------------------------------------- start-up and recovery

  async #reload(): Promise<void> {
    this.#options.logger.warn('re-reading the store after a failed write');
    this.#sealed.clear();
    this.#open = null;
    this.#cache.clear();
    this.#aggregates.clear();
    await this.#load();
    this.#needsReload = false;
  }

  async #load(): Promise<void> {
    const { logger, readOnly } = this.#options;
    const segmentNumbers = await this.#files.listSegments();
    const summaryNumbers = await this.#files.listSummaries();
    const segmentSet = new Set(segmentNumbers);
    const hashes = new Map<number, Uint32Array>();

    for (const segment of summaryNumbers) {
      const summary = await this.#files.readSummary(segment);
      const segmentPath = this.#files.segmentPath(segment);
      if (!summary.raw_dropped && !segmentSet.has(segment)) {
        throw new CorruptFileError(segmentPath, `the file is missing, but its summary says it holds ${summary.record_count} predictions`);
      }
      if (summary.raw_dropped && segmentSet.has(segment)) {
        // Retention wrote the summary but was stopped before removing the raw file.
        if (!readOnly) await this.#files.removeSegment(segment);
        segmentSet.delete(segment);
      }
      this.#sealed.set(segment, { summary: { ...summary, id_hashes: '' } });
      hashes.set(segment, decodeIdHashes(summary.id_hashes));
    }

    const present = segmentNumbers.filter((n) => segmentSet.has(n));
    const highest = present.at(-1);
    const openNumber = highest !== undefined && !this.#sealed.has(highest) ? highest : null;
    const replaySources: SegmentFile[] = [];

    // Sealed segments whose summary is missing (a stop during sealing) or stale (label keys changed).
    for (const segment of present) {
      if (segment === openNumber) continue;
      const sealed = this.#sealed.get(segment);
      if (sealed && sealed.summary.label_fingerprint === this.#options.labelFingerprint) continue;
      const data = await this.#files.readSegment(segment);
      const summary = this.#summarize(data);
      if (!readOnly) await this.#files.writeSummary(summary);
      this.#sealed.set(segment, { summary: { ...summary, id_hashes: '' } });
      hashes.set(segment, decodeIdHashes(summary.id_hashes));
      if (!sealed) replaySources.push(data);
      logger.info(sealed ? 'recomputed a segment summary for new label settings' : 'rebuilt a missing segment summary', { segment });
    }
    for (const { summary } of this.#sealed.values()) {
      if (summary.raw_dropped && summary.label_fingerprint !== this.#options.labelFingerprint) {
        logger.warn('aggregates of a segment whose raw records were dropped keep their old label settings', { segment: summary.segment });
      }
    }

    if (openNumber !== null) {
      const data = await this.#files.readSegment(openNumber);
      replaySources.push(data);
      this.#open = { data, ids: indexRecords(data.records), bytes: 0, dirty: false };
      this.#open.bytes =
        256 +
        data.records.reduce((sum, record) => sum + this.#files.size(record) + 2, 0) +
        data.label_log.reduce((sum, intent) => sum + intentSize(intent), 0);
    }
    this.#ids = IdHashIndex.build(hashes);
    for (const source of replaySources) await this.#replayIntents(source.label_log);

    for (const { summary } of this.#sealed.values()) for (const group of summary.groups) this.#aggregates.addGroup(group);
    if (this.#open) {
      const { records, first_seq } = this.#open.data;
      records.forEach((record, index) => this.#aggregates.apply(this.#options.contribute(record), 1, first_seq + index, record.timestamp));
    }
    const lastSealed = [...this.#sealed.values()].reduce((max, { summary }) => Math.max(max, summary.first_seq + summary.record_count), 0);
    this.#nextSeq = this.#open ? this.#open.data.first_seq + this.#open.data.records.length : lastSealed;
    this.#nextSegment = Math.max(0, ...present, ...this.#sealed.keys()) + 1;
    logger.info('store opened', { data_dir: this.#options.dataDir, ...this.stats() });
  }

  /** Re-applies logged late labels whose sealed-segment rewrite did not complete. */
  async #replayIntents(intents: LabelIntent[]): Promise<void> {
    const pending = new Map<number, LabelIntent[]>();
    for (const intent of intents) {
      const target = this.#sealed.get(intent.segment);
      if (!target || target.summary.raw_dropped) continue;
      if (target.summary.source_revision >= intent.target_revision) continue;
      pending.set(intent.segment, [...(pending.get(intent.segment) ?? []), intent]);
    }
    for (const [segment, list] of pending) {
      const data = await this.#files.readSegment(segment);
      const ids = indexRecords(data.records);
      let records = data.records;
      let revision = data.revision;
      for (const intent of list) {
        if (intent.target_revision <= data.revision) continue;
        const index = ids.get(intent.prediction_id);
        if (index === undefined) continue;
        records = records === data.records ? records.slice() : records;
        records[index] = {
          ...records[index]!,
          ground_truth: intent.ground_truth,
          ground_truth_source: intent.ground_truth_source,
          correct: intent.correct,
          labeled_at: intent.labeled_at,
        };
        revision = Math.max(revision, intent.target_revision);
      }
      const next = { ...data, records, revision };
      if (!this.#options.readOnly) {
        if (revision !== data.revision) await this.#files.writeSegment(next);
      }
      const summary = this.#summarize(next);
      if (!this.#options.readOnly) await this.#files.writeSummary(summary);
      this.#sealed.set(segment, { summary: { ...summary, id_hashes: '' } });
      this.#cache.delete(segment);
      this.#options.logger.info('re-applied late labels after an interrupted write', { segment, labels: list.length });
    }
  }
}

import { describeError } from '../logging/to-error.js';
import { AggregateIndex } from './aggregate-index.js';
import type { FileSystem } from './file-system.js';
import { IdHashIndex } from './id-hashes.js';
import type { OpenSegment } from './open-segment.js';
import type { PredictionStoreOptions } from './store-options.js';
import type { LoadedSegment } from './segment-cache.js';
import { indexRecords, SegmentCache } from './segment-cache.js';
import type { SealedSegment } from './sealed-segment.js';
import type { SegmentFile, SegmentSummary } from './segment-files.js';
import { SegmentFilesOnDisk } from './segment-files-on-disk.js';
import { summarizeSegment } from './summarize-segment.js';

/**
 * What the store knows of its data directory, in memory: the sealed segments (what their summaries say, without the counts), the id
 * hashes, the open segment, the aggregates. Shared by the steps that change it (commits, sealing,
 * recovery, retention), which run one at a time: at start-up, or from the commit queue.
 */
export class StoreState {
  readonly options: PredictionStoreOptions;
  readonly files: SegmentFilesOnDisk;
  readonly cache: SegmentCache;
  /**
   * Sealed segments with late labels that are on disk only as intent lines in the open segment's
   * log: their rewrite waits until the open segment seals, more of them wait than the cache holds,
   * or the store closes (deferred-labels.ts). Readers take them from here, never from their files.
   */
  readonly deferred = new Map<number, LoadedSegment>();
  readonly aggregates = new AggregateIndex();
  readonly sealed = new Map<number, SealedSegment>();
  ids = new IdHashIndex();
  open: OpenSegment | null = null;
  nextSegment = 1;
  nextSeq = 0;
  /** Set when a write failed: the files are re-read before the next commit. */
  needsReload = false;
  /** Segments sealed during a commit's staging: their summary is written and their log removed alongside its commit point (finishSeals). */
  pendingSeals: SegmentSummary[] = [];
  /** The length the open segment's log must be cut back to before it is read again (a failed append the store could not cut). */
  cutOpenSegmentTo: { segment: number; bytes: number } | null = null;
  /** Why the last commit failed, until a commit succeeds again. */
  lastWriteFailure: string | null = null;

  constructor(options: PredictionStoreOptions, fs: FileSystem) {
    this.options = options;
    this.files = new SegmentFilesOnDisk(options.dataDir, fs);
    this.cache = new SegmentCache(options.storage.segment_cache_size);
  }

  /** A sealed segment as memory holds it (with its deferred labels), or undefined when only its file does. */
  inMemory(segment: number): LoadedSegment | undefined {
    return this.deferred.get(segment) ?? this.cache.get(segment);
  }

  async loadSealed(segment: number): Promise<LoadedSegment> {
    const cached = this.inMemory(segment);
    if (cached) return cached;
    const data = await this.files.readSegment(segment);
    const loaded = { data, ids: indexRecords(data.records) };
    this.cache.set(segment, loaded);
    return loaded;
  }

  summarize(data: SegmentFile): SegmentSummary {
    return summarizeSegment(data, this.options.contribute, this.options.labelFingerprint);
  }

  /** A derived write failed: what is acknowledged is safe; re-read (and redo) before the next commit. */
  derivedFailed(what: string, error: unknown): void {
    this.needsReload = true;
    this.options.logger.warn(`${what}; it is redone from the open segment before the next write`, { error: describeError(error) });
  }

  /** Figures for health and benchmarks. */
  stats(): { segments: number; stored_predictions: number; open_segment_records: number } {
    let stored = this.open?.data.records.length ?? 0;
    for (const summary of this.sealed.values()) if (!summary.raw_dropped) stored += summary.record_count;
    return {
      segments: this.sealed.size + (this.open ? 1 : 0),
      stored_predictions: stored,
      open_segment_records: this.open?.data.records.length ?? 0,
    };
  }
}

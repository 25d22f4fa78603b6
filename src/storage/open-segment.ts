import type { StorageConfig } from './storage-config.js';
import { indexRecords } from './segment-cache.js';
import type { SegmentFile } from './segment-files.js';
import { headerLine, headerOf } from './segment-log-lines.js';
import { STORE_SCHEMA_VERSION } from './stored-file-version.js';

/** The open segment (or its staged copy during a commit): the folded log, and what the next commit appends. */
export interface OpenSegment {
  /** The segment as its log folds: records with their latest labels, late labels still logged. */
  data: SegmentFile;
  /**
   * Index of the committed records by id. A staged copy shares it with the published open
   * segment (copying it each commit cost a Map of up to `segment_max_records` entries per
   * commit); the ids it stages go in `newIds` and join `ids` once the commit is on disk.
   */
  ids: Map<string, number>;
  /** Ids of the records staged in this commit, not on disk yet (see `ids`). */
  newIds: Map<string, number>;
  /** Bytes of the log once `pending` is appended (what segment_max_bytes bounds). */
  bytes: number;
  /** Lines staged for the next commit, not on disk yet. */
  pending: string[];
  /** Length of the log on disk; null while it has no file (the segment's first commit creates it). */
  fileBytes: number | null;
  /** True once the staged copy has lines to commit. */
  dirty: boolean;
  /** `data.created_at` in ms (the age bound is checked for every record staged). */
  createdMs: number;
}

export function newOpenSegment(segment: number, firstSeq: number, now: Date): OpenSegment {
  const data: SegmentFile = {
    schema_version: STORE_SCHEMA_VERSION,
    kind: 'predictions-segment',
    segment,
    revision: 0,
    first_seq: firstSeq,
    created_at: now.toISOString(),
    records: [],
    label_log: [],
  };
  return { data, ids: new Map(), newIds: new Map(), bytes: Buffer.byteLength(headerLine(headerOf(data))), pending: [], fileBytes: null, dirty: false, createdMs: now.getTime() };
}

/** The open segment as read at start-up: its folded log, `fileBytes` long on disk. */
export function reopenSegment(data: SegmentFile, fileBytes: number): OpenSegment {
  return { data, ids: indexRecords(data.records), newIds: new Map(), bytes: fileBytes, pending: [], fileBytes, dirty: false, createdMs: Date.parse(data.created_at) };
}

/** The index of a record of the open segment (committed, or staged in this commit), or undefined. */
export function indexOfId(open: OpenSegment, id: string): number | undefined {
  return open.ids.get(id) ?? open.newIds.get(id);
}

/** Stages a new record (its line is staged with `stageLine`). */
export function stageRecord(open: OpenSegment, record: SegmentFile['records'][number]): number {
  const index = open.data.records.length;
  open.data.records.push(record);
  open.newIds.set(record.prediction_id, index);
  return index;
}

/**
 * The commit is on disk: its staged ids join the index readers use. Call it in the same
 * synchronous step that publishes `open` as the store's open segment.
 */
export function publishIds(open: OpenSegment): void {
  for (const [id, index] of open.newIds) open.ids.set(id, index);
  open.newIds.clear();
}

/** Stages a line (of `bytes` UTF-8 bytes, when the caller knows) for the next commit. */
export function stageLine(open: OpenSegment, line: string, bytes = Buffer.byteLength(line)): void {
  open.pending.push(line);
  open.bytes += bytes;
  open.dirty = true;
}

/** What the next commit writes: the lines to append, or the whole new file (header first) when there is none yet. */
export function commitText(open: OpenSegment): string {
  const lines = open.pending.join('');
  return open.fileBytes === null ? headerLine(headerOf(open.data)) + lines : lines;
}

/** Whether the open segment must be sealed before a record line of `adding` bytes is appended to it. */
export function isFull(open: OpenSegment, storage: StorageConfig, now: Date, adding: number): boolean {
  if (open.data.records.length === 0) return false;
  return (
    open.data.records.length >= storage.segment_max_records ||
    open.bytes + adding > storage.segment_max_bytes ||
    now.getTime() - open.createdMs >= storage.segment_max_age_hours * 3_600_000
  );
}

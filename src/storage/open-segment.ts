import type { StorageConfig } from './storage-config.js';
import { indexRecords } from './segment-cache.js';
import type { SegmentFile } from './segment-files.js';
import { headerLine, headerOf } from './segment-log-lines.js';
import { STORE_SCHEMA_VERSION } from './stored-file-version.js';

/** The open segment (or its staged copy during a commit): the folded log, and what the next commit appends. */
export interface OpenSegment {
  /** The segment as its log folds: records with their latest labels, late labels still logged. */
  data: SegmentFile;
  ids: Map<string, number>;
  /** Bytes of the log once `pending` is appended (what segment_max_bytes bounds). */
  bytes: number;
  /** Lines staged for the next commit, not on disk yet. */
  pending: string[];
  /** Length of the log on disk; null while it has no file (the segment's first commit creates it). */
  fileBytes: number | null;
  /** True once the staged copy has lines to commit. */
  dirty: boolean;
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
  return { data, ids: new Map(), bytes: Buffer.byteLength(headerLine(headerOf(data))), pending: [], fileBytes: null, dirty: false };
}

/** The open segment as read at start-up: its folded log, `fileBytes` long on disk. */
export function reopenSegment(data: SegmentFile, fileBytes: number): OpenSegment {
  return { data, ids: indexRecords(data.records), bytes: fileBytes, pending: [], fileBytes, dirty: false };
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
    now.getTime() - Date.parse(open.data.created_at) >= storage.segment_max_age_hours * 3_600_000
  );
}

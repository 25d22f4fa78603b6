import type { StorageConfig } from './storage-config.js';
import type { PredictionLog } from '../domain/prediction.js';
import { indexRecords } from './segment-cache.js';
import type { LabelIntent, SegmentFile } from './segment-files.js';
import { STORE_SCHEMA_VERSION } from './stored-file-version.js';

/** The open segment (or its staged copy during a commit). */
export interface OpenSegment {
  data: SegmentFile;
  ids: Map<string, number>;
  bytes: number;
  dirty: boolean;
}

/** What the size bound counts for a segment file's header. */
const HEADER_BYTES = 256;

/** Bytes a logged label takes in the open segment's file (UTF-8, with its separator). */
export function intentSize(intent: LabelIntent): number {
  return Buffer.byteLength(JSON.stringify(intent)) + 2;
}

export function newOpenSegment(segment: number, firstSeq: number, now: Date): OpenSegment {
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
    bytes: HEADER_BYTES,
    dirty: false,
  };
}

/** The open segment as read at start-up; `size` is a record's size in the file, without separator. */
export function reopenSegment(data: SegmentFile, size: (record: PredictionLog) => number): OpenSegment {
  const open: OpenSegment = { data, ids: indexRecords(data.records), bytes: 0, dirty: false };
  open.bytes =
    HEADER_BYTES +
    data.records.reduce((sum, record) => sum + size(record) + 2, 0) +
    data.label_log.reduce((sum, intent) => sum + intentSize(intent), 0);
  return open;
}

/** Whether the open segment must be sealed before a record of `adding` bytes is appended to it. */
export function isFull(open: OpenSegment, storage: StorageConfig, now: Date, adding: number): boolean {
  if (open.data.records.length === 0) return false;
  return (
    open.data.records.length >= storage.segment_max_records ||
    open.bytes + adding > storage.segment_max_bytes ||
    now.getTime() - Date.parse(open.data.created_at) >= storage.segment_max_age_hours * 3_600_000
  );
}

import type { SegmentSummary } from './segment-files.js';
import { firstAtOrAfter } from './first-at-or-after.js';

/** What the store keeps in memory of one model version in a sealed segment: never its counts (those are in the AggregateIndex). */
export interface SealedGroup {
  model_name: string;
  model_version: string;
  first_seq: number;
  last_timestamp: string;
  /** Start (ms) of each hour the summary counts records of this version in, ascending. */
  hours: Float64Array;
}

/**
 * A sealed segment as the store keeps it in memory: its summary's segment-level fields and, per
 * model version, which hours it holds. The summary's counts are in the aggregates and its id
 * hashes in the IdHashIndex; keeping them here too was most of the heap at 1,000,000 stored.
 */
export interface SealedSegment {
  segment: number;
  source_revision: number;
  label_fingerprint: string;
  first_seq: number;
  record_count: number;
  min_timestamp: string | null;
  max_timestamp: string | null;
  /** The two timestamps in ms (null with them), parsed once: a time-window query looks at every segment. */
  min_ms: number | null;
  max_ms: number | null;
  raw_dropped: boolean;
  predicted_complete: boolean;
  groups: SealedGroup[];
}

/** The in-memory record of a sealed segment's summary. */
export function sealedSegmentOf(summary: SegmentSummary): SealedSegment {
  return {
    segment: summary.segment,
    source_revision: summary.source_revision,
    label_fingerprint: summary.label_fingerprint,
    first_seq: summary.first_seq,
    record_count: summary.record_count,
    min_timestamp: summary.min_timestamp,
    max_timestamp: summary.max_timestamp,
    min_ms: summary.min_timestamp === null ? null : Date.parse(summary.min_timestamp),
    max_ms: summary.max_timestamp === null ? null : Date.parse(summary.max_timestamp),
    raw_dropped: summary.raw_dropped,
    predicted_complete: summary.predicted_complete,
    groups: summary.groups.map((group) => ({
      model_name: group.model_name,
      model_version: group.model_version,
      first_seq: group.first_seq,
      last_timestamp: group.last_timestamp,
      hours: Float64Array.from(group.buckets, (bucket) => bucket.hour).sort(),
    })),
  };
}

/** Whether the group counts records in the hour starting at `hour` (binary search). */
export function groupHoldsHour(group: SealedGroup, hour: number): boolean {
  const at = firstAtOrAfter(group.hours, hour);
  return at < group.hours.length && group.hours[at] === hour;
}

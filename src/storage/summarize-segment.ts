import type { Contribution } from '../metrics/bucket-counts.js';
import { applyContribution, emptyCounts } from '../metrics/bucket-counts.js';
import type { BucketCounts } from '../metrics/bucket-counts.js';
import type { PredictionLog } from '../domain/prediction.js';
import { encodeIdHashes, sortedIdHashes } from './id-hashes.js';
import type { SegmentFile, SegmentSummary, SummaryGroup } from './segment-files.js';
import { countsToBucket } from './stored-bucket.js';
import { STORE_SCHEMA_VERSION } from './stored-file-version.js';

/** Maps a record to what it adds to the aggregates (depends on each model's label key). */
export type Contribute = (record: PredictionLog) => Contribution;

/** Computes a sealed segment's summary from its raw records. */
export function summarizeSegment(segment: SegmentFile, contribute: Contribute, labelFingerprint: string): SegmentSummary {
  const groups = new Map<string, { group: Omit<SummaryGroup, 'buckets'>; hours: Map<number, BucketCounts> }>();
  let minTimestamp: string | null = null;
  let maxTimestamp: string | null = null;
  segment.records.forEach((record, index) => {
    const seq = segment.first_seq + index;
    const contribution = contribute(record);
    const key = JSON.stringify([record.model_name, record.model_version]);
    let entry = groups.get(key);
    if (!entry) {
      entry = {
        group: { model_name: record.model_name, model_version: record.model_version, first_seq: seq, last_timestamp: record.timestamp },
        hours: new Map(),
      };
      groups.set(key, entry);
    }
    if (record.timestamp > entry.group.last_timestamp) entry.group.last_timestamp = record.timestamp;
    let counts = entry.hours.get(contribution.hour);
    if (!counts) {
      counts = emptyCounts();
      entry.hours.set(contribution.hour, counts);
    }
    applyContribution(counts, contribution, 1);
    if (minTimestamp === null || record.timestamp < minTimestamp) minTimestamp = record.timestamp;
    if (maxTimestamp === null || record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
  });
  return {
    schema_version: STORE_SCHEMA_VERSION,
    kind: 'segment-summary',
    segment: segment.segment,
    source_revision: segment.revision,
    label_fingerprint: labelFingerprint,
    first_seq: segment.first_seq,
    record_count: segment.records.length,
    min_timestamp: minTimestamp,
    max_timestamp: maxTimestamp,
    raw_dropped: false,
    predicted_complete: true,
    id_hashes: encodeIdHashes(sortedIdHashes(segment.records.map((record) => record.prediction_id))),
    groups: [...groups.values()].map(({ group, hours }) => ({
      ...group,
      buckets: [...hours.entries()].sort(([a], [b]) => a - b).map(([hour, counts]) => countsToBucket(hour, counts)),
    })),
  };
}

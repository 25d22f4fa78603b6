import type { BucketCounts, Contribution } from '../metrics/bucket-counts.js';
import { applyContribution, emptyCounts, mergeCounts } from '../metrics/bucket-counts.js';
import { HourlyCounts } from './hourly-counts.js';
import type { SummaryGroup } from './segment-files.js';

/** One model version's counts: all time, and per hour. */
export interface VersionAggregates {
  model_name: string;
  model_version: string;
  /** Sequence number of the version's first prediction: the newest version is the one first seen last. */
  first_seq: number;
  last_timestamp: string | null;
  all_time: BucketCounts;
  /** Start of hour (ms) → counts (unpacked on each read: see HourlyCounts). */
  hours: ReadonlyMap<number, BucketCounts>;
}

/** Hourly bucket counts of one model version, as stored in a segment summary. */
export type StoredGroup = SummaryGroup;

/** What readers of the aggregates may do: look counts up, never change them. */
export interface AggregateReader {
  models(): string[];
  versions(model: string): VersionAggregates[];
  get(model: string, version: string): VersionAggregates | undefined;
  /** Counts of the hours that start in [fromHour, toHour]; all time when both are null. */
  sum(model: string, version: string, fromHour: number | null, toHour: number | null): BucketCounts;
  /** Goes up with every change of the counts (a prediction, a label, a summary added, a clear): equal values, equal counts. */
  readonly changes: number;
}

/** A version's aggregates as the index keeps them: the hours it can change. */
interface VersionEntry extends VersionAggregates {
  hours: HourlyCounts;
}

/**
 * Running confusion counts per model, version and hour, so metrics never rescan raw records.
 * Pure data: the store feeds it contributions and stored summaries.
 */
export class AggregateIndex implements AggregateReader {
  readonly #models = new Map<string, Map<string, VersionEntry>>();
  #changes = 0;

  get changes(): number {
    return this.#changes;
  }

  #version(model: string, version: string, seq: number): VersionEntry {
    let versions = this.#models.get(model);
    if (!versions) {
      versions = new Map();
      this.#models.set(model, versions);
    }
    let entry = versions.get(version);
    if (!entry) {
      entry = { model_name: model, model_version: version, first_seq: seq, last_timestamp: null, all_time: emptyCounts(), hours: new HourlyCounts() };
      versions.set(version, entry);
    } else if (seq < entry.first_seq) {
      entry.first_seq = seq;
    }
    return entry;
  }

  /** Adds (1) or removes (-1) one prediction. */
  apply(contribution: Contribution, sign: 1 | -1, seq: number, timestamp: string): void {
    this.#changes += 1;
    const entry = this.#version(contribution.model_name, contribution.model_version, seq);
    if (sign === 1 && (entry.last_timestamp === null || timestamp > entry.last_timestamp)) entry.last_timestamp = timestamp;
    applyContribution(entry.all_time, contribution, sign);
    entry.hours.apply(contribution, sign);
  }

  /** Adds a sealed segment's stored counts. */
  addGroup(group: StoredGroup): void {
    this.#changes += 1;
    const entry = this.#version(group.model_name, group.model_version, group.first_seq);
    if (entry.last_timestamp === null || group.last_timestamp > entry.last_timestamp) entry.last_timestamp = group.last_timestamp;
    for (const bucket of group.buckets) entry.hours.addBucket(bucket, entry.all_time);
  }

  clear(): void {
    this.#changes += 1;
    this.#models.clear();
  }

  models(): string[] {
    return [...this.#models.keys()];
  }

  versions(model: string): VersionAggregates[] {
    return [...(this.#models.get(model)?.values() ?? [])];
  }

  get(model: string, version: string): VersionAggregates | undefined {
    return this.#models.get(model)?.get(version);
  }

  /** Counts of the hours that start in [fromHour, toHour]; all time when both are null. */
  sum(model: string, version: string, fromHour: number | null, toHour: number | null): BucketCounts {
    const entry = this.#models.get(model)?.get(version);
    const total = emptyCounts();
    if (!entry) return total;
    if (fromHour === null && toHour === null) mergeCounts(total, entry.all_time);
    else entry.hours.sumInto(total, fromHour, toHour);
    return total;
  }
}

import type { BucketCounts, Contribution } from '../metrics/bucket-counts.js';
import { applyContribution, emptyCounts, mergeCounts } from '../metrics/bucket-counts.js';
import type { SummaryGroup } from './segment-files.js';
import { bucketToCounts } from './stored-bucket.js';

/** One model version's counts: all time, and per hour. */
export interface VersionAggregates {
  model_name: string;
  model_version: string;
  /** Sequence number of the version's first prediction: the newest version is the one first seen last. */
  first_seq: number;
  last_timestamp: string | null;
  all_time: BucketCounts;
  /** Start of hour (ms) → counts. */
  hours: Map<number, BucketCounts>;
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
}

/**
 * Running confusion counts per model, version and hour, so metrics never rescan raw records.
 * Pure data: the store feeds it contributions and stored summaries.
 */
export class AggregateIndex implements AggregateReader {
  readonly #models = new Map<string, Map<string, VersionAggregates>>();
  /**
   * Each version's hours, ascending, made when a time window first needs them and dropped when an
   * hour is added: a 7-day window then merges its 168 hours found by binary search, instead of
   * walking every hour of the year (most of that query's CPU at 1,000,000 stored).
   */
  readonly #sortedHours = new WeakMap<VersionAggregates, number[]>();

  #version(model: string, version: string, seq: number): VersionAggregates {
    let versions = this.#models.get(model);
    if (!versions) {
      versions = new Map();
      this.#models.set(model, versions);
    }
    let entry = versions.get(version);
    if (!entry) {
      entry = { model_name: model, model_version: version, first_seq: seq, last_timestamp: null, all_time: emptyCounts(), hours: new Map() };
      versions.set(version, entry);
    } else if (seq < entry.first_seq) {
      entry.first_seq = seq;
    }
    return entry;
  }

  /** Adds (1) or removes (-1) one prediction. */
  apply(contribution: Contribution, sign: 1 | -1, seq: number, timestamp: string): void {
    const entry = this.#version(contribution.model_name, contribution.model_version, seq);
    if (sign === 1 && (entry.last_timestamp === null || timestamp > entry.last_timestamp)) entry.last_timestamp = timestamp;
    applyContribution(entry.all_time, contribution, sign);
    let hour = entry.hours.get(contribution.hour);
    if (!hour) {
      hour = emptyCounts();
      entry.hours.set(contribution.hour, hour);
      this.#sortedHours.delete(entry);
    }
    applyContribution(hour, contribution, sign);
  }

  /** Adds a sealed segment's stored counts. */
  addGroup(group: StoredGroup): void {
    const entry = this.#version(group.model_name, group.model_version, group.first_seq);
    if (entry.last_timestamp === null || group.last_timestamp > entry.last_timestamp) entry.last_timestamp = group.last_timestamp;
    for (const bucket of group.buckets) {
      const counts = bucketToCounts(bucket);
      mergeCounts(entry.all_time, counts);
      const hour = entry.hours.get(bucket.hour);
      if (hour) mergeCounts(hour, counts);
      else {
        entry.hours.set(bucket.hour, counts);
        this.#sortedHours.delete(entry);
      }
    }
  }

  clear(): void {
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
    const entry = this.get(model, version);
    const total = emptyCounts();
    if (!entry) return total;
    if (fromHour === null && toHour === null) {
      mergeCounts(total, entry.all_time);
      return total;
    }
    const hours = this.#hoursOf(entry);
    for (let i = fromHour === null ? 0 : firstAtOrAfter(hours, fromHour); i < hours.length; i += 1) {
      const hour = hours[i]!;
      if (toHour !== null && hour > toHour) break;
      mergeCounts(total, entry.hours.get(hour)!);
    }
    return total;
  }

  #hoursOf(entry: VersionAggregates): number[] {
    let hours = this.#sortedHours.get(entry);
    if (!hours) {
      hours = [...entry.hours.keys()].sort((a, b) => a - b);
      this.#sortedHours.set(entry, hours);
    }
    return hours;
  }
}

/** Index of the first value >= `value` in an ascending array (its length when there is none). */
function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

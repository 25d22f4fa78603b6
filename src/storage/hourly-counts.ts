import type { BucketCounts, Contribution } from '../metrics/bucket-counts.js';
import type { PackedHour } from './packed-hour-counts.js';
import { applyToPacked, emptyPackedHour, KeyTable, mergeBucket, mergePackedInto, packBucket, unpackHour } from './packed-hour-counts.js';
import type { SummaryBucket } from './segment-files.js';
import { addBucketTo } from './stored-bucket.js';
import { firstAtOrAfter } from './first-at-or-after.js';

/**
 * One model version's counts per hour (start of hour in ms → BucketCounts), kept packed
 * (packed-hour-counts.ts): a year of hours at 1,000,000 stored was ~39,000 BucketCounts with two
 * Maps each. Reads see a ReadonlyMap whose values are unpacked on each read; the AggregateIndex
 * changes it through add/apply only.
 */
export class HourlyCounts implements ReadonlyMap<number, BucketCounts> {
  readonly #keys = new KeyTable();
  readonly #hours = new Map<number, PackedHour>();
  /**
   * The hours ascending, made when a time window first needs them and dropped when an hour is
   * added: a 7-day window then merges its 168 hours found by binary search, instead of walking
   * every hour of the year.
   */
  #sorted: number[] | null = null;

  get size(): number {
    return this.#hours.size;
  }

  has(hour: number): boolean {
    return this.#hours.has(hour);
  }

  get(hour: number): BucketCounts | undefined {
    const packed = this.#hours.get(hour);
    return packed === undefined ? undefined : unpackHour(packed, this.#keys);
  }

  keys(): MapIterator<number> {
    return this.#hours.keys();
  }

  *entries(): MapIterator<[number, BucketCounts]> {
    for (const [hour, packed] of this.#hours) yield [hour, unpackHour(packed, this.#keys)];
  }

  *values(): MapIterator<BucketCounts> {
    for (const packed of this.#hours.values()) yield unpackHour(packed, this.#keys);
  }

  [Symbol.iterator](): MapIterator<[number, BucketCounts]> {
    return this.entries();
  }

  forEach(callback: (value: BucketCounts, key: number, map: ReadonlyMap<number, BucketCounts>) => void, thisArg?: unknown): void {
    for (const [hour, counts] of this.entries()) callback.call(thisArg, counts, hour, this);
  }

  /**
   * Adds a stored bucket's counts to its hour, and to `allTime` when given (the version's all-time
   * counts), keyed by this version's key strings rather than a new string per cell.
   */
  addBucket(bucket: SummaryBucket, allTime?: BucketCounts): void {
    const hour = this.#hours.get(bucket.hour);
    if (hour) mergeBucket(hour, bucket, this.#keys);
    else this.#insert(bucket.hour, packBucket(bucket, this.#keys));
    if (allTime) addBucketTo(allTime, bucket, this.#keys);
  }

  /** Adds (1) or removes (-1) one prediction's contribution to its hour. */
  apply(contribution: Contribution, sign: 1 | -1): void {
    let hour = this.#hours.get(contribution.hour);
    if (!hour) {
      hour = emptyPackedHour();
      this.#insert(contribution.hour, hour);
    }
    applyToPacked(hour, contribution, sign, this.#keys);
  }

  /** Adds to `into` the counts of the hours that start in [fromHour, toHour] (either end open when null). */
  sumInto(into: BucketCounts, fromHour: number | null, toHour: number | null): void {
    const hours = this.#ascending();
    for (let i = fromHour === null ? 0 : firstAtOrAfter(hours, fromHour); i < hours.length; i += 1) {
      const hour = hours[i]!;
      if (toHour !== null && hour > toHour) break;
      mergePackedInto(into, this.#hours.get(hour)!, this.#keys);
    }
  }

  #insert(hour: number, packed: PackedHour): void {
    this.#hours.set(hour, packed);
    this.#sorted = null;
  }

  #ascending(): number[] {
    this.#sorted ??= [...this.#hours.keys()].sort((a, b) => a - b);
    return this.#sorted;
  }
}

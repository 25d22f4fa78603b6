import type { BucketCounts, Contribution } from '../metrics/bucket-counts.js';
import { cellKey, emptyCounts } from '../metrics/bucket-counts.js';
import type { SummaryBucket } from './segment-files.js';

/**
 * One hour's BucketCounts packed in a plain number array (V8 keeps it as one block of unboxed
 * doubles) instead of an object with two Maps and a string per cell:
 *
 *   [total, confidence_sum, confidence_count, labeled, correct, rating_count, rating_sum,
 *    ratings[0..4], cell pair count, (cell key id, count)*, (predicted key id, count)*]
 *
 * Key ids index a KeyTable shared by all hours of a model version, so each class and cell key is
 * one string per version rather than one per hour. Pairs keep the order a Map would keep (a key
 * whose count falls to 0 is removed, as mergeCounts removes it), so unpacking gives the very
 * BucketCounts the Map-based index held.
 */
export type PackedHour = number[];

const TOTAL = 0;
const CONFIDENCE_SUM = 1;
const CONFIDENCE_COUNT = 2;
const LABELED = 3;
const CORRECT = 4;
const RATING_COUNT = 5;
const RATING_SUM = 6;
const RATINGS = 7;
const CELL_PAIRS = 12;
const HEADER = 13;

/** The strings of one model version's keys (cell keys and predicted class keys), each stored once. */
export class KeyTable {
  readonly #ids = new Map<string, number>();
  readonly #keys: string[] = [];
  /** Cell ids by true label key, then predicted label key: a stored cell's id without building its key string. */
  readonly #cells = new Map<string | null, Map<string, number>>();

  id(key: string): number {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#keys.length;
      this.#keys.push(key);
      this.#ids.set(key, id);
    }
    return id;
  }

  /**
   * id(cellKey(truth, predicted)), building the key string only the first time: start-up looks up
   * ~640,000 stored cells at 1,000,000 stored, and a new string for each was garbage.
   */
  cellId(truth: string | null, predicted: string): number {
    let byPredicted = this.#cells.get(truth);
    if (byPredicted === undefined) {
      byPredicted = new Map();
      this.#cells.set(truth, byPredicted);
    }
    let id = byPredicted.get(predicted);
    if (id === undefined) {
      id = this.id(cellKey(truth, predicted));
      byPredicted.set(predicted, id);
    }
    return id;
  }

  key(id: number): string {
    return this.#keys[id]!;
  }
}

export function emptyPackedHour(): PackedHour {
  return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}

/** Index of the pair with key `id` in [from, to), or -1. */
function findPair(hour: PackedHour, from: number, to: number, id: number): number {
  for (let i = from; i < to; i += 2) if (hour[i] === id) return i;
  return -1;
}

/** addTo of bucket-counts.ts: adds `count` to a pair (appending it when absent), removing it at 0. */
function addToPair(hour: PackedHour, cells: boolean, id: number, count: number): void {
  const cellEnd = HEADER + 2 * hour[CELL_PAIRS]!;
  const from = cells ? HEADER : cellEnd;
  const to = cells ? cellEnd : hour.length;
  const at = findPair(hour, from, to, id);
  const next = (at === -1 ? 0 : hour[at + 1]!) + count;
  if (next === 0) {
    if (at === -1) return;
    hour.splice(at, 2);
    if (cells) hour[CELL_PAIRS]! -= 1;
  } else if (at !== -1) {
    hour[at + 1] = next;
  } else if (cells) {
    hour.splice(cellEnd, 0, id, next);
    hour[CELL_PAIRS]! += 1;
  } else {
    hour.push(id, next);
  }
}

/** Map.set of a fresh bucket: sets a pair (appending it when absent), whatever the count. */
function setPair(hour: PackedHour, cells: boolean, id: number, count: number): void {
  const cellEnd = HEADER + 2 * hour[CELL_PAIRS]!;
  const at = cells ? findPair(hour, HEADER, cellEnd, id) : findPair(hour, cellEnd, hour.length, id);
  if (at !== -1) hour[at + 1] = count;
  else if (cells) {
    hour.splice(cellEnd, 0, id, count);
    hour[CELL_PAIRS]! += 1;
  } else hour.push(id, count);
}

function addScalars(hour: PackedHour, bucket: SummaryBucket): void {
  hour[TOTAL]! += bucket.total;
  hour[CONFIDENCE_SUM]! += bucket.confidence_sum;
  hour[CONFIDENCE_COUNT]! += bucket.confidence_count;
  hour[LABELED]! += bucket.labeled;
  hour[CORRECT]! += bucket.correct;
  hour[RATING_COUNT]! += bucket.rating_count;
  hour[RATING_SUM]! += bucket.rating_sum;
  for (let i = 0; i < 5; i += 1) hour[RATINGS + i]! += bucket.ratings[i]!;
}

/** A stored bucket packed (what bucketToCounts made of it, as a new hour). */
export function packBucket(bucket: SummaryBucket, keys: KeyTable): PackedHour {
  const hour = emptyPackedHour();
  addScalars(hour, bucket);
  for (const [truth, predicted, count] of bucket.cells) setPair(hour, true, keys.cellId(truth, predicted), count);
  for (const [predicted, count] of bucket.predicted) setPair(hour, false, keys.id(predicted), count);
  return hour;
}

/** mergeCounts(hour, bucketToCounts(bucket)), packed. */
export function mergeBucket(hour: PackedHour, bucket: SummaryBucket, keys: KeyTable): void {
  addScalars(hour, bucket);
  for (const [truth, predicted, count] of bucket.cells) addToPair(hour, true, keys.cellId(truth, predicted), count);
  for (const [predicted, count] of bucket.predicted) addToPair(hour, false, keys.id(predicted), count);
}

/** applyContribution, packed. */
export function applyToPacked(hour: PackedHour, contribution: Contribution, sign: 1 | -1, keys: KeyTable): void {
  hour[TOTAL]! += sign;
  if (contribution.confidence !== null) {
    hour[CONFIDENCE_SUM]! += sign * contribution.confidence;
    hour[CONFIDENCE_COUNT]! += sign;
  }
  addToPair(hour, false, keys.id(contribution.predicted), sign);
  if (contribution.rating !== null) {
    hour[RATING_COUNT]! += sign;
    hour[RATING_SUM]! += sign * contribution.rating;
    hour[RATINGS + contribution.rating - 1]! += sign;
  }
  const outcome = contribution.outcome;
  if (!outcome) return;
  hour[LABELED]! += sign;
  if (outcome.correct) hour[CORRECT]! += sign;
  addToPair(hour, true, keys.id(cellKey(outcome.truth, outcome.predicted)), sign);
}

/** The hour's total (predictions, labeled or not). */
export function packedTotal(hour: PackedHour): number {
  return hour[TOTAL]!;
}

function addToMap(map: Map<string, number>, key: string, count: number): void {
  const next = (map.get(key) ?? 0) + count;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

/** mergeCounts(into, unpack(hour)) without building the hour's BucketCounts. */
export function mergePackedInto(into: BucketCounts, hour: PackedHour, keys: KeyTable): void {
  into.total += hour[TOTAL]!;
  into.confidence_sum += hour[CONFIDENCE_SUM]!;
  into.confidence_count += hour[CONFIDENCE_COUNT]!;
  into.labeled += hour[LABELED]!;
  into.correct += hour[CORRECT]!;
  const cellEnd = HEADER + 2 * hour[CELL_PAIRS]!;
  for (let i = HEADER; i < cellEnd; i += 2) addToMap(into.cells, keys.key(hour[i]!), hour[i + 1]!);
  for (let i = cellEnd; i < hour.length; i += 2) addToMap(into.predicted, keys.key(hour[i]!), hour[i + 1]!);
  into.rating_count += hour[RATING_COUNT]!;
  into.rating_sum += hour[RATING_SUM]!;
  for (let i = 0; i < 5; i += 1) into.ratings[i] = (into.ratings[i] ?? 0) + hour[RATINGS + i]!;
}

/** The hour as BucketCounts (a new object each time). */
export function unpackHour(hour: PackedHour, keys: KeyTable): BucketCounts {
  const counts = emptyCounts();
  counts.total = hour[TOTAL]!;
  counts.confidence_sum = hour[CONFIDENCE_SUM]!;
  counts.confidence_count = hour[CONFIDENCE_COUNT]!;
  counts.labeled = hour[LABELED]!;
  counts.correct = hour[CORRECT]!;
  const cellEnd = HEADER + 2 * hour[CELL_PAIRS]!;
  for (let i = HEADER; i < cellEnd; i += 2) counts.cells.set(keys.key(hour[i]!), hour[i + 1]!);
  for (let i = cellEnd; i < hour.length; i += 2) counts.predicted.set(keys.key(hour[i]!), hour[i + 1]!);
  counts.rating_count = hour[RATING_COUNT]!;
  counts.rating_sum = hour[RATING_SUM]!;
  counts.ratings = [hour[RATINGS]!, hour[RATINGS + 1]!, hour[RATINGS + 2]!, hour[RATINGS + 3]!, hour[RATINGS + 4]!];
  return counts;
}

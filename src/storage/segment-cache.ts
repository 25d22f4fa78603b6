import type { PredictionLog } from '../domain/prediction.js';
import type { SegmentFile } from './segment-files.js';

/** A parsed sealed segment with an index from prediction id to position. */
export interface LoadedSegment {
  data: SegmentFile;
  ids: Map<string, number>;
}

export function indexRecords(records: readonly PredictionLog[]): Map<string, number> {
  const ids = new Map<string, number>();
  records.forEach((record, index) => ids.set(record.prediction_id, index));
  return ids;
}

/** Least-recently-used cache of parsed sealed segments. */
export class SegmentCache {
  readonly #entries = new Map<number, LoadedSegment>();

  constructor(readonly capacity: number) {}

  get(segment: number): LoadedSegment | undefined {
    const entry = this.#entries.get(segment);
    if (entry) {
      this.#entries.delete(segment);
      this.#entries.set(segment, entry);
    }
    return entry;
  }

  set(segment: number, entry: LoadedSegment): void {
    this.#entries.delete(segment);
    this.#entries.set(segment, entry);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as number;
      this.#entries.delete(oldest);
    }
  }

  delete(segment: number): void {
    this.#entries.delete(segment);
  }

  clear(): void {
    this.#entries.clear();
  }
}

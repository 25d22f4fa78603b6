/** Per event type: what happened to the events of that type. */
export interface CaptureCounts {
  captured: number;
  labeled: number;
  duplicates: number;
  refused: number;
  unmatched: number;
  failed: number;
  /** Given up because the retry queue was full while the store could not write. */
  dropped: number;
}

/** Counts what happened to the events of each type since start. */
export class CaptureCounter {
  readonly #counts = new Map<string, CaptureCounts>();

  count(eventType: string, field: keyof CaptureCounts): void {
    let counts = this.#counts.get(eventType);
    if (!counts) {
      counts = { captured: 0, labeled: 0, duplicates: 0, refused: 0, unmatched: 0, failed: 0, dropped: 0 };
      this.#counts.set(eventType, counts);
    }
    counts[field] += 1;
  }

  /** The counts per event type, sorted by type. */
  snapshot(): Record<string, CaptureCounts> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** A captured prediction, as much as matching needs. */
export interface RecentPrediction {
  prediction_id: string;
  model_name: string;
  /** The prediction event's context.id (its stored `hub_context_id`). */
  context_id: string;
  device_id: string | null;
}

/**
 * The predictions captured lately, by hub context id: feedback caused by a prediction event names
 * that context as its parent. Bounded: the oldest entries are forgotten first.
 */
export class RecentPredictions {
  readonly #byContext = new Map<string, RecentPrediction>();

  constructor(readonly capacity = 10_000) {}

  add(prediction: RecentPrediction): void {
    this.#byContext.delete(prediction.context_id);
    this.#byContext.set(prediction.context_id, prediction);
    while (this.#byContext.size > this.capacity) {
      const oldest = this.#byContext.keys().next().value as string;
      this.#byContext.delete(oldest);
    }
  }

  byContext(contextId: string): RecentPrediction | undefined {
    return this.#byContext.get(contextId);
  }
}

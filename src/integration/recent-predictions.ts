/** A captured prediction, as much as matching needs. */
export interface RecentPrediction {
  prediction_id: string;
  model_name: string;
  context_id: string;
  device_id: string | null;
  /** Prediction time, ms since the epoch. */
  time: number;
}

/**
 * The predictions captured lately, indexed for feedback matching by hub context id and by
 * (model, device). Bounded: the oldest entries are forgotten first. Pure data; time comes in.
 */
export class RecentPredictions {
  readonly #byContext = new Map<string, RecentPrediction>();
  readonly #byDevice = new Map<string, RecentPrediction[]>();

  constructor(readonly capacity = 10_000) {}

  add(prediction: RecentPrediction): void {
    this.#byContext.delete(prediction.context_id);
    this.#byContext.set(prediction.context_id, prediction);
    if (prediction.device_id !== null) {
      const key = deviceKey(prediction.model_name, prediction.device_id);
      const list = this.#byDevice.get(key) ?? [];
      list.push(prediction);
      if (list.length > 100) list.shift();
      this.#byDevice.set(key, list);
    }
    while (this.#byContext.size > this.capacity) {
      const oldest = this.#byContext.values().next().value as RecentPrediction;
      this.#forget(oldest);
    }
  }

  byContext(contextId: string): RecentPrediction | undefined {
    return this.#byContext.get(contextId);
  }

  /** Predictions of the model from the device made in [from, to], newest first. */
  byDevice(model: string, device: string, from: number, to: number): RecentPrediction[] {
    const list = this.#byDevice.get(deviceKey(model, device)) ?? [];
    return list.filter((entry) => entry.time >= from && entry.time <= to).reverse();
  }

  #forget(prediction: RecentPrediction): void {
    this.#byContext.delete(prediction.context_id);
    if (prediction.device_id === null) return;
    const key = deviceKey(prediction.model_name, prediction.device_id);
    const list = this.#byDevice.get(key)?.filter((entry) => entry !== prediction) ?? [];
    if (list.length > 0) this.#byDevice.set(key, list);
    else this.#byDevice.delete(key);
  }
}

function deviceKey(model: string, device: string): string {
  return JSON.stringify([model, device]);
}

/**
 * Debounces bursts per key (a model): `run` fires `quietMs` after the last `trigger` of the key,
 * and at most `maxWaitMs` after the first of its burst. `cancel()` drops every pending run.
 */
export class KeyedDebounce {
  readonly #pending = new Map<string, { debounce: NodeJS.Timeout; maxWait: NodeJS.Timeout }>();

  constructor(
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
  ) {}

  trigger(key: string, run: () => void): void {
    const fire = (): void => {
      const pending = this.#pending.get(key);
      if (!pending) return;
      clearTimeout(pending.debounce);
      clearTimeout(pending.maxWait);
      this.#pending.delete(key);
      run();
    };
    const pending = this.#pending.get(key);
    if (pending) {
      clearTimeout(pending.debounce);
      pending.debounce = setTimeout(fire, this.quietMs);
      return;
    }
    this.#pending.set(key, { debounce: setTimeout(fire, this.quietMs), maxWait: setTimeout(fire, this.maxWaitMs) });
  }

  cancel(): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.debounce);
      clearTimeout(pending.maxWait);
    }
    this.#pending.clear();
  }
}

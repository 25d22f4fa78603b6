import type { Logger } from '../../logging/logger.js';
import type { NativeHub } from './native-hub.js';
import type { StateChange } from './state-changes.js';
import { StateChangeBuffer, toStateChange } from './state-changes.js';

/**
 * Watches `state_changed` for the native sources: keeps the recent changes (for the undo rules)
 * and tells listeners of each one (Assist polls when an Assist entity changes). A service:
 * `start()` subscribes, `stop()` unsubscribes.
 */
export class StateChangeWatch {
  readonly changes: StateChangeBuffer;
  readonly #hub: NativeHub;
  readonly #logger: Logger;
  readonly #listeners = new Set<(change: StateChange) => void>();
  #unsubscribe: (() => Promise<void>) | null = null;

  constructor(options: { hub: NativeHub; keepMs: number; logger: Logger }) {
    this.#hub = options.hub;
    this.#logger = options.logger;
    this.changes = new StateChangeBuffer(options.keepMs);
  }

  onChange(listener: (change: StateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.#unsubscribe) return;
    this.#unsubscribe = await this.#hub.subscribeEvents(['state_changed'], (event) => {
      const change = toStateChange(event);
      if (!change) return;
      this.changes.add(change);
      for (const listener of this.#listeners) {
        try {
          listener(change);
        } catch (error) {
          this.#logger.error('a state change listener failed', { error });
        }
      }
    });
  }

  async stop(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    this.#listeners.clear();
    await unsubscribe?.();
  }
}

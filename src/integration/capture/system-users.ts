import type { Logger } from '../../logging/logger.js';
import { systemUserIds } from './actors.js';
import type { NativeHub } from './native-hub.js';

/**
 * The hub's system-generated users (add-ons, the Supervisor, Home Assistant's own), read from
 * `config/auth/list` at start and on every reconnection: their changes are not a person's.
 * Until read (or when the token may not list users), the set is empty.
 */
export class SystemUsers {
  #ids: ReadonlySet<string> = new Set();
  readonly #hub: NativeHub;
  readonly #logger: Logger;
  #stopReady: (() => void) | null = null;

  constructor(options: { hub: NativeHub; logger: Logger }) {
    this.#hub = options.hub;
    this.#logger = options.logger;
  }

  get ids(): ReadonlySet<string> {
    return this.#ids;
  }

  async start(): Promise<void> {
    this.#stopReady ??= this.#hub.onReady(() => this.refresh());
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.#ids = systemUserIds(await this.#hub.command({ type: 'config/auth/list' }));
    } catch (error) {
      this.#logger.warn('could not list the hub users (config/auth/list): changes by add-ons may count as a person\'s', { error });
    }
  }

  stop(): void {
    this.#stopReady?.();
    this.#stopReady = null;
  }
}

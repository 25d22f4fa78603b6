import type { HubEvent } from '../hub-schemas.js';

/** What native capture needs from the hub: commands, event subscriptions, and a word when it (re)connects. */
export interface NativeHub {
  /** One websocket command; resolves with its result; rejects with HubCommandError when Home Assistant answers an error. */
  command(message: { type: string } & Record<string, unknown>): Promise<unknown>;
  subscribeEvents(eventTypes: readonly string[], handler: (event: HubEvent) => void | Promise<void>): Promise<() => Promise<void>>;
  onReady(listener: () => void | Promise<void>): () => void;
}

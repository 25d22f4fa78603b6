/**
 * A small websocket client for the suite's own look at Home Assistant (not the service's client):
 * authenticate, send commands, subscribe to one event type at a time, remember what arrived, and
 * follow a command that streams its own events (assist_pipeline/run).
 */
import WebSocket from 'ws';

export interface HaContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

export interface HaEvent {
  event_type: string;
  data: Record<string, unknown>;
  origin: string;
  time_fired: string;
  context: HaContext;
}

/** A command Home Assistant answered with `success: false`. */
export class HaCommandError extends Error {
  override name = 'HaCommandError';
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class HaTestSocket {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, Pending>();
  /** Listeners for `event` messages on one command's id (streamCommand). */
  readonly #streams = new Map<number, (event: unknown) => void>();
  /** Every event received on any subscription, in order. */
  readonly events: HaEvent[] = [];
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (raw) => this.#receive(raw.toString('utf8')));
    socket.on('close', () => {
      for (const pending of this.#pending.values()) pending.reject(new Error('the websocket closed'));
      this.#pending.clear();
    });
  }

  /** Connects to `<baseUrl>/api/websocket` and authenticates; rejects on auth_invalid. */
  static connect(baseUrl: string, token: string): Promise<HaTestSocket> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/websocket`);
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        socket.terminate();
        reject(error);
      };
      socket.once('error', fail);
      const onMessage = (raw: WebSocket.RawData) => {
        const message = JSON.parse(raw.toString('utf8')) as { type: string; message?: string };
        if (message.type === 'auth_required') socket.send(JSON.stringify({ type: 'auth', access_token: token }));
        else if (message.type === 'auth_ok') {
          socket.off('message', onMessage);
          socket.off('error', fail);
          socket.on('error', () => {});
          resolve(new HaTestSocket(socket));
        } else if (message.type === 'auth_invalid') fail(new Error(`Home Assistant refused the token: ${message.message}`));
      };
      socket.on('message', onMessage);
    });
  }

  /** Sends `{id, ...message}`; resolves with `result`, rejects with HaCommandError. */
  command<T = unknown>(message: Record<string, unknown>): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.#socket.send(JSON.stringify({ id, ...message }));
    });
  }

  /**
   * Sends a command whose answer is a result followed by `event` messages on its id (e.g.
   * `assist_pipeline/run`): each event's payload goes to `onEvent`, in order, until the returned
   * `stop()`. Resolves with the result, like `command`.
   */
  async streamCommand<T = unknown>(message: Record<string, unknown>, onEvent: (event: unknown) => void): Promise<{ result: T; stop: () => void }> {
    const id = this.#nextId;
    this.#streams.set(id, onEvent);
    try {
      const result = await this.command<T>(message);
      return { result, stop: () => this.#streams.delete(id) };
    } catch (error) {
      this.#streams.delete(id);
      throw error;
    }
  }

  /** Subscribes to one event type; arriving events land in `events`. */
  async subscribe(eventType: string): Promise<void> {
    await this.command({ type: 'subscribe_events', event_type: eventType });
  }

  eventsOf(eventType: string): HaEvent[] {
    return this.events.filter((event) => event.event_type === eventType);
  }

  async close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.#socket.once('close', () => resolve());
      this.#socket.close();
      setTimeout(() => {
        this.#socket.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  #receive(text: string): void {
    const parsed = JSON.parse(text) as unknown;
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
      const typed = message as { id: number; type: string; success?: boolean; result?: unknown; error?: { code: string; message: string }; event?: HaEvent };
      const stream = this.#streams.get(typed.id);
      if (typed.type === 'event' && stream) stream(typed.event);
      else if (typed.type === 'event' && typed.event) this.events.push(typed.event);
      else if (typed.type === 'result') {
        const pending = this.#pending.get(typed.id);
        if (!pending) continue;
        this.#pending.delete(typed.id);
        if (typed.success) pending.resolve(typed.result);
        else pending.reject(new HaCommandError(`${typed.error?.code}: ${typed.error?.message}`));
      }
    }
  }
}

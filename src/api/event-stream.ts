import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.js';
import type { TrackerChange } from '../tracker/model-performance-tracker.js';

export interface EventStreamOptions {
  /** Subscribes to the tracker's changes; returns the unsubscribe function. */
  subscribe: (listener: (change: TrackerChange) => void) => () => void;
  logger: Logger;
  /** Open streams at most; one more is refused with 503 (default 32). */
  maxClients?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
}

/**
 * `GET /events/stream`: server-sent events, one `change` event per stored prediction or label
 * (`{model_name, model_version, kind}`), so the panel refetches what changed. Started and stopped
 * with the API server; stop() ends every open stream.
 */
export class EventStream {
  readonly #clients = new Set<ServerResponse>();
  readonly #options: EventStreamOptions;
  #unsubscribe: (() => void) | null = null;
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(options: EventStreamOptions) {
    this.#options = options;
  }

  get clients(): number {
    return this.#clients.size;
  }

  start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#options.subscribe((change) => {
      // Every stored prediction passes here: with no dashboard open there is nothing to build.
      if (this.#clients.size > 0) this.#send(`event: change\ndata: ${JSON.stringify(change)}\n\n`);
    });
    this.#heartbeat = setInterval(() => this.#send(': heartbeat\n\n'), this.#options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  /** Opens a stream on `res`; false (nothing written) when the limit of open streams is reached. */
  open(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): boolean {
    if (this.#clients.size >= (this.#options.maxClients ?? 32)) return false;
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    // Reconnect after 2 s when the stream drops; the first comment flushes the headers through proxies.
    res.write('retry: 2000\n: connected\n\n');
    req.socket.setKeepAlive(true);
    req.socket.setTimeout(0);
    this.#clients.add(res);
    res.once('close', () => this.#clients.delete(res));
    this.#options.logger.debug('event stream opened', { clients: this.#clients.size });
    return true;
  }

  #send(text: string): void {
    for (const client of this.#clients) {
      if (client.destroyed || client.writableEnded) this.#clients.delete(client);
      else client.write(text);
    }
  }

  /** Unsubscribes, stops the heartbeat and ends every open stream. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}

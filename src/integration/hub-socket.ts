import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../logging/logger.js';

/** What the client library reads from a socket's `message` event. */
interface HubSocketMessageEvent {
  data: string;
}
interface HubSocketCloseEvent {
  code: number;
  reason: string;
}
type MessageListener = (event: HubSocketMessageEvent) => unknown;
type CloseListener = (event: HubSocketCloseEvent) => unknown;

/** After `close()`, how long to wait for the hub's close frame before cutting the socket. */
const DEFAULT_CLOSE_TIMEOUT_MS = 2000;

/**
 * An authenticated `ws` socket dressed as the browser WebSocket the client library expects
 * (`addEventListener`, `readyState`, `OPEN`, `haVersion`), with guards the library lacks:
 * frames that are not JSON messages are logged and dropped before the library's unguarded
 * `JSON.parse` sees them, a throwing listener cannot escape into `ws`, and `error` events are handled.
 */
export class HubSocket {
  readonly OPEN = 1;
  /** Resolves once the socket is closed, however that happened. */
  readonly closed: Promise<void>;
  private readonly messageListeners = new Set<MessageListener>();
  private readonly closeListeners = new Set<CloseListener>();
  private closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly haVersion: string,
    private readonly logger: Logger,
    private readonly closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('error', (error: Error) => this.logger.warn('websocket error', { error }));
    this.closed = new Promise<void>((resolve) => {
      const onClose = (code: number, reason: Buffer): void => {
        if (this.closeTimer !== undefined) clearTimeout(this.closeTimer);
        this.closeTimer = undefined;
        resolve();
        const event = { code, reason: reason.toString() };
        for (const listener of [...this.closeListeners]) this.call(listener, event, 'close');
      };
      if (ws.readyState === ws.CLOSED) onClose(1006, Buffer.alloc(0));
      else ws.once('close', onClose);
    });
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  addEventListener(type: 'message', listener: MessageListener): void;
  addEventListener(type: 'close', listener: CloseListener): void;
  addEventListener(type: string, listener: MessageListener | CloseListener): void {
    if (type === 'message') this.messageListeners.add(listener as MessageListener);
    else if (type === 'close') this.closeListeners.add(listener as CloseListener);
  }

  removeEventListener(type: string, listener: MessageListener | CloseListener): void {
    if (type === 'message') this.messageListeners.delete(listener as MessageListener);
    else if (type === 'close') this.closeListeners.delete(listener as CloseListener);
  }

  send(text: string): void {
    this.ws.send(text, (error) => {
      if (error) this.logger.warn('could not send to Home Assistant', { error });
    });
  }

  /** Closes gracefully; cuts the socket if the hub does not answer the close frame in time. */
  close(): void {
    if (this.ws.readyState === this.ws.CLOSED || this.closeTimer !== undefined) return;
    this.ws.close(1000);
    this.closeTimer = setTimeout(() => this.ws.terminate(), this.closeTimeoutMs);
    this.closeTimer.unref();
  }

  /** Cuts the socket at once, with no close handshake (a dead, half-open connection). */
  terminate(): void {
    this.ws.terminate();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const text = isBinary ? undefined : rawToText(data);
    const message = text === undefined ? undefined : parseFrame(text);
    if (text === undefined || message === undefined) {
      this.logger.warn('dropped a frame from Home Assistant that is not a JSON message', {
        preview: text === undefined ? '(binary)' : text.slice(0, 120),
      });
      return;
    }
    if (Array.isArray(message)) {
      const valid = message.filter(isMessage);
      if (valid.length < message.length) {
        this.logger.warn('dropped malformed messages from a batch', { dropped: message.length - valid.length });
      }
      if (valid.length === 0) return;
      this.dispatch(valid.length === message.length ? text : JSON.stringify(valid));
      return;
    }
    this.dispatch(text);
  }

  private dispatch(text: string): void {
    for (const listener of [...this.messageListeners]) this.call(listener, { data: text }, 'message');
  }

  private call<E>(listener: (event: E) => unknown, event: E, what: string): void {
    try {
      const result = listener(event);
      if (result instanceof Promise) {
        result.catch((error: unknown) => this.logListenerError(what, error));
      }
    } catch (error) {
      this.logListenerError(what, error);
    }
  }

  private logListenerError(what: string, error: unknown): void {
    this.logger.error(`a ${what} handler failed`, { error });
  }
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

type Frame = Record<string, unknown> | unknown[];

/** A message object (with a string `type`) or an array of things; anything else is undefined. */
function parseFrame(text: string): Frame | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed)) return parsed;
  return isMessage(parsed) ? parsed : undefined;
}

function isMessage(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}

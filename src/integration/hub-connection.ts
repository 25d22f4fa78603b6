import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection, type Connection, type HaWebSocket } from 'home-assistant-js-websocket';
import { silentLogger, type Logger } from '../logging/logger.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { HubAuthError, HubCannotConnectError, HubConfigError, HubConnectionLostError, HubError, HubStoppedError, LIBRARY_ERROR, toHubError } from './errors.js';
import { startHeartbeat } from './heartbeat.js';
import type { HubEndpoint } from './hub-endpoint.js';
import { deliverEvent } from './deliver-event.js';
import { FireEventResultSchema, type HubAttributes, type HubContext, type HubEvent } from './hub-schemas.js';
import type { HubSocket } from './hub-socket.js';
import { openHubSocket, type CreateWebSocket } from './open-hub-socket.js';
import { postHubState, type PostedState } from './post-hub-state.js';

export interface HubConnectionOptions {
  endpoint: HubEndpoint;
  logger?: Logger;
  /** Backoff between connection attempts (first connection and reconnections): 1 s doubling to 30 s by default. */
  retry?: Partial<BackoffOptions>;
  /** Ping every `intervalMs`; no pong within `timeoutMs` forces a reconnect. `false` turns it off. */
  heartbeat?: { intervalMs?: number; timeoutMs?: number } | false;
  /** Limit for one connection attempt (TCP, upgrade, auth). */
  connectTimeoutMs?: number;
  /** Limit for one REST call. */
  requestTimeoutMs?: number;
  /** Opens the raw `ws` socket (tests, proxies). */
  createWebSocket?: CreateWebSocket;
  fetch?: typeof fetch;
}

export interface ReadyInfo {
  haVersion: string;
  /** false after the first connection, true after each reconnection. */
  reconnected: boolean;
}

type EventHandler = (event: HubEvent) => void | Promise<void>;
type ReadyListener = (info: ReadyInfo) => void | Promise<void>;
type FatalListener = (error: HubError) => void;

type Phase = 'idle' | 'starting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';

interface Waiter {
  resolve: (connection: Connection) => void;
  reject: (error: HubError) => void;
}

/**
 * The one connection to Home Assistant: websocket through home-assistant-js-websocket over `ws`
 * (sockets opened here and handed to the library through its `createSocket` option, so no global
 * WebSocket is needed), REST through fetch. The library reconnects after a drop and re-subscribes
 * event subscriptions; this class adds the backoff, a heartbeat, typed errors, and guards.
 */
export class HubConnection {
  private readonly endpoint: HubEndpoint;
  private readonly logger: Logger;
  private readonly retry: BackoffOptions;
  private readonly abort = new AbortController();
  private readonly readyListeners = new Set<ReadyListener>();
  private readonly fatalListeners = new Set<FatalListener>();
  private readonly disconnectListeners = new Set<() => void>();
  private waiters: Waiter[] = [];
  private phase: Phase = 'idle';
  private connection: Connection | undefined;
  private socket: HubSocket | undefined;
  private stopHeartbeat: (() => void) | undefined;
  private fatalError: HubError | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: HubConnectionOptions) {
    this.endpoint = options.endpoint;
    this.logger = options.logger ?? silentLogger;
    this.retry = { ...DEFAULT_BACKOFF, ...options.retry };
  }

  /** True while an authenticated socket is open. */
  get connected(): boolean {
    return this.phase === 'connected' && this.connection?.connected === true;
  }

  /**
   * Connects, retrying with backoff for as long as it takes; rejects with HubAuthError at once
   * when the token is refused, and with HubStoppedError when `stop()` comes first.
   */
  async start(): Promise<void> {
    if (this.phase !== 'idle') throw new HubError(`start() called twice (connection is ${this.phase})`);
    this.phase = 'starting';
    let connection: Connection;
    try {
      connection = await createConnection({
        setupRetry: 0,
        createSocket: () => this.connectWithRetry(),
      });
    } catch (error) {
      const hubError = toHubError(error, this.endpoint.websocketUrl);
      if (!this.isStopped()) {
        this.phase = 'failed';
        this.fatalError = hubError;
        this.rejectWaiters(hubError);
        this.logger.error('cannot connect to Home Assistant', { error: hubError });
      }
      throw hubError;
    }
    if (this.isStopped()) {
      connection.close();
      throw new HubStoppedError('stopped while connecting to Home Assistant');
    }
    this.connection = connection;
    connection.addEventListener('ready', () => this.handleReady(true));
    connection.addEventListener('disconnected', () => this.onDisconnected());
    connection.addEventListener('reconnect-error', () => this.onReconnectAuthError());
    // The library fired the first `ready` inside createConnection, before anyone could listen.
    this.handleReady(false);
  }

  /** Closes the socket and stops the heartbeat, pending retries and reconnections. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  /** Called after the first connection and after every reconnection (re-publish sensors there). */
  onReady(listener: ReadyListener): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** Called each time an open connection is lost (it reconnects by itself; `onReady` follows). */
  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /** Called once when the connection gives up for good (the token was refused on a reconnect). */
  onFatal(listener: FatalListener): () => void {
    this.fatalListeners.add(listener);
    return () => this.fatalListeners.delete(listener);
  }

  /**
   * Subscribes to each given event type (one `subscribe_events` per type, never to all events).
   * Waits for the connection if it is not up yet. Subscriptions survive reconnections.
   * Events that do not validate, and handler failures, are logged and dropped.
   */
  async subscribeEvents(eventTypes: readonly string[], handler: EventHandler): Promise<() => Promise<void>> {
    const types = [...new Set(eventTypes)];
    if (types.length === 0 || types.some((type) => typeof type !== 'string' || type.trim() === '')) {
      throw new HubConfigError('subscribeEvents needs one or more event type names (subscribing to every event is not allowed)');
    }
    const connection = await this.whenConnected();
    let active = true;
    const unsubscribers: Array<() => Promise<void>> = [];
    const unsubscribeAll = async (): Promise<void> => {
      active = false;
      const results = await Promise.allSettled(unsubscribers.splice(0).map((unsubscribe) => unsubscribe()));
      for (const result of results) {
        if (result.status === 'rejected' && !(toHubError(result.reason) instanceof HubConnectionLostError)) {
          this.logger.warn('could not unsubscribe', { error: toHubError(result.reason) });
        }
      }
    };
    try {
      for (const type of types) {
        unsubscribers.push(
          await connection.subscribeEvents((raw: unknown) => {
            if (active) deliverEvent(type, raw, handler, this.logger);
          }, type),
        );
      }
    } catch (error) {
      await unsubscribeAll();
      throw toHubError(error, this.endpoint.websocketUrl);
    }
    this.logger.debug('subscribed', { event_types: types.join(',') });
    return unsubscribeAll;
  }

  /** Fires an event on the hub's bus; resolves to its context. Fails fast while disconnected. */
  async fireEvent(eventType: string, data: Record<string, unknown> = {}): Promise<HubContext> {
    const connection = this.requireConnected();
    let result: unknown;
    try {
      result = await connection.sendMessagePromise({ type: 'fire_event', event_type: eventType, event_data: data });
    } catch (error) {
      throw toHubError(error, this.endpoint.websocketUrl);
    }
    const parsed = FireEventResultSchema.safeParse(result);
    if (!parsed.success) throw new HubError(`unexpected answer to fire_event: ${parsed.error.message}`);
    return parsed.data.context;
  }

  /**
   * Sends one websocket command (`assist_pipeline/pipeline/list`, `trace/list`…) and resolves with
   * its result. Fails fast while disconnected; a refusal rejects with HubCommandError and its code.
   */
  async command(message: { type: string } & Record<string, unknown>): Promise<unknown> {
    const connection = this.requireConnected();
    try {
      return await connection.sendMessagePromise(message);
    } catch (error) {
      throw toHubError(error, this.endpoint.websocketUrl);
    }
  }

  /** Sets a state over REST (`POST /api/states/<entity_id>`); throws HubRequestError on non-2xx. */
  postState(entityId: string, state: string, attributes: HubAttributes = {}): Promise<PostedState> {
    return postHubState(
      { endpoint: this.endpoint, fetch: this.options.fetch, timeoutMs: this.options.requestTimeoutMs },
      entityId,
      state,
      attributes,
    );
  }

  /** One websocket ping; resolves on the pong. */
  async ping(): Promise<void> {
    const connection = this.requireConnected();
    try {
      await connection.ping();
    } catch (error) {
      throw toHubError(error, this.endpoint.websocketUrl);
    }
  }

  /**
   * The library's `createSocket`: opens sockets until one authenticates, with backoff.
   * On the first connection an error rejects `createConnection`; on a reconnection, a refused
   * token must be the bare number 2 (ERR_INVALID_AUTH), the one rejection after which the library
   * stops reconnecting and fires `reconnect-error`.
   */
  private async connectWithRetry(): Promise<HaWebSocket> {
    const first = this.phase === 'starting';
    for (let attempt = 1; ; attempt++) {
      try {
        const socket = await openHubSocket({
          url: this.endpoint.websocketUrl,
          token: this.endpoint.token,
          logger: this.logger,
          signal: this.abort.signal,
          timeoutMs: this.options.connectTimeoutMs,
          createWebSocket: this.options.createWebSocket,
        });
        if (this.abort.signal.aborted) {
          socket.terminate();
          return this.abandon(first);
        }
        this.socket = socket;
        // The library only uses addEventListener/removeEventListener/send/close/readyState/OPEN/haVersion.
        return socket as unknown as HaWebSocket;
      } catch (error) {
        const hubError = toHubError(error, this.endpoint.websocketUrl);
        if (hubError instanceof HubStoppedError) return this.abandon(first);
        if (hubError instanceof HubAuthError) {
          if (first) throw hubError;
          this.fatalError = hubError;
          throw LIBRARY_ERROR.invalidAuth;
        }
        const delayMs = backoffDelay(attempt, this.retry);
        this.logger.warn(`cannot reach Home Assistant, retrying in ${formatDelay(delayMs)}`, {
          attempt,
          error: hubError,
          hint: this.hint(hubError),
        });
        try {
          await sleep(delayMs, undefined, { signal: this.abort.signal });
        } catch {
          return this.abandon(first);
        }
      }
    }
  }

  /**
   * After stop(): the first connection rejects; a reconnection never settles, because any
   * rejection but ERR_INVALID_AUTH makes the library schedule yet another attempt (a timer).
   */
  private abandon(first: boolean): Promise<never> {
    if (first) return Promise.reject(new HubStoppedError('stopped while connecting to Home Assistant'));
    return new Promise<never>(() => {});
  }

  /** A method, so that TypeScript does not narrow `phase` across awaits. */
  private isStopped(): boolean {
    return this.phase === 'stopped';
  }

  private hint(error: HubError): string {
    if (error instanceof HubCannotConnectError && this.endpoint.mode === 'supervisor') {
      return 'check that Home Assistant is running and the add-on has homeassistant_api: true';
    }
    return 'check that Home Assistant is running and that HA_URL is right';
  }

  private handleReady(reconnected: boolean): void {
    if (this.phase === 'stopped' || this.phase === 'failed' || !this.connection) return;
    this.phase = 'connected';
    const connection = this.connection;
    const info: ReadyInfo = { haVersion: connection.haVersion, reconnected };
    this.logger.info(reconnected ? 'reconnected to Home Assistant' : 'connected to Home Assistant', {
      url: this.endpoint.websocketUrl,
      version: info.haVersion,
    });
    this.startHeartbeat(connection);
    const waiters = this.waiters.splice(0);
    for (const waiter of waiters) waiter.resolve(connection);
    for (const listener of [...this.readyListeners]) {
      Promise.resolve()
        .then(() => listener(info))
        .catch((error: unknown) => this.logger.error('a ready listener failed', { error }));
    }
  }

  private startHeartbeat(connection: Connection): void {
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    const settings = this.options.heartbeat;
    const socket = this.socket;
    if (settings === false || !socket) return;
    this.stopHeartbeat = startHeartbeat({
      ping: () => connection.ping(),
      onTimeout: () => {
        this.logger.warn('Home Assistant did not answer a ping; dropping the connection to reconnect');
        socket.terminate();
      },
      onPingError: (error) => this.logger.debug('ping failed', { error: toHubError(error) }),
      intervalMs: settings?.intervalMs,
      timeoutMs: settings?.timeoutMs,
    });
  }

  private onDisconnected(): void {
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    this.socket = undefined;
    if (this.phase === 'stopped' || this.phase === 'failed') return;
    this.phase = 'reconnecting';
    this.logger.warn('lost the connection to Home Assistant; reconnecting', { url: this.endpoint.websocketUrl });
    for (const listener of [...this.disconnectListeners]) void Promise.resolve().then(listener).catch((error: unknown) => this.logger.error('a disconnect listener failed', { error }));
  }

  private onReconnectAuthError(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'failed';
    const error = this.fatalError ?? new HubAuthError();
    this.fatalError = error;
    this.logger.error('Home Assistant refused the token on reconnect; giving up', { error });
    this.rejectWaiters(error);
    for (const listener of [...this.fatalListeners]) {
      try {
        listener(error);
      } catch (listenerError) {
        this.logger.error('a fatal-error listener failed', { error: listenerError });
      }
    }
  }

  private whenConnected(): Promise<Connection> {
    if (this.phase === 'stopped') return Promise.reject(new HubStoppedError('the hub connection is stopped'));
    if (this.phase === 'failed') return Promise.reject(this.fatalError ?? new HubError('the hub connection failed'));
    if (this.connected && this.connection) return Promise.resolve(this.connection);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private requireConnected(): Connection {
    if (this.phase === 'stopped') throw new HubStoppedError('the hub connection is stopped');
    if (this.phase === 'failed') throw this.fatalError ?? new HubError('the hub connection failed');
    if (!this.connected || !this.connection) {
      throw new HubConnectionLostError('not connected to Home Assistant right now; it reconnects by itself, try again');
    }
    return this.connection;
  }

  private rejectWaiters(error: HubError): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private async doStop(): Promise<void> {
    const wasRunning = this.phase !== 'idle';
    this.phase = 'stopped';
    this.abort.abort();
    this.stopHeartbeat?.();
    this.stopHeartbeat = undefined;
    this.rejectWaiters(new HubStoppedError('the hub connection was stopped'));
    const socket = this.socket;
    this.socket = undefined;
    this.connection?.close();
    socket?.close();
    await socket?.closed;
    if (wasRunning) this.logger.info('disconnected from Home Assistant');
  }
}

function formatDelay(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

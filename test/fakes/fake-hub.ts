/**
 * THE fake Home Assistant of this project: a real HTTP + WebSocket server on 127.0.0.1,
 * modeled on Home Assistant 2024.3 (websocket_api, api and the event bus).
 * Every test that needs a hub uses this one; see fake-hub.test.ts for what it guarantees.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { FakeNative } from './fake-native.js';

export type EventOrigin = 'LOCAL' | 'REMOTE';

export interface FakeContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

export interface FakeEvent {
  event_type: string;
  data: Record<string, unknown>;
  origin: EventOrigin;
  time_fired: string;
  context: FakeContext;
}

export interface FakeState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
  context: FakeContext;
}

/** One `POST /api/states/<entity_id>` as the fake saw it, whatever it answered. */
export interface StatePost {
  entityId: string;
  body: unknown;
  status: number;
  at: Date;
}

export interface ServiceCall {
  domain: string;
  service: string;
  service_data: unknown;
  target: unknown;
}

/** One `subscribe_events`: `eventType` is null when the client asked for every event. */
export interface SubscribeRecord {
  eventType: string | null;
  subscriptionId: number;
}

export interface FireOptions {
  contextId?: string;
  parentId?: string | null;
  userId?: string | null;
  origin?: EventOrigin;
}

export interface FakeHubOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Tokens accepted on the websocket and REST API. Default: `['test-token']`. */
  tokens?: string[];
  haVersion?: string;
}

interface Session {
  socket: WebSocket;
  authenticated: boolean;
  lastId: number;
  coalesce: boolean;
  silent: boolean;
  /** subscription id → event type (null: all events). */
  subscriptions: Map<number, string | null>;
  outbox: unknown[];
  flushScheduled: boolean;
}

/** The user behind every valid token. */
export const FAKE_USER_ID = '9e1f6c2f3a8b4d7e8f0a1b2c3d4e5f60';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A 26-character ULID-like id (10 characters of time, 16 random), as Home Assistant's context ids. */
export function ulid(now = Date.now()): string {
  let time = '';
  let rest = now;
  for (let i = 0; i < 10; i++) {
    time = (CROCKFORD[rest % 32] ?? '0') + time;
    rest = Math.floor(rest / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (const byte of bytes) random += CROCKFORD[byte % 32] ?? '0';
  return time + random;
}

/** Home Assistant's timestamp format: `2024-03-10T12:00:00.123000+00:00`. */
function haTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '000+00:00');
}

const ENTITY_ID = /^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$/;

/** Resolves once `predicate()` is true; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port that was free a moment ago, to start a hub on later (for "hub not up yet" tests). */
export async function reserveFreePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class FakeHub {
  readonly haVersion: string;
  private readonly tokens: Set<string>;
  private readonly states = new Map<string, FakeState>();
  private readonly sessions = new Set<Session>();
  private readonly rawSockets = new Set<Socket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private server: Server | undefined;
  private statePostDelayMs = 0;
  private closed = false;
  private cancelDowntime: (() => void) | undefined;
  private listenPort: number;

  /** Assist pipelines and runs, the recogniser, automation traces and users (see fake-native.ts). */
  readonly native = new FakeNative(FAKE_USER_ID);
  /** Every state post, in order. */
  readonly statePosts: StatePost[] = [];
  /** Every event fired on the bus (test API, websocket, REST), in order. */
  readonly firedEvents: FakeEvent[] = [];
  /** Every subscribe_events, in order (across connections). */
  readonly subscribeLog: SubscribeRecord[] = [];
  readonly serviceCalls: ServiceCall[] = [];
  /** Every message a client sent after auth, parsed. */
  readonly receivedMessages: Record<string, unknown>[] = [];
  /** Websocket connections accepted (upgrades), and auth results. */
  connectionCount = 0;
  authOkCount = 0;
  authInvalidCount = 0;

  private constructor(options: FakeHubOptions) {
    this.tokens = new Set(options.tokens ?? ['test-token']);
    this.haVersion = options.haVersion ?? '2024.3.3';
    this.listenPort = options.port ?? 0;
    this.wss.on('connection', (socket: WebSocket) => this.onConnection(socket));
  }

  static async start(options: FakeHubOptions = {}): Promise<FakeHub> {
    const hub = new FakeHub(options);
    await hub.listen();
    return hub;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Base URL as a user would put it in HA_URL: `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.listenPort}`;
  }

  get websocketUrl(): string {
    return `ws://127.0.0.1:${this.listenPort}/api/websocket`;
  }

  /** Open, authenticated websocket sessions. */
  get authenticatedConnections(): number {
    return [...this.sessions].filter((s) => s.authenticated).length;
  }

  /** Live subscriptions (all sessions), by event type; `'*'` counts subscriptions to every event. */
  activeSubscriptions(eventType: string): number {
    let count = 0;
    for (const session of this.sessions) {
      for (const type of session.subscriptions.values()) if ((type ?? '*') === eventType) count++;
    }
    return count;
  }

  /** True when any client ever subscribed without an event_type (to everything). */
  get everSubscribedToAll(): boolean {
    return this.subscribeLog.some((s) => s.eventType === null);
  }

  getState(entityId: string): FakeState | undefined {
    return this.states.get(entityId);
  }

  /**
   * Sets a state directly (as an integration of the hub would: no user, no parent), or in the
   * given context (a person's change, an automation's action).
   */
  setState(entityId: string, state: string, attributes: Record<string, unknown> = {}, context?: Partial<FakeContext>): FakeState {
    return this.writeState(entityId, state, attributes, context?.user_id ?? null, context).state;
  }

  addToken(token: string): void {
    this.tokens.add(token);
  }

  /** Later auths with this token fail; open connections stay (as a deleted long-lived token until reconnect). */
  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  setStatePostDelay(ms: number): void {
    this.statePostDelayMs = ms;
  }

  /**
   * Silent sockets read nothing and answer nothing (not even pings or close frames), as a
   * half-open TCP connection. Applies to the sockets open now; new connections behave normally.
   */
  setSilent(silent: boolean): void {
    for (const session of this.sessions) {
      session.silent = silent;
      if (silent) session.socket.pause();
      else session.socket.resume();
    }
  }

  /** Sends a frame as-is to every authenticated client (malformed JSON, odd shapes…). */
  sendRawFrame(text: string): void {
    for (const session of this.sessions) if (session.authenticated) session.socket.send(text);
  }

  /** Fires an event on the bus, as an automation or integration of the hub would. */
  fireEvent(eventType: string, data: Record<string, unknown> = {}, options: FireOptions = {}): FakeContext {
    const context: FakeContext = {
      id: options.contextId ?? ulid(),
      parent_id: options.parentId ?? null,
      user_id: options.userId ?? null,
    };
    this.bus({ event_type: eventType, data, origin: options.origin ?? 'LOCAL', time_fired: haTimestamp(), context });
    return context;
  }

  /** Closes every websocket abruptly (no close frame), as a network cut. */
  dropConnections(): void {
    for (const session of this.sessions) session.socket.terminate();
    this.sessions.clear();
  }

  /**
   * As a Home Assistant restart: drops every socket, forgets every state (posted sensors vanish),
   * keeps the tokens. With `downMs`, the port refuses connections that long.
   */
  async restart(options: { downMs?: number } = {}): Promise<void> {
    this.dropConnections();
    this.states.clear();
    const downMs = options.downMs ?? 0;
    if (downMs > 0 && !this.closed) {
      await this.closeServer();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.cancelDowntime = undefined;
          resolve();
        }, downMs);
        this.cancelDowntime = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (!this.closed) await this.listen();
    }
  }

  /** Stops for good: sockets, server, and any restart still waiting to listen again. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelDowntime?.();
    this.dropConnections();
    await this.closeServer();
    this.wss.close();
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`500: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    server.on('connection', (socket: Socket) => {
      this.rawSockets.add(socket);
      socket.on('close', () => this.rawSockets.delete(socket));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/api/websocket') {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('fake hub has no port');
    this.listenPort = address.port;
    this.server = server;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of this.rawSockets) socket.destroy();
    await closed;
  }

  // ---- websocket -------------------------------------------------------------------------

  private onConnection(socket: WebSocket): void {
    this.connectionCount++;
    const session: Session = {
      socket,
      authenticated: false,
      lastId: 0,
      coalesce: false,
      silent: false,
      subscriptions: new Map(),
      outbox: [],
      flushScheduled: false,
    };
    this.sessions.add(session);
    socket.on('error', () => socket.terminate());
    socket.on('close', () => this.sessions.delete(session));
    socket.on('message', (raw: RawData) => {
      if (session.silent) return;
      this.onFrame(session, raw.toString());
    });
    socket.send(JSON.stringify({ type: 'auth_required', ha_version: this.haVersion }));
  }

  private onFrame(session: Session, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      // Home Assistant closes the connection on a frame that is not JSON.
      session.socket.close(1003, 'invalid JSON');
      return;
    }
    if (!session.authenticated) {
      this.onAuth(session, message);
      return;
    }
    const messages = Array.isArray(message) ? message : [message];
    for (const one of messages) this.onMessage(session, one);
  }

  private onAuth(session: Session, message: unknown): void {
    const m = isRecord(message) ? message : {};
    if (m.type !== 'auth' || typeof m.access_token !== 'string') {
      this.authInvalidCount++;
      session.socket.send(JSON.stringify({ type: 'auth_invalid', message: 'Auth message incorrectly formatted: expected auth' }));
      session.socket.close();
      return;
    }
    if (!this.tokens.has(m.access_token)) {
      this.authInvalidCount++;
      session.socket.send(JSON.stringify({ type: 'auth_invalid', message: 'Invalid access token or password' }));
      session.socket.close();
      return;
    }
    this.authOkCount++;
    session.authenticated = true;
    session.socket.send(JSON.stringify({ type: 'auth_ok', ha_version: this.haVersion }));
  }

  private onMessage(session: Session, message: unknown): void {
    const m = isRecord(message) ? message : {};
    const id = m.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0 || typeof m.type !== 'string') {
      this.send(session, errorResult(typeof id === 'number' ? id : 0, 'invalid_format', 'Message incorrectly formatted.'));
      return;
    }
    this.receivedMessages.push(m);
    if (id <= session.lastId) {
      this.send(session, errorResult(id, 'id_reuse', 'Identifier values have to increase.'));
      return;
    }
    session.lastId = id;
    const ok = (result: unknown): void => this.send(session, { id, type: 'result', success: true, result });
    switch (m.type) {
      case 'supported_features': {
        const features = isRecord(m.features) ? m.features : {};
        session.coalesce = features.coalesce_messages === 1 || features.coalesce_messages === true;
        ok(null);
        return;
      }
      case 'ping':
        this.send(session, { id, type: 'pong' });
        return;
      case 'subscribe_events': {
        const eventType = typeof m.event_type === 'string' ? m.event_type : null;
        session.subscriptions.set(id, eventType);
        this.subscribeLog.push({ eventType, subscriptionId: id });
        ok(null);
        return;
      }
      case 'unsubscribe_events': {
        if (typeof m.subscription === 'number' && session.subscriptions.delete(m.subscription)) ok(null);
        else this.send(session, errorResult(id, 'not_found', 'Subscription not found.'));
        return;
      }
      case 'fire_event': {
        if (typeof m.event_type !== 'string') {
          this.send(session, errorResult(id, 'invalid_format', "required key not provided @ data['event_type']"));
          return;
        }
        const context: FakeContext = { id: ulid(), parent_id: null, user_id: FAKE_USER_ID };
        const data = isRecord(m.event_data) ? m.event_data : {};
        this.bus({ event_type: m.event_type, data, origin: 'REMOTE', time_fired: haTimestamp(), context });
        ok({ context });
        return;
      }
      case 'get_states':
        ok([...this.states.values()]);
        return;
      case 'get_config':
        ok({
          version: this.haVersion,
          location_name: 'Fake Home',
          time_zone: 'UTC',
          unit_system: { length: 'km', mass: 'g', temperature: '°C', volume: 'L' },
          components: ['api', 'websocket_api', 'automation'],
          state: 'RUNNING',
        });
        return;
      case 'call_service': {
        if (typeof m.domain !== 'string' || typeof m.service !== 'string') {
          this.send(session, errorResult(id, 'invalid_format', 'domain and service are required'));
          return;
        }
        this.serviceCalls.push({ domain: m.domain, service: m.service, service_data: m.service_data, target: m.target });
        ok({ context: { id: ulid(), parent_id: null, user_id: FAKE_USER_ID }, response: null });
        return;
      }
      default: {
        const answer = this.native.handle(m);
        if (answer && 'result' in answer) ok(answer.result);
        else if (answer) this.send(session, errorResult(id, answer.error.code, answer.error.message));
        else this.send(session, errorResult(id, 'unknown_command', 'Unknown command.'));
      }
    }
  }

  /** Queues a message; with coalescing on, what is queued in one tick goes out as one JSON array. */
  private send(session: Session, message: unknown): void {
    session.outbox.push(message);
    if (session.flushScheduled) return;
    session.flushScheduled = true;
    setImmediate(() => {
      session.flushScheduled = false;
      const batch = session.outbox.splice(0);
      if (session.silent || session.socket.readyState !== session.socket.OPEN) return;
      if (session.coalesce && batch.length > 1) session.socket.send(JSON.stringify(batch));
      else for (const one of batch) session.socket.send(JSON.stringify(one));
    });
  }

  private bus(event: FakeEvent): void {
    this.firedEvents.push(event);
    for (const session of this.sessions) {
      if (!session.authenticated) continue;
      for (const [subscriptionId, type] of session.subscriptions) {
        if (type === null || type === event.event_type) {
          this.send(session, { id: subscriptionId, type: 'event', event });
        }
      }
    }
  }

  private writeState(
    entityId: string,
    state: string,
    attributes: Record<string, unknown>,
    userId: string | null,
    context?: Partial<FakeContext>,
  ): { state: FakeState; created: boolean } {
    const now = haTimestamp();
    const old = this.states.get(entityId);
    // As Home Assistant 2024.3: setting the same state and attributes changes nothing.
    if (old && old.state === state && JSON.stringify(old.attributes) === JSON.stringify(attributes)) {
      return { state: old, created: false };
    }
    const next: FakeState = {
      entity_id: entityId,
      state,
      attributes,
      last_changed: old && old.state === state ? old.last_changed : now,
      last_updated: now,
      context: { id: context?.id ?? ulid(), parent_id: context?.parent_id ?? null, user_id: userId },
    };
    this.states.set(entityId, next);
    this.bus({
      event_type: 'state_changed',
      data: { entity_id: entityId, old_state: old ?? null, new_state: next },
      origin: 'LOCAL',
      time_fired: now,
      context: next.context,
    });
    return { state: next, created: !old };
  }

  // ---- REST ------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const body = await readBody(req);
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    const statePost = req.method === 'POST' && path.startsWith('/api/states/');
    const entityId = statePost ? decodeURIComponent(path.slice('/api/states/'.length)) : '';
    if (token === undefined || !this.tokens.has(token)) {
      if (statePost) this.statePosts.push({ entityId, body: tryParse(body), status: 401, at: new Date() });
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('401: Unauthorized');
      return;
    }
    if (statePost) {
      if (this.statePostDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.statePostDelayMs));
      const [status, answer, headers] = this.postState(entityId, body);
      this.statePosts.push({ entityId, body: tryParse(body), status, at: new Date() });
      json(res, status, answer, headers);
      return;
    }
    if (req.method === 'GET' && path === '/api/') {
      json(res, 200, { message: 'API running.' });
      return;
    }
    if (req.method === 'GET' && path === '/api/states') {
      json(res, 200, [...this.states.values()]);
      return;
    }
    if (req.method === 'GET' && path.startsWith('/api/states/')) {
      const state = this.states.get(decodeURIComponent(path.slice('/api/states/'.length)));
      if (state) json(res, 200, state);
      else json(res, 404, { message: 'Entity not found.' });
      return;
    }
    if (req.method === 'POST' && path.startsWith('/api/events/')) {
      const eventType = decodeURIComponent(path.slice('/api/events/'.length));
      const data = body === '' ? {} : tryParse(body);
      if (!isRecord(data)) {
        json(res, 400, { message: 'Event data should be a JSON object' });
        return;
      }
      this.bus({
        event_type: eventType,
        data,
        origin: 'REMOTE',
        time_fired: haTimestamp(),
        context: { id: ulid(), parent_id: null, user_id: FAKE_USER_ID },
      });
      json(res, 200, { message: `Event ${eventType} fired.` });
      return;
    }
    json(res, 404, { message: 'Not found' });
  }

  private postState(entityId: string, body: string): [number, unknown, Record<string, string>?] {
    const parsed = tryParse(body);
    if (parsed === undefined) return [400, { message: 'Invalid JSON specified.' }];
    if (!isRecord(parsed) || parsed.state === undefined || parsed.state === null) {
      return [400, { message: 'No state specified.' }];
    }
    if (!ENTITY_ID.test(entityId)) return [400, { message: 'Invalid entity ID specified.' }];
    const state = String(parsed.state);
    if (state.length > 255) return [400, { message: 'Invalid state specified.' }];
    const attributes = isRecord(parsed.attributes) ? parsed.attributes : {};
    const result = this.writeState(entityId, state, attributes, FAKE_USER_ID);
    return [result.created ? 201 : 200, result.state, { location: `/api/states/${entityId}` }];
  }
}

function errorResult(id: number, code: string, message: string): unknown {
  return { id, type: 'result', success: false, error: { code, message } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

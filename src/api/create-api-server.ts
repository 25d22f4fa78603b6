import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import type { ModelPerformanceTracker, TrackerChange } from '../tracker/model-performance-tracker.js';
import { createBearerAuth } from './bearer-auth.js';
import { createCors } from './cors.js';
import { EventStream } from './event-stream.js';
import { PanelAssets } from './panel-assets.js';
import { INTERNAL_ERROR_MESSAGE, toErrorResponse } from './error-response.js';
import { HttpError } from './http-error.js';
import { parseQuery, splitTarget } from './parse-query.js';
import { checkDeclaredLength, readJsonBody } from './read-json-body.js';
import { type ApiRoute, isStreamResult, type StreamResult } from './api-route.js';
import { API_PREFIX, createRoutes, type HealthExtras } from './routes.js';
import { Router } from './router.js';
import { sendJson } from './send-json.js';

export interface ApiServerOptions {
  tracker: ModelPerformanceTracker;
  logger: Logger;
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** When set, every request except health needs `Authorization: Bearer <apiToken>`. */
  apiToken?: string | undefined;
  /** Where the token is set, for the 401 message (default: the ML_METRICS_API_TOKEN environment variable). */
  apiTokenSource?: string;
  /** Origins allowed to call the API from a browser (CORS); none by default, `*` for any. */
  corsOrigins?: readonly string[];
  /** More for the health report (the hub connection and its event counts). */
  healthExtras?: HealthExtras;
  /**
   * A second listener for Home Assistant ingress: it accepts connections only from
   * `allowedAddress` (the Supervisor's ingress proxy, which authenticated the user), and its
   * requests need no bearer token. Off when absent.
   */
  ingress?: { host: string; port: number; allowedAddress: string } | null;
  /** The tracker's changes, for the event stream `GET /events/stream` (off when absent): returns the unsubscribe function. */
  changes?: (listener: (change: TrackerChange) => void) => () => void;
  /** Where the dashboard's built files are (default: the package's dist/panel). */
  panelDir?: string;
  /** Routes of other services (the experiments), served and documented like the tracker's. */
  extraRoutes?: readonly ApiRoute[];
  /** The window of the Prometheus gauges at /metrics (the sensors' window; default 7d). */
  metricsWindow?: string;
}

export interface ApiServer {
  /** `ingressUrl` is set when the ingress listener is on. */
  start(): Promise<{ host: string; port: number; url: string; ingressUrl?: string }>;
  /** Stops accepting, lets in-flight requests finish, closes keep-alive sockets. */
  stop(): Promise<void>;
}

/** Idle keep-alive sockets are closed after this (a little over common client pools' idle time). */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request (headers and body) must arrive within this. */
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How long stop() waits for in-flight requests before cutting what is left. Requests are
 * millisecond writes; this stays well inside the Supervisor's 10 s stop timeout.
 */
const STOP_GRACE_MS = 5_000;

/** The 401 answer, naming where the token was set: `ML_METRICS_API_TOKEN`, or the add-on's `api_token` option. */
function unauthorized(tokenSource: string): HttpError {
  return new HttpError(401, `missing or wrong API token; send the header Authorization: Bearer <token> with the token set in ${tokenSource}`, [], {
    'WWW-Authenticate': 'Bearer',
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

type JsonAnswer = { status: number; body: unknown; headers: Record<string, string> };

/** Sends a text or streamed answer; a failure after the headers cuts the connection (logged, never thrown). */
async function sendStream(res: ServerResponse, answer: StreamResult, headers: Record<string, string>, fields: Record<string, unknown>, logger: Logger): Promise<void> {
  res.writeHead(answer.status, { ...headers, ...answer.headers, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  try {
    await answer.write(res);
    logger.debug('request', fields);
  } catch (error) {
    res.destroy();
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ERR_STREAM_PREMATURE_CLOSE') logger.debug('request: the client went away during the answer', fields);
    else logger.error('request failed while its answer was streamed; the connection was cut', { ...fields, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

/** The REST API: a `node:http` server over the tracker. */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const { tracker, logger, bodyLimitBytes } = options;
  const isAuthorized = options.apiToken ? createBearerAuth(options.apiToken) : () => true;
  const refusedToken = unauthorized(options.apiTokenSource ?? 'the ML_METRICS_API_TOKEN environment variable');
  const cors = createCors(options.corsOrigins ?? []);
  const router = new Router<ApiRoute>();
  const feeds = options.metricsWindow === undefined ? {} : { metricsWindow: options.metricsWindow };
  for (const route of createRoutes(tracker, options.healthExtras, feeds, options.extraRoutes)) router.add(route);
  const panel = new PanelAssets(options.panelDir);
  const changes = options.changes;
  const events = changes ? new EventStream({ subscribe: changes, logger }) : null;
  const eventsPath = `${API_PREFIX}/events/stream`;

  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;


  async function respond(req: IncomingMessage, rawPath: string, rawQuery: string, trusted: boolean): Promise<JsonAnswer | StreamResult> {
    const match = router.match(req.method ?? 'GET', rawPath);
    const isPublic = match.kind === 'matched' && match.route.public === true;
    if (!isPublic && !trusted && !isAuthorized(req.headers.authorization)) throw refusedToken;
    if (match.kind === 'not-found') {
      throw new HttpError(404, `no such endpoint: ${req.method ?? ''} ${rawPath}; the API lives under /api/v1/ml-metrics (see /api/v1/ml-metrics/openapi.json)`);
    }
    if (match.kind === 'method-not-allowed') {
      throw new HttpError(405, `${req.method ?? ''} is not allowed on ${rawPath}; use ${match.allow.join(' or ')}`, [], {
        Allow: match.allow.join(', '),
      });
    }
    checkDeclaredLength(req, bodyLimitBytes);
    const query = parseQuery(rawQuery);
    const result = await match.route.handler({
      params: match.params,
      query,
      readBody: () => readJsonBody(req, bodyLimitBytes),
    });
    return isStreamResult(result) ? result : { ...result, headers: {} };
  }

  /** The dashboard's files (public: they hold no data) and the event stream; false for anything else. */
  async function servePanel(req: IncomingMessage, res: ServerResponse, rawPath: string, trusted: boolean): Promise<number | null> {
    const method = req.method ?? 'GET';
    if (panel.has(rawPath) && (method === 'GET' || method === 'HEAD')) return panel.serve(req, res, rawPath, cors.headersFor(req));
    if (events === null || rawPath !== eventsPath || method !== 'GET' || stopping || !(trusted || isAuthorized(req.headers.authorization))) return null;
    if (events.open(req, res, cors.headersFor(req))) return 200;
    sendJson(res, 503, { error: 'too many open event streams; close another dashboard tab', issues: [] }, { 'Retry-After': '10' });
    return 503;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, trusted: boolean): Promise<void> {
    const started = performance.now();
    const { rawPath, rawQuery } = splitTarget(req.url ?? '/');
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
    const preflight = cors.preflight(req);
    if (preflight) {
      res.writeHead(204, preflight).end();
      logger.debug('request', { method: req.method, path: rawPath, status: 204, ms: Math.round(performance.now() - started) });
      return;
    }
    // Only the panel's few paths and the event stream are served outside the router.
    const served = panel.has(rawPath) || rawPath === eventsPath ? await servePanel(req, res, rawPath, trusted) : null;
    if (served !== null) {
      logger.debug('request', { method: req.method, path: rawPath, status: served, ms: Math.round(performance.now() - started) });
      return;
    }
    let answer: JsonAnswer | StreamResult;
    try {
      answer = await respond(req, rawPath, rawQuery, trusted);
    } catch (error) {
      const mapped = toErrorResponse(error);
      if (mapped.unexpected) {
        logger.error('request failed with an unexpected error', {
          method: req.method,
          path: rawPath,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
      answer = mapped;
    }
    const fields = { method: req.method, path: rawPath, status: answer.status, ms: Math.round(performance.now() - started) };
    if (res.headersSent || res.destroyed) {
      logger.debug('request: the client went away before the answer', fields);
      return;
    }
    const headers = { ...cors.headersFor(req), ...answer.headers };
    // A body left unread (refused early, or past the limit) is not drained: close the connection.
    if (stopping || !req.complete) headers.Connection = 'close';
    if (isStreamResult(answer)) {
      await sendStream(res, answer, headers, fields, logger);
      return;
    }
    try {
      sendJson(res, answer.status, answer.body, headers);
    } catch (error) {
      // The answer could not be serialised (a bug): say so without details.
      logger.error('could not serialise an answer', { method: req.method, path: rawPath, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      fields.status = 500;
      if (!res.headersSent) sendJson(res, 500, { error: INTERNAL_ERROR_MESSAGE, issues: [] }, headers);
    }
    if (fields.status >= 500) logger.error('request', fields);
    else logger.debug('request', fields);
  }

  /** Last line of defence: whatever escapes `handle` is logged and the connection cut, never a crash. */
  function dispatch(req: IncomingMessage, res: ServerResponse, trusted = false): void {
    handle(req, res, trusted).catch((error: unknown) => {
      logger.error('could not answer a request', {
        method: req.method,
        path: splitTarget(req.url ?? '/').rawPath,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      res.destroy();
    });
  }

  /** A node:http server answering with `dispatch`; `trusted`: its requests need no token (the ingress listener). */
  function makeServer(trusted: boolean) {
    const server = createServer({ keepAlive: true, requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS });
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => dispatch(req, res, trusted));
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      // `Expect: 100-continue`: refuse an oversized body before the client sends it.
      const length = req.headers['content-length'];
      if (length === undefined || Number(length) <= bodyLimitBytes) res.writeContinue();
      dispatch(req, res, trusted);
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (socket.writable && !socket.destroyed) {
        const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
        const body = JSON.stringify({ error: 'malformed HTTP request', issues: [] });
        socket.end(
          `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
            `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      } else {
        socket.destroy();
      }
      logger.debug('malformed HTTP request', { code: error.code });
    });
    return server;
  }

  const server = makeServer(false);
  const ingress = options.ingress ?? null;
  const ingressServer = ingress === null ? null : makeServer(true);
  // Only the Supervisor's ingress proxy may connect to the ingress listener.
  ingressServer?.on('connection', (socket) => {
    const address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (address !== ingress?.allowedAddress) {
      logger.warn('refused a connection to the ingress port from another address', { address });
      socket.destroy();
    }
  });

  function listen(target: typeof server, host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(new Error(`cannot listen on ${host}:${port} (${error.code ?? error.message}); choose another api host or port`));
      };
      target.once('error', onError);
      target.listen(port, host, () => {
        target.off('error', onError);
        target.on('error', (error) => logger.error('HTTP server error', { error: error.message }));
        resolve(target.address() as AddressInfo);
      });
    });
  }

  function close(target: typeof server): Promise<void> {
    return new Promise((resolve) => {
      const grace = setTimeout(() => {
        logger.warn('requests still running at shutdown were cut', { in_flight: inFlight });
        target.closeAllConnections();
      }, STOP_GRACE_MS);
      grace.unref();
      target.close(() => {
        clearTimeout(grace);
        resolve();
      });
      target.closeIdleConnections();
    });
  }

  let listening = false;
  return {
    async start() {
      if (listening) throw new Error('the API server is already started');
      const address = await listen(server, options.host, options.port);
      listening = true;
      const url = `http://${urlHost(address.address)}:${address.port}`;
      logger.info('REST API listening', { url, auth: options.apiToken ? 'bearer token' : 'none' });
      events?.start();
      if (ingressServer === null || ingress === null) return { host: address.address, port: address.port, url };
      try {
        const ingressAddress = await listen(ingressServer, ingress.host, ingress.port);
        const ingressUrl = `http://${urlHost(ingressAddress.address)}:${ingressAddress.port}`;
        logger.info('ingress listening', { url: ingressUrl, from: ingress.allowedAddress });
        return { host: address.address, port: address.port, url, ingressUrl };
      } catch (error) {
        // The REST API is up; only the sidebar panel is missing. Say so, and keep serving.
        logger.error('the ingress listener (the Home Assistant panel) could not start; the REST API runs on', { url, error: describeError(error) });
        return { host: address.address, port: address.port, url };
      }
    },
    async stop() {
      if (!listening) return;
      listening = false;
      stopping = true;
      events?.stop();
      drained = () => {
        server.closeIdleConnections();
        ingressServer?.closeIdleConnections();
      };
      await Promise.all([close(server), ...(ingressServer?.listening ? [close(ingressServer)] : [])]);
      logger.info('REST API stopped');
    },
  };
}

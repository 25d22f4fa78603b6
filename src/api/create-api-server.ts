import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger.js';
import type { ModelPerformanceTracker } from '../tracker/model-performance-tracker.js';
import { createBearerAuth } from './bearer-auth.js';
import { createCors } from './cors.js';
import { INTERNAL_ERROR_MESSAGE, toErrorResponse } from './error-response.js';
import { HttpError } from './http-error.js';
import { parseQuery, splitTarget } from './parse-query.js';
import { checkDeclaredLength, readJsonBody } from './read-json-body.js';
import type { ApiRoute } from './api-route.js';
import { createRoutes, type HealthExtras } from './routes.js';
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
  /** Routes of other services (the experiments), served and documented like the tracker's. */
  extraRoutes?: readonly ApiRoute[];
}

export interface ApiServer {
  start(): Promise<{ host: string; port: number; url: string }>;
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

/** The REST API: a `node:http` server over the tracker. */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const { tracker, logger, bodyLimitBytes } = options;
  const isAuthorized = options.apiToken ? createBearerAuth(options.apiToken) : () => true;
  const refusedToken = unauthorized(options.apiTokenSource ?? 'the ML_METRICS_API_TOKEN environment variable');
  const cors = createCors(options.corsOrigins ?? []);
  const router = new Router<ApiRoute>();
  for (const route of createRoutes(tracker, options.healthExtras, options.extraRoutes)) router.add(route);

  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;

  const server = createServer({ keepAlive: true, requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  async function respond(req: IncomingMessage): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
    const { rawPath, rawQuery } = splitTarget(req.url ?? '/');
    const match = router.match(req.method ?? 'GET', rawPath);
    const isPublic = match.kind === 'matched' && match.route.public === true;
    if (!isPublic && !isAuthorized(req.headers.authorization)) throw refusedToken;
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
    return { ...result, headers: {} };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const { rawPath } = splitTarget(req.url ?? '/');
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
    let answer: { status: number; body: unknown; headers: Record<string, string> };
    try {
      answer = await respond(req);
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
  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    handle(req, res).catch((error: unknown) => {
      logger.error('could not answer a request', {
        method: req.method,
        path: splitTarget(req.url ?? '/').rawPath,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      res.destroy();
    });
  }

  server.on('request', dispatch);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    // `Expect: 100-continue`: refuse an oversized body before the client sends it.
    const length = req.headers['content-length'];
    if (length === undefined || Number(length) <= bodyLimitBytes) res.writeContinue();
    dispatch(req, res);
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

  let listening = false;
  return {
    start: () =>
      new Promise((resolve, reject) => {
        if (listening) {
          reject(new Error('the API server is already started'));
          return;
        }
        const onError = (error: NodeJS.ErrnoException): void => {
          reject(new Error(`cannot listen on ${options.host}:${options.port} (${error.code ?? error.message}); choose another api host or port`));
        };
        server.once('error', onError);
        server.listen(options.port, options.host, () => {
          server.off('error', onError);
          server.on('error', (error) => logger.error('HTTP server error', { error: error.message }));
          listening = true;
          const address = server.address() as AddressInfo;
          const url = `http://${urlHost(address.address)}:${address.port}`;
          logger.info('REST API listening', { url, auth: options.apiToken ? 'bearer token' : 'none' });
          resolve({ host: address.address, port: address.port, url });
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (!listening) {
          resolve();
          return;
        }
        listening = false;
        stopping = true;
        const grace = setTimeout(() => {
          logger.warn('requests still running at shutdown were cut', { in_flight: inFlight });
          server.closeAllConnections();
        }, STOP_GRACE_MS);
        grace.unref();
        drained = () => server.closeIdleConnections();
        server.close(() => {
          clearTimeout(grace);
          logger.info('REST API stopped');
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

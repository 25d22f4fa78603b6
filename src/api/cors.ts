import type { IncomingMessage } from 'node:http';

/**
 * CORS, off unless origins are configured (`api.cors_origins`): for an allowed `Origin`, answers
 * carry `Access-Control-Allow-Origin` and a preflight `OPTIONS` is answered 204.
 */
export function createCors(origins: readonly string[]) {
  const allowAll = origins.includes('*');
  const allowed = new Set(origins);
  const headersFor = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (origins.length === 0 || typeof origin !== 'string' || !(allowAll || allowed.has(origin))) return {};
    return { 'Access-Control-Allow-Origin': allowAll ? '*' : origin, Vary: 'Origin' };
  };
  return {
    headersFor,
    /** The answer to a CORS preflight from an allowed origin, or null (not a preflight, or not allowed). */
    preflight(req: IncomingMessage): Record<string, string> | null {
      if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return null;
      const headers = headersFor(req);
      if (Object.keys(headers).length === 0) return null;
      return {
        ...headers,
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      };
    },
  };
}

import { HttpError } from './http-error.js';

export type HttpMethod = 'GET' | 'POST';

/** A method and a path pattern such as `/api/v1/ml-metrics/models/{name}/predictions`. */
export interface Route<Handler> {
  method: HttpMethod;
  path: string;
  handler: Handler;
}

export type RouteMatch<R> =
  | { kind: 'matched'; route: R; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: HttpMethod[] }
  | { kind: 'not-found' };

type Segment = { literal: string } | { param: string };

function parsePattern(path: string): Segment[] {
  return path
    .split('/')
    .slice(1)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part)?.[1];
      return param === undefined ? { literal: part } : { param };
    });
}

/**
 * Splits a raw request path on `/` and then URL-decodes each segment, so an encoded `%2F`
 * stays inside its segment. Throws HttpError 400 on malformed percent-encoding.
 */
export function decodePathSegments(rawPath: string): string[] {
  return rawPath
    .split('/')
    .slice(1)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new HttpError(400, 'the request path is not valid percent-encoding; encode path parameters with encodeURIComponent');
      }
    });
}

/** How many matched paths a router keeps (the oldest goes first): a home's clients ask a few paths again and again. */
const KEPT_MATCHES = 256;
/** Longer paths are matched each time: what a client can make the router keep stays small. */
const MAX_KEPT_PATH_LENGTH = 512;

/** A small exact-match router: literal segments and `{param}` segments (non-empty). */
export class Router<R extends Route<unknown>> {
  private readonly routes: { route: R; segments: Segment[] }[] = [];
  /**
   * Paths matched before, by method and raw path, with their decoded params: a raw path always
   * decodes and matches the same way while the routes are the same (`add` forgets them all).
   * Decoding the segments and walking the routes was ~4 % of the main thread's busy time over
   * the bench's query series (one model, asked again and again).
   */
  private readonly matches = new Map<string, { route: R; params: Readonly<Record<string, string>> }>();

  /** How many matched paths are kept (for tests and diagnostics). */
  get keptMatches(): number {
    return this.matches.size;
  }

  add(route: R): this {
    this.routes.push({ route, segments: parsePattern(route.path) });
    this.matches.clear();
    return this;
  }

  /** `rawPath` is the path part of the request target, before decoding. Each match has its own `params`. */
  match(method: string, rawPath: string): RouteMatch<R> {
    if (!rawPath.startsWith('/')) return { kind: 'not-found' };
    const key = `${method} ${rawPath}`;
    const known = this.matches.get(key);
    if (known !== undefined) return { kind: 'matched', route: known.route, params: { ...known.params } };
    const parts = decodePathSegments(rawPath);
    const allow: HttpMethod[] = [];
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (params === undefined) continue;
      if (route.method === method) {
        if (rawPath.length <= MAX_KEPT_PATH_LENGTH) {
          this.matches.set(key, { route, params: { ...params } });
          if (this.matches.size > KEPT_MATCHES) this.matches.delete(this.matches.keys().next().value!);
        }
        return { kind: 'matched', route, params };
      }
      if (!allow.includes(route.method)) allow.push(route.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index];
    if (part === undefined) return undefined;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.param] = part;
    }
  }
  return params;
}

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

/** A small exact-match router: literal segments and `{param}` segments (non-empty). */
export class Router<R extends Route<unknown>> {
  private readonly routes: { route: R; segments: Segment[] }[] = [];
  /**
   * Routes without `{param}` segments found before, by method and raw path. Without `%` a path
   * decodes to itself, so such a path always matches the same route: at most one entry per route.
   */
  private readonly literalMatches = new Map<string, R>();

  add(route: R): this {
    this.routes.push({ route, segments: parsePattern(route.path) });
    this.literalMatches.clear();
    return this;
  }

  /** `rawPath` is the path part of the request target, before decoding. */
  match(method: string, rawPath: string): RouteMatch<R> {
    if (!rawPath.startsWith('/')) return { kind: 'not-found' };
    const literal = rawPath.includes('%') ? undefined : `${method} ${rawPath}`;
    const known = literal === undefined ? undefined : this.literalMatches.get(literal);
    if (known !== undefined) return { kind: 'matched', route: known, params: {} };
    const parts = decodePathSegments(rawPath);
    const allow: HttpMethod[] = [];
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (params === undefined) continue;
      if (route.method === method) {
        if (literal !== undefined && segments.every((segment) => 'literal' in segment)) this.literalMatches.set(literal, route);
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

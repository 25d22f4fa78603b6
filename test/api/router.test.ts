import { describe, expect, it } from 'vitest';
import { createBearerAuth } from '../../src/api/bearer-auth.js';
import { toErrorResponse } from '../../src/api/error-response.js';
import { HttpError } from '../../src/api/http-error.js';
import { parseQuery, splitTarget } from '../../src/api/parse-query.js';
import { Router, type Route } from '../../src/api/router.js';
import { ConflictError, InvalidInputError, NotFoundError, StorageUnavailableError } from '../../src/tracker/errors.js';

const router = new Router<Route<string>>()
  .add({ method: 'GET', path: '/api/models', handler: 'list' })
  .add({ method: 'GET', path: '/api/models/{name}', handler: 'one' })
  .add({ method: 'GET', path: '/api/models/{name}/predictions', handler: 'predictions' })
  .add({ method: 'POST', path: '/api/models/{name}/compare', handler: 'compare' });

describe('Router', () => {
  it('matches literal and parameter segments, decoding each segment', () => {
    expect(router.match('GET', '/api/models')).toMatchObject({ kind: 'matched', params: {} });
    expect(router.match('GET', '/api/models/K%C3%BCche%20Sprache')).toMatchObject({ kind: 'matched', params: { name: 'Küche Sprache' } });
    expect(router.match('GET', '/api/models/a/predictions')).toMatchObject({ kind: 'matched', route: { handler: 'predictions' } });
  });

  it('keeps an encoded slash inside its segment', () => {
    expect(router.match('GET', '/api/models/a%2Fpredictions')).toMatchObject({ kind: 'matched', route: { handler: 'one' }, params: { name: 'a/predictions' } });
    expect(router.match('GET', '/api/models/..%2F..%2Fetc')).toMatchObject({ params: { name: '../../etc' } });
  });

  it('answers not-found, method-not-allowed with the allowed methods, and refuses bad encoding', () => {
    expect(router.match('GET', '/api/nope')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/api/models/')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/api/models//predictions')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', 'http://host/api/models')).toEqual({ kind: 'not-found' });
    expect(router.match('DELETE', '/api/models/x')).toEqual({ kind: 'method-not-allowed', allow: ['GET'] });
    expect(router.match('GET', '/api/models/x/compare')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
    expect(() => router.match('GET', '/api/models/%E0%A4%A')).toThrow(HttpError);
  });

  it('answers a parameterless path the same the second time, with fresh params, and sees routes added later', () => {
    const own = new Router<Route<string>>()
      .add({ method: 'GET', path: '/a/{name}', handler: 'param first' })
      .add({ method: 'GET', path: '/a/b', handler: 'literal' })
      .add({ method: 'POST', path: '/c', handler: 'post' });
    for (let round = 0; round < 2; round += 1) {
      expect(own.match('GET', '/a/b')).toEqual({ kind: 'matched', route: { method: 'GET', path: '/a/{name}', handler: 'param first' }, params: { name: 'b' } });
      expect(own.match('GET', '/c')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
      const first = own.match('POST', '/c');
      expect(first).toMatchObject({ kind: 'matched', route: { handler: 'post' }, params: {} });
      if (first.kind === 'matched') first.params.x = 'changed by a caller';
      expect(own.match('POST', '/c')).toMatchObject({ params: {} });
      expect(own.match('POST', '/%63')).toMatchObject({ kind: 'matched', route: { handler: 'post' } });
    }
    own.add({ method: 'GET', path: '/c', handler: 'added' });
    expect(own.match('GET', '/c')).toMatchObject({ kind: 'matched', route: { handler: 'added' } });
  });

  it('answers a path with parameters the same each time, each with its own params, past the kept matches', () => {
    const own = new Router<Route<string>>().add({ method: 'GET', path: '/m/{name}', handler: 'one' }).add({ method: 'POST', path: '/m/{name}', handler: 'post' });
    for (let round = 0; round < 2; round += 1) {
      const first = own.match('GET', '/m/K%C3%BCche');
      expect(first).toEqual({ kind: 'matched', route: { method: 'GET', path: '/m/{name}', handler: 'one' }, params: { name: 'Küche' } });
      if (first.kind === 'matched') first.params.name = 'changed by a caller';
      expect(own.match('GET', '/m/K%C3%BCche')).toMatchObject({ params: { name: 'Küche' } });
      expect(own.match('POST', '/m/K%C3%BCche')).toMatchObject({ route: { handler: 'post' }, params: { name: 'Küche' } });
      expect(own.match('GET', '/m/a/b')).toEqual({ kind: 'not-found' });
      expect(() => own.match('GET', '/m/%E0%A4%A')).toThrow(HttpError);
    }
    // More distinct paths than are kept: the first ones are matched again from the routes.
    for (let index = 0; index < 600; index += 1) expect(own.match('GET', `/m/n${index}`)).toMatchObject({ params: { name: `n${index}` } });
    for (let index = 0; index < 600; index += 1) expect(own.match('GET', `/m/n${index}`)).toMatchObject({ params: { name: `n${index}` } });
    expect(own.keptMatches).toBe(256);
    own.add({ method: 'GET', path: '/m/special', handler: 'literal added later' });
    expect(own.keptMatches).toBe(0);
    expect(own.match('GET', '/m/n1')).toMatchObject({ route: { handler: 'one' } });
    // A long path is matched, not kept.
    const long = `/m/${'x'.repeat(600)}`;
    expect(own.match('GET', long)).toMatchObject({ params: { name: 'x'.repeat(600) } });
    expect(own.keptMatches).toBe(1);
  });
});

describe('parseQuery', () => {
  it('gives a plain object of strings', () => {
    expect(splitTarget('/a/b?limit=5&cursor=10')).toEqual({ rawPath: '/a/b', rawQuery: 'limit=5&cursor=10' });
    expect(parseQuery('limit=5&version=1.0+rc&name=K%C3%BCche')).toEqual({ limit: '5', version: '1.0 rc', name: 'Küche' });
    expect(parseQuery('')).toEqual({});
  });

  it('refuses a repeated key', () => {
    expect(() => parseQuery('version=1&version=2')).toThrow(/version is given more than once/);
  });

  it('keeps __proto__ an ordinary key', () => {
    const query = parseQuery('__proto__=x&limit=1');
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype);
    expect(Object.keys(query)).toEqual(['__proto__', 'limit']);
  });
});

describe('createBearerAuth', () => {
  const check = createBearerAuth('abc123');
  it('accepts only Bearer <token>', () => {
    expect(check('Bearer abc123')).toBe(true);
    expect(check('bearer abc123')).toBe(true);
    expect(check(undefined)).toBe(false);
    expect(check('')).toBe(false);
    expect(check('Bearer abc12')).toBe(false);
    expect(check('Bearer abc1234')).toBe(false);
    expect(check('abc123')).toBe(false);
    expect(check('Basic abc123')).toBe(false);
    expect(check('Bearer abc123 extra')).toBe(false);
  });
});

describe('toErrorResponse', () => {
  it('maps tracker errors to statuses', () => {
    const issues = [{ path: 'confidence', message: 'must be between 0 and 1' }];
    expect(toErrorResponse(new InvalidInputError('invalid prediction: confidence: must be between 0 and 1', issues))).toMatchObject({
      status: 400,
      body: { error: 'invalid prediction: confidence: must be between 0 and 1', issues },
    });
    expect(toErrorResponse(new NotFoundError('no model x')).status).toBe(404);
    expect(toErrorResponse(new ConflictError('taken')).status).toBe(409);
    expect(toErrorResponse(new StorageUnavailableError('disk full')).status).toBe(503);
    expect(toErrorResponse(new Error('boom'))).toEqual({
      status: 500,
      body: { error: 'internal error; see the service log', issues: [] },
      headers: {},
      unexpected: true,
    });
  });
});

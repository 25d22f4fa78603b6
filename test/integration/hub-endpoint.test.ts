import { describe, expect, it } from 'vitest';
import { HubConfigError } from '../../src/integration/errors.js';
import { resolveHubEndpoint } from '../../src/integration/hub-endpoint.js';

describe('resolveHubEndpoint', () => {
  it('resolves a standalone hub from HA_URL and HA_TOKEN, dropping trailing slashes', () => {
    expect(resolveHubEndpoint({ HA_URL: 'http://homeassistant.local:8123/', HA_TOKEN: ' abc ' })).toEqual({
      mode: 'standalone',
      restBaseUrl: 'http://homeassistant.local:8123/api',
      websocketUrl: 'ws://homeassistant.local:8123/api/websocket',
      token: 'abc',
    });
  });

  it('maps https to wss and keeps a path prefix (reverse proxy)', () => {
    expect(resolveHubEndpoint({ HA_URL: 'https://example.org/ha//', HA_TOKEN: 't' })).toMatchObject({
      restBaseUrl: 'https://example.org/ha/api',
      websocketUrl: 'wss://example.org/ha/api/websocket',
    });
  });

  it('uses the Supervisor proxy when SUPERVISOR_TOKEN is set', () => {
    expect(resolveHubEndpoint({ SUPERVISOR_TOKEN: 'sup' })).toEqual({
      mode: 'supervisor',
      restBaseUrl: 'http://supervisor/core/api',
      websocketUrl: 'ws://supervisor/core/websocket',
      token: 'sup',
    });
  });

  it('lets explicit overrides win over the environment, and an explicit URL win over add-on mode', () => {
    const env = { HA_URL: 'http://a:8123', HA_TOKEN: 'env', SUPERVISOR_TOKEN: 'sup' };
    expect(resolveHubEndpoint(env)).toMatchObject({ mode: 'standalone', token: 'env' });
    expect(resolveHubEndpoint(env, { url: 'http://b:8123', token: 'opt' })).toMatchObject({
      restBaseUrl: 'http://b:8123/api',
      token: 'opt',
    });
  });

  it('returns null when no hub is configured (blank values count as unset)', () => {
    expect(resolveHubEndpoint({})).toBeNull();
    expect(resolveHubEndpoint({ HA_URL: '  ', HA_TOKEN: '', SUPERVISOR_TOKEN: '' })).toBeNull();
  });

  it.each([
    ['ftp://host', /http:\/\/ or https:\/\//],
    ['homeassistant.local:8123', /http:\/\/ or https:\/\//],
    ['not a url', /is not a URL/],
    ['http://host:8123/api', /without \/api/],
    ['http://host:8123/?x=1', /query/],
  ])('refuses HA_URL=%s with a clear error', (url, message) => {
    expect(() => resolveHubEndpoint({ HA_URL: url, HA_TOKEN: 't' })).toThrow(HubConfigError);
    expect(() => resolveHubEndpoint({ HA_URL: url, HA_TOKEN: 't' })).toThrow(message);
  });

  it('refuses half a configuration', () => {
    expect(() => resolveHubEndpoint({ HA_URL: 'http://host:8123' })).toThrow(/HA_TOKEN is missing/);
    expect(() => resolveHubEndpoint({ HA_TOKEN: 't' })).toThrow(/HA_URL is missing/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  HubAuthError,
  HubCannotConnectError,
  HubCommandError,
  HubConfigError,
  HubConnectionLostError,
  HubError,
  toHubError,
} from '../../src/integration/errors.js';

describe('toHubError', () => {
  it.each([
    [1, HubCannotConnectError, /running.*HA_URL/],
    [2, HubAuthError, /long-lived access token/],
    [3, HubConnectionLostError, /reconnects by itself/],
    [4, HubConfigError, /HA_URL and HA_TOKEN/],
    [5, HubConfigError, /https/],
  ])('maps the library code %i to a typed error a user can act on', (code, type, message) => {
    const error = toHubError(code, 'ws://hub');
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
  });

  it('maps the library rejection of commands in flight (a whole result message) to a lost connection', () => {
    const inFlight = { type: 'result', success: false, error: { code: 3, message: 'Connection lost' } };
    expect(toHubError(inFlight)).toBeInstanceOf(HubConnectionLostError);
  });

  it('maps an error result of the hub to HubCommandError with its code', () => {
    const error = toHubError({ code: 'unknown_command', message: 'Unknown command.' });
    expect(error).toBeInstanceOf(HubCommandError);
    expect(error).toMatchObject({ code: 'unknown_command' });
    expect(error.message).toMatch(/Unknown command/);
  });

  it('keeps hub errors and wraps anything else with its cause', () => {
    const auth = new HubAuthError();
    expect(toHubError(auth)).toBe(auth);
    const cause = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    const wrapped = toHubError(cause, 'http://hub');
    expect(wrapped).toBeInstanceOf(HubError);
    expect(wrapped.message).toBe('http://hub: fetch failed (connect ECONNREFUSED)');
    expect(wrapped.cause).toBe(cause);
    expect(toHubError('odd').message).toMatch(/odd/);
    expect(toHubError(99)).toBeInstanceOf(HubError);
  });
});

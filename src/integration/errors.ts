/**
 * Errors of the hub connection, with messages a user can act on. The client library throws
 * bare numbers and `{code, message}` objects; `toHubError` turns any of them into one of these.
 */

/** Base of every hub error. */
export class HubError extends Error {
  override name = 'HubError';
}

/** The hub address or token in the configuration is missing or malformed. */
export class HubConfigError extends HubError {
  override name = 'HubConfigError';
}

/** Home Assistant could not be reached (refused, timed out, DNS…). Retried. */
export class HubCannotConnectError extends HubError {
  override name = 'HubCannotConnectError';
}

/** Home Assistant refused the access token. Final: retrying with the same token cannot help. */
export class HubAuthError extends HubError {
  override name = 'HubAuthError';
  constructor(detail = 'Home Assistant rejected the access token') {
    super(
      `${detail}. Create a new long-lived access token (Home Assistant: your profile → Security → ` +
        'Long-lived access tokens) and set HA_TOKEN; as an add-on, restart it so the Supervisor issues a fresh token.',
    );
  }
}

/** The websocket closed while a command was in flight. The connection reconnects by itself. */
export class HubConnectionLostError extends HubError {
  override name = 'HubConnectionLostError';
}

/** A REST call answered with a non-2xx status. */
export class HubRequestError extends HubError {
  override name = 'HubRequestError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A websocket command answered `success: false` (`unknown_command`, `unauthorized`, `invalid_format`…). */
export class HubCommandError extends HubError {
  override name = 'HubCommandError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The connection was stopped; nothing more will be sent. */
export class HubStoppedError extends HubError {
  override name = 'HubStoppedError';
}

/** The library's numeric error codes (home-assistant-js-websocket `errors.ts`). */
export const LIBRARY_ERROR = {
  cannotConnect: 1,
  invalidAuth: 2,
  connectionLost: 3,
  hostRequired: 4,
  httpsToHttp: 5,
} as const;

/** Normalises whatever the library, `ws` or `fetch` threw. `where` names the hub (its URL) for the message. */
export function toHubError(error: unknown, where = 'Home Assistant'): HubError {
  if (error instanceof HubError) return error;
  if (typeof error === 'number') return fromLibraryCode(error, where);
  // In-flight commands are rejected with a whole result message: {type: 'result', success: false, error: {code: 3}}.
  if (typeof error === 'object' && error !== null && 'error' in error && !(error instanceof Error)) {
    const inner = (error as { error: unknown }).error;
    if (typeof inner === 'object' && inner !== null && 'code' in inner) return toHubError(inner, where);
  }
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code, message } = error as { code: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : 'no message';
    if (typeof code === 'number') return fromLibraryCode(code, where);
    if (typeof code === 'string' && !(error instanceof Error)) {
      return new HubCommandError(`Home Assistant refused the command: ${text} (${code})`, code);
    }
  }
  if (error instanceof Error) {
    return new HubError(`${where}: ${error.message}${causeText(error)}`, { cause: error });
  }
  return new HubError(`${where}: ${String(error)}`);
}

function fromLibraryCode(code: number, where: string): HubError {
  switch (code) {
    case LIBRARY_ERROR.cannotConnect:
      return new HubCannotConnectError(`Cannot connect to ${where}: check that it is running and that HA_URL is right`);
    case LIBRARY_ERROR.invalidAuth:
      return new HubAuthError();
    case LIBRARY_ERROR.connectionLost:
      return new HubConnectionLostError(`Lost the connection to ${where}; it reconnects by itself, try again`);
    case LIBRARY_ERROR.hostRequired:
      return new HubConfigError('No Home Assistant address configured: set HA_URL and HA_TOKEN, or run as an add-on');
    case LIBRARY_ERROR.httpsToHttp:
      return new HubConfigError(`Refusing to fetch tokens from plain http while on https: use an https HA_URL`);
    default:
      return new HubError(`${where}: client error code ${code}`);
  }
}

/** `fetch` hides the reason (ECONNREFUSED…) in `cause`. */
function causeText(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error) return ` (${cause.message})`;
  return '';
}

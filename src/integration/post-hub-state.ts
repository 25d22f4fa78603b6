import { describeError } from '../logging/to-error.js';
import type { HubEndpoint } from './hub-endpoint.js';
import { HubCannotConnectError, HubError, HubRequestError } from './errors.js';
import { HubStateSchema, type HubAttributes, type HubState } from './hub-schemas.js';

interface PostHubStateOptions {
  endpoint: Pick<HubEndpoint, 'restBaseUrl' | 'token'>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface PostedState {
  /** true: the entity did not exist (201); false: it was updated (200). */
  created: boolean;
  state: HubState;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const HINTS: Record<number, string> = {
  401: 'the token was refused: check HA_TOKEN (or the add-on token)',
  403: 'the token lacks admin rights: use a token of an administrator',
  404: 'not found: check that HA_URL points at Home Assistant and the api integration is loaded',
};

/**
 * `POST {rest}/states/<entity_id>` with `{state, attributes}`. Creates or replaces the entity's
 * state (it is gone again after a Home Assistant restart). Throws HubRequestError on non-2xx.
 */
export async function postHubState(
  options: PostHubStateOptions,
  entityId: string,
  state: string,
  attributes: HubAttributes = {},
): Promise<PostedState> {
  const url = `${options.endpoint.restBaseUrl}/states/${encodeURIComponent(entityId)}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state, attributes }),
      signal: timeout,
    });
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : describeFetchError(error);
    throw new HubCannotConnectError(`Cannot post ${entityId} to ${url}: ${reason}`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    const hint = HINTS[response.status] ?? (text.slice(0, 200) || response.statusText);
    throw new HubRequestError(`Home Assistant answered ${response.status} to POST ${url}: ${hint}`, response.status);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HubError(`Home Assistant answered ${response.status} to POST ${url} with a body that is not JSON`);
  }
  const parsed = HubStateSchema.safeParse(body);
  if (!parsed.success) {
    throw new HubError(`Home Assistant answered POST ${url} with an unexpected state object: ${parsed.error.message}`);
  }
  return { created: response.status === 201, state: parsed.data };
}

/** `fetch` hides the reason (ECONNREFUSED…) in `cause`. */
function describeFetchError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${describeError(error)}${cause}`;
}

/** Home Assistant's REST API as the suite uses it: fire events, read states. */

export interface HaState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_updated: string;
  context: { id: string; parent_id: string | null; user_id: string | null };
}

export class HaRest {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async #request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  }

  /** `POST /api/events/<type>`; throws unless Home Assistant says it fired. */
  async fireEvent(eventType: string, data: Record<string, unknown>): Promise<void> {
    const response = await this.#request('POST', `/api/events/${eventType}`, data);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`POST /api/events/${eventType} answered ${response.status}: ${text}`);
  }

  /** `GET /api/states/<entity_id>`, or null on 404. */
  async state(entityId: string): Promise<HaState | null> {
    const response = await this.#request('GET', `/api/states/${entityId}`);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`GET /api/states/${entityId} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as HaState;
  }

  /** `GET /api/states`. */
  async states(): Promise<HaState[]> {
    const response = await this.#request('GET', '/api/states');
    if (!response.ok) throw new Error(`GET /api/states answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as HaState[];
  }
}

/**
 * Polls `probe` until it returns something other than undefined; rejects after `timeoutMs`
 * naming `what` and the last value seen.
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string, describe?: () => Promise<string> | string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const seen = describe ? `; ${await describe()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

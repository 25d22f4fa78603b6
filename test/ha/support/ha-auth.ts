/**
 * Tokens for a freshly started Home Assistant, with no browser: the onboarding API creates the
 * owner and hands out an auth code, /auth/token trades it for an access token (30 minutes), and a
 * long-lived token (what the service is given, as a user would) is made over the websocket.
 */
import { HaTestSocket } from './ha-websocket.js';

export interface OnboardedOwner {
  accessToken: string;
  refreshToken: string;
}

async function expectJson(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/**
 * Creates the owner through `POST /api/onboarding/users` and logs in. Only the user step is
 * done: core_config would start config flows that pull in more packages.
 */
export async function onboardOwner(baseUrl: string): Promise<OnboardedOwner> {
  const clientId = `${baseUrl}/`;
  const created = (await expectJson(
    await fetch(`${baseUrl}/api/onboarding/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Test Owner', username: 'owner', password: 'hap-ml-metrics-test', client_id: clientId, language: 'en' }),
    }),
    'POST /api/onboarding/users',
  )) as { auth_code?: string };
  if (!created.auth_code) throw new Error(`POST /api/onboarding/users gave no auth_code: ${JSON.stringify(created)}`);
  const tokens = (await expectJson(
    await fetch(`${baseUrl}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: created.auth_code, client_id: clientId }),
    }),
    'POST /auth/token',
  )) as { access_token?: string; refresh_token?: string; token_type?: string };
  if (!tokens.access_token || !tokens.refresh_token) throw new Error(`POST /auth/token gave no tokens: ${JSON.stringify(tokens)}`);
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

/** A long-lived access token (`auth/long_lived_access_token`), as made in a user's profile. */
export async function createLongLivedToken(baseUrl: string, accessToken: string, clientName: string): Promise<string> {
  const socket = await HaTestSocket.connect(baseUrl, accessToken);
  try {
    return await socket.command<string>({ type: 'auth/long_lived_access_token', client_name: clientName, lifespan: 30 });
  } finally {
    await socket.close();
  }
}

import { z } from 'zod';
import { HubConfigError } from './errors.js';

/** Where the hub is and how to authenticate. */
const HubEndpointSchema = z.object({
  /** `standalone`: HA_URL + a long-lived token; `supervisor`: inside the add-on, through the Supervisor proxy. */
  mode: z.enum(['standalone', 'supervisor']),
  /** Base of the REST API, no trailing slash: `http://host:8123/api`, `http://supervisor/core/api`. */
  restBaseUrl: z.url({ protocol: /^https?$/ }),
  /** `ws://host:8123/api/websocket`, `ws://supervisor/core/websocket`. */
  websocketUrl: z.url({ protocol: /^wss?$/ }),
  token: z.string().min(1),
});
export type HubEndpoint = z.infer<typeof HubEndpointSchema>;

/** Explicit settings (CLI, options file) that win over HA_URL / HA_TOKEN. */
interface HubEndpointOverrides {
  url?: string | undefined;
  token?: string | undefined;
}

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;
const Setting = z.preprocess(blankToUndefined, z.string().optional());

const HubEnvSchema = z.object({
  HA_URL: Setting,
  HA_TOKEN: Setting,
  SUPERVISOR_TOKEN: Setting,
});

/** The hub's base address: http(s), a host, no query or fragment; trailing slashes dropped. */
const BaseUrlSchema = z
  .string()
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a URL (expected e.g. http://homeassistant.local:8123)' });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `must start with http:// or https://, not ${url.protocol}//` });
      return z.NEVER;
    }
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not carry a query, a fragment or credentials' });
      return z.NEVER;
    }
    const path = url.pathname.replace(/\/+$/, '');
    if (/\/api(\/websocket)?$/.test(path)) {
      ctx.addIssue({ code: 'custom', message: 'must be the base address without /api (e.g. http://homeassistant.local:8123)' });
      return z.NEVER;
    }
    return `${url.protocol}//${url.host}${path}`;
  });

/** Base of Home Assistant's APIs behind the Supervisor, as seen from an add-on. */
const SUPERVISOR_CORE_URL = 'http://supervisor/core';

/**
 * Resolves where the hub is. `overrides` win over `HA_URL`/`HA_TOKEN`; an explicit URL wins over
 * add-on mode; with none, `SUPERVISOR_TOKEN` selects add-on mode. Returns null when no hub is configured.
 * Throws HubConfigError for a half or malformed configuration.
 */
export function resolveHubEndpoint(
  env: Record<string, string | undefined>,
  overrides: HubEndpointOverrides = {},
): HubEndpoint | null {
  const parsedEnv = HubEnvSchema.parse(env);
  const url = blankToUndefined(overrides.url) ?? parsedEnv.HA_URL;
  const token = blankToUndefined(overrides.token) ?? parsedEnv.HA_TOKEN;

  if (typeof url === 'string') {
    const base = BaseUrlSchema.safeParse(url);
    if (!base.success) {
      throw new HubConfigError(`HA_URL "${url}" ${base.error.issues[0]?.message ?? 'is invalid'}`);
    }
    if (typeof token !== 'string') {
      throw new HubConfigError(
        `HA_URL is set to ${base.data} but HA_TOKEN is missing: create a long-lived access token in your ` +
          'Home Assistant profile (Security tab) and set HA_TOKEN',
      );
    }
    return HubEndpointSchema.parse({
      mode: 'standalone',
      restBaseUrl: `${base.data}/api`,
      websocketUrl: `${base.data.replace(/^http/, 'ws')}/api/websocket`,
      token,
    });
  }
  if (parsedEnv.SUPERVISOR_TOKEN !== undefined) {
    return HubEndpointSchema.parse({
      mode: 'supervisor',
      restBaseUrl: `${SUPERVISOR_CORE_URL}/api`,
      websocketUrl: `${SUPERVISOR_CORE_URL.replace(/^http/, 'ws')}/websocket`,
      token: parsedEnv.SUPERVISOR_TOKEN,
    });
  }
  if (typeof token === 'string') {
    throw new HubConfigError('HA_TOKEN is set but HA_URL is missing: set HA_URL to e.g. http://homeassistant.local:8123');
  }
  return null;
}

import { z } from 'zod';

/** `api`: where the REST API listens and what it accepts. */
export const ApiConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(8000),
  /** Request bodies larger than this are refused with 413. */
  body_limit_bytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** Browser origins allowed to call the API (CORS); empty: CORS off. `*` allows any. */
  cors_origins: z.array(z.string().min(1)).default([]),
  /** Serve on a non-loopback address without ML_METRICS_API_TOKEN (`--insecure`). */
  insecure: z.boolean().default(false),
  /**
   * Home Assistant ingress (the add-on's sidebar panel): a second listener that only the
   * Supervisor's ingress proxy may connect to, whose requests need no token (the Supervisor
   * authenticated the user). null: off (standalone).
   */
  ingress: z
    .strictObject({
      host: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(1).max(65_535),
      allowed_address: z.string().min(1).default('172.30.32.2'),
    })
    .nullable()
    .default(null),
});
export type ApiConfig = z.infer<typeof ApiConfigSchema>;

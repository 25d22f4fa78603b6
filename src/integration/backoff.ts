/** Exponential backoff: `initialDelayMs`, then times `factor` per attempt, capped at `maxDelayMs`. */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 1000, maxDelayMs: 30_000, factor: 2 };

/** Delay before the next try after failed attempt number `attempt` (1-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** exponent);
}

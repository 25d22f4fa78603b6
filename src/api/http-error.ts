import type { InputIssue } from '../tracker/errors.js';

/** A refusal decided by the HTTP layer itself (bad JSON, body too large, unknown path, no token). */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly issues: InputIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

import { z } from 'zod';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  StorageUnavailableError,
} from '../tracker/errors.js';
import { HttpError } from './http-error.js';

/** The body of every error response. */
export const ErrorBodySchema = z.object({
  /** One sentence a user can act on. */
  error: z.string(),
  /** Validation problems, by field; empty when the error is not about the input's fields. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** True when the error was not foreseen (a bug): log it with its stack, never show it. */
  unexpected: boolean;
}

export const INTERNAL_ERROR_MESSAGE = 'internal error; see the service log';

/** Maps anything thrown while handling a request to a status and an error body. */
export function toErrorResponse(error: unknown): ErrorResponse {
  const known = (status: number, message: string, issues: ErrorBody['issues'] = [], headers: Record<string, string> = {}): ErrorResponse => ({
    status,
    body: { error: message, issues },
    headers,
    unexpected: false,
  });
  if (error instanceof HttpError) return known(error.status, error.message, error.issues, error.headers);
  if (error instanceof InvalidInputError) return known(400, error.message, error.issues);
  if (error instanceof NotFoundError) return known(404, error.message);
  if (error instanceof ConflictError) return known(409, error.message);
  if (error instanceof StorageUnavailableError) return known(503, error.message);
  return { status: 500, body: { error: INTERNAL_ERROR_MESSAGE, issues: [] }, headers: {}, unexpected: true };
}
